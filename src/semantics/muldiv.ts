// MUL, IMUL (one-, two- and three-operand), DIV, IDIV. Division raises #DE
// for a zero divisor and for a quotient that does not fit (SDM DIV, IDIV),
// before any register changes. MUL/IMUL set CF = OF = "upper half is
// significant"; SF ZF AF PF are undefined (here: from the low result, AF 0).
import { fault, Vector } from '../cpu/exceptions.js';
import { PARITY, setEager } from '../cpu/lazy-flags.js';
import { AF, ARITH, CF, OF, SF, ZF } from '../arch/flags.js';
import type { Cpu } from '../cpu/context.js';
import type { Insn } from '../decoder/insn.js';
import { type Define, SIZES, sext, sizeMask } from './handler.js';

const EAX = 0;
const EDX = 2;

/** High 32 bits of the unsigned 64-bit product of two u32 values. */
export function mulHighU32(a: number, b: number): number {
  a >>>= 0;
  b >>>= 0;
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const ll = al * bl;
  const lh = al * bh;
  const hl = ah * bl;
  const mid = Math.floor(ll / 0x10000) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + Math.floor(lh / 0x10000) + Math.floor(hl / 0x10000) + Math.floor(mid / 0x10000)) >>> 0;
}

/** High 32 bits of the signed 64-bit product of two i32 values. */
export function mulHighS32(a: number, b: number): number {
  let hi = mulHighU32(a, b);
  if ((a | 0) < 0) hi -= b >>> 0;
  if ((b | 0) < 0) hi -= a >>> 0;
  return hi | 0;
}

function mulFlags(c: Cpu, size: number, lo: number, significant: boolean): void {
  const m = sizeMask(size);
  const r = lo & m;
  const f = PARITY[r & 0xff] | (r === 0 ? ZF : 0) | ((r >>> (size - 1)) & 1 ? SF : 0) | (significant ? CF | OF : 0);
  setEager(c.s, ARITH, f & ~AF);
}

function mul(c: Cpu, size: number, src: number, signed: boolean): void {
  if (size === 8) {
    const a = c.reg8(EAX);
    const p = signed ? sext(a, 8) * sext(src, 8) : a * (src & 0xff);
    c.setReg16(EAX, p);
    mulFlags(c, 8, p, signed ? p !== sext(p, 8) : p > 0xff);
  } else if (size === 16) {
    const a = c.reg16(EAX);
    const p = signed ? sext(a, 16) * sext(src, 16) : a * (src & 0xffff);
    c.setReg16(EAX, p);
    c.setReg16(EDX, p >> 16);
    mulFlags(c, 16, p, signed ? p !== sext(p, 16) : p > 0xffff);
  } else {
    const a = c.r[EAX];
    const lo = Math.imul(a, src);
    const hi = signed ? mulHighS32(a, src) : mulHighU32(a, src) | 0;
    c.r[EAX] = lo;
    c.r[EDX] = hi;
    mulFlags(c, 32, lo, signed ? hi !== lo >> 31 : hi !== 0);
  }
}

/** Two- and three-operand IMUL: truncated signed product of `a` and `b`. */
function imulTrunc(c: Cpu, size: number, a: number, b: number): number {
  if (size === 16) {
    const p = sext(a, 16) * sext(b, 16);
    mulFlags(c, 16, p, p !== sext(p, 16));
    return p & 0xffff;
  }
  const lo = Math.imul(a, b);
  mulFlags(c, 32, lo, mulHighS32(a, b) !== lo >> 31);
  return lo;
}

function div(c: Cpu, size: number, src: number, signed: boolean): void {
  const m = sizeMask(size);
  src = (src & m) >>> 0;
  if (src === 0) throw fault(Vector.DE);
  if (size === 32) {
    div32(c, src, signed);
    return;
  }
  const dividend = size === 8 ? c.reg16(EAX) : (c.reg16(EDX) << 16) | c.reg16(EAX);
  let q: number;
  let r: number;
  if (signed) {
    const n = size === 8 ? sext(dividend, 16) : dividend | 0;
    const d = sext(src, size);
    q = Math.trunc(n / d);
    r = n - q * d;
    const lim = 1 << (size - 1);
    if (q >= lim || q < -lim) throw fault(Vector.DE);
  } else {
    const n = dividend >>> 0;
    q = Math.floor(n / src);
    r = n - q * src;
    if (q > m) throw fault(Vector.DE);
  }
  if (size === 8) c.setReg16(EAX, (q & 0xff) | ((r & 0xff) << 8));
  else {
    c.setReg16(EAX, q);
    c.setReg16(EDX, r);
  }
}

function div32(c: Cpu, src: number, signed: boolean): void {
  const hi = c.r[EDX];
  const lo = c.r[EAX];
  let q: bigint;
  let r: bigint;
  if (signed) {
    const n = (BigInt(hi) << 32n) | BigInt(lo >>> 0);
    const d = BigInt(src | 0);
    q = n / d; // BigInt division truncates toward zero, as IDIV does
    r = n % d;
    if (q > 0x7fffffffn || q < -0x80000000n) throw fault(Vector.DE);
  } else {
    if (hi === 0) {
      const n = lo >>> 0;
      const qn = Math.floor(n / src);
      c.r[EAX] = qn;
      c.r[EDX] = n - qn * src;
      return;
    }
    const n = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    const d = BigInt(src >>> 0);
    q = n / d;
    r = n % d;
    if (q > 0xffffffffn) throw fault(Vector.DE);
  }
  c.r[EAX] = Number(BigInt.asIntN(32, q));
  c.r[EDX] = Number(BigInt.asIntN(32, r));
}

export function registerMulDiv(def: Define): void {
  for (const size of SIZES) {
    def(`MUL r/m${size}`, (c, i) => mul(c, size, c.readRM(i, size), false));
    def(`IMUL r/m${size}`, (c, i) => mul(c, size, c.readRM(i, size), true));
    def(`DIV r/m${size}`, (c, i) => div(c, size, c.readRM(i, size), false));
    def(`IDIV r/m${size}`, (c, i) => div(c, size, c.readRM(i, size), true));
  }
  for (const size of [16, 32]) {
    def(`IMUL r${size}, r/m${size}`, (c: Cpu, i: Insn) =>
      c.setReg(size, i.reg, imulTrunc(c, size, c.getReg(size, i.reg), c.readRM(i, size))));
    const three = (c: Cpu, i: Insn): void => c.setReg(size, i.reg, imulTrunc(c, size, c.readRM(i, size), i.imm));
    def(`IMUL r${size}, r/m${size}, imm8`, three);
    def(`IMUL r${size}, r/m${size}, imm${size}`, three);
  }
}
