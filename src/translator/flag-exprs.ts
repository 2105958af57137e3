// Wasm expressions over the lazy-flag format of cpu/lazy-flags.ts (DESIGN
// decision 4): the same derivations, for a record held in the block's flag
// locals (op, size and mask known at compile time), for the concrete FLAGS
// word, and for CF of a record left in memory. Change them with lazy-flags.ts.
import * as L from '../cpu/layout.js';
import { AF, ARITH, CF } from '../arch/flags.js';
import { LazyOp } from '../cpu/lazy-flags.js';
import type { Expr, WasmBuilder } from './wasm.js';

/** Locals: the block function's parameters (translator/abi.ts), then the lazy record, then temporaries. */
export const LOC_DST = 10;
export const LOC_SRC = 11;
export const LOC_RES = 12;
export const FIRST_TEMP = 13;

/** Compile-time knowledge of the arithmetic flags. */
export interface FlagRecord {
  /** LazyOp of the record held in LOC_DST/LOC_SRC/LOC_RES. */
  op: LazyOp;
  size: number;
  mask: number;
}

function signBit(w: WasmBuilder, e: Expr, size: number): Expr {
  return w.and(w.shrU(e, w.c(size - 1)), w.c(1));
}

function sext(w: WasmBuilder, e: Expr, size: number): Expr {
  return size === 32 ? e : size === 16 ? w.ext16s(e) : w.ext8s(e);
}

/** CF (0/1) of a record in locals (lazy-flags.ts lazyCF; ADC/SBB recover their carry-in from the record). */
export function recordCF(w: WasmBuilder, f: FlagRecord): Expr {
  const d = (): Expr => w.get(LOC_DST);
  const s = (): Expr => w.get(LOC_SRC);
  const r = (): Expr => w.get(LOC_RES);
  switch (f.op) {
    case LazyOp.ADD:
      return w.ltU(r(), d());
    case LazyOp.SUB:
      return w.ltU(d(), s());
    case LazyOp.ADC:
      return w.select(w.and(w.sub(w.sub(r(), d()), s()), w.c(1)), w.leU(r(), d()), w.ltU(r(), d()));
    case LazyOp.SBB:
      return w.select(w.and(w.sub(w.sub(d(), s()), r()), w.c(1)), w.leU(d(), s()), w.ltU(d(), s()));
    default:
      return w.c(0);
  }
}

/** OF (0/1) of a record in locals. */
function recordOF(w: WasmBuilder, f: FlagRecord): Expr {
  if (f.op === LazyOp.LOGIC) return w.c(0);
  const x =
    f.op === LazyOp.ADD || f.op === LazyOp.ADC
      ? w.and(w.xor(w.get(LOC_DST), w.get(LOC_RES)), w.xor(w.get(LOC_SRC), w.get(LOC_RES)))
      : w.and(w.xor(w.get(LOC_DST), w.get(LOC_SRC)), w.xor(w.get(LOC_DST), w.get(LOC_RES)));
  return signBit(w, x, f.size);
}

/** All six arithmetic flags of a record in locals, as EFLAGS bits (lazy-flags.ts lazyAll). */
export function recordAll(w: WasmBuilder, f: FlagRecord): Expr {
  const res = (): Expr => w.get(LOC_RES);
  const pf = w.shl(w.eqz(w.and(w.popcnt8(res()), w.c(1))), w.c(2));
  const zf = w.shl(w.eqz(res()), w.c(6));
  const sf = w.shl(signBit(w, res(), f.size), w.c(7));
  let all = w.or(w.or(pf, zf), sf);
  if (f.op !== LazyOp.LOGIC) {
    const af = w.and(w.xor(w.xor(w.get(LOC_DST), w.get(LOC_SRC)), res()), w.c(AF));
    all = w.or(w.or(all, af), w.or(recordCF(w, f), w.shl(recordOF(w, f), w.c(11))));
  }
  return all;
}

/** Condition code `cc` (SDM Vol. 1, appendix B) as 0/1 from a record in locals; CMP/SUB + Jcc compare the operands directly. */
export function recordCondition(w: WasmBuilder, f: FlagRecord, cc: number): Expr {
  const dst = w.get(LOC_DST);
  const src = w.get(LOC_SRC);
  const fin = (e: Expr): Expr => ((cc & 1) !== 0 ? w.eqz(e) : e);
  if (f.op === LazyOp.SUB && f.mask === ARITH) {
    const a = sext(w, dst, f.size);
    const b = sext(w, w.get(LOC_SRC), f.size);
    switch (cc) {
      case 2: return w.ltU(dst, src);
      case 3: return w.geU(dst, src);
      case 4: return w.eq(dst, src);
      case 5: return w.ne(dst, src);
      case 6: return w.leU(dst, src);
      case 7: return w.gtU(dst, src);
      case 12: return w.ltS(a, b);
      case 13: return w.geS(a, b);
      case 14: return w.leS(a, b);
      case 15: return w.gtS(a, b);
    }
  }
  const zf = (): Expr => w.eqz(w.get(LOC_RES));
  const sf = (): Expr => signBit(w, w.get(LOC_RES), f.size);
  const cf = (): Expr => ((f.mask & CF) !== 0 ? recordCF(w, f) : w.and(w.load32(w.c(L.FLAGS)), w.c(CF)));
  const of = (): Expr => recordOF(w, f);
  switch (cc >> 1) {
    case 0: return fin(of());
    case 1: return fin(cf());
    case 2: return fin(zf());
    case 3: return fin(w.or(cf(), zf()));
    case 4: return fin(sf());
    case 5: return fin(w.eqz(w.and(w.popcnt8(w.get(LOC_RES)), w.c(1))));
    case 6: return fin(w.xor(sf(), of()));
    default: return fin(w.or(zf(), w.xor(sf(), of())));
  }
}

/** A condition from the concrete FLAGS word held in local `f` (LAZY_MASK known 0). */
export function eagerCondition(w: WasmBuilder, f: number, cc: number): Expr {
  const bit = (shift: number): Expr => w.and(w.shrU(w.get(f), w.c(shift)), w.c(1));
  const CFb = (): Expr => bit(0);
  const ZFb = (): Expr => bit(6);
  const SFb = (): Expr => bit(7);
  const OFb = (): Expr => bit(11);
  let r: Expr;
  switch (cc >> 1) {
    case 0: r = OFb(); break;
    case 1: r = CFb(); break;
    case 2: r = ZFb(); break;
    case 3: r = w.or(CFb(), ZFb()); break;
    case 4: r = SFb(); break;
    case 5: r = bit(2); break;
    case 6: r = w.xor(SFb(), OFb()); break;
    default: r = w.or(ZFb(), w.xor(SFb(), OFb())); break;
  }
  return (cc & 1) !== 0 ? w.eqz(r) : r;
}

/**
 * CF (0/1) of the flags as memory holds them (lazy-flags.ts carry): FLAGS
 * when LAZY_MASK leaves CF concrete, else derived from the stored record.
 */
export function memoryCF(w: WasmBuilder): Expr {
  return w.ifValue(w.and(w.load32(w.c(L.LAZY_MASK)), w.c(CF)), memoryCFOfRecord(w), w.and(w.load32(w.c(L.FLAGS)), w.c(CF)));
}

/**
 * The six arithmetic flags as memory holds them, concrete (EFLAGS bits): FLAGS
 * where LAZY_MASK leaves them concrete, else derived from the stored record
 * (lazy-flags.ts lazyAll, with the operation known only at run time). Plus
 * EFLAGS bit 1 when a lazy flag outside `defined` survives, as lazy-flags.ts
 * setEager materializes then. `t` are four temporaries.
 */
export function memoryArithFlags(w: WasmBuilder, defined: number, t: readonly [number, number, number, number]): Expr {
  const [mask, res, x, size] = t;
  const ld = (a: number): Expr => w.load32(w.c(a));
  const op = (): Expr => ld(L.LAZY_OP);
  const is = (k: LazyOp): Expr => w.eq(op(), w.c(k));
  const sign = (e: Expr): Expr => w.and(w.shrU(e, w.sub(w.get(size), w.c(1))), w.c(1));
  const addLike = (): Expr => w.or(is(LazyOp.ADD), is(LazyOp.ADC));
  // OF: ADD/ADC sign of (dst ^ res) & (src ^ res); SUB/SBB sign of (dst ^ src) & (dst ^ res).
  const ofWord = w.select(
    addLike(),
    w.and(w.xor(ld(L.LAZY_DST), w.get(res)), w.xor(ld(L.LAZY_SRC), w.get(res))),
    w.and(w.xor(ld(L.LAZY_DST), ld(L.LAZY_SRC)), w.xor(ld(L.LAZY_DST), w.get(res))),
  );
  const arith = [
    w.set(x, w.or(w.or(w.and(w.xor(w.xor(ld(L.LAZY_DST), ld(L.LAZY_SRC)), w.get(res)), w.c(AF)), memoryCFOfRecord(w)), w.shl(sign(ofWord), w.c(11)))),
  ];
  const szp = w.or(
    w.or(w.shl(w.eqz(w.and(w.popcnt8(w.get(res)), w.c(1))), w.c(2)), w.shl(w.eqz(w.get(res)), w.c(6))),
    w.shl(sign(w.get(res)), w.c(7)),
  );
  const lazyAll = w.blockValue(
    [w.set(res, ld(L.LAZY_RES)), w.set(size, ld(L.LAZY_SIZE)), w.set(x, w.c(0)), w.if(w.ne(op(), w.c(LazyOp.LOGIC)), arith)],
    w.or(szp, w.get(x)),
  );
  const merged = w.or(w.and(ld(L.FLAGS), w.xor(w.get(mask), w.c(ARITH))), w.and(lazyAll, w.get(mask)));
  const bit1 = w.select(w.and(w.get(mask), w.c(ARITH & ~defined)), w.c(2), w.c(0));
  return w.blockValue(
    [w.set(mask, w.and(ld(L.LAZY_MASK), w.c(ARITH)))],
    w.ifValue(w.get(mask), w.or(merged, bit1), w.and(ld(L.FLAGS), w.c(ARITH))),
  );
}

/** CF (0/1) of the record stored in memory (lazy-flags.ts lazyCF), whatever LAZY_MASK says. */
function memoryCFOfRecord(w: WasmBuilder): Expr {
  const ld = (a: number): Expr => w.load32(w.c(a));
  const is = (k: LazyOp): Expr => w.eq(ld(L.LAZY_OP), w.c(k));
  const addLike = (): Expr => w.or(is(LazyOp.ADD), is(LazyOp.ADC));
  const a = (): Expr => w.select(addLike(), ld(L.LAZY_RES), ld(L.LAZY_DST));
  const b = (): Expr => w.select(addLike(), ld(L.LAZY_DST), ld(L.LAZY_SRC));
  const cin = w.and(
    w.select(is(LazyOp.ADC), w.sub(w.sub(ld(L.LAZY_RES), ld(L.LAZY_DST)), ld(L.LAZY_SRC)), w.select(is(LazyOp.SBB), w.sub(w.sub(ld(L.LAZY_DST), ld(L.LAZY_SRC)), ld(L.LAZY_RES)), w.c(0))),
    w.c(1),
  );
  return w.select(is(LazyOp.LOGIC), w.c(0), w.select(cin, w.leU(a(), b()), w.ltU(a(), b())));
}
