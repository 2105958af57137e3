// Replays every recorded real-CPU case (test/fixtures/cpu) and the committed
// slice of random instruction sequences on the interpreter: 0 mismatches on
// the defined state (registers, EFLAGS under the recorded masks, data area,
// vector, error code, EIP).
import { describe, expect, it } from 'vitest';
import { loadCpuFixtures, loadRandomSequences, readIndex, sequenceShards } from '../support/cpu-fixture.js';
import { FixtureReplayer } from './fixture-replay.js';

const replayer = new FixtureReplayer();
const index = readIndex();

function mismatches(cases: ReturnType<typeof loadCpuFixtures>): string[] {
  const out: string[] = [];
  for (const c of cases) {
    const d = replayer.replay(c);
    if (d.length > 0) out.push(`${c.name} [${c.forms.join('; ')}]: ${d.join(', ')}`);
  }
  return out;
}

describe('real-CPU fixtures', () => {
  it('cover at least 20,000 single-form cases', () => {
    expect(index.shards.reduce((n, s) => n + s.cases, 0)).toBeGreaterThanOrEqual(20_000);
  });

  for (const shard of index.shards) {
    it(`${shard.family}: ${shard.cases} cases match`, () => {
      const cases = loadCpuFixtures([shard.family]);
      expect(cases.length).toBe(shard.cases);
      expect(mismatches(cases).slice(0, 20)).toEqual([]);
    });
  }

  it('random instruction sequences match', () => {
    const cases = loadRandomSequences();
    expect(cases.length).toBe(sequenceShards(index).reduce((n, s) => n + s.count, 0));
    expect(cases.length).toBeGreaterThan(0);
    expect(mismatches(cases).slice(0, 20)).toEqual([]);
  });
});
