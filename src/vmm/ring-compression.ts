// Ring compression (DESIGN, "The VMM model"): while the guest runs under a
// software VMM, the real state is the VMM's. Guest CPL 0 runs at real CPL 1
// (CS and SS carry RPL 1, and the descriptors behind them DPL 1: the shadow
// tables compress DPL 0 to 1), guest CPL 3 at real CPL 3; real IF is 1 and
// real IOPL 0, so interrupts and I/O reach the VMM; the real GDTR, LDTR, IDTR
// and TR are the VMM's tables; real CR0 adds the VMM's NE.
//
// `compress` turns a state block holding the guest's view into the real one;
// `decompress` is its inverse. Emulating an instruction on the virtual CPU is
// decompress, run the one semantics, capture, compress.
import * as L from '../cpu/layout.js';
import { W_FLAGS } from '../cpu/lazy-flags.js';
import { Seg } from '../cpu/state.js';
import type { Cpu, TableMemory } from '../cpu/context.js';
import { IF, IOPL, VM } from '../arch/flags.js';
import { ATTR_DPL_SHIFT, ATTR_S } from '../mem/segmentation.js';
import { CR0_NE, CR0_PE } from '../system/mode.js';
import type { VirtualCpu } from './virtual-cpu.js';
import { SEL_VMM_LDT, SEL_VMM_TSS, SHADOW_GDT, SHADOW_IDT, SHADOW_LDT, VMM_LINEAR, VMM_TSS, VMM_TSS_LIMIT } from './vmm-memory.js';

const W_GDTR_BASE = L.GDTR_BASE >> 2;
const W_GDTR_LIMIT = L.GDTR_LIMIT >> 2;
const W_IDTR_BASE = L.IDTR_BASE >> 2;
const W_IDTR_LIMIT = L.IDTR_LIMIT >> 2;
const W_LDTR = L.LDTR >> 2;
const W_TR = L.TR >> 2;

/** CR0 bits the VMM itself sets in the real CR0 (NE: it takes x87 errors as #MF). */
export const VMM_CR0 = CR0_NE;
/** Attributes of the VMM's LDT and (busy) TSS descriptors: present, DPL 0. */
export const ATTRS_VMM_LDT = 0x82;
export const ATTRS_VMM_TSS = 0x8b;

const DPL_MASK = 3 << ATTR_DPL_SHIFT;

/** The real CPL a guest CPL runs at. */
export function realCpl(guestCpl: number): number {
  return guestCpl === 0 ? 1 : guestCpl;
}

/** The guest CPL a real CPL stands for. */
export function guestCpl(real: number): number {
  return real === 1 ? 0 : real;
}

/** Code/data segment attributes (or descriptor bytes 5-6) with DPL 0 compressed to 1. */
export function compressAttrs(attrs: number): number {
  if ((attrs & ATTR_S) === 0 || (attrs & DPL_MASK) !== 0) return attrs;
  return attrs | (1 << ATTR_DPL_SHIFT);
}

function decompressAttrs(attrs: number): number {
  if ((attrs & ATTR_S) === 0 || (attrs & DPL_MASK) !== 1 << ATTR_DPL_SHIFT) return attrs;
  return attrs & ~DPL_MASK;
}

/** Whether ring compression applies: the guest is in protected mode (real mode runs as it is). */
export function compressible(v: VirtualCpu): boolean {
  return (v.cr(0) & CR0_PE) !== 0;
}

/** Stores what the state block (holding the guest's view) says of the VMM-kept state into the virtual CPU. */
export function captureVirtual(c: Cpu, v: VirtualCpu): void {
  const s = c.s;
  v.flags = s[W_FLAGS] & (IF | IOPL);
  v.cpl = c.state.cpl;
  v.setGdtr(s[W_GDTR_BASE], s[W_GDTR_LIMIT]);
  v.setIdtr(s[W_IDTR_BASE], s[W_IDTR_LIMIT]);
  v.setLdtr({ selector: s[W_LDTR], base: s[W_LDTR + 1], limit: s[W_LDTR + 2], attrs: s[W_LDTR + 3] });
  v.setTr({ selector: s[W_TR], base: s[W_TR + 1], limit: s[W_TR + 2], attrs: s[W_TR + 3] });
  for (let n = 0; n < 5; n++) v.setCr(n, c.state.cr(n));
}

/** Guest view -> real state. `tables` is the VMM memory the real table registers point into. */
export function compress(c: Cpu, v: VirtualCpu, tables: TableMemory): void {
  const st = c.state;
  const s = c.s;
  st.setCr(0, (v.cr(0) | VMM_CR0) >>> 0);
  if (!compressible(v)) return;
  const vm86 = (s[W_FLAGS] & VM) !== 0;
  const cpl = vm86 ? 3 : realCpl(st.cpl);
  st.cpl = cpl;
  for (let seg = 0; seg < 6; seg++) {
    let sel = st.segSelector(seg);
    if (!vm86 && (seg === Seg.CS || seg === Seg.SS)) sel = (sel & ~3) | cpl;
    st.setSeg(seg, sel, st.segBase(seg), st.segLimit(seg), vm86 ? st.segAttrs(seg) : compressAttrs(st.segAttrs(seg)));
  }
  s[W_FLAGS] = ((s[W_FLAGS] & ~(IF | IOPL)) | IF) >>> 0;
  s[W_GDTR_BASE] = (VMM_LINEAR + SHADOW_GDT) >>> 0;
  s[W_GDTR_LIMIT] = 0xffff;
  s[W_IDTR_BASE] = (VMM_LINEAR + SHADOW_IDT) >>> 0;
  s[W_IDTR_LIMIT] = v.idtLimit;
  const ldt = v.ldtr;
  if ((ldt.selector & 0xfffc) === 0) setRecord(s, W_LDTR, 0, 0, 0, 0);
  else setRecord(s, W_LDTR, SEL_VMM_LDT, (VMM_LINEAR + SHADOW_LDT) >>> 0, ldt.limit, ATTRS_VMM_LDT);
  setRecord(s, W_TR, SEL_VMM_TSS, (VMM_LINEAR + VMM_TSS) >>> 0, VMM_TSS_LIMIT, ATTRS_VMM_TSS);
  c.tables = tables;
  c.syncMode();
}

/**
 * Real state -> guest view (the inverse of compress). With `trackedCpl` the
 * virtual CPU's CPL tells guest ring 1 from guest ring 0 (both real ring 1),
 * as long as it still matches the real CPL.
 */
export function decompress(c: Cpu, v: VirtualCpu, trackedCpl = false): void {
  const st = c.state;
  const s = c.s;
  st.setCr(0, v.cr(0));
  c.tables = null;
  if (!compressible(v)) return;
  const vm86 = (s[W_FLAGS] & VM) !== 0;
  const real = st.cpl;
  if (!vm86) {
    const cpl = trackedCpl && realCpl(v.cpl) === real ? v.cpl : guestCpl(real);
    st.cpl = cpl;
    for (let seg = 0; seg < 6; seg++) {
      let sel = st.segSelector(seg);
      if ((seg === Seg.CS || seg === Seg.SS) && (sel & 3) === 1 && real === 1 && cpl === 0) sel &= ~3;
      st.setSeg(seg, sel, st.segBase(seg), st.segLimit(seg), decompressAttrs(st.segAttrs(seg)));
    }
  }
  s[W_FLAGS] = ((s[W_FLAGS] & ~(IF | IOPL)) | v.flags) >>> 0;
  s[W_GDTR_BASE] = v.gdtBase;
  s[W_GDTR_LIMIT] = v.gdtLimit;
  s[W_IDTR_BASE] = v.idtBase;
  s[W_IDTR_LIMIT] = v.idtLimit;
  const ldt = v.ldtr;
  setRecord(s, W_LDTR, ldt.selector, ldt.base, ldt.limit, ldt.attrs);
  const tr = v.tr;
  setRecord(s, W_TR, tr.selector, tr.base, tr.limit, tr.attrs);
  c.syncMode();
}

function setRecord(s: Uint32Array, w: number, selector: number, base: number, limit: number, attrs: number): void {
  s[w] = selector;
  s[w + 1] = base;
  s[w + 2] = limit;
  s[w + 3] = attrs;
}
