// Run statistics as data: components contribute titled sections of rows; the
// CLI prints them as an aligned table (--stats) or as JSON (--stats-json).

export type StatValue = number | string;

export interface StatRow {
  name: string;
  value: StatValue;
  /** Unit shown after the value in the table ("%", "MIPS", "s"…). */
  unit?: string;
}

export interface StatSection {
  title: string;
  rows: StatRow[];
}

export type StatsReport = StatSection[];

function formatValue(v: StatValue): string {
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
}

/** An aligned, human-readable table: one block per section. */
export function formatStatsTable(report: StatsReport): string {
  const nameWidth = Math.max(8, ...report.flatMap((s) => s.rows.map((r) => r.name.length)));
  const valueWidth = Math.max(6, ...report.flatMap((s) => s.rows.map((r) => formatValue(r.value).length)));
  const lines: string[] = [];
  for (const section of report) {
    if (section.rows.length === 0) continue;
    lines.push(`── ${section.title} ${'─'.repeat(Math.max(0, nameWidth + valueWidth - section.title.length))}`);
    for (const r of section.rows) {
      lines.push(`  ${r.name.padEnd(nameWidth)}  ${formatValue(r.value).padStart(valueWidth)}${r.unit ? ' ' + r.unit : ''}`);
    }
  }
  return lines.join('\n');
}

/** JSON form: { "<section>": { "<row>": value } }, keys as written. */
export function statsToJson(report: StatsReport): Record<string, Record<string, StatValue>> {
  const out: Record<string, Record<string, StatValue>> = {};
  for (const section of report) {
    const rows: Record<string, StatValue> = {};
    for (const r of section.rows) rows[r.name] = r.value;
    out[section.title] = rows;
  }
  return out;
}
