// Data movement: MOV (register, memory, immediate, moffs), MOVZX/MOVSX, XCHG,
// BSWAP, LEA, XLAT, LAHF/SAHF, CBW/CWDE/CWD/CDQ, and the condition-code
// families CMOVcc and SETcc (registered by opcode, see registry.ts).
import { condition } from '../cpu/lazy-flags.js';
import { AF, CF, PF, SF, ZF } from '../arch/flags.js';
import type { Cpu } from '../cpu/context.js';
import type { Insn } from '../decoder/insn.js';
import { acc, type Define, type Handler, SIZES, sext } from './handler.js';

// The hot 32-bit moves as plain functions (monomorphic, inlinable helpers).
function movRmR32(c: Cpu, i: Insn): void {
  if (i.hasMem) c.write32(i.seg, c.ea(i), c.r[i.reg]);
  else c.r[i.rm] = c.r[i.reg];
}
function movRRm32(c: Cpu, i: Insn): void {
  c.r[i.reg] = i.hasMem ? c.read32(i.seg, c.ea(i)) : c.r[i.rm];
}
function movRImm32(c: Cpu, i: Insn): void {
  c.r[i.reg] = i.imm;
}
function lea32(c: Cpu, i: Insn): void {
  c.r[i.reg] = c.ea(i);
}

export function registerMove(def: Define): void {
  def('MOV r/m32, r32', movRmR32);
  def('MOV r32, r/m32', movRRm32);
  def('MOV r32, imm32', movRImm32);
  def('LEA r32, m', lea32);
  for (const size of SIZES) {
    const sfx = String(size);
    if (size !== 32) def(`MOV r/m${sfx}, r${sfx}`, (c, i) => c.writeRM(i, size, c.getReg(size, i.reg)));
    if (size !== 32) def(`MOV r${sfx}, r/m${sfx}`, (c, i) => c.setReg(size, i.reg, c.readRM(i, size)));
    def(`MOV ${acc(size)}, moffs${sfx}`, (c, i) => c.setReg(size, 0, c.readSized(size, i.seg, c.ea(i))));
    def(`MOV moffs${sfx}, ${acc(size)}`, (c, i) => c.writeSized(size, i.seg, c.ea(i), c.getReg(size, 0)));
    if (size !== 32) def(`MOV r${sfx}, imm${sfx}`, (c, i) => c.setReg(size, i.reg, i.imm));
    def(`MOV r/m${sfx}, imm${sfx}`, (c, i) => c.writeRM(i, size, i.imm));
    if (size !== 8) {
      const bytes = size >> 3;
      // XCHG with memory: the memory side is a locked read-modify-write.
      const xchg: Handler = (c, i) => {
        const v = c.getReg(size, i.reg);
        if (!i.hasMem) {
          c.setReg(size, i.reg, c.getReg(size, i.rm));
          c.setReg(size, i.rm, v);
        } else {
          const m = c.rmwBegin(i, bytes);
          c.rmwEnd(bytes, v);
          c.setReg(size, i.reg, m);
        }
      };
      def(`XCHG r/m${sfx}, r${sfx}`, xchg);
      const xchgAcc: Handler = (c, i) => {
        const v = c.getReg(size, i.reg);
        c.setReg(size, i.reg, c.getReg(size, 0));
        c.setReg(size, 0, v);
      };
      def(`XCHG ${acc(size)}, r${sfx}`, xchgAcc);
      if (size === 16) def('LEA r16, m', (c, i) => c.setReg16(i.reg, c.ea(i)));
    }
  }
  def('XCHG r/m8, r8', (c, i) => {
    const v = c.reg8(i.reg);
    if (!i.hasMem) {
      c.setReg8(i.reg, c.reg8(i.rm));
      c.setReg8(i.rm, v);
    } else {
      const m = c.rmwBegin(i, 1);
      c.rmwEnd(1, v);
      c.setReg8(i.reg, m);
    }
  });
  def('MOVZX r16, r/m8', (c, i) => c.setReg16(i.reg, c.readRM(i, 8)));
  def('MOVZX r32, r/m8', (c, i) => (c.r[i.reg] = c.readRM(i, 8)));
  def('MOVZX r32, r/m16', (c, i) => (c.r[i.reg] = c.readRM(i, 16)));
  // 0F B7 / 0F BF with a 16-bit operand size: a plain 16-bit move.
  def('MOVZX r16, r/m16', (c, i) => c.setReg16(i.reg, c.readRM(i, 16)));
  def('MOVSX r16, r/m16', (c, i) => c.setReg16(i.reg, c.readRM(i, 16)));
  def('MOVSX r16, r/m8', (c, i) => c.setReg16(i.reg, sext(c.readRM(i, 8), 8)));
  def('MOVSX r32, r/m8', (c, i) => (c.r[i.reg] = sext(c.readRM(i, 8), 8)));
  def('MOVSX r32, r/m16', (c, i) => (c.r[i.reg] = sext(c.readRM(i, 16), 16)));

  def('BSWAP r32', (c, i) => {
    const v = c.r[i.reg];
    c.r[i.reg] = ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
  });

  // XLAT: AL = [seg:(E)BX + zero-extended AL] (SDM XLAT).
  const xlat: Handler = (c, i) => {
    const base = i.addrSize === 32 ? c.r[3] : c.r[3] & 0xffff;
    const off = i.addrSize === 32 ? (base + c.reg8(0)) | 0 : (base + c.reg8(0)) & 0xffff;
    c.setReg8(0, c.read8(i.seg, off));
  };
  def('XLATB', xlat);

  // LAHF/SAHF: AH <-> SF:ZF:0:AF:0:PF:1:CF.
  def('LAHF', (c) => c.setReg8(4, (c.eflags() & (SF | ZF | AF | PF | CF)) | 2));
  def('SAHF', (c) => c.setFlagsMasked(c.reg8(4), SF | ZF | AF | PF | CF));

  def('CBW', (c) => c.setReg16(0, sext(c.r[0], 8)));
  def('CWDE', (c) => (c.r[0] = sext(c.r[0], 16)));
  def('CWD', (c) => c.setReg16(2, sext(c.r[0], 16) >> 16));
  def('CDQ', (c) => (c.r[2] = c.r[0] >> 31));
}

/** CMOVcc r, r/m: the source is read (and may fault) even when the condition is false. */
export function cmovHandler(cc: number, size: number): Handler {
  return (c: Cpu, i: Insn) => {
    const v = c.readRM(i, size);
    if (condition(c.s, cc)) c.setReg(size, i.reg, v);
  };
}

export function setccHandler(cc: number): Handler {
  return (c: Cpu, i: Insn) => c.writeRM(i, 8, condition(c.s, cc) ? 1 : 0);
}
