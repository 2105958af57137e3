import { describe, expect, it } from 'vitest';
import { formatStatsTable, statsToJson, type StatsReport } from '../../src/stats/report.js';

const report: StatsReport = [
  { title: 'execution', rows: [{ name: 'instructions retired', value: 1234567 }, { name: 'speed', value: 61.234, unit: 'MIPS' }] },
  { title: 'empty', rows: [] },
  { title: 'exceptions', rows: [{ name: '#GP', value: 3 }] },
];

describe('stats report', () => {
  it('aligns values and skips empty sections', () => {
    const text = formatStatsTable(report);
    expect(text).toContain('1,234,567');
    expect(text).toContain('61.23 MIPS');
    expect(text).not.toContain('empty');
    const valueColumns = text.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trimEnd().replace(/ MIPS$/, '').length);
    expect(new Set(valueColumns).size).toBe(1);
  });
  it('converts to nested JSON', () => {
    expect(statsToJson(report)).toEqual({
      execution: { 'instructions retired': 1234567, speed: 61.234 },
      empty: {},
      exceptions: { '#GP': 3 },
    });
  });
});
