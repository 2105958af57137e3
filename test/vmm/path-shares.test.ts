// The path shares (issue 14): every instruction of a run is counted on
// exactly one path at its virtual CPL, and the paths mean what they say.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/machine.js';

const SYSCALLS = join(import.meta.dirname, '..', '..', 'guests', 'syscalls', 'syscalls.elf');

function paths(engine: string): { retired: number; rows: Map<string, number>; sections: ReturnType<Machine['stats']> } {
  const m = new Machine({ engine });
  m.load(new Uint8Array(readFileSync(SYSCALLS)), { imageName: 'syscalls.elf' });
  const r = m.run({ maxInsns: 50_000_000 });
  expect(r.kind).toBe('exit');
  const sections = m.stats();
  const s = sections.find((x) => x.title === 'VMM paths by virtual CPL')!;
  return { retired: r.instructions, rows: new Map(s.rows.map((x) => [x.name, x.value as number])), sections };
}

const PATHS = ['direct (translated as themselves)', 'virtualized by callout on the virtual CPU', 'virtualized in place', 'interpreted (cold)', 'trapped and emulated'];

describe('path shares by virtual CPL', () => {
  for (const engine of ['dbt', 'te']) {
    it(`${engine}: the paths of each CPL add up to its instructions, and the CPLs to the run`, { timeout: 120_000 }, () => {
      const { retired, rows } = paths(engine);
      let all = 0;
      for (const cpl of [0, 3]) {
        const total = rows.get(`CPL ${cpl} instructions`)!;
        expect(total).toBeGreaterThan(0);
        const parts = PATHS.map((p) => rows.get(`CPL ${cpl} ${p}`)!);
        for (const n of parts) expect(n).toBeGreaterThanOrEqual(0);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        all += total;
      }
      expect(all).toBe(retired);
    });
  }

  it('dbt virtualizes at both CPLs and emulates nothing; te emulates and virtualizes nothing', { timeout: 120_000 }, () => {
    const dbt = paths('dbt');
    const te = paths('te');
    for (const cpl of [0, 3]) {
      expect(dbt.rows.get(`CPL ${cpl} virtualized by callout on the virtual CPU`)).toBeGreaterThan(0);
      expect(dbt.rows.get(`CPL ${cpl} trapped and emulated`)).toBe(0);
      expect(te.rows.get(`CPL ${cpl} virtualized by callout on the virtual CPU`)).toBe(0);
      expect(te.rows.get(`CPL ${cpl} virtualized in place`)).toBe(0);
    }
    expect(te.rows.get('CPL 0 trapped and emulated')).toBeGreaterThan(0);
    // Translated-code callouts are a part of all callouts (the rest ran in interpreted blocks).
    const onCpu = dbt.sections.find((x) => x.title === 'VMM callouts on the virtual CPU')!.rows.reduce((a, r) => a + (r.value as number), 0);
    const virtualized = dbt.rows.get('CPL 0 virtualized by callout on the virtual CPU')! + dbt.rows.get('CPL 3 virtualized by callout on the virtual CPU')!;
    expect(virtualized).toBeLessThanOrEqual(onCpu);
    expect(virtualized).toBeGreaterThan(onCpu / 4);
  });
});
