// Every recorded guest run under dbt — default settings, translate-at-once
// (--hot 0) and without chaining (--no-chain) — must print QEMU's serial
// output, exit with its status, and retire exactly as many instructions as
// under interp (same virtual time: DESIGN decision 5). The smc guest's
// invalidations must show in the statistics.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/machine.js';
import { guestRuns, type GuestRun } from '../guests/guest-runs.js';

function run(g: GuestRun, engine: string, tuning: Record<string, number | boolean> = {}): { serial: string; kind: string; status: number; insns: number; m: Machine } {
  let serial = '';
  const m = new Machine({ engine, engineTuning: tuning, onSerialOutput: (b) => (serial += String.fromCharCode(b)) });
  m.load(new Uint8Array(readFileSync(g.image)), { cmdline: g.cmdline, imageName: g.image.split('/').pop() });
  const r = m.run({ maxInsns: 200_000_000 });
  return { serial, kind: r.kind, status: r.kind === 'exit' ? (r.exitStatus ?? 1) & 0xff : -1, insns: r.instructions, m };
}

const runs = guestRuns();

describe('guests under dbt', () => {
  for (const g of runs) {
    it(`${g.guest}/${g.name}: identical to interp and QEMU`, { timeout: 300_000 }, () => {
      const ref = run(g, 'interp');
      const variants: Record<string, number | boolean>[] = [{}, { hot: 0 }, { chain: false }];
      for (const tuning of variants) {
        const out = run(g, 'dbt', tuning);
        const what = `${JSON.stringify(tuning)}`;
        expect(out.kind, what).toBe('exit');
        expect(out.serial, what).toBe(g.serial);
        expect(out.status, what).toBe(g.exitStatus);
        expect(out.insns, what).toBe(ref.insns);
      }
    });
  }

  it('smc: invalidations show in the statistics', { timeout: 120_000 }, () => {
    const g = runs.find((r) => r.guest === 'smc')!;
    const out = run(g, 'dbt', { hot: 0 });
    const cache = out.m.stats().find((s) => s.title === 'dbt translation cache')!;
    const row = (name: string): number => Number(cache.rows.find((r) => r.name === name)?.value);
    expect(row('invalidations (frames)')).toBeGreaterThan(0);
    expect(row('invalidated blocks')).toBeGreaterThan(0);
  });
});
