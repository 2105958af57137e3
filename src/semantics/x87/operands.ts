// x87 memory operands: whole-operand reads and writes (a store checks the
// segment and every page before writing a byte, so a fault leaves memory and
// the FPU untouched) and the conversions of the loadable formats to the f64
// register value, with the exceptions a load signals (SDM FLD/FILD/FBLD).
import type { Cpu } from '../../cpu/context.js';
import type { Insn } from '../../decoder/insn.js';
import { bcdToF64, f32ToF64, f80ToF64, fromWords, isSignaling, quiet } from './float-bits.js';
import { DE, IE, raise } from './fpu.js';

const buf = new Uint8Array(108);

/** Reads `n` bytes of the memory operand at offset `delta` into a shared buffer. */
export function readBytes(c: Cpu, i: Insn, n: number, delta = 0): Uint8Array {
  const off = (c.ea(i) + delta) | 0;
  const lin = c.seg.readAddr(i.seg, i.addrSize === 32 ? off : off & 0xffff, n);
  c.mem.probeRead(lin, n);
  for (let k = 0; k < n; k++) buf[k] = c.mem.read8((lin + k) | 0);
  return buf;
}

/** Writes `bytes[0..n)` to the memory operand; checks the whole range first. */
export function writeBytes(c: Cpu, i: Insn, bytes: Uint8Array, n: number): void {
  const lin = c.seg.writeAddr(i.seg, c.ea(i), n);
  c.mem.probeWrite(lin, n);
  for (let k = 0; k < n; k++) c.mem.write8((lin + k) | 0, bytes[k]);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/**
 * The last m32fp/m64fp operand read was a denormal: the caller signals DE once
 * the operation proceeds with numbers (a stack fault or a NaN operand takes
 * precedence, as the processor reports).
 */
export let denormalOperand = false;

/** Loads an m32fp/m64fp value: SNaN signals IE and becomes quiet (SDM FLD). */
function loaded(c: Cpu, v: number, denormal: boolean): number {
  denormalOperand = denormal;
  if (isSignaling(v)) {
    raise(c, IE);
    return quiet(v);
  }
  return v;
}

/** Raises DE for a denormal memory operand of an operation that went ahead with numbers. */
export function signalDenormal(c: Cpu, other: number): void {
  if (denormalOperand && other === other) raise(c, DE);
  denormalOperand = false;
}

export function readM32fp(c: Cpu, i: Insn): number {
  const bits = c.read32(i.seg, c.ea(i)) >>> 0;
  return loaded(c, f32ToF64(bits), (bits & 0x7f800000) === 0 && (bits & 0x7fffff) !== 0);
}

export function readM64fp(c: Cpu, i: Insn): number {
  const b = readBytes(c, i, 8);
  const lo = u32(b, 0);
  const hi = u32(b, 4);
  return loaded(c, fromWords(hi, lo), (hi & 0x7ff00000) === 0 && ((hi & 0xfffff) !== 0 || lo !== 0));
}

/** m80fp loads as the nearest double; no exception (SDM FLD: an extended SNaN is loaded as is). */
export function readM80fp(c: Cpu, i: Insn): number {
  denormalOperand = false;
  return f80ToF64(readBytes(c, i, 10), 0).value;
}

export function readInt(c: Cpu, i: Insn, bits: 16 | 32 | 64): number {
  denormalOperand = false;
  if (bits === 16) return (c.read16(i.seg, c.ea(i)) << 16) >> 16;
  if (bits === 32) return c.read32(i.seg, c.ea(i)) | 0;
  const b = readBytes(c, i, 8);
  // Integers beyond 2^53 round to the nearest double (the register is f64).
  return (u32(b, 4) | 0) * 2 ** 32 + u32(b, 0);
}

export function readM80bcd(c: Cpu, i: Insn): number {
  denormalOperand = false;
  return bcdToF64(readBytes(c, i, 10), 0);
}

/** Reads the memory operand of a D8/DC (float) or DA/DE (integer) arithmetic form. */
export function readArithOperand(c: Cpu, i: Insn, kind: 'm32fp' | 'm64fp' | 'm32int' | 'm16int'): number {
  if (kind === 'm32fp') return readM32fp(c, i);
  if (kind === 'm64fp') return readM64fp(c, i);
  return readInt(c, i, kind === 'm32int' ? 32 : 16);
}

export const scratchOut = new Uint8Array(108);

export function putU16(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
}
export function putU32(b: Uint8Array, at: number, v: number): void {
  putU16(b, at, v);
  putU16(b, at + 2, v >>> 16);
}
export function getU16(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}
export { u32 as getU32 };
