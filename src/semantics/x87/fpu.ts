// The x87 register stack over the state block (SDM Vol. 1, 8.1): eight f64
// physical registers FPU_ST, TOP in FPU_TOP, the status word without TOP in
// FPU_STATUS, the tag word in FPU_TAG (2 bits per physical register; 11 =
// empty, any other value = in use: the classes 00/01/10 are recomputed from
// the contents whenever the word is stored, as P6 processors do), and the
// masked responses to stack faults and invalid operations.
import * as L from '../../cpu/layout.js';
import { fault, Vector } from '../../cpu/exceptions.js';
import type { Cpu } from '../../cpu/context.js';
import { INDEFINITE } from './float-bits.js';

export const W_CONTROL = L.FPU_CONTROL >> 2;
export const W_STATUS = L.FPU_STATUS >> 2;
export const W_TAG = L.FPU_TAG >> 2;
export const W_TOP = L.FPU_TOP >> 2;
export const W_IP = L.FPU_IP >> 2;
export const W_DP = L.FPU_DP >> 2;
export const W_OPCODE = L.FPU_OPCODE >> 2;
const F_ST = L.FPU_ST >> 3;

// Status word bits (SDM Vol. 1, figure 8-4).
export const IE = 0x1;
export const DE = 0x2;
export const ZE = 0x4;
export const OE = 0x8;
export const UE = 0x10;
export const PE = 0x20;
export const SF = 0x40;
export const ES = 0x80;
export const C0 = 0x100;
export const C1 = 0x200;
export const C2 = 0x400;
export const C3 = 0x4000;
export const B = 0x8000;
export const CC = C0 | C1 | C2 | C3;

// CR0 bits (SDM Vol. 3, 2.5).
const CR0_MP = 1 << 1;
const CR0_EM = 1 << 2;
const CR0_TS = 1 << 3;

/** #NM when CR0.EM or CR0.TS is set (SDM Vol. 3, table 2-2): every x87 instruction checks this first. */
export function checkFpu(c: Cpu): void {
  if ((c.state.cr(0) & (CR0_EM | CR0_TS)) !== 0) throw fault(Vector.NM);
}
/** WAIT/FWAIT: #NM only when CR0.MP and CR0.TS are both set. */
export function checkWait(c: Cpu): void {
  if ((c.state.cr(0) & (CR0_MP | CR0_TS)) === (CR0_MP | CR0_TS)) throw fault(Vector.NM);
}

export function top(c: Cpu): number {
  return c.s[W_TOP] & 7;
}
function phys(c: Cpu, i: number): number {
  return (c.s[W_TOP] + i) & 7;
}
export function isEmpty(c: Cpu, i: number): boolean {
  return ((c.s[W_TAG] >> (2 * phys(c, i))) & 3) === 3;
}
/** ST(i) whether or not it is empty. */
export function st(c: Cpu, i: number): number {
  return c.state.f64[F_ST + phys(c, i)];
}
/** Physical register p's contents. */
export function physReg(c: Cpu, p: number): number {
  return c.state.f64[F_ST + (p & 7)];
}
export function setPhysReg(c: Cpu, p: number, v: number): void {
  c.state.f64[F_ST + (p & 7)] = v;
}
/** Writes ST(i) and marks it in use. */
export function setSt(c: Cpu, i: number, v: number): void {
  const p = phys(c, i);
  c.state.f64[F_ST + p] = v;
  c.s[W_TAG] &= ~(3 << (2 * p));
}
export function setEmpty(c: Cpu, i: number): void {
  c.s[W_TAG] |= 3 << (2 * phys(c, i));
}

/** Rounding control (control word bits 11:10). */
export function rc(c: Cpu): number {
  return (c.s[W_CONTROL] >> 10) & 3;
}

/**
 * Sets exception flags; an unmasked one also sets ES and B (the error summary
 * that would raise #MF at the next waiting x87 instruction, which this model
 * does not deliver: docs/cpu-model.md).
 */
export function raise(c: Cpu, flags: number): void {
  let s = c.s[W_STATUS] | flags;
  if ((flags & ~c.s[W_CONTROL] & 0x3f) !== 0) s |= ES | B;
  c.s[W_STATUS] = s;
}
export function masked(c: Cpu, flag: number): boolean {
  return (c.s[W_CONTROL] & flag) !== 0;
}
/** Replaces the condition-code bits in `mask` with `v`. */
export function setCC(c: Cpu, mask: number, v: number): void {
  c.s[W_STATUS] = (c.s[W_STATUS] & ~mask) | (v & mask);
}

/** The status word with TOP in bits 13..11 (SDM Vol. 1, 8.1.3). */
export function statusWord(c: Cpu): number {
  return ((c.s[W_STATUS] & ~0x3800) | (top(c) << 11)) & 0xffff;
}
export function setStatusWord(c: Cpu, v: number): void {
  c.s[W_STATUS] = v & ~0x3800 & 0xffff;
  c.s[W_TOP] = (v >> 11) & 7;
}

/**
 * Stack underflow (an operand register is empty, SDM Vol. 1, 8.5.1.1): IE and
 * SF set, C1 cleared. Returns true when IE is masked (the caller then writes
 * the indefinite), false when it is not (the destination stays unchanged).
 */
export function underflow(c: Cpu): boolean {
  setCC(c, C1, 0);
  raise(c, IE | SF);
  return masked(c, IE);
}
/** Invalid arithmetic operand (SDM Vol. 1, 8.5.1.2): IE; true when masked. */
export function invalid(c: Cpu): boolean {
  raise(c, IE);
  return masked(c, IE);
}

/** Pushes `v`; a full slot is stack overflow (IE, SF, C1 = 1) and, masked, pushes the indefinite. */
export function push(c: Cpu, v: number): void {
  const t = (c.s[W_TOP] - 1) & 7;
  if (((c.s[W_TAG] >> (2 * t)) & 3) !== 3) {
    setCC(c, C1, C1);
    raise(c, IE | SF);
    if (!masked(c, IE)) return;
    v = INDEFINITE;
  } else setCC(c, C1, 0);
  c.s[W_TOP] = t;
  setSt(c, 0, v);
}
/** Marks ST(0) empty and increments TOP. */
export function pop(c: Cpu): void {
  setEmpty(c, 0);
  c.s[W_TOP] = (c.s[W_TOP] + 1) & 7;
}

/** Tag class of a value held in a register (SDM Vol. 1, 8.1.7): 0 valid, 1 zero, 2 special. */
export function tagClass(v: number): number {
  if (v === 0) return 1;
  // f64 denormals are normal numbers in the extended format the tag describes.
  return Number.isFinite(v) ? 0 : 2;
}
/** The full tag word as FSTENV/FSAVE store it. */
export function fullTagWord(c: Cpu): number {
  const t = c.s[W_TAG];
  let w = 0;
  for (let p = 0; p < 8; p++) {
    const tag = ((t >> (2 * p)) & 3) === 3 ? 3 : tagClass(physReg(c, p));
    w |= tag << (2 * p);
  }
  return w;
}
