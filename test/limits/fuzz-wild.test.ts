// A fixed-seed slice of `npm run fuzz:wild` (scripts/fuzz-wild): every kind
// of wild case under interp and dbt with the case's switches, judged by the
// fuzzer's own rules. The full runs are recorded in docs/limits.md.
import { describe, expect, it } from 'vitest';
import { CASE_KINDS, wildCase } from '../../scripts/fuzz-wild/cases.js';
import { judge, runCase } from '../../scripts/fuzz-wild/run-case.js';

const SEEDS = Array.from({ length: 24 }, (_, k) => 7001 + k);

describe('fuzz:wild, a fixed slice', () => {
  it('covers every case kind', () => {
    expect(new Set(SEEDS.map((s) => wildCase(s).kind))).toEqual(new Set(CASE_KINDS));
  });
  it('cases are made from their seed alone', () => {
    expect(wildCase(7003).image).toEqual(wildCase(7003).image);
    expect(wildCase(7003).image).not.toEqual(wildCase(7007).image);
  });
  it('the judge fails what the issue names: a late run, a timeout, a throw, any difference', () => {
    const ok = { engine: 'interp', kind: 'insn-limit', reason: '', instructions: 100, eip: 1, regsHash: 2, serialBytes: 0, serialHash: 3, serialHead: '', wallSeconds: 0.1 };
    const dbt = { ...ok, engine: 'dbt' };
    expect(judge(ok, dbt)).toBeNull();
    expect(judge(ok, { ...dbt, wallSeconds: 13 })).toMatch(/past its 10 s timeout/);
    expect(judge(ok, { ...dbt, kind: 'timeout' })).toMatch(/did not reach its instruction limit/);
    expect(judge(ok, { ...dbt, crash: 'TypeError: x\n at y' })).toMatch(/dbt threw: TypeError/);
    expect(judge(ok, { ...dbt, instructions: 101 })).toMatch(/instructions differs/);
    expect(judge(ok, { ...dbt, serialHash: 4 })).toMatch(/serialHash differs/);
    expect(judge(ok, { ...dbt, regsHash: 9 })).toMatch(/regsHash differs/);
  });
  for (const seed of SEEDS) {
    const c = wildCase(seed);
    it(`seed ${seed} (${c.kind}, ${JSON.stringify(c.dbt)}, ${c.maxInsns} instructions) ends the same under both engines, in time`, { timeout: 60_000 }, () => {
      const ref = runCase(c, 'interp');
      const dut = runCase(c, 'dbt', c.dbt);
      expect(judge(ref, dut)).toBeNull();
    });
  }
});
