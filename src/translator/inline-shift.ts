// Inline emitters for SHL/SAL, SHR and SAR by a constant count (1 or imm8)
// and the truncating IMUL forms, at 32 bits. Their flags are eager, computed
// exactly as src/semantics/shift.ts shiftOp and muldiv.ts imulTrunc do (AF
// cleared; OF from the same formula whatever the count). A count that masks
// to 0 changes nothing and is left to the handler (it still checks the
// memory operand for writing); CL counts and other widths call the handlers.
import { CF, OF } from '../arch/flags.js';
import type { CachedInsn } from '../interp/cached-insn.js';
import type { InlineEmitter } from './codegen.js';
import { canRM, readRM } from './operands.js';
import type { Expr } from './wasm.js';

const enum Kind {
  SHL = 4,
  SHR = 5,
  SAR = 7,
}

function shift(kind: Kind, countOf: (i: CachedInsn) => number): InlineEmitter {
  return (g, i) => {
    const n = countOf(i) & 31;
    if (n === 0 || !canRM(g, i, true)) return false;
    const w = g.w;
    const apply = (dExpr: Expr): Expr => {
      const d = g.temp();
      const res = g.temp();
      g.push(w.set(d, dExpr));
      const cf = g.temp();
      let of: Expr;
      if (kind === Kind.SHL) {
        g.push(w.set(res, w.shl(w.get(d), w.c(n))));
        g.push(w.set(cf, w.and(w.shrU(w.get(d), w.c(32 - n)), w.c(1))));
        of = w.xor(w.shrU(w.get(res), w.c(31)), w.get(cf));
      } else if (kind === Kind.SHR) {
        g.push(w.set(res, w.shrU(w.get(d), w.c(n))));
        g.push(w.set(cf, w.and(w.shrU(w.get(d), w.c(n - 1)), w.c(1))));
        of = w.shrU(w.get(d), w.c(31));
      } else {
        g.push(w.set(res, w.shrS(w.get(d), w.c(n))));
        g.push(w.set(cf, w.and(w.shrS(w.get(d), w.c(n - 1)), w.c(1))));
        of = w.c(0);
      }
      const cfOf = g.temp();
      // CF is bit 0, OF bit 11.
      g.push(w.set(cfOf, w.or(w.mul(w.get(cf), w.c(CF)), w.shl(w.and(of, w.c(1)), w.c(11)))));
      g.setEagerFlags(w.or(g.szp(w.get(res), 32), w.get(cfOf)));
      return w.get(res);
    };
    if (!i.hasMem) {
      g.setReg32(i.rm, apply(g.reg32(i.rm)));
      return true;
    }
    const m = g.rmw(4, i.seg, g.ea(i));
    m.finish(apply(m.value));
    return true;
  };
}

/** IMUL r32, r/m32 and IMUL r32, r/m32, imm: truncated product, CF = OF = the product did not fit. */
function imul(withImm: boolean): InlineEmitter {
  return (g, i) => {
    if (!canRM(g, i, false)) return false;
    const w = g.w;
    const a = g.temp();
    const b = g.temp();
    const lo = g.temp();
    g.push(w.set(b, readRM(g, i, 32)));
    g.push(w.set(a, withImm ? w.c(i.imm) : g.reg32(i.reg)));
    g.push(w.set(lo, w.mul(w.get(a), w.get(b))));
    const sig = w.imulOverflows(w.get(a), w.get(b), w.get(lo));
    g.setEagerFlags(w.or(g.szp(w.get(lo), 32), w.mul(sig, w.c(CF | OF))));
    g.setReg32(i.reg, w.get(lo));
    return true;
  };
}

export function registerInlineShift(def: (instruction: string, e: InlineEmitter) => void): void {
  const kinds: [Kind, string][] = [
    [Kind.SHL, 'SHL'],
    [Kind.SHL, 'SAL'],
    [Kind.SHR, 'SHR'],
    [Kind.SAR, 'SAR'],
  ];
  for (const [kind, name] of kinds) {
    def(`${name} r/m32, 1`, shift(kind, () => 1));
    def(`${name} r/m32, imm8`, shift(kind, (i) => i.imm));
  }
  def('IMUL r32, r/m32', imul(false));
  def('IMUL r32, r/m32, imm8', imul(true));
  def('IMUL r32, r/m32, imm32', imul(true));
}
