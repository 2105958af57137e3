// x87 control instructions: FNINIT, FNCLEX, FLDCW/FNSTCW, FNSTSW, WAIT,
// FNOP, FINCSTP/FDECSTP, and the environment and state images of
// FNSTENV/FLDENV (14/28 bytes) and FNSAVE/FRSTOR (94/108 bytes), in their
// 16-/32-bit and real-/protected-mode layouts (SDM Vol. 1, 8.1.10 and
// figures 8-9 to 8-12). The model keeps FIP/FDP/FOP as loaded (it does not
// record them per instruction) and no CS/DS selectors: they store as 0.
import type { Define } from '../handler.js';
import type { Cpu } from '../../cpu/context.js';
import type { Insn } from '../../decoder/insn.js';
import { f64ToF80, f80ToF64 } from './float-bits.js';
import {
  B, C1, checkFpu, checkWait, ES, fullTagWord, physReg, setCC, setPhysReg, setStatusWord, statusWord, top,
  W_CONTROL, W_DP, W_IP, W_OPCODE, W_STATUS, W_TAG,
} from './fpu.js';
import { getU16, getU32, putU16, putU32, readBytes, scratchOut, writeBytes } from './operands.js';

const restoreScratch = new Float64Array(8);

/** FNINIT state (SDM FINIT/FNINIT): control 037FH, status 0, all tags empty, pointers 0. */
export function initFpu(c: Cpu): void {
  c.s[W_CONTROL] = 0x37f;
  setStatusWord(c, 0);
  c.s[W_TAG] = 0xffff;
  c.s[W_IP] = 0;
  c.s[W_DP] = 0;
  c.s[W_OPCODE] = 0;
}

/** ES and B follow whether any unmasked exception flag is set (after FLDCW, FLDENV, FRSTOR). */
function updateSummary(c: Cpu): void {
  const s = c.s[W_STATUS];
  c.s[W_STATUS] = (s & 0x3f & ~c.s[W_CONTROL]) !== 0 ? s | ES | B : s & ~(ES | B);
}

function realFormat(c: Cpu): boolean {
  return !c.protectedMode || c.vm86;
}

/** Writes the environment (14 or 28 bytes) into `b`; returns its size. */
function storeEnv(c: Cpu, i: Insn, b: Uint8Array): number {
  const cw = c.s[W_CONTROL] & 0xffff;
  const sw = statusWord(c);
  const tw = fullTagWord(c);
  const ip = c.s[W_IP];
  const dp = c.s[W_DP];
  const op = c.s[W_OPCODE] & 0x7ff;
  if (i.opSize === 32) {
    b.fill(0, 0, 28);
    putU32(b, 0, 0xffff0000 | cw);
    putU32(b, 4, 0xffff0000 | sw);
    putU32(b, 8, 0xffff0000 | tw);
    if (realFormat(c)) {
      putU32(b, 12, 0xffff0000 | (ip & 0xffff));
      putU32(b, 16, ((ip >>> 16) << 12) | op);
      putU32(b, 20, 0xffff0000 | (dp & 0xffff));
      putU32(b, 24, (dp >>> 16) << 12);
    } else {
      putU32(b, 12, ip);
      putU32(b, 16, op << 16);
      putU32(b, 20, dp);
      putU32(b, 24, 0xffff0000);
    }
    return 28;
  }
  putU16(b, 0, cw);
  putU16(b, 2, sw);
  putU16(b, 4, tw);
  if (realFormat(c)) {
    putU16(b, 6, ip);
    putU16(b, 8, (((ip >>> 16) & 0xf) << 12) | op);
    putU16(b, 10, dp);
    putU16(b, 12, ((dp >>> 16) & 0xf) << 12);
  } else {
    putU16(b, 6, ip);
    putU16(b, 8, 0);
    putU16(b, 10, dp);
    putU16(b, 12, 0);
  }
  return 14;
}

/**
 * Loads an environment image read into `b` (tags: 11 empty, anything else in
 * use). FLDENV recomputes ES and B from the loaded flags and masks; FRSTOR
 * loads the status word as stored (both observed on the real CPU).
 */
function loadEnv(c: Cpu, i: Insn, b: Uint8Array, summary: boolean): void {
  const wide = i.opSize === 32;
  const cw = getU16(b, 0);
  const sw = getU16(b, wide ? 4 : 2);
  const tw = getU16(b, wide ? 8 : 4);
  let ip: number;
  let dp: number;
  let op: number;
  if (wide) {
    if (realFormat(c)) {
      const w16 = getU32(b, 16);
      ip = (getU16(b, 12) | ((w16 >>> 12) << 16)) >>> 0;
      op = w16 & 0x7ff;
      dp = (getU16(b, 20) | ((getU32(b, 24) >>> 12) << 16)) >>> 0;
    } else {
      ip = getU32(b, 12);
      op = (getU32(b, 16) >>> 16) & 0x7ff;
      dp = getU32(b, 20);
    }
  } else if (realFormat(c)) {
    const w8 = getU16(b, 8);
    ip = getU16(b, 6) | ((w8 >>> 12) << 16);
    op = w8 & 0x7ff;
    dp = getU16(b, 10) | ((getU16(b, 12) >>> 12) << 16);
  } else {
    ip = getU16(b, 6);
    op = 0;
    dp = getU16(b, 10);
  }
  c.s[W_CONTROL] = cw | 0x40;
  setStatusWord(c, sw);
  let abridged = 0;
  for (let p = 0; p < 8; p++) if (((tw >> (2 * p)) & 3) === 3) abridged |= 3 << (2 * p);
  c.s[W_TAG] = abridged;
  c.s[W_IP] = ip;
  c.s[W_DP] = dp;
  c.s[W_OPCODE] = op;
  if (summary) updateSummary(c);
}

export function registerControl87(def: Define): void {
  def('FNINIT', (c) => {
    checkFpu(c);
    initFpu(c);
  });
  // Clears the exception flags, SF, ES and B; C0-C3 and TOP stay (SDM FCLEX).
  def('FNCLEX', (c) => {
    checkFpu(c);
    c.s[W_STATUS] &= 0x7f00;
  });
  def('FNSTSW AX', (c) => {
    checkFpu(c);
    c.setReg16(0, statusWord(c));
  });
  def('FNSTSW m2byte', (c, i) => {
    checkFpu(c);
    c.write16(i.seg, c.ea(i), statusWord(c));
  });
  def('FNSTCW m2byte', (c, i) => {
    checkFpu(c);
    c.write16(i.seg, c.ea(i), c.s[W_CONTROL]);
  });
  // Bit 6 of the control word is reserved and reads as 1.
  def('FLDCW m2byte', (c, i) => {
    checkFpu(c);
    c.s[W_CONTROL] = c.read16(i.seg, c.ea(i)) | 0x40;
    updateSummary(c);
  });
  // No x87 exception is ever delivered by this model (#MF), so WAIT only checks CR0.
  def('WAIT', (c) => checkWait(c));
  def('FNOP', (c) => checkFpu(c));
  def('FINCSTP', (c) => {
    checkFpu(c);
    setCC(c, C1, 0);
    setStatusWord(c, (statusWord(c) & ~0x3800) | (((top(c) + 1) & 7) << 11));
  });
  def('FDECSTP', (c) => {
    checkFpu(c);
    setCC(c, C1, 0);
    setStatusWord(c, (statusWord(c) & ~0x3800) | (((top(c) - 1) & 7) << 11));
  });

  // FNSTENV: store, then mask every exception (SDM FSTENV).
  def('FNSTENV m14/28byte', (c, i) => {
    checkFpu(c);
    const n = storeEnv(c, i, scratchOut);
    writeBytes(c, i, scratchOut, n);
    c.s[W_CONTROL] |= 0x3f;
  });
  def('FLDENV m14/28byte', (c, i) => {
    checkFpu(c);
    loadEnv(c, i, readBytes(c, i, i.opSize === 32 ? 28 : 14), true);
  });
  // FNSAVE: environment, then ST(0)..ST(7) as 80-bit values; then FNINIT (SDM FSAVE).
  def('FNSAVE m94/108byte', (c, i) => {
    checkFpu(c);
    const n = storeEnv(c, i, scratchOut);
    for (let k = 0; k < 8; k++) f64ToF80(physReg(c, top(c) + k), scratchOut, n + 10 * k);
    writeBytes(c, i, scratchOut, n + 80);
    initFpu(c);
  });
  def('FRSTOR m94/108byte', (c, i) => {
    checkFpu(c);
    const n = i.opSize === 32 ? 28 : 14;
    const b = readBytes(c, i, n + 80);
    // A typed array keeps NaN payloads (V8 canonicalizes NaNs stored in plain double arrays).
    const regs = restoreScratch;
    for (let k = 0; k < 8; k++) regs[k] = f80ToF64(b, n + 10 * k).value;
    loadEnv(c, i, b, false);
    for (let k = 0; k < 8; k++) setPhysReg(c, top(c) + k, regs[k]);
  });
}
