// One- and two-operand functions of ST(0)/ST(1): FCHS, FABS, FRNDINT,
// FSCALE, FXTRACT, FPREM, FPREM1 (exact), and the transcendental group FSIN,
// FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1, which the model
// computes with the host's f64 functions: close to, but not bit-identical
// with, the processor's 64-bit-significand results (docs/cpu-model.md).
import type { Define, Handler } from '../handler.js';
import type { Cpu } from '../../cpu/context.js';
import { INDEFINITE, isSignaling, propagateNaN, roundInt, scale2 } from './float-bits.js';
import { finish } from './arith.js';
import { C0, C1, C2, C3, checkFpu, invalid, isEmpty, PE, pop, push, raise, rc, setCC, setSt, st, underflow, ZE } from './fpu.js';

/** |x| at or beyond 2^63 leaves FSIN/FCOS/FSINCOS/FPTAN with C2 = 1 and ST(0) unchanged (SDM FSIN). */
const TRIG_LIMIT = 2 ** 63;

/**
 * ST(0) = f(ST(0)) for a function of one operand: empty and NaN handling
 * shared; `f` returns undefined when it handled the case itself.
 */
function unary(f: (c: Cpu, x: number) => number | undefined, signalsOnNaN = true): Handler {
  return (c) => {
    checkFpu(c);
    if (isEmpty(c, 0)) {
      if (underflow(c)) setSt(c, 0, INDEFINITE);
      return;
    }
    const x = st(c, 0);
    setCC(c, C1, 0);
    if (x !== x && signalsOnNaN) {
      if (isSignaling(x) && !invalid(c)) return;
      setSt(c, 0, propagateNaN(x, x));
      return;
    }
    const r = f(c, x);
    if (r !== undefined) setSt(c, 0, r);
  };
}

/** An inexact transcendental result: PE, rounded as the host computed it. */
function approx(c: Cpu, v: number): number {
  if (Number.isFinite(v)) raise(c, PE);
  return v;
}

/**
 * ST(1) = f(ST(1), ST(0)) then pop (FSCALE keeps both: `popAfter` false).
 * `f` returns undefined when it handled the case itself.
 */
function binary(f: (c: Cpu, y: number, x: number) => number | undefined, writeSt1: boolean): Handler {
  return (c) => {
    checkFpu(c);
    if (isEmpty(c, 0) || isEmpty(c, 1)) {
      if (!underflow(c)) return;
      if (writeSt1) {
        setSt(c, 1, INDEFINITE);
        pop(c);
      } else setSt(c, 0, INDEFINITE);
      return;
    }
    const x = st(c, 0);
    const y = st(c, 1);
    setCC(c, C1, 0);
    let r: number | undefined;
    if (x !== x || y !== y) r = (isSignaling(x) || isSignaling(y)) && !invalid(c) ? undefined : propagateNaN(x, y);
    else r = f(c, y, x);
    if (r === undefined) return;
    if (writeSt1) {
      setSt(c, 1, r);
      pop(c);
    } else setSt(c, 0, r);
  };
}

/** ST(0) mod ST(1) with the quotient's low bits in C0 C3 C1 (SDM FPREM/FPREM1). */
function remainder(ieee: boolean): Handler {
  return binary((c, y, x) => {
    // Here x = ST(0) (dividend) and y = ST(1) (divisor).
    if (!Number.isFinite(x) || y === 0) return invalid(c) ? INDEFINITE : undefined;
    if (!Number.isFinite(y) || x === 0) {
      setCC(c, C0 | C1 | C2 | C3, 0);
      return x;
    }
    const d = Math.floor(Math.log2(Math.abs(x))) - Math.floor(Math.log2(Math.abs(y)));
    if (d >= 64) {
      // Partial remainder: reduce by a multiple of y * 2^(d - 32) (the SDM leaves N between 32 and 63).
      const big = scale2(Math.abs(y), d - 32);
      setCC(c, C0 | C1 | C2 | C3, C2);
      return x % big;
    }
    let r = x % y;
    // Low three bits of the truncated quotient: (x mod 8y - x mod y) / y.
    const y8 = Math.abs(y) * 8;
    let q = Number.isFinite(y8) ? Math.round(Math.abs((Math.abs(x) % y8) - Math.abs(r)) / Math.abs(y)) & 7 : 0;
    if (ieee) {
      const half = Math.abs(y) / 2;
      const ar = Math.abs(r);
      if (ar > half || (ar === half && (q & 1) === 1)) {
        r = r - Math.sign(r) * Math.abs(y);
        q = (q + 1) & 7;
      }
    }
    // C0 = Q2, C3 = Q1, C1 = Q0.
    setCC(c, C0 | C1 | C2 | C3, (q & 4 ? C0 : 0) | (q & 2 ? C3 : 0) | (q & 1 ? C1 : 0));
    return r === 0 ? (x < 0 || Object.is(x, -0) ? -0 : 0) : r;
  }, false);
}

export function registerFunctions(def: Define): void {
  // FCHS and FABS only touch the sign, NaNs included, and never signal.
  def('FCHS', unary((_c, x) => -x, false));
  def('FABS', unary((_c, x) => Math.abs(x), false));
  def('FRNDINT', unary((c, x) => {
    const r = roundInt(x, rc(c));
    if (r !== x) {
      raise(c, PE);
      if (Math.abs(r) > Math.abs(x)) setCC(c, C1, C1);
    }
    return r;
  }));
  def('FSCALE', binary((c, y, x) => {
    // ST(0) * 2^trunc(ST(1)); here x = ST(0), y = ST(1).
    if (x === 0 && y === Infinity) return invalid(c) ? INDEFINITE : undefined;
    if (!Number.isFinite(x) && y === -Infinity) return invalid(c) ? INDEFINITE : undefined;
    if (!Number.isFinite(y)) return y > 0 ? x * Infinity : x * 0;
    if (x === 0 || !Number.isFinite(x)) return x;
    const n = Math.trunc(y);
    const r = scale2(x, Math.max(-4000, Math.min(4000, n)));
    return finish(c, { value: r, inexact: r === 0 || Math.abs(r) < 2 ** -1022 ? scale2(r, -n) !== x : false, up: false }, true);
  }, false));
  def('FXTRACT', (c) => {
    checkFpu(c);
    if (isEmpty(c, 0)) {
      if (!underflow(c)) return;
      setSt(c, 0, INDEFINITE);
      push(c, INDEFINITE);
      return;
    }
    const x = st(c, 0);
    setCC(c, C1, 0);
    let e: number;
    let m: number;
    if (x !== x) {
      if (isSignaling(x) && !invalid(c)) return;
      e = m = propagateNaN(x, x);
    } else if (x === 0) {
      raise(c, ZE);
      e = -Infinity;
      m = x;
    } else if (!Number.isFinite(x)) {
      e = Infinity;
      m = x;
    } else {
      e = Math.floor(Math.log2(Math.abs(x)));
      m = scale2(x, -e);
      // log2 can land one off near powers of two; fix so 1 <= |m| < 2.
      if (Math.abs(m) >= 2) {
        e++;
        m = scale2(x, -e);
      } else if (Math.abs(m) < 1) {
        e--;
        m = scale2(x, -e);
      }
    }
    setSt(c, 0, e);
    push(c, m);
  });
  def('FPREM', remainder(false));
  def('FPREM1', remainder(true));

  const trig = (fn: (x: number) => number): Handler =>
    unary((c, x) => {
      if (!Number.isFinite(x)) return invalid(c) ? INDEFINITE : undefined;
      if (Math.abs(x) >= TRIG_LIMIT) {
        setCC(c, C2, C2);
        return undefined;
      }
      setCC(c, C2, 0);
      return x === 0 ? fn === Math.cos ? 1 : x : approx(c, fn(x));
    });
  def('FSIN', trig(Math.sin));
  def('FCOS', trig(Math.cos));
  // FPTAN and FSINCOS replace ST(0) and push a second result; a NaN or an
  // invalid operand gives the NaN (or the indefinite) in both.
  const pair = (first: (x: number) => number, second: (x: number) => number): Handler => (c) => {
    checkFpu(c);
    if (isEmpty(c, 0)) {
      if (!underflow(c)) return;
      setSt(c, 0, INDEFINITE);
      push(c, INDEFINITE);
      return;
    }
    const x = st(c, 0);
    setCC(c, C1, 0);
    let a: number;
    let b: number;
    if (x !== x || !Number.isFinite(x)) {
      if ((x === x || isSignaling(x)) && !invalid(c)) return;
      a = b = x === x ? INDEFINITE : propagateNaN(x, x);
    } else if (Math.abs(x) >= TRIG_LIMIT) {
      setCC(c, C2, C2);
      return;
    } else {
      a = x === 0 ? first(x) : approx(c, first(x));
      b = x === 0 ? second(x) : approx(c, second(x));
    }
    setCC(c, C2, 0);
    setSt(c, 0, a);
    push(c, b);
  };
  def('FPTAN', pair(Math.tan, () => 1));
  def('FSINCOS', pair(Math.sin, Math.cos));
  def('F2XM1', unary((c, x) => (x === 0 || !Number.isFinite(x) ? (x === -Infinity ? -1 : x) : approx(c, Math.expm1(x * Math.LN2)))));
  def('FPATAN', binary((c, y, x) => (y === 0 && x === 0 ? Math.atan2(y, x) : approx(c, Math.atan2(y, x))), true));
  def('FYL2X', binary((c, y, x) => {
    if (x < 0 || (x === 0 && y === 0) || (x === 1 && !Number.isFinite(y)) || (x === Infinity && y === 0)) return invalid(c) ? INDEFINITE : undefined;
    if (x === 0) {
      raise(c, ZE);
      return y > 0 ? -Infinity : Infinity;
    }
    return approx(c, y * Math.log2(x));
  }, true));
  def('FYL2XP1', binary((c, y, x) => {
    if (x === 0 && !Number.isFinite(y)) return invalid(c) ? INDEFINITE : undefined;
    if (x === 0) return y * x;
    return approx(c, (y * Math.log1p(x)) / Math.LN2);
  }, true));
}
