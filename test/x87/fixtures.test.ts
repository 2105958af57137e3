// Replays the x87 fixtures recorded on the real CPU (scripts/x87-oracle) through
// our interpreter. Masks (test/x87/x87-fixture.ts and each shard's note):
// FIP/FCS/FOP/FDP/FDS of every FNSAVE/FNSTENV image (the model does not record
// the last instruction's pointers), and for the constant and transcendental
// families the 80-bit registers and PE/C1 (the processor's values are wider
// than the model's doubles; their m64fp results are compared instead).
import { describe, expect, it } from 'vitest';
import { compareX87, loadX87Shards, runX87Case } from './x87-fixture.js';

const shards = loadX87Shards();

describe('x87 fixtures from the real CPU', () => {
  it('has every family', () => {
    expect(shards.map((s) => s.family).sort()).toEqual(['arith', 'compare', 'constants', 'control', 'functions', 'load-store', 'transcendental']);
  });
  for (const shard of shards) {
    it(`${shard.family}: ${shard.cases.length} cases replay with no mismatch`, () => {
      expect(shard.cases.length).toBeGreaterThan(0);
      const failures: string[] = [];
      for (const c of shard.cases) {
        const d = compareX87(c, runX87Case(c));
        if (d.length > 0) failures.push(`${c.n}: ${d.slice(0, 4).join('; ')}`);
      }
      expect(failures.slice(0, 10)).toEqual([]);
    });
  }
});
