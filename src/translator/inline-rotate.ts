// Inline emitters for ROL and ROR r/m32 by a constant count (1 or imm8), as
// src/semantics/shift.ts shiftOp does: only CF and OF are defined (CF the bit
// rotated into the low or high end, OF from the top bits of the result); the
// other arithmetic flags keep their values, made concrete as lazy-flags.ts
// setEager does (from the locals, or derived from memory at run time).
// A count that masks to 0 changes nothing and is left to the handler (it
// still checks a memory operand for writing), as are CL counts.
import { CF, OF } from '../arch/flags.js';
import type { CachedInsn } from '../interp/cached-insn.js';
import type { InlineEmitter } from './codegen.js';
import { canRM, modifyRM32 } from './operands.js';
import type { Expr } from './wasm.js';

function rotate(left: boolean, countOf: (i: CachedInsn) => number): InlineEmitter {
  return (g, i) => {
    const n = countOf(i) & 31;
    if (n === 0 || !canRM(g, i, true)) return false;
    const w = g.w;
    if (g.flagsDead) {
      modifyRM32(g, i, (d) => (left ? w.rotl(d, w.c(n)) : w.rotr(d, w.c(n))));
      return true;
    }
    const now = g.arithFlagsNow(CF | OF);
    // The flags as they stand before the rotate (their locals may be reused below).
    const before = g.temp();
    g.push(w.set(before, now.value));
    const apply = (dExpr: Expr): Expr => {
      const res = g.temp();
      g.push(w.set(res, left ? w.rotl(dExpr, w.c(n)) : w.rotr(dExpr, w.c(n))));
      const top = w.shrU(w.get(res), w.c(31));
      const cf = left ? w.and(w.get(res), w.c(1)) : top;
      const of = left ? w.and(w.xor(top, w.get(res)), w.c(1)) : w.and(w.xor(top, w.shrU(w.get(res), w.c(30))), w.c(1));
      // EFLAGS bit 1 is forced when a lazy record is materialized (lazy-flags.ts materialize).
      const kept = w.or(w.and(w.get(before), w.c(~(CF | OF))), w.c(now.materializes ? 2 : 0));
      g.setEagerFlags(w.or(kept, w.or(cf, w.shl(of, w.c(11)))));
      return w.get(res);
    };
    modifyRM32(g, i, apply);
    return true;
  };
}

export function registerInlineRotate(def: (instruction: string, e: InlineEmitter) => void): void {
  def('ROL r/m32, 1', rotate(true, () => 1));
  def('ROL r/m32, imm8', rotate(true, (i) => i.imm));
  def('ROR r/m32, 1', rotate(false, () => 1));
  def('ROR r/m32, imm8', rotate(false, (i) => i.imm));
}
