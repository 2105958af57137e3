// A fixed-seed slice of the differential fuzzer (scripts/fuzz-decoder.ts):
// the same generator and comparison, small enough for every test run.

import { describe, expect, it } from 'vitest';
import { formatMismatches, runDifferential } from '../../scripts/fuzz/differential.js';

describe('decoder vs capstone (fuzz slice)', () => {
  it('agrees on 25,000 generated cases of 32-bit code', async () => {
    const result = await runDifferential({ count: 25_000, seed: 0x5eed32, code32: true, keepMismatches: 10 });
    expect(result.failed, formatMismatches(result, 10).join('\n')).toBe(0);
    expect(result.passed).toBe(25_000);
  });

  it('agrees on 10,000 generated cases of 16-bit code', async () => {
    const result = await runDifferential({ count: 10_000, seed: 0x5eed16, code32: false, keepMismatches: 10 });
    expect(result.failed, formatMismatches(result, 10).join('\n')).toBe(0);
    expect(result.passed).toBe(10_000);
  });
});
