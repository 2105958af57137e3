// Correctly rounded f64 arithmetic in any x87 rounding mode, with the
// precision exception and the C1 round-up bit: the nearest result comes from
// the host, the sign of the rounding error from error-free transformations
// (TwoSum, Veltkamp/Dekker TwoProduct), and `directed` moves the result one
// step when the mode asks for it (SDM Vol. 1, 4.8.4 and 8.1.3.1).
import { roundWithError } from './float-bits.js';

export interface Outcome {
  value: number;
  inexact: boolean;
  up: boolean;
}

const SPLIT = 134217729; // 2^27 + 1

/** Error of a * b (exact product = a*b rounded + error) for operands of moderate exponent. */
function productError(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** A power-of-two exponent k such that x * 2^-k lies near 1 (exact scaling). */
function expOf(x: number): number {
  return x === 0 || !Number.isFinite(x) ? 0 : Math.floor(Math.log2(Math.abs(x)));
}

function exact(value: number): Outcome {
  return { value, inexact: false, up: false };
}

function finish(value: number, err: number, rc: number): Outcome {
  return roundWithError(value, err, rc);
}

export function add(a: number, b: number, rc: number): Outcome {
  const s = a + b;
  if (!Number.isFinite(s)) return exact(s);
  const bb = s - a;
  const err = (a - (s - bb)) + (b - bb);
  // An exact zero sum is -0 only when rounding down (SDM Vol. 1, 4.8.3.7 / IEEE 754).
  if (s === 0 && err === 0) return exact(a === 0 && b === 0 && Object.is(a, b) ? a : rc === 1 ? -0 : 0);
  return finish(s, err, rc);
}

/** Operands this close to 1 in magnitude need no scaling: splits cannot overflow, error terms cannot underflow. */
function moderate(x: number): boolean {
  const m = Math.abs(x);
  return m > 2 ** -400 && m < 2 ** 400;
}

export function mul(a: number, b: number, rc: number): Outcome {
  const p = a * b;
  if (!Number.isFinite(p) || a === 0 || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return exact(p);
  if (moderate(a) && moderate(b)) return finish(p, productError(a, b, p), rc);
  const ka = expOf(a);
  const kb = expOf(b);
  const as = a * 2 ** -ka;
  const bs = b * 2 ** -kb;
  const ps = as * bs;
  const err = productError(as, bs, ps);
  // In the normal range the scaled product rounds exactly like the real one.
  if (Math.abs(p) >= 2 ** -1022) return finish(p, err, rc);
  return finish(p, Math.sign(err) || (p * 2 ** -(ka + kb) !== ps ? Math.sign(ps - p * 2 ** -(ka + kb)) : 0), rc);
}

export function div(a: number, b: number, rc: number): Outcome {
  const q = a / b;
  if (!Number.isFinite(q) || q === 0 || !Number.isFinite(a) || b === 0 || !Number.isFinite(b)) return exact(q);
  if (moderate(a) && moderate(b)) {
    const p = q * b;
    return finish(q, Math.sign((a - p) - productError(q, b, p)) * Math.sign(b), rc);
  }
  const ka = expOf(a);
  const kb = expOf(b);
  const as = a * 2 ** -ka;
  const bs = b * 2 ** -kb;
  const qs = q * 2 ** (kb - ka);
  // exact quotient - q has the sign of (a - q*b) / b.
  const p = qs * bs;
  const rem = (as - p) - productError(qs, bs, p);
  return finish(q, Math.sign(rem) * Math.sign(bs), rc);
}

export function sqrt(a: number, rc: number): Outcome {
  const r = Math.sqrt(a);
  if (!Number.isFinite(r) || r === 0) return exact(r);
  if (moderate(a)) {
    const p = r * r;
    return finish(r, Math.sign((a - p) - productError(r, r, p)), rc);
  }
  const k = expOf(a) & ~1;
  const as = a * 2 ** -k;
  const rs = r * 2 ** -(k / 2);
  const p = rs * rs;
  const rem = (as - p) - productError(rs, rs, p);
  return finish(r, Math.sign(rem), rc);
}
