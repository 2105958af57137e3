// The mode key: every bit of CPU mode a translation depends on. Decoding
// depends on the code size; the inline fast paths depend on the stack size,
// the privilege (which TLB bit grants access) and which segments are flat
// (base 0, 4 GiB limit: no check needed). Blocks are keyed by physical
// address, EIP and this key (DESIGN decision 8).
import type { Cpu } from '../cpu/context.js';
import { MODE_CODE32 } from '../cpu/context.js';
import * as L from '../cpu/layout.js';
import { T_READ, T_USER_READ, T_USER_WRITE, T_WRITE } from '../mem/tlb-entry.js';

export const MK_CODE32 = 1;
export const MK_STACK32 = 2;
export const MK_USER = 4;
const FAST_SHIFT = 3;
export { FAST_READ, FAST_WRITE } from '../mem/segmentation.js';

/** The mode key of the CPU's current state (call after Cpu.syncMode). */
export function modeKeyOf(c: Cpu): number {
  let k = (c.s[L.MODE >> 2] & MODE_CODE32) !== 0 ? MK_CODE32 : 0;
  if (c.stack32) k |= MK_STACK32;
  if (c.s[L.CPL >> 2] === 3) k |= MK_USER;
  const f = c.seg.fast;
  return k | ((f[0] | (f[1] << 2) | (f[2] << 4) | (f[3] << 6) | (f[4] << 8) | (f[5] << 10)) << FAST_SHIFT);
}

/** The TLB entry bits that grant a read and a write under a mode key (user or supervisor). */
export function tlbBitsOf(modeKey: number): { read: number; write: number } {
  const user = (modeKey & MK_USER) !== 0;
  return { read: user ? T_USER_READ : T_READ, write: user ? T_USER_WRITE : T_WRITE };
}

/** FAST_READ/FAST_WRITE bits of segment register `seg` under a mode key. */
export function segFast(modeKey: number, seg: number): number {
  return (modeKey >>> (FAST_SHIFT + 2 * seg)) & 3;
}
