// Derived mode bits (cpu/layout.ts MODE) and the privilege state the
// interpreter caches: recomputed after any change to CR0, CS or SS.
import * as L from '../cpu/layout.js';
import { W_FLAGS, W_MASK, materialize } from '../cpu/lazy-flags.js';
import { Seg } from '../cpu/state.js';
import { type Cpu, MODE_CODE32, MODE_PROTECTED, MODE_STACK32, MODE_VM86 } from '../cpu/context.js';
import { VM } from '../arch/flags.js';
import { ATTR_DB } from '../mem/segmentation.js';

export const CR0_PE = 1 << 0;
export const CR0_MP = 1 << 1;
export const CR0_EM = 1 << 2;
export const CR0_TS = 1 << 3;
export const CR0_ET = 1 << 4;
export const CR0_NE = 1 << 5;
export const CR0_WP = 1 << 16;
export const CR0_AM = 1 << 18;
export const CR0_NW = 1 << 29;
export const CR0_CD = 1 << 30;
export const CR0_PG = 1 << 31;
export const CR4_PSE = 1 << 4;

/** Re-derives MODE from CR0.PE, EFLAGS.VM, CS.D and SS.B, then refreshes the interpreter's caches. */
export function updateMode(c: Cpu): void {
  const st = c.state;
  let mode = (st.cr(0) & CR0_PE) !== 0 ? MODE_PROTECTED : 0;
  if ((st.segAttrs(Seg.CS) & ATTR_DB) !== 0) mode |= MODE_CODE32;
  if ((st.segAttrs(Seg.SS) & ATTR_DB) !== 0) mode |= MODE_STACK32;
  // Virtual-8086 mode is protected mode with EFLAGS.VM set; it always runs at CPL 3.
  if ((mode & MODE_PROTECTED) !== 0 && (c.s[W_FLAGS] & VM) !== 0) mode |= MODE_VM86;
  c.s[L.MODE >> 2] = mode;
  if ((mode & MODE_PROTECTED) === 0) st.cpl = 0;
  else if ((mode & MODE_VM86) !== 0) st.cpl = 3;
  c.syncMode();
  c.blockExit = true;
}

export function readEflags(c: Cpu): number {
  return materialize(c.s) >>> 0;
}

/** Replaces EFLAGS wholesale (bit 1 forced on). */
export function writeEflags(c: Cpu, v: number): void {
  c.s[W_FLAGS] = (v | 2) >>> 0;
  c.s[W_MASK] = 0;
}
