// Stack instructions: PUSH/POP (register, r/m, immediate), PUSHA/POPA,
// PUSHF/POPF, ENTER/LEAVE. SS.B picks SP or ESP; the operand size picks the
// slot width. A faulting stack instruction leaves ESP as it was.
import { fault, Vector } from '../cpu/exceptions.js';
import { IOPL, IOPL_SHIFT, RF, VM } from '../arch/flags.js';
import { ESP, SS, type Cpu } from '../cpu/context.js';
import type { Insn } from '../decoder/insn.js';
import type { Define, Handler } from './handler.js';

const EBP = 5;

/** POP r/m: the address is computed with ESP already incremented (SDM POP). */
function popRM(c: Cpu, i: Insn, bytes: number): void {
  const v = c.peek(bytes, 0);
  const old = c.r[ESP];
  c.setSp(c.spPlus(bytes));
  if (!i.hasMem) {
    c.setReg(bytes * 8, i.rm, v);
    return;
  }
  try {
    c.writeSized(bytes * 8, i.seg, c.ea(i), v);
  } catch (e) {
    c.r[ESP] = old;
    throw e;
  }
}

/** Writes `values` (last pushed last) below the stack top, all or nothing. */
function pushMany(c: Cpu, bytes: number, values: readonly number[]): void {
  const lins: number[] = [];
  for (let k = 0; k < values.length; k++) {
    const lin = c.seg.writeAddr(SS, c.spPlus(-bytes * (k + 1)), bytes);
    c.mem.probeWrite(lin, bytes);
    lins.push(lin);
  }
  for (let k = 0; k < values.length; k++) {
    if (bytes === 4) c.mem.write32(lins[k], values[k]);
    else c.mem.write16(lins[k], values[k]);
  }
  c.setSp(c.spPlus(-bytes * values.length));
}

function enter(c: Cpu, i: Insn): void {
  const bytes = i.opSize >> 3;
  const alloc = i.imm & 0xffff;
  const level = i.imm2 & 31;
  const oldEsp = c.r[ESP];
  const oldEbp = c.r[EBP];
  try {
    c.push(bytes, c.getReg(i.opSize, EBP));
    const frameTemp = c.spPlus(0);
    if (level > 0) {
      let bp = c.stack32 ? oldEbp : oldEbp & 0xffff;
      for (let k = 1; k < level; k++) {
        bp = c.stack32 ? (bp - bytes) | 0 : (bp - bytes) & 0xffff;
        c.push(bytes, bytes === 4 ? c.read32(SS, bp) : c.read16(SS, bp));
      }
      c.push(bytes, frameTemp);
    }
    const newSp = c.spPlus(-alloc);
    // The new stack top must be addressable (SDM ENTER: #SS if outside the limit).
    if (alloc !== 0) c.seg.writeAddr(SS, newSp, 1);
    c.setReg(i.opSize, EBP, frameTemp);
    c.setSp(newSp);
  } catch (e) {
    c.r[ESP] = oldEsp;
    c.r[EBP] = oldEbp;
    throw e;
  }
}

function pushf(c: Cpu, i: Insn): void {
  if (c.vm86 && ((c.eflags() & IOPL) >>> IOPL_SHIFT) < 3) throw fault(Vector.GP, 0);
  const f = c.eflags() & ~(VM | RF);
  c.push(i.opSize >> 3, f);
}

function popf(c: Cpu, i: Insn): void {
  const bytes = i.opSize >> 3;
  const mask = c.popfMask(i.opSize);
  const v = c.peek(bytes, 0);
  c.setSp(c.spPlus(bytes));
  c.setFlagsMasked(v, mask);
  // A changed IF or TF must be seen by the dispatcher before the next block.
  c.blockExit = true;
}

function pushR32(c: Cpu, i: Insn): void {
  c.push32(c.r[i.reg]);
}
function popR32(c: Cpu, i: Insn): void {
  const v = c.pop32();
  c.r[i.reg] = v;
}

export function registerStack(def: Define): void {
  def('PUSH r32', pushR32);
  def('POP r32', popR32);
  for (const size of [16, 32]) {
    const bytes = size >> 3;
    const sfx = String(size);
    if (size === 16) def('PUSH r16', (c, i) => c.push(2, c.reg16(i.reg)));
    def(`PUSH r/m${sfx}`, (c, i) => c.push(bytes, c.readRM(i, size)));
    def(`PUSH imm${sfx}`, (c, i) => c.push(bytes, i.imm));
    if (size === 16) {
      def('POP r16', (c, i) => {
        const v = c.pop(2);
        c.setReg16(i.reg, v);
      });
    }
    def(`POP r/m${sfx}`, (c, i) => popRM(c, i, bytes));
  }
  def('PUSH imm8', (c, i) => c.push(i.opSize >> 3, i.imm));

  const pusha: Handler = (c, i) => {
    const bytes = i.opSize >> 3;
    const vals: number[] = [];
    for (let r = 0; r < 8; r++) vals.push(c.getReg(i.opSize, r));
    pushMany(c, bytes, vals);
  };
  const popa: Handler = (c, i) => {
    const bytes = i.opSize >> 3;
    const vals: number[] = [];
    for (let k = 0; k < 8; k++) vals.push(c.peek(bytes, k * bytes));
    c.setSp(c.spPlus(8 * bytes));
    for (let k = 0; k < 8; k++) {
      const r = 7 - k;
      if (r !== ESP) c.setReg(i.opSize, r, vals[k]);
    }
  };
  def('PUSHA', pusha);
  def('PUSHAD', pusha);
  def('POPA', popa);
  def('POPAD', popa);
  def('PUSHF', pushf);
  def('PUSHFD', pushf);
  def('POPF', popf);
  def('POPFD', popf);
  def('ENTER imm16, imm8', enter);
  def('LEAVE', (c, i) => {
    const bp = c.stack32 ? c.r[EBP] : c.r[EBP] & 0xffff;
    const v = i.opSize === 32 ? c.read32(SS, bp) : c.read16(SS, bp);
    c.setSp((bp + (i.opSize >> 3)) | 0);
    c.setReg(i.opSize, EBP, v);
  });
}
