// A fixed-seed slice of the differential fuzzer (scripts/fuzz-decoder.ts):
// the same generator, judge and capstone allow-list, small enough for every
// test run. Any mismatch fails, and the slice must keep reaching most of the
// instruction table (a generator that stopped producing real instructions
// would otherwise pass by agreeing on noise).

import { describe, expect, it } from 'vitest';
import { FORMS } from '../../src/arch/table.js';
import { formatMismatches, runDifferential } from '../../scripts/fuzz/differential.js';

describe('decoder vs capstone (fuzz slice)', () => {
  it('agrees on 25,000 generated cases of 32-bit code', async () => {
    const result = await runDifferential({ count: 25_000, seed: 0x5eed32, code32: true, keepMismatches: 10 });
    expect(result.failed, formatMismatches(result, 10).join('\n')).toBe(0);
    expect(result.passed).toBe(25_000);
    expect(result.bothValid).toBeGreaterThan(12_500);
    expect(result.formsAgreed.size).toBeGreaterThan(0.85 * FORMS.length);
  });

  it('agrees on 10,000 generated cases of 16-bit code', async () => {
    const result = await runDifferential({ count: 10_000, seed: 0x5eed16, code32: false, keepMismatches: 10 });
    expect(result.failed, formatMismatches(result, 10).join('\n')).toBe(0);
    expect(result.passed).toBe(10_000);
    expect(result.bothValid).toBeGreaterThan(5_000);
    expect(result.formsAgreed.size).toBeGreaterThan(0.75 * FORMS.length);
  });
});
