// DESIGN decision 10: random bytes run as a kernel (CPL 0, with an IDT of
// random gates, random descriptor tables and, for half the seeds, random page tables) end in a typed result — exit,
// halt, triple fault, unsupported instruction or the instruction limit —
// never a host exception, and never a write to the VMM's part of the memory.
// Both engines run every seed and must end it the same way.
import { describe, expect, it } from 'vitest';
import * as L from '../../src/cpu/layout.js';
import { Machine } from '../../src/machine.js';
import { writeCr0 } from '../../src/system/control-insns.js';
import { DBT_BASE } from '../../src/translator/abi.js';

/** xorshift32: deterministic bytes per seed. */
function bytes(seed: number, n: number): Uint8Array {
  let x = seed | 1;
  const out = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[k] = x & 0xff;
  }
  return out;
}

/** The VMM scratch area minus the translator's own words (exit slot, counters, jump cache). */
const GUARDED_END = DBT_BASE;

function runWild(seed: number, engine: string): { kind: string; reason: string; instructions: number; scratchKept: boolean } {
  const m = new Machine({ memMB: 2, engine });
  const image = bytes(seed, 0x4000);
  m.load(image, { loadAddress: 0x10000 });
  // Random GDT/IDT contents: point both tables into the random image.
  m.editGuestState(() => {
  m.state.u32[L.GDTR_BASE >> 2] = 0x11000;
  m.state.u32[L.GDTR_LIMIT >> 2] = 0x3ff;
  m.state.u32[L.IDTR_BASE >> 2] = 0x12000;
  m.state.u32[L.IDTR_LIMIT >> 2] = 0x7ff;
  if (seed % 2 === 0) {
    // Paging through a random page directory (its PDEs point anywhere, in RAM or not).
    m.state.setCr(3, 0x13000);
    m.state.setCr(4, 0x10);
    writeCr0(m.cpu, 0x80000011);
  }
  });
  const scratch = m.state.u8.slice(L.SCRATCH_BASE, GUARDED_END);
  const r = m.run({ maxInsns: 20_000 });
  const scratchKept = Buffer.compare(m.state.u8.subarray(L.SCRATCH_BASE, GUARDED_END), scratch) === 0;
  return { kind: r.kind, reason: r.reason, instructions: r.instructions, scratchKept };
}

describe('wild guest code', () => {
  it('every seed ends in a typed stop, the same under interp and dbt', { timeout: 120_000 }, () => {
    const kinds = new Map<string, number>();
    for (let seed = 1; seed <= 100; seed++) {
      const ref = runWild(seed, 'interp');
      kinds.set(ref.kind, (kinds.get(ref.kind) ?? 0) + 1);
      expect(['exit', 'halted', 'triple-fault', 'insn-limit', 'unsupported']).toContain(ref.kind);
      expect(ref.reason.includes('\n')).toBe(false);
      // The VMM's scratch area in the same wasm memory is untouched.
      expect(ref.scratchKept, `seed ${seed}`).toBe(true);
      expect(runWild(seed, 'dbt'), `seed ${seed} under dbt`).toEqual(ref);
    }
    // The seeds reach several different endings (not, say, all the same early #UD).
    expect(kinds.size).toBeGreaterThan(2);
  });
});
