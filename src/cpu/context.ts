// The execution context every semantics handler receives: typed views of the
// state block, segmentation + memory, port I/O, and the operand helpers the
// handlers share (effective addresses, r/m operands, read-modify-write,
// stack). One class, one hidden class: handlers stay monomorphic on it.
import * as L from './layout.js';
import type { CpuState } from './state.js';
import { materialize, W_FLAGS, W_MASK } from './lazy-flags.js';
import { fault, Vector } from './exceptions.js';
import type { Insn } from '../decoder/insn.js';
import { GuestMemory } from '../mem/memory.js';
import { ATTR_DB, Segmentation } from '../mem/segmentation.js';
import { PAGE_MASK } from '../mem/tlb-entry.js';
import type { PortIO } from './port-io.js';
import type { MsrBank } from './msrs.js';
import { AC, ARITH, DF, ID, IF, IOPL, IOPL_SHIFT, NT, RF, TF, VM } from '../arch/flags.js';

export const W_EIP = L.EIP >> 2;
export const W_CPL = L.CPL >> 2;
export const W_MODE = L.MODE >> 2;
export const W_HALTED = L.HALTED >> 2;
const W_CS_LIMIT = (L.SEGS + 1 * L.SEG_STRIDE + L.SEG_LIMIT) >> 2;
const W_SS_ATTRS = (L.SEGS + 2 * L.SEG_STRIDE + L.SEG_ATTRS) >> 2;

export const ESP = 4;
export const SS = 2;
export const ES = 0;

/** MODE bits (cpu/layout.ts). */
export const MODE_PROTECTED = 1;
export const MODE_CODE32 = 2;
export const MODE_STACK32 = 4;
export const MODE_VM86 = 8;

/**
 * Where the processor's implicit accesses to its descriptor tables and TSS
 * land when they fall in `owns`: a software VMM's own tables (shadow GDT and
 * LDT, its IDT and TSS), which live outside guest RAM.
 */
export interface TableMemory {
  owns(lin: number): boolean;
  read16(lin: number): number;
  read32(lin: number): number;
  write16(lin: number, v: number): void;
  write32(lin: number, v: number): void;
}

export class Cpu {
  readonly state: CpuState;
  /** The whole memory as u32 words: state fields at their word index (W_*). */
  readonly s: Uint32Array;
  /** General registers EAX..EDI (signed view; use >>> 0 for unsigned). */
  readonly r: Int32Array;
  readonly mem: GuestMemory;
  readonly seg: Segmentation;
  io: PortIO;
  /** True when SS.B is set: stack operations use ESP, else SP. */
  stack32 = true;
  /** EIP wrap mask: 0xFFFFFFFF in 32-bit code, 0xFFFF in 16-bit code. */
  ipMask = 0xffffffff;
  /**
   * I/O permission when CPL > IOPL (the TSS bitmap, SDM Vol. 1, 19.5.2); the
   * system layer installs it. Without it such accesses raise #GP(0).
   */
  ioPermitted: ((port: number, bytes: number) => boolean) | null = null;
  /**
   * REP iterations executed beyond one per instruction: not virtual time, but
   * counted against run()'s instruction budget so a long REP cannot stretch it.
   */
  repWork = 0;
  /** The MSRs besides the TSC (cpu/msrs.ts); null: every other index raises #GP(0). */
  msrs: MsrBank | null = null;
  /** A VMM's tables, reached by the implicit table accesses of the system layer (null on bare metal). */
  tables: TableMemory | null = null;
  /** Set by a handler to end the current block after this instruction. */
  blockExit = false;
  /** Vector of a software interrupt / INT3 / INTO trap raised by the last instruction, else -1. */
  trapVector = -1;
  /** The trap came from INT n / INT3 / INTO (delivery checks the gate DPL), not INT1. */
  trapSoftware = false;
  /** Read-modify-write target: physical address within one page, or -1 (use rmwLin). */
  private rmwP = -1;
  private rmwLin = 0;

  constructor(state: CpuState, ramBytes: number, io: PortIO) {
    this.state = state;
    const buf = state.memory.buffer;
    this.s = state.u32;
    this.r = new Int32Array(buf, L.REGS, 8);
    this.mem = new GuestMemory(buf, ramBytes);
    this.seg = new Segmentation(this.s);
    this.io = io;
    this.syncMode();
  }

  /** Re-reads the segment caches, CPL and stack size after the system layer changed them. */
  syncMode(): void {
    this.seg.refresh();
    this.stack32 = (this.s[W_SS_ATTRS] & ATTR_DB) !== 0;
    this.mem.setUser(this.s[W_CPL] === 3);
    this.ipMask = (this.s[W_MODE] & MODE_CODE32) !== 0 ? 0xffffffff : 0xffff;
  }

  // ---- registers ----

  reg8(n: number): number {
    return n < 4 ? this.r[n] & 0xff : (this.r[n - 4] >> 8) & 0xff;
  }
  setReg8(n: number, v: number): void {
    if (n < 4) this.r[n] = (this.r[n] & ~0xff) | (v & 0xff);
    else this.r[n - 4] = (this.r[n - 4] & ~0xff00) | ((v & 0xff) << 8);
  }
  reg16(n: number): number {
    return this.r[n] & 0xffff;
  }
  setReg16(n: number, v: number): void {
    this.r[n] = (this.r[n] & ~0xffff) | (v & 0xffff);
  }
  /** Register `n` of width `size` (8, 16, 32); 32-bit values are signed. */
  getReg(size: number, n: number): number {
    return size === 32 ? this.r[n] : size === 16 ? this.r[n] & 0xffff : this.reg8(n);
  }
  setReg(size: number, n: number, v: number): void {
    if (size === 32) this.r[n] = v;
    else if (size === 16) this.setReg16(n, v);
    else this.setReg8(n, v);
  }

  // ---- addresses ----

  /** Effective address (offset in the segment) of the instruction's memory operand. */
  ea(i: Insn): number {
    let a = i.disp;
    if (i.base >= 0) a += this.r[i.base];
    if (i.index >= 0) a += this.r[i.index] << i.scale;
    return i.addrSize === 32 ? a | 0 : a & 0xffff;
  }

  read8(seg: number, off: number): number {
    return this.mem.read8(this.seg.readAddr(seg, off, 1));
  }
  read16(seg: number, off: number): number {
    return this.mem.read16(this.seg.readAddr(seg, off, 2));
  }
  read32(seg: number, off: number): number {
    return this.mem.read32(this.seg.readAddr(seg, off, 4));
  }
  readSized(size: number, seg: number, off: number): number {
    return size === 32 ? this.read32(seg, off) : size === 16 ? this.read16(seg, off) : this.read8(seg, off);
  }
  write8(seg: number, off: number, v: number): void {
    this.mem.write8(this.seg.writeAddr(seg, off, 1), v);
  }
  write16(seg: number, off: number, v: number): void {
    this.mem.write16(this.seg.writeAddr(seg, off, 2), v);
  }
  write32(seg: number, off: number, v: number): void {
    this.mem.write32(this.seg.writeAddr(seg, off, 4), v);
  }
  writeSized(size: number, seg: number, off: number, v: number): void {
    if (size === 32) this.write32(seg, off, v);
    else if (size === 16) this.write16(seg, off, v);
    else this.write8(seg, off, v);
  }

  // ---- r/m operands ----

  /** Reads the r/m operand (register or memory) of width `size`. */
  readRM(i: Insn, size: number): number {
    if (!i.hasMem) return this.getReg(size, i.rm);
    return this.readSized(size, i.seg, this.ea(i));
  }
  readRM32(i: Insn): number {
    return i.hasMem ? this.read32(i.seg, this.ea(i)) : this.r[i.rm];
  }
  writeRM(i: Insn, size: number, v: number): void {
    if (!i.hasMem) this.setReg(size, i.rm, v);
    else this.writeSized(size, i.seg, this.ea(i), v);
  }
  writeRM32(i: Insn, v: number): void {
    if (i.hasMem) this.write32(i.seg, this.ea(i), v);
    else this.r[i.rm] = v;
  }

  /**
   * Starts a read-modify-write of `size` bytes at the memory operand: checks
   * the segment and page for writing first (so the later write cannot fault)
   * and returns the current value.
   */
  rmwBegin(i: Insn, size: number): number {
    return this.rmwBeginAt(i.seg, this.ea(i), size);
  }
  rmwBeginAt(seg: number, off: number, size: number): number {
    const lin = this.seg.writeAddr(seg, off, size);
    this.rmwLin = lin;
    if ((lin & PAGE_MASK) <= PAGE_MASK + 1 - size) {
      const p = this.mem.translateWrite(lin);
      this.rmwP = p;
      if (p >= 0) {
        const ram = this.mem.ram;
        if (size === 4) return (p & 3) === 0 ? this.mem.ram32[p >> 2] : ram[p] | (ram[p + 1] << 8) | (ram[p + 2] << 16) | (ram[p + 3] << 24);
        if (size === 2) return ram[p] | (ram[p + 1] << 8);
        return ram[p];
      }
    } else {
      this.mem.probeWrite(lin, size);
      this.rmwP = -1;
    }
    return size === 4 ? this.mem.read32(lin) : size === 2 ? this.mem.read16(lin) : this.mem.read8(lin);
  }
  /** Completes the read-modify-write started by rmwBegin. */
  rmwEnd(size: number, v: number): void {
    const p = this.rmwP;
    if (p >= 0) {
      const ram = this.mem.ram;
      if (size === 4) {
        if ((p & 3) === 0) this.mem.ram32[p >> 2] = v;
        else {
          ram[p] = v;
          ram[p + 1] = v >> 8;
          ram[p + 2] = v >> 16;
          ram[p + 3] = v >> 24;
        }
      } else if (size === 2) {
        ram[p] = v;
        ram[p + 1] = v >> 8;
      } else ram[p] = v;
      return;
    }
    if (size === 4) this.mem.write32(this.rmwLin, v);
    else if (size === 2) this.mem.write16(this.rmwLin, v);
    else this.mem.write8(this.rmwLin, v);
  }

  // ---- control transfer ----

  /** Address of the next instruction (EIP was advanced before the handler ran). */
  nextEip(): number {
    return this.s[W_EIP];
  }
  /**
   * Near transfer to `target`, truncated to 16 bits with a 16-bit operand size;
   * #GP(0) if outside the CS limit (SDM JMP/CALL/RET: checked before any change).
   */
  checkTarget(target: number, opSize: number): number {
    const t = opSize === 16 ? target & 0xffff : target >>> 0;
    if (this.seg.fast[1] === 0 && t > this.s[W_CS_LIMIT]) throw fault(Vector.GP, 0);
    return t;
  }
  jump(target: number, opSize: number): void {
    this.s[W_EIP] = this.checkTarget(target, opSize);
  }

  // ---- stack (SDM Vol. 1, 6.2: SS.B selects ESP or SP) ----

  /** Stack pointer moved by `delta` bytes, wrapped to the stack width. */
  spPlus(delta: number): number {
    const sp = this.r[ESP];
    return this.stack32 ? (sp + delta) | 0 : (sp + delta) & 0xffff;
  }
  /** Writes the stack pointer keeping ESP's upper half on a 16-bit stack. */
  setSp(v: number): void {
    this.r[ESP] = this.stack32 ? v : (this.r[ESP] & ~0xffff) | (v & 0xffff);
  }
  /** Pushes `v` of `size` bytes (2 or 4); ESP changes only if the write succeeds. */
  push(size: number, v: number): void {
    const sp = this.spPlus(-size);
    const lin = this.seg.writeAddr(SS, sp, size);
    if (size === 4) this.mem.write32(lin, v);
    else this.mem.write16(lin, v);
    this.setSp(sp);
  }
  push32(v: number): void {
    if (!this.stack32) {
      this.push(4, v);
      return;
    }
    const sp = (this.r[ESP] - 4) | 0;
    this.mem.write32(this.seg.writeAddr(SS, sp, 4), v);
    this.r[ESP] = sp;
  }
  pop32(): number {
    if (!this.stack32) return this.pop(4);
    const sp = this.r[ESP];
    const v = this.mem.read32(this.seg.readAddr(SS, sp, 4));
    this.r[ESP] = (sp + 4) | 0;
    return v;
  }
  /** Reads the value `size` bytes wide `offset` bytes above the stack top. */
  peek(size: number, offset: number): number {
    const at = this.spPlus(offset);
    return size === 4 ? this.read32(SS, at) : this.read16(SS, at);
  }
  pop(size: number): number {
    const v = this.peek(size, 0);
    this.setSp(this.spPlus(size));
    return v;
  }

  // ---- flags ----

  /** EFLAGS with every lazy flag made concrete. */
  eflags(): number {
    return materialize(this.s);
  }
  get cpl(): number {
    return this.s[W_CPL];
  }
  get protectedMode(): boolean {
    return (this.s[W_MODE] & MODE_PROTECTED) !== 0;
  }
  get vm86(): boolean {
    return (this.s[W_MODE] & MODE_VM86) !== 0;
  }
  /** Sets the flags in `mask` from `v`, leaving the rest (used by POPF/SAHF/IRET-like writers). */
  setFlagsMasked(v: number, mask: number): void {
    const f = materialize(this.s);
    this.s[W_FLAGS] = (((f & ~mask) | (v & mask)) | 2) >>> 0;
    this.s[W_MASK] = 0;
  }
  dfSet(): boolean {
    return (this.s[W_FLAGS] & DF) !== 0;
  }

  /**
   * The EFLAGS bits POPF may change at the current privilege (SDM POPF,
   * operation section): IOPL only at CPL 0, IF only when CPL <= IOPL; VM, RF,
   * VIF and VIP never. Raises #GP(0) in virtual-8086 mode with IOPL < 3.
   */
  popfMask(size: number): number {
    const f = this.s[W_FLAGS];
    const iopl = (f & IOPL) >>> IOPL_SHIFT;
    let mask = ARITH | TF | DF | NT | AC | ID;
    if (!this.protectedMode) mask |= IF | IOPL;
    else if (this.vm86) {
      if (iopl < 3) throw fault(Vector.GP, 0);
      mask |= IF;
    } else {
      if (this.cpl === 0) mask |= IOPL;
      if (this.cpl <= iopl) mask |= IF;
    }
    mask &= ~(VM | RF);
    return size === 16 ? mask & 0xffff : mask;
  }

  /** Raises #GP(0) unless I/O to `port` is allowed (SDM Vol. 1, 19.5: CPL <= IOPL, else the bitmap). */
  checkIo(port: number, bytes: number): void {
    if (!this.protectedMode) return;
    if (!this.vm86 && this.cpl <= (this.s[W_FLAGS] & IOPL) >>> IOPL_SHIFT) return;
    if (this.ioPermitted === null || !this.ioPermitted(port, bytes)) throw fault(Vector.GP, 0);
  }

  /** Instructions of the current block retired before `i` (RDTSC reads exact virtual time). */
  retiredInBlock(i: Insn): number {
    return i.pos;
  }

  /** Address of the instruction being executed (EIP holds the next one). */
  insnEip(i: Insn): number {
    return ((this.s[W_EIP] - i.length) & this.ipMask) >>> 0;
  }
}
