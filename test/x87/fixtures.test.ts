// Replays the x87 fixtures recorded on the real CPU (scripts/x87-oracle) through
// our interpreter. Masks (test/x87/x87-fixture.ts and each shard's note):
// FIP/FCS/FOP/FDP/FDS of every FNSAVE/FNSTENV image (the model does not record
// the last instruction's pointers), and for the constant and transcendental
// families the 80-bit registers and PE/C1 (the processor's values are wider
// than the model's doubles; their m64fp results are compared instead).
import { describe, expect, it } from 'vitest';
import { FORMS } from '../../src/arch/table.js';
import { decode } from '../../src/decoder/decode.js';
import { DecodeStatus, Insn } from '../../src/decoder/insn.js';
import { hexToBytes } from '../support/cpu-fixture.js';
import { compareX87, loadX87Shards, runX87Case } from './x87-fixture.js';

const shards = loadX87Shards();

describe('x87 fixtures from the real CPU', () => {
  it('has every family', () => {
    expect(shards.map((s) => s.family).sort()).toEqual(['arith', 'compare', 'constants', 'control', 'functions', 'load-store', 'sequences', 'transcendental']);
  });
  it('runs every x87 form of the table (D8-DF and WAIT) in some case', () => {
    const seen = new Set<number>();
    const insn = new Insn();
    for (const shard of shards) {
      for (const c of shard.cases) {
        const code = hexToBytes(c.code);
        for (let pos = 0; pos < code.length; pos += insn.length) {
          expect(decode(code, pos, code.length, true, insn)).toBe(DecodeStatus.OK);
          seen.add(insn.form);
        }
      }
    }
    const x87 = FORMS.filter((f) => f.map === 0 && ((f.bytes[0] >= 0xd8 && f.bytes[0] <= 0xdf) || f.bytes[0] === 0x9b));
    expect(x87.length).toBe(130);
    expect(x87.filter((f) => !seen.has(f.id)).map((f) => f.instruction)).toEqual([]);
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
