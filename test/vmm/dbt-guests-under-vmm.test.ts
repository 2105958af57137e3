// Every recorded guest under `dbt` (binary translation on the virtual CPU):
// deprivileged like `te`, but each sensitive and privileged instruction is a
// callout on the virtual CPU and every event is delivered on it, so the guest
// sees exactly what bare metal shows: QEMU's output, interp's retired count.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/machine.js';
import { guestRuns, type GuestRun } from '../guests/guest-runs.js';

function run(g: GuestRun, engine: string): { serial: string; kind: string; status: number; insns: number; m: Machine } {
  let serial = '';
  const m = new Machine({ engine, onSerialOutput: (b) => (serial += String.fromCharCode(b)) });
  m.load(new Uint8Array(readFileSync(g.image)), { cmdline: g.cmdline, imageName: g.image.split('/').pop() });
  const r = m.run({ maxInsns: 300_000_000 });
  return { serial, kind: r.kind, status: r.kind === 'exit' ? (r.exitStatus ?? 1) & 0xff : -1, insns: r.instructions, m };
}

describe('guests under dbt (the VMM)', () => {
  for (const g of guestRuns()) {
    it(`${g.guest}/${g.name}: identical to interp and QEMU`, { timeout: 300_000 }, () => {
      const out = run(g, 'dbt');
      expect(out.kind).toBe('exit');
      expect(out.serial).toBe(g.serial);
      expect(out.status).toBe(g.exitStatus);
      expect(out.insns).toBe(run(g, 'interp').insns);
    });
  }
});
