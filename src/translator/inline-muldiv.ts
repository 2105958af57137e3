// Inline emitters for the one-operand 32-bit MUL/IMUL and DIV forms, as
// src/semantics/muldiv.ts: EDX:EAX = EAX * src with CF = OF = "the high half
// is significant" and SF ZF PF from the low half (AF 0); DIV divides EDX:EAX.
// A zero divisor or a quotient that does not fit (#DE) calls the handler on a
// cold path, which raises the fault with the state the interpreter leaves.
import { CF, OF } from '../arch/flags.js';
import type { InlineEmitter } from './codegen.js';
import { canRM, readRM } from './operands.js';

const EAX = 0;
const EDX = 2;

function mul(signed: boolean): InlineEmitter {
  return (g, i) => {
    if (!canRM(g, i, false)) return false;
    const w = g.w;
    const s = g.temp();
    const a = g.temp();
    const lo = g.temp();
    const hi = g.temp();
    g.push(w.set(s, readRM(g, i, 32)));
    g.push(w.set(a, g.reg32(EAX)));
    g.push(w.set(lo, w.mul(w.get(a), w.get(s))));
    g.push(w.set(hi, w.mulHigh(w.get(a), w.get(s), signed)));
    const significant = signed ? w.ne(w.get(hi), w.shrS(w.get(lo), w.c(31))) : w.ne(w.get(hi), w.c(0));
    g.setEagerFlags(w.or(g.szp(w.get(lo), 32), w.mul(significant, w.c(CF | OF))));
    g.setReg32(EAX, w.get(lo));
    g.setReg32(EDX, w.get(hi));
    return true;
  };
}

/** DIV r/m32: flags are left alone (SDM: undefined; the handler keeps them). */
const div: InlineEmitter = (g, i) => {
  if (!canRM(g, i, false)) return false;
  const w = g.w;
  const s = g.temp();
  const hi = g.temp();
  const lo = g.temp();
  const q = g.temp();
  const r = g.temp();
  g.push(w.set(s, readRM(g, i, 32)));
  g.push(w.set(hi, g.reg32(EDX)));
  g.push(w.set(lo, g.reg32(EAX)));
  // #DE: divisor 0, or EDX >= divisor (the quotient needs more than 32 bits).
  g.push(
    w.if(
      w.or(w.eqz(w.get(s)), w.geU(w.get(hi), w.get(s))),
      g.coldHandler([EAX, EDX], [q, r]),
      [w.set(q, w.divU64(w.get(hi), w.get(lo), w.get(s), false)), w.set(r, w.divU64(w.get(hi), w.get(lo), w.get(s), true))],
    ),
  );
  g.setReg32(EAX, w.get(q));
  g.setReg32(EDX, w.get(r));
  return true;
};

export function registerInlineMulDiv(def: (instruction: string, e: InlineEmitter) => void): void {
  def('MUL r/m32', mul(false));
  def('IMUL r/m32', mul(true));
  def('DIV r/m32', div);
}
