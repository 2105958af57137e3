// Descriptor-table and task-register instructions: LGDT LIDT SGDT SIDT, LLDT
// SLDT, LTR STR (SDM Vol. 3, 2.4 and each instruction's page).
import * as L from '../cpu/layout.js';
import { fault, Vector } from '../cpu/exceptions.js';
import type { Insn } from '../decoder/insn.js';
import type { Cpu } from '../cpu/context.js';
import type { Define } from '../semantics/handler.js';
import { SysType, W_GDTR_BASE, W_GDTR_LIMIT, W_IDTR_BASE, W_IDTR_LIMIT, isPresent, loadDescriptor, systemType, sysWrite32 } from './descriptors.js';

const W_LDTR = L.LDTR >> 2;
const W_TR = L.TR >> 2;

/** #GP(0) unless at CPL 0 (or in real-address mode): the privileged instructions' first check. */
export function requireCpl0(c: Cpu): void {
  if (c.protectedMode && (c.vm86 || c.cpl !== 0)) throw fault(Vector.GP, 0);
}

/** Writes a selector-like value to r/m16: a register destination gets it zero-extended with a 32-bit operand size. */
export function storeSelector(c: Cpu, i: Insn, v: number): void {
  if (!i.hasMem && i.opSize === 32) c.r[i.rm] = v;
  else c.writeRM(i, 16, v);
}

function loadTableRegister(c: Cpu, i: Insn, wBase: number, wLimit: number): void {
  requireCpl0(c);
  const off = c.ea(i);
  const limit = c.read16(i.seg, off);
  let base = c.read32(i.seg, i.addrSize === 32 ? (off + 2) | 0 : (off + 2) & 0xffff) >>> 0;
  if (i.opSize === 16) base &= 0xffffff;
  c.s[wBase] = base;
  c.s[wLimit] = limit;
}

function storeTableRegister(c: Cpu, i: Insn, wBase: number, wLimit: number): void {
  const off = c.ea(i);
  const base = i.opSize === 16 ? c.s[wBase] & 0xffffff : c.s[wBase];
  // Probe both parts before writing either, so a fault leaves memory untouched.
  const next = i.addrSize === 32 ? (off + 2) | 0 : (off + 2) & 0xffff;
  c.mem.probeWrite(c.seg.writeAddr(i.seg, off, 2), 2);
  c.mem.probeWrite(c.seg.writeAddr(i.seg, next, 4), 4);
  c.write16(i.seg, off, c.s[wLimit]);
  c.write32(i.seg, next, base);
}

function readSelectorOperand(c: Cpu, i: Insn): number {
  return c.readRM(i, 16) & 0xffff;
}

function requireProtected(c: Cpu): void {
  if (!c.protectedMode || c.vm86) throw fault(Vector.UD);
}

function lldt(c: Cpu, i: Insn): void {
  requireProtected(c);
  requireCpl0(c);
  const sel = readSelectorOperand(c, i);
  if ((sel & 0xfffc) === 0) {
    c.s[W_LDTR] = sel;
    c.s[W_LDTR + 1] = 0;
    c.s[W_LDTR + 2] = 0;
    c.s[W_LDTR + 3] = 0;
    return;
  }
  if ((sel & 4) !== 0) throw fault(Vector.GP, sel & 0xfffc);
  const d = loadDescriptor(c, sel, Vector.GP, 0);
  if (systemType(d.attrs) !== SysType.LDT) throw fault(Vector.GP, sel & 0xfffc);
  if (!isPresent(d.attrs)) throw fault(Vector.NP, sel & 0xfffc);
  c.s[W_LDTR] = sel;
  c.s[W_LDTR + 1] = d.base;
  c.s[W_LDTR + 2] = d.limit;
  c.s[W_LDTR + 3] = d.attrs;
}

function ltr(c: Cpu, i: Insn): void {
  requireProtected(c);
  requireCpl0(c);
  const sel = readSelectorOperand(c, i);
  if ((sel & 0xfffc) === 0) throw fault(Vector.GP, 0);
  if ((sel & 4) !== 0) throw fault(Vector.GP, sel & 0xfffc);
  const d = loadDescriptor(c, sel, Vector.GP, 0);
  const type = systemType(d.attrs);
  if (type !== SysType.TSS32_AVAILABLE && type !== SysType.TSS16_AVAILABLE) throw fault(Vector.GP, sel & 0xfffc);
  if (!isPresent(d.attrs)) throw fault(Vector.NP, sel & 0xfffc);
  // The TSS becomes busy, in the descriptor and in the cache (SDM LTR).
  const busy = 2 << 8;
  sysWrite32(c, (d.address + 4) | 0, d.hi | busy);
  c.s[W_TR] = sel;
  c.s[W_TR + 1] = d.base;
  c.s[W_TR + 2] = d.limit;
  c.s[W_TR + 3] = d.attrs | 2;
}

export function registerTableInsns(def: Define): void {
  def('LGDT m16&32', (c, i) => loadTableRegister(c, i, W_GDTR_BASE, W_GDTR_LIMIT));
  def('LIDT m16&32', (c, i) => loadTableRegister(c, i, W_IDTR_BASE, W_IDTR_LIMIT));
  def('SGDT m', (c, i) => storeTableRegister(c, i, W_GDTR_BASE, W_GDTR_LIMIT));
  def('SIDT m', (c, i) => storeTableRegister(c, i, W_IDTR_BASE, W_IDTR_LIMIT));
  def('LLDT r/m16', lldt);
  def('LTR r/m16', ltr);
  def('SLDT r/m16', (c, i) => {
    requireProtected(c);
    storeSelector(c, i, c.s[W_LDTR] & 0xffff);
  });
  def('STR r/m16', (c, i) => {
    requireProtected(c);
    storeSelector(c, i, c.s[W_TR] & 0xffff);
  });
}
