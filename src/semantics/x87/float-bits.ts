// Bit-level helpers on IEEE doubles for the x87 unit: NaN classes, neighbours,
// and the conversions to and from the memory formats (single, double-extended,
// integers, packed BCD). Registers hold f64 (docs/cpu-model.md); every
// conversion here is exact where the target can represent the value.

const scratch = new DataView(new ArrayBuffer(8));

export function hiWord(v: number): number {
  scratch.setFloat64(0, v, true);
  return scratch.getUint32(4, true);
}
export function loWord(v: number): number {
  scratch.setFloat64(0, v, true);
  return scratch.getUint32(0, true);
}
export function fromWords(hi: number, lo: number): number {
  scratch.setUint32(4, hi >>> 0, true);
  scratch.setUint32(0, lo >>> 0, true);
  return scratch.getFloat64(0, true);
}

/** The x87 default NaN ("real indefinite", SDM Vol. 1, 8.2.2 / table 4-3): sign 1, quiet, fraction 0. */
export const INDEFINITE = fromWords(0xfff80000, 0);

export function isSignaling(v: number): boolean {
  return v !== v && (hiWord(v) & 0x80000) === 0;
}
/** The NaN with its quiet bit set (SDM Vol. 1, 4.8.3.4). */
export function quiet(v: number): number {
  return fromWords(hiWord(v) | 0x80000, loWord(v));
}
export function signBit(v: number): boolean {
  return (hiWord(v) & 0x80000000) !== 0;
}
/** A NaN's fraction with the quiet bit set, as a comparable number (52 bits fit a double exactly). */
function nanFraction(v: number): number {
  return ((hiWord(v) & 0xfffff) | 0x80000) * 2 ** 32 + loWord(v);
}

/**
 * The NaN an operation on two operands returns (SDM Vol. 1, table 4-7): the
 * QNaN version of the NaN operand; of two NaNs the one whose quieted
 * significand is larger, and of equal ones the positive one (observed on the
 * real CPU, whatever the operand order).
 */
export function propagateNaN(a: number, b: number): number {
  if (a !== a && b !== b) {
    const fa = nanFraction(a);
    const fb = nanFraction(b);
    return quiet(fb > fa || (fb === fa && signBit(a)) ? b : a);
  }
  return quiet(a !== a ? a : b);
}

/** The next double toward +infinity / -infinity. */
export function nextUp(v: number): number {
  if (v !== v || v === Infinity) return v;
  if (v === 0) return 5e-324;
  const hi = hiWord(v);
  const lo = loWord(v);
  if (v > 0) return lo === 0xffffffff ? fromWords(hi + 1, 0) : fromWords(hi, lo + 1);
  return lo === 0 ? fromWords(hi - 1, 0xffffffff) : fromWords(hi, lo - 1);
}
export function nextDown(v: number): number {
  return -nextUp(-v);
}

/** Rounding control (FPU control word bits 11:10, SDM Vol. 1, table 4-8). */
export const enum Rc {
  NEAREST = 0,
  DOWN = 1,
  UP = 2,
  ZERO = 3,
}

/**
 * The result of rounding `r` (the nearest double to an exact value) in mode
 * `rc`, given the sign of (exact - r): moves one step where the mode asks.
 */
export function directed(r: number, errSign: number, rc: number): number {
  if (errSign === 0 || rc === Rc.NEAREST) return r;
  if (rc === Rc.UP) return errSign > 0 ? nextUp(r) : r;
  if (rc === Rc.DOWN) return errSign < 0 ? nextDown(r) : r;
  // Toward zero: step back when rounding went away from zero.
  if (r > 0 && errSign < 0) return nextDown(r);
  if (r < 0 && errSign > 0) return nextUp(r);
  return r;
}

/** Rounds to an integer-valued double in mode `rc` (FRNDINT, FIST). */
export function roundInt(v: number, rc: number): number {
  if (!Number.isFinite(v) || Number.isInteger(v)) return v;
  let r: number;
  if (rc === Rc.DOWN) r = Math.floor(v);
  else if (rc === Rc.UP) r = Math.ceil(v);
  else if (rc === Rc.ZERO) r = Math.trunc(v);
  else {
    r = Math.round(v);
    // Math.round breaks ties upward; x87 breaks them to even.
    if (r - v === 0.5 && r % 2 !== 0) r -= 1;
  }
  return r === 0 ? (v < 0 ? -0 : 0) : r;
}

// ---- single precision (m32fp) ----

/** Decodes a single-precision bit pattern exactly (NaN payloads kept, quiet bit unchanged). */
export function f32ToF64(bits: number): number {
  const sign = bits >>> 31;
  const exp = (bits >>> 23) & 0xff;
  const frac = bits & 0x7fffff;
  if (exp === 0xff) return fromWords((sign << 31) | 0x7ff00000 | (frac >>> 3), (frac & 7) << 29);
  const mag = exp === 0 ? frac * 2 ** -149 : (0x800000 | frac) * 2 ** (exp - 150);
  return sign ? -mag : mag;
}

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);

function f32Next(bits: number, up: boolean): number {
  // Moves a finite single one step in magnitude (up) or toward zero.
  return up ? bits + 1 : bits - 1;
}

export interface Rounded {
  bits: number;
  inexact: boolean;
  /** The magnitude was rounded up (C1 after a store, SDM Vol. 1, 8.1.3.1). */
  up: boolean;
  overflow: boolean;
  underflow: boolean;
}

/** Rounds a double to single precision in mode `rc` (FST m32fp); NaNs keep their top payload bits. */
export function f64ToF32(v: number, rc: number): Rounded {
  if (v !== v) {
    const frac = ((hiWord(v) & 0xfffff) << 3) | (loWord(v) >>> 29);
    return { bits: ((hiWord(v) & 0x80000000) | 0x7f800000 | frac) >>> 0, inexact: false, up: false, overflow: false, underflow: false };
  }
  f32[0] = v;
  let bits = f32Bits[0];
  const r = f32[0];
  if (r === v) return { bits, inexact: false, up: false, overflow: false, underflow: false };
  const neg = v < 0;
  const awayFromZero = Math.abs(r) > Math.abs(v);
  // Direction the mode wants relative to zero: toward zero or away.
  let wantAway = awayFromZero;
  if (rc === Rc.ZERO) wantAway = false;
  else if (rc === Rc.UP) wantAway = !neg;
  else if (rc === Rc.DOWN) wantAway = neg;
  if (wantAway !== awayFromZero) bits = f32Next(bits, wantAway);
  const mag = bits & 0x7fffffff;
  // Overflow: the result rounded with an unbounded exponent reaches 2^128 (IEEE 754, 7.4).
  const overflow = mag >= 0x7f800000 || Math.abs(v) >= 2 ** 128;
  const underflow = mag < 0x00800000;
  return { bits: bits >>> 0, inexact: true, up: wantAway, overflow, underflow };
}

/** Rounds an f64 to an f64 in mode `rc` when the exact value is `r + err` (err may be 0). */
export function roundWithError(r: number, err: number, rc: number): { value: number; inexact: boolean; up: boolean } {
  if (err === 0 || !Number.isFinite(r)) return { value: r, inexact: false, up: false };
  const value = directed(r, Math.sign(err), rc);
  // A step crosses the exact value; without one, r lies beyond it when err points toward zero.
  const up = value !== r ? Math.abs(value) > Math.abs(r) : Math.sign(err) !== Math.sign(r);
  return { value, inexact: true, up };
}

// ---- double-extended precision (m80fp, SDM Vol. 1, 4.2.2) ----

/** Writes `v` as 10 bytes of double-extended format (exact: every double is representable). */
export function f64ToF80(v: number, out: Uint8Array, at: number): void {
  const hi = hiWord(v);
  const lo = loWord(v);
  const sign = hi >>> 31;
  const exp = (hi >>> 20) & 0x7ff;
  let mantHi: number; // bits 63..32 of the 64-bit significand
  let mantLo: number;
  let e80: number;
  if (exp === 0x7ff) {
    e80 = 0x7fff;
    mantHi = (0x80000000 | ((hi & 0xfffff) << 11) | (lo >>> 21)) >>> 0;
    mantLo = (lo << 11) >>> 0;
  } else if (exp === 0 && (hi & 0xfffff) === 0 && lo === 0) {
    e80 = 0;
    mantHi = 0;
    mantLo = 0;
  } else {
    let e = exp - 1023;
    let fHi = hi & 0xfffff;
    let fLo = lo;
    if (exp === 0) {
      // A double denormal is a normal extended number: normalize the fraction.
      e = -1022;
      while ((fHi & 0x100000) === 0) {
        fHi = ((fHi << 1) | (fLo >>> 31)) >>> 0;
        fLo = (fLo << 1) >>> 0;
        e--;
      }
      fHi &= 0xfffff;
    }
    e80 = e + 16383;
    mantHi = (0x80000000 | (fHi << 11) | (fLo >>> 21)) >>> 0;
    mantLo = (fLo << 11) >>> 0;
  }
  for (let k = 0; k < 4; k++) out[at + k] = (mantLo >>> (8 * k)) & 0xff;
  for (let k = 0; k < 4; k++) out[at + 4 + k] = (mantHi >>> (8 * k)) & 0xff;
  out[at + 8] = e80 & 0xff;
  out[at + 9] = ((e80 >>> 8) & 0x7f) | (sign << 7);
}

export interface F80Decoded {
  value: number;
  /** Pseudo-NaN, pseudo-infinity, unnormal: invalid operands on P6 (SDM Vol. 1, 8.2.2). */
  unsupported: boolean;
  /** Precision lost converting to the model's f64 register. */
  inexact: boolean;
}

/** Reads 10 bytes of double-extended format as the nearest double (NaN payloads truncated, kept non-zero). */
export function f80ToF64(bytes: Uint8Array, at: number): F80Decoded {
  let mantLo = 0;
  let mantHi = 0;
  for (let k = 3; k >= 0; k--) mantLo = mantLo * 256 + bytes[at + k];
  for (let k = 3; k >= 0; k--) mantHi = mantHi * 256 + bytes[at + 4 + k];
  const se = bytes[at + 8] | (bytes[at + 9] << 8);
  const sign = se >>> 15;
  const e80 = se & 0x7fff;
  const integerBit = mantHi >= 0x80000000;
  if (e80 === 0x7fff) {
    if (!integerBit) return { value: INDEFINITE, unsupported: true, inexact: false };
    const fracHi = mantHi & 0x7fffffff;
    if (fracHi === 0 && mantLo === 0) return { value: sign ? -Infinity : Infinity, unsupported: false, inexact: false };
    let hi = (sign << 31) | 0x7ff00000 | (fracHi >>> 11);
    let lo = ((fracHi & 0x7ff) << 21) | (mantLo >>> 11);
    if ((hi & 0xfffff) === 0 && lo === 0) lo = 1; // a payload only in the dropped bits stays a NaN
    return { value: fromWords(hi >>> 0, lo >>> 0), unsupported: false, inexact: (mantLo & 0x7ff) !== 0 };
  }
  if (e80 !== 0 && !integerBit) return { value: INDEFINITE, unsupported: true, inexact: false };
  // value = (mantHi * 2^32 + mantLo) * 2^(e - 16383 - 63); the denormal exponent is 1 - 16383.
  const e = (e80 === 0 ? 1 : e80) - 16383 - 63;
  const exact = mantHi * 2 ** 32 + mantLo; // rounded to 53 bits here when the significand is wider
  const mag = scale2(exact, e);
  const value = sign ? -mag : mag;
  const inexact = mag === 0 ? exact !== 0 : !exactlyEquals(mantHi, mantLo, e, mag);
  return { value, unsupported: false, inexact };
}

/** x * 2^e without intermediate overflow or double rounding on the way down for e > -1100. */
export function scale2(x: number, e: number): number {
  let r = x;
  let k = e;
  while (k > 1000) {
    r *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    // Keep steps that cannot round until the last one.
    if (k < -1900) {
      r *= 2 ** -1000;
      k += 1000;
    } else {
      r *= 2 ** (k + 1000);
      return r * 2 ** -1000;
    }
  }
  return r * 2 ** k;
}

function exactlyEquals(mantHi: number, mantLo: number, e: number, mag: number): boolean {
  const back = new Uint8Array(10);
  f64ToF80(mag, back, 0);
  let lo = 0;
  let hi = 0;
  for (let k = 3; k >= 0; k--) lo = lo * 256 + back[k];
  for (let k = 3; k >= 0; k--) hi = hi * 256 + back[4 + k];
  const e2 = ((back[8] | (back[9] << 8)) & 0x7fff) - 16383 - 63;
  // Compare both as significand * 2^exponent after normalizing the source.
  let h = mantHi;
  let l = mantLo;
  let ee = e;
  while (h < 0x80000000 && (h !== 0 || l !== 0)) {
    h = h * 2 + (l >= 0x80000000 ? 1 : 0);
    l = (l * 2) % 2 ** 32;
    ee--;
  }
  return h === hi && l === lo && ee === e2;
}

// ---- integers ----

/** Integer "indefinite" stored by a masked invalid FIST (SDM FIST/FISTP). */
export function intIndefinite(bits: 16 | 32 | 64): number {
  return -(2 ** (bits - 1));
}

// ---- packed BCD (m80bcd, SDM Vol. 1, 4.7) ----

/** Decodes 18 BCD digits and a sign byte; invalid digits decode as their binary value (undefined on hardware). */
export function bcdToF64(bytes: Uint8Array, at: number): number {
  let v = 0;
  for (let k = 8; k >= 0; k--) {
    const b = bytes[at + k];
    v = v * 100 + (b >> 4) * 10 + (b & 15);
  }
  return (bytes[at + 9] & 0x80) !== 0 ? -v : v;
}

/** Encodes an integer-valued double with |v| < 10^18 as packed BCD. */
export function f64ToBcd(v: number, out: Uint8Array, at: number): void {
  let m = BigInt(Math.abs(v));
  for (let k = 0; k < 9; k++) {
    const lo = Number(m % 10n);
    m /= 10n;
    const hi = Number(m % 10n);
    m /= 10n;
    out[at + k] = (hi << 4) | lo;
  }
  out[at + 9] = signBit(v) ? 0x80 : 0;
}

/** The packed BCD indefinite (SDM FBSTP): FFFFC000000000000000H. */
export function bcdIndefinite(out: Uint8Array, at: number): void {
  out.fill(0, at, at + 10);
  out[at + 7] = 0xc0;
  out[at + 8] = 0xff;
  out[at + 9] = 0xff;
}
