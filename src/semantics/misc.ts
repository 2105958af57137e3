// Everything small: NOPs, #UD encodings, CPUID, RDTSC, flag instructions
// (CLC STC CMC CLD STD CLI STI), HLT, IN/OUT, SALC, BOUND, software
// interrupts (INT3 INT INTO INT1: raised as traps for the system layer to
// deliver), and the segment-register reads that need no descriptor load
// (PUSH Sreg, MOV r/m16, Sreg).
import * as L from '../cpu/layout.js';
import { fault, Vector } from '../cpu/exceptions.js';
import { cpuidLeaf } from '../cpu/cpuid.js';
import { carry, getFlag, setEager } from '../cpu/lazy-flags.js';
import { CF, DF, IF, IOPL, IOPL_SHIFT, OF, ZF } from '../arch/flags.js';
import { type Cpu, W_HALTED } from '../cpu/context.js';
import type { Insn } from '../decoder/insn.js';
import { type Define, type Handler, sext } from './handler.js';

const W_RETIRED = L.INSNS_RETIRED >> 3;
const W_TSC_OFFSET = L.TSC_OFFSET >> 3;
const W_INT_SHADOW = L.INT_SHADOW >> 2;
const CR4_TSD = 1 << 2;

/** CLI/STI permission (SDM CLI/STI without VME/PVI): real mode always, else CPL <= IOPL. */
function checkIf(c: Cpu): void {
  if (!c.protectedMode) return;
  const iopl = (c.s[L.FLAGS >> 2] & IOPL) >>> IOPL_SHIFT;
  if (c.vm86 ? iopl < 3 : c.cpl > iopl) throw fault(Vector.GP, 0);
}

function setFlagBit(c: Cpu, bit: number, on: boolean): void {
  c.setFlagsMasked(on ? bit : 0, bit);
}

function portIn(c: Cpu, size: number, port: number): void {
  c.checkIo(port, size >> 3);
  const v = size === 8 ? c.io.in8(port) : size === 16 ? c.io.in16(port) : c.io.in32(port);
  c.setReg(size, 0, v);
}

function portOut(c: Cpu, size: number, port: number): void {
  c.checkIo(port, size >> 3);
  const v = c.getReg(size, 0);
  if (size === 8) c.io.out8(port, v & 0xff);
  else if (size === 16) c.io.out16(port, v & 0xffff);
  else c.io.out32(port, v >>> 0);
}

/**
 * A software interrupt or INT3/INTO/INT1 trap: EIP already points past it.
 * `software`: INT n, INT3 and INTO check the gate's DPL against CPL when
 * delivered (SDM INT n); INT1 does not.
 */
function softInt(c: Cpu, vector: number, software = true): void {
  c.trapVector = vector;
  c.trapSoftware = software;
  c.blockExit = true;
}

export function registerMisc(def: Define): void {
  const nop: Handler = () => {};
  def('NOP', nop);
  def('PAUSE', nop);
  def('NOP r/m16', nop);
  def('NOP r/m32', nop);
  const ud: Handler = () => {
    throw fault(Vector.UD);
  };
  def('UD2', ud);
  // RSM outside system-management mode (never entered on this model) is #UD.
  def('RSM', ud);

  def('CPUID', (c) => {
    const [a, b, cc, d] = cpuidLeaf(c.r[0]);
    c.r[0] = a;
    c.r[3] = b;
    c.r[1] = cc;
    c.r[2] = d;
  });
  // RDTSC: virtual time = retired instructions (this one excluded) + offset.
  def('RDTSC', (c, i) => {
    if (c.cpl !== 0 && c.protectedMode && (c.state.cr(4) & CR4_TSD) !== 0) throw fault(Vector.GP, 0);
    const t = c.state.f64[W_RETIRED] + c.retiredInBlock(i) + c.state.f64[W_TSC_OFFSET];
    c.r[0] = t % 2 ** 32;
    c.r[2] = Math.floor(t / 2 ** 32);
  });

  def('CLC', (c) => setFlagBit(c, CF, false));
  def('STC', (c) => setFlagBit(c, CF, true));
  def('CMC', (c) => setFlagBit(c, CF, carry(c.s) === 0));
  def('CLD', (c) => setFlagBit(c, DF, false));
  def('STD', (c) => setFlagBit(c, DF, true));
  def('CLI', (c) => {
    checkIf(c);
    setFlagBit(c, IF, false);
  });
  def('STI', (c) => {
    checkIf(c);
    // Interrupts stay held off until after the next instruction (SDM STI).
    if ((c.s[L.FLAGS >> 2] & IF) === 0) c.s[W_INT_SHADOW] = 1;
    setFlagBit(c, IF, true);
    c.blockExit = true;
  });
  def('HLT', (c) => {
    if (c.protectedMode && c.cpl !== 0) throw fault(Vector.GP, 0);
    c.s[W_HALTED] = 1;
    c.blockExit = true;
  });

  for (const size of [8, 16, 32]) {
    const a = size === 8 ? 'AL' : size === 16 ? 'AX' : 'EAX';
    def(`IN ${a}, imm8`, (c, i) => portIn(c, size, i.imm & 0xff));
    def(`IN ${a}, DX`, (c) => portIn(c, size, c.r[2] & 0xffff));
    def(`OUT imm8, ${a}`, (c, i) => portOut(c, size, i.imm & 0xff));
    def(`OUT DX, ${a}`, (c) => portOut(c, size, c.r[2] & 0xffff));
  }

  def('SALC', (c) => c.setReg8(0, carry(c.s) ? 0xff : 0));

  def('INT3', (c) => softInt(c, Vector.BP));
  def('INT1', (c) => softInt(c, Vector.DB, false));
  def('INT imm8', (c, i) => softInt(c, i.imm & 0xff));
  def('INTO', (c) => {
    if (getFlag(c.s, OF) !== 0) softInt(c, Vector.OF);
  });

  // BOUND: #BR unless lower <= index <= upper, signed (SDM BOUND).
  const bound = (size: number): Handler => (c: Cpu, i: Insn) => {
    const off = c.ea(i);
    const bytes = size >> 3;
    const next = i.addrSize === 32 ? (off + bytes) | 0 : (off + bytes) & 0xffff;
    const lo = sext(c.readSized(size, i.seg, off), size);
    const hi = sext(c.readSized(size, i.seg, next), size);
    const idx = sext(c.getReg(size, i.reg), size);
    if (idx < lo || idx > hi) throw fault(Vector.BR);
  };
  def('BOUND r16, m16&16', bound(16));
  def('BOUND r32, m32&32', bound(32));

  // ARPL (SDM ARPL): raise the RPL of a selector; #UD outside protected mode.
  def('ARPL r/m16, r16', (c, i) => {
    if (!c.protectedMode || c.vm86) throw fault(Vector.UD);
    const src = c.reg16(i.reg);
    const d = i.hasMem ? c.rmwBegin(i, 2) : c.reg16(i.rm);
    if ((d & 3) < (src & 3)) {
      const v = (d & ~3) | (src & 3);
      if (i.hasMem) c.rmwEnd(2, v);
      else c.setReg16(i.rm, v);
      setEager(c.s, ZF, ZF);
    } else setEager(c.s, ZF, 0);
  });

  // Segment register reads: no descriptor load involved.
  const SREGS = ['ES', 'CS', 'SS', 'DS', 'FS', 'GS'];
  for (let s = 0; s < 6; s++) {
    def(`PUSH ${SREGS[s]}`, (c, i) => c.push(i.opSize >> 3, c.state.segSelector(s)));
  }
  def('MOV r/m16, Sreg', (c, i) => {
    if (i.reg > 5) throw fault(Vector.UD);
    const sel = c.state.segSelector(i.reg);
    // A register destination takes the selector zero-extended with a 32-bit operand size.
    if (!i.hasMem && i.opSize === 32) c.r[i.rm] = sel;
    else c.writeRM(i, 16, sel);
  });
}
