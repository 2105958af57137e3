// The sensitive-instruction matrix: what the `sensitive` probe guest saw at
// each virtual privilege level, per engine, set against bare metal. The
// guest prints one line per observation, "<what>: cpl0 X cpl3 Y cpl3io3 Z";
// this module parses those lines, lines engines up by observation, and marks
// every cell where an engine's guest saw something bare metal would not show.
import { vectorName } from '../cpu/exceptions.js';

/** The privilege levels the probe observes from, in its column order. */
export const LEVELS = ['cpl0', 'cpl3', 'cpl3io3'] as const;
export type Level = (typeof LEVELS)[number];

export const LEVEL_TITLES: Record<Level, string> = {
  cpl0: 'virtual CPL 0 (the guest kernel)',
  cpl3: 'virtual CPL 3, IOPL 0 (guest user code)',
  cpl3io3: 'virtual CPL 3, IOPL 3 (guest user code granted I/O)',
};

/** One engine's observations: observation name → value per level. */
export interface ProbeResult {
  observations: Map<string, Record<Level, number>>;
  /** The guest's own verdict: how many of its architectural checks failed (-1: it never said). */
  failures: number;
}

const OBSERVATION = /^(.+): cpl0 (0x[0-9a-f]{8}) cpl3 (0x[0-9a-f]{8}) cpl3io3 (0x[0-9a-f]{8})$/;
const VERDICT = /^sensitive: done, failures (\d+)$/m;

/** Parses the probe's serial output. */
export function parseProbe(serial: string): ProbeResult {
  const observations = new Map<string, Record<Level, number>>();
  for (const line of serial.split('\n')) {
    const m = OBSERVATION.exec(line.trim());
    if (!m) continue;
    observations.set(m[1], { cpl0: Number(m[2]), cpl3: Number(m[3]), cpl3io3: Number(m[4]) });
  }
  const v = VERDICT.exec(serial);
  return { observations, failures: v ? Number(v[1]) : -1 };
}

// The probe's sentinels (guests/sensitive/sensitive.asm).
const NO_FAULT = 0xffffffff;
const ZF_CLEAR = 0xeeeeeeee;

/** A cell as a reader wants it: faults by name, the sentinels in words, values in hex. */
export function formatValue(observation: string, value: number): string {
  if (observation.endsWith(': fault')) {
    if (value === NO_FAULT) return 'no fault';
    const vector = value >>> 16;
    return `${vectorName(vector)}(${(value & 0xffff).toString(16)})`;
  }
  if (value === ZF_CLEAR) return 'ZF=0';
  if (value === NO_FAULT && /pushed ss/.test(observation)) return 'none';
  return '0x' + value.toString(16);
}

export interface MatrixColumn {
  engine: string;
  result: ProbeResult;
}

/** Cells (observation, level) where a column differs from the reference column. */
export function differences(reference: ProbeResult, column: ProbeResult): { observation: string; level: Level }[] {
  const out: { observation: string; level: Level }[] = [];
  for (const [name, ref] of reference.observations) {
    const got = column.observations.get(name);
    for (const level of LEVELS) if (got === undefined || got[level] !== ref[level]) out.push({ observation: name, level });
  }
  return out;
}

/**
 * The matrix as text: one table per privilege level, a row per observation,
 * a column per engine; the first column is the reference (bare metal) and
 * a '*' marks every cell that differs from it.
 */
export function formatMatrix(columns: readonly MatrixColumn[]): string {
  const [reference] = columns;
  const names = [...reference.result.observations.keys()];
  const nameWidth = Math.max(...names.map((n) => n.length)) + 2;
  const cellWidth = Math.max(12, ...columns.map((c) => c.engine.length + 2));
  const lines: string[] = [];
  for (const level of LEVELS) {
    lines.push(`── ${LEVEL_TITLES[level]} `.padEnd(nameWidth + cellWidth * columns.length, '─'));
    lines.push(''.padEnd(nameWidth) + columns.map((c) => c.engine.padEnd(cellWidth)).join('').trimEnd());
    for (const name of names) {
      const ref = reference.result.observations.get(name)![level];
      const cells = columns.map((c) => {
        const v = c.result.observations.get(name)?.[level];
        if (v === undefined) return 'missing *'.padEnd(cellWidth);
        return (formatValue(name, v) + (v !== ref ? ' *' : '')).padEnd(cellWidth);
      });
      lines.push(name.padEnd(nameWidth) + cells.join('').trimEnd());
    }
    lines.push('');
  }
  lines.push(`* differs from ${reference.engine}`);
  for (const c of columns.slice(1)) {
    const d = differences(reference.result, c.result);
    const verdict = c.result.failures < 0 ? 'did not finish' : `${c.result.failures} architectural check(s) failed`;
    lines.push(`${c.engine}: ${d.length} cell(s) differ; the guest says ${verdict}`);
  }
  return lines.join('\n');
}
