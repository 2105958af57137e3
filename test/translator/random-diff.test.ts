// Random programs (test/translator/random-programs.ts) under the interpreter
// and the dbt engine, compared at every block boundary and by memory at the
// end: a fixed-seed slice here; `npm run fuzz:dbt` runs as many as asked.
import { describe, expect, it } from 'vitest';
import { DiffPair } from './harness.js';
import { randomProgram } from './random-programs.js';

function check(pair: DiffPair, seed: number, slice: number): string | null {
  const p = randomProgram(seed);
  pair.load(p.code, (c) => {
    c.setRegs(p.regs);
    c.setEflags(p.eflags);
  });
  // One block per run compares every block boundary; longer slices let translated blocks chain.
  return slice === 1 ? pair.compareByBlock(2000) : pair.compareBySlices(slice, 20_000);
}

describe('random programs: dbt against interp', () => {
  for (const [name, options] of [
    ['translate at once', { hot: 0 }],
    ['hot after 2 runs', { hot: 2 }],
    ['no chaining', { hot: 0, chain: false }],
    ['tiny cache, FIFO', { hot: 0, tcSize: 3, policy: 'fifo' as const }],
    ['tiny cache, flush', { hot: 1, tcSize: 2, policy: 'flush' as const }],
  ] as const) {
    it(`${name}: 0 divergences in 150 programs`, { timeout: 120_000 }, () => {
      const pair = new DiffPair(options);
      const failures: string[] = [];
      for (let seed = 1; seed <= 150; seed++) {
        for (const slice of [1, 37]) {
          const d = check(pair, seed * 7919 + name.length, slice);
          if (d !== null) failures.push(`seed ${seed * 7919 + name.length}, slices of ${slice}: ${d}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
