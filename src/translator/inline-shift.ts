// Inline emitters for SHL/SAL, SHR, SAR, SHLD and SHRD by a constant count
// (1 or imm8) or by CL, and the truncating IMUL
// forms, at 32 bits. Their flags are eager, computed exactly as
// src/semantics/shift.ts shiftOp/doubleShift and muldiv.ts imulTrunc do (AF
// cleared; OF from the same formula whatever the count). A constant count
// that masks to 0 changes nothing and is left to the handler (it still checks
// the memory operand for writing); other widths call the handlers.
import { CF, OF } from '../arch/flags.js';
import type { CachedInsn } from '../interp/cached-insn.js';
import type { BlockCompiler, InlineEmitter } from './codegen.js';
import { canRM, modifyRM32, readRM } from './operands.js';
import type { Expr } from './wasm.js';

const ECX = 1;

const enum Kind {
  SHL = 4,
  SHR = 5,
  SAR = 7,
}

/** Result and CF|OF (as EFLAGS bits) of shift `kind` of local `d` by `n` (1..31). */
function shiftValue(g: BlockCompiler, kind: Kind, d: number, n: () => Expr): { res: number; cfOf: number } {
  const w = g.w;
  const res = g.temp();
  const cf = g.temp();
  let of: Expr;
  if (kind === Kind.SHL) {
    g.push(w.set(res, w.shl(w.get(d), n())));
    g.push(w.set(cf, w.and(w.shrU(w.get(d), w.sub(w.c(32), n())), w.c(1))));
    of = w.xor(w.shrU(w.get(res), w.c(31)), w.get(cf));
  } else if (kind === Kind.SHR) {
    g.push(w.set(res, w.shrU(w.get(d), n())));
    g.push(w.set(cf, w.and(w.shrU(w.get(d), w.sub(n(), w.c(1))), w.c(1))));
    of = w.shrU(w.get(d), w.c(31));
  } else {
    g.push(w.set(res, w.shrS(w.get(d), n())));
    g.push(w.set(cf, w.and(w.shrS(w.get(d), w.sub(n(), w.c(1))), w.c(1))));
    of = w.c(0);
  }
  const cfOf = g.temp();
  // CF is bit 0, OF bit 11.
  g.push(w.set(cfOf, w.or(w.mul(w.get(cf), w.c(CF)), w.shl(w.and(of, w.c(1)), w.c(11)))));
  return { res, cfOf };
}

/** SHLD/SHRD of local `d` with local `src` by `n` (1..31): result and CF|OF (shift.ts doubleShift). */
function doubleValue(g: BlockCompiler, left: boolean, d: number, src: number, n: () => Expr): { res: number; cfOf: number } {
  const w = g.w;
  const res = g.temp();
  const cf = g.temp();
  if (left) {
    g.push(w.set(res, w.or(w.shl(w.get(d), n()), w.shrU(w.get(src), w.sub(w.c(32), n())))));
    g.push(w.set(cf, w.and(w.shrU(w.get(d), w.sub(w.c(32), n())), w.c(1))));
  } else {
    g.push(w.set(res, w.or(w.shrU(w.get(d), n()), w.shl(w.get(src), w.sub(w.c(32), n())))));
    g.push(w.set(cf, w.and(w.shrU(w.get(d), w.sub(n(), w.c(1))), w.c(1))));
  }
  const of = w.shrU(w.xor(w.get(res), w.get(d)), w.c(31));
  const cfOf = g.temp();
  g.push(w.set(cfOf, w.or(w.get(cf), w.shl(of, w.c(11)))));
  return { res, cfOf };
}

type Compute = (g: BlockCompiler, i: CachedInsn, d: number, n: () => Expr) => { res: number; cfOf: number };

/** A shift by a constant count (1 or imm8), register or memory destination, eager flags. */
function byConstant(compute: Compute, countOf: (i: CachedInsn) => number): InlineEmitter {
  return (g, i) => {
    const n = countOf(i) & 31;
    if (n === 0 || !canRM(g, i, true)) return false;
    const w = g.w;
    const apply = (dExpr: Expr): Expr => {
      const d = g.temp();
      g.push(w.set(d, dExpr));
      const { res, cfOf } = compute(g, i, d, () => w.c(n));
      g.setEagerFlags(w.or(g.szp(w.get(res), 32), w.get(cfOf)));
      return w.get(res);
    };
    modifyRM32(g, i, apply);
    return true;
  };
}

/**
 * A shift of a register by CL: a masked count of 0 changes neither the
 * register nor the flags, so the flags go to memory first and the eager
 * stores run only for a non-zero count. (Memory destinations: handler.)
 */
function byCL(compute: Compute, double: boolean): InlineEmitter {
  return (g, i) => {
    if (i.hasMem) return byClMemory(g, i, compute, double);
    const w = g.w;
    const n = g.temp();
    const d = g.temp();
    g.push(w.set(n, w.and(g.reg32(ECX), w.c(31))));
    g.push(w.set(d, g.reg32(i.rm)));
    g.flagsToMemory();
    const { res, cfOf } = compute(g, i, d, () => w.get(n));
    const flags = g.eagerFlagStores(w.or(g.szp(w.get(res), 32), w.get(cfOf)));
    g.push(w.if(w.get(n), flags));
    g.setReg32(i.rm, w.select(w.get(n), w.get(res), w.get(d)));
    return true;
  };
}

/**
 * The memory form: a count of 0 still checks the destination for writing
 * but writes nothing, so that rare case calls the handler; the others
 * read-modify-write inline in a branch.
 */
function byClMemory(g: BlockCompiler, i: CachedInsn, compute: Compute, double: boolean): boolean {
  if (!canRM(g, i, true)) return false;
  const w = g.w;
  const n = g.temp();
  const lin = g.temp();
  g.push(w.set(n, w.and(g.reg32(ECX), w.c(31))));
  g.push(w.set(lin, g.ea(i)));
  if (double) g.preload(i.reg);
  g.flagsToMemory();
  const shift = g.captured(() => {
    const m = g.rmw(4, i.seg, w.get(lin));
    const d = g.temp();
    g.push(w.set(d, m.value));
    const { res, cfOf } = compute(g, i, d, () => w.get(n));
    for (const e of g.eagerFlagStores(w.or(g.szp(w.get(res), 32), w.get(cfOf)))) g.push(e);
    m.finish(w.get(res));
  });
  g.push(w.if(w.get(n), shift, g.coldHandler([], [])));
  return true;
}

const single = (kind: Kind): Compute => (g, _i, d, n) => shiftValue(g, kind, d, n);
const double = (left: boolean): Compute => (g, i, d, n) => {
  const src = g.temp();
  g.push(g.w.set(src, g.reg32(i.reg)));
  return doubleValue(g, left, d, src, n);
};

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
    def(`${name} r/m32, 1`, byConstant(single(kind), () => 1));
    def(`${name} r/m32, imm8`, byConstant(single(kind), (i) => i.imm));
    def(`${name} r/m32, CL`, byCL(single(kind), false));
  }
  for (const left of [true, false]) {
    const name = left ? 'SHLD' : 'SHRD';
    def(`${name} r/m32, r32, imm8`, byConstant(double(left), (i) => i.imm));
    def(`${name} r/m32, r32, CL`, byCL(double(left), true));
  }
  def('IMUL r32, r/m32', imul(false));
  def('IMUL r32, r/m32, imm8', imul(true));
  def('IMUL r32, r/m32, imm32', imul(true));
}
