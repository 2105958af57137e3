// Every recorded guest run (guests/*/guest.json, bench runs excluded) under
// the interp engine: the exact serial output and exit status QEMU recorded.
import { describe, expect, it } from 'vitest';
import { guestRuns, runGuest } from './guest-runs.js';

const runs = guestRuns();

describe('guests under interp', () => {
  it('finds the recorded guests', () => {
    expect(runs.length).toBeGreaterThan(10);
  });
  for (const run of runs) {
    it(`${run.guest}/${run.name}`, { timeout: 120_000 }, () => {
      const out = runGuest(run, 'interp', 200_000_000);
      expect(out.result.kind, out.result.reason).toBe('exit');
      expect(out.serial).toBe(run.serial);
      expect(out.exitStatus).toBe(run.exitStatus);
    });
  }
});
