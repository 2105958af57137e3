// Inline emitters for BSF/BSR r32, r/m32, as src/semantics/bit.ts scan: a
// zero source sets ZF and leaves the destination alone, else the bit index
// goes to the destination and ZF is cleared. Only ZF is defined here: the
// other arithmetic flags keep their values, made concrete as lazy-flags.ts
// setEager does (from the locals, or derived from memory at run time).
import { ZF } from '../arch/flags.js';
import type { InlineEmitter } from './codegen.js';
import { canRM, readRM } from './operands.js';

function scan(reverse: boolean): InlineEmitter {
  return (g, i) => {
    if (!canRM(g, i, false)) return false;
    const w = g.w;
    const now = g.flagsDead ? null : g.arithFlagsNow(ZF);
    const v = g.temp();
    g.push(w.set(v, readRM(g, i, 32)));
    if (now !== null) {
      // EFLAGS bit 1 is forced when a lazy record is materialized (lazy-flags.ts materialize).
      const bit1 = now.materializes ? 2 : 0;
      g.setEagerFlags(w.or(w.or(w.and(now.value, w.c(~ZF)), w.mul(w.eqz(w.get(v)), w.c(ZF))), w.c(bit1)));
    }
    const idx = reverse ? w.sub(w.c(31), w.clz(w.get(v))) : w.ctz(w.get(v));
    g.setReg32(i.reg, w.select(w.get(v), idx, g.reg32(i.reg)));
    return true;
  };
}

export function registerInlineBit(def: (instruction: string, e: InlineEmitter) => void): void {
  def('BSF r32, r/m32', scan(false));
  def('BSR r32, r/m32', scan(true));
}
