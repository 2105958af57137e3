// The x87 control-state instructions an operating system uses around lazy
// FPU switching (FNINIT FNCLEX FNSTSW FNSTCW FLDCW WAIT), with the #NM
// checks of CR0.EM/TS/MP (SDM Vol. 3, 2.5 and table 2-2). x87 arithmetic is
// not part of this layer.
import * as L from '../cpu/layout.js';
import { fault, Vector } from '../cpu/exceptions.js';
import type { Cpu } from '../interp/cpu.js';
import type { Define } from '../semantics/handler.js';
import { CR0_EM, CR0_MP, CR0_TS } from './mode.js';

const W_CONTROL = L.FPU_CONTROL >> 2;
const W_STATUS = L.FPU_STATUS >> 2;
const W_TAG = L.FPU_TAG >> 2;
const W_TOP = L.FPU_TOP >> 2;
const W_IP = L.FPU_IP >> 2;
const W_DP = L.FPU_DP >> 2;
const W_OPCODE = L.FPU_OPCODE >> 2;

/** An x87 instruction raises #NM when CR0.EM or CR0.TS is set. */
function checkFpuAvailable(c: Cpu): void {
  if ((c.state.cr(0) & (CR0_EM | CR0_TS)) !== 0) throw fault(Vector.NM);
}

/** The status word with TOP in bits 13..11 (SDM Vol. 1, 8.1.3). */
function statusWord(c: Cpu): number {
  return (c.s[W_STATUS] & ~0x3800) | ((c.s[W_TOP] & 7) << 11);
}

export function registerFpuControl(def: Define): void {
  // FNINIT: control 037FH, status 0, every register empty (SDM FINIT/FNINIT).
  def('FNINIT', (c) => {
    checkFpuAvailable(c);
    c.s[W_CONTROL] = 0x37f;
    c.s[W_STATUS] = 0;
    c.s[W_TAG] = 0xffff;
    c.s[W_TOP] = 0;
    c.s[W_IP] = 0;
    c.s[W_DP] = 0;
    c.s[W_OPCODE] = 0;
  });
  // FNCLEX clears the exception flags, the summary, stack-fault and busy bits.
  def('FNCLEX', (c) => {
    checkFpuAvailable(c);
    c.s[W_STATUS] &= 0x7f00;
  });
  def('FNSTSW AX', (c) => {
    checkFpuAvailable(c);
    c.setReg16(0, statusWord(c));
  });
  def('FNSTSW m2byte', (c, i) => {
    checkFpuAvailable(c);
    c.write16(i.seg, c.ea(i), statusWord(c));
  });
  def('FNSTCW m2byte', (c, i) => {
    checkFpuAvailable(c);
    c.write16(i.seg, c.ea(i), c.s[W_CONTROL]);
  });
  def('FLDCW m2byte', (c, i) => {
    checkFpuAvailable(c);
    c.s[W_CONTROL] = c.read16(i.seg, c.ea(i)) | 0x40;
  });
  // WAIT faults only when both TS and MP are set; no x87 exception is ever pending here.
  def('WAIT', (c) => {
    if ((c.state.cr(0) & (CR0_TS | CR0_MP)) === (CR0_TS | CR0_MP)) throw fault(Vector.NM);
  });
}
