// Loading data and stack segment registers: MOV Sreg, POP Sreg, LDS/LES/LFS/
// LGS/LSS, with the checks of SDM MOV ("Operation", protected mode) and
// SDM Vol. 3, 5.5-5.7. Code segment loads belong to far transfers.
import * as L from '../cpu/layout.js';
import { fault, Vector } from '../cpu/exceptions.js';
import { Seg } from '../cpu/state.js';
import type { Cpu } from '../cpu/context.js';
import {
  type Descriptor,
  dplOf,
  isCode,
  isConforming,
  isData,
  isPresent,
  isReadableCode,
  isWritableData,
  loadDescriptor,
  markAccessed,
} from './descriptors.js';
import { updateMode } from './mode.js';

const W_INT_SHADOW = L.INT_SHADOW >> 2;

/** Writes a segment register and its cache from a descriptor. */
export function setSegFromDescriptor(c: Cpu, seg: number, selector: number, d: Descriptor): void {
  c.state.setSeg(seg, selector, d.base, d.limit, d.attrs);
}

/** Real-address / virtual-8086 load: base = selector * 16, limit and attributes kept. */
function loadReal(c: Cpu, seg: number, selector: number): void {
  const st = c.state;
  st.setSeg(seg, selector, (selector & 0xffff) << 4, st.segLimit(seg), st.segAttrs(seg));
}

/**
 * Checks a selector for SS at privilege `cpl` (SDM MOV: SS loads) and returns
 * its descriptor; `vector` is #GP for MOV/POP/LSS and #TS for a task-state stack.
 */
export function checkStackSelector(c: Cpu, selector: number, cpl: number, vector: number, ext: number): Descriptor {
  if ((selector & 0xfffc) === 0) throw fault(vector, ext);
  const d = loadDescriptor(c, selector, vector, ext);
  const code = (selector & 0xfffc) | ext;
  if ((selector & 3) !== cpl || !isWritableData(d.attrs) || dplOf(d.attrs) !== cpl) throw fault(vector, code);
  if (!isPresent(d.attrs)) throw fault(Vector.SS, code);
  return d;
}

/** Loads segment register `seg` (not CS) with `selector` after every protected-mode check. */
export function loadSegment(c: Cpu, seg: number, selector: number): void {
  selector &= 0xffff;
  if (seg === Seg.CS) throw fault(Vector.UD);
  if (!c.protectedMode || c.vm86) {
    loadReal(c, seg, selector);
  } else if (seg === Seg.SS) {
    const d = checkStackSelector(c, selector, c.cpl, Vector.GP, 0);
    markAccessed(c, d);
    setSegFromDescriptor(c, seg, selector, d);
  } else if ((selector & 0xfffc) === 0) {
    // A null selector loads fine; any use of the segment then raises #GP(0).
    c.state.setSeg(seg, selector, 0, 0, 0);
  } else {
    const d = loadDescriptor(c, selector, Vector.GP, 0);
    const code = selector & 0xfffc;
    if (!isData(d.attrs) && !isReadableCode(d.attrs)) throw fault(Vector.GP, code);
    if (isData(d.attrs) || (isCode(d.attrs) && !isConforming(d.attrs))) {
      const dpl = dplOf(d.attrs);
      if ((selector & 3) > dpl || c.cpl > dpl) throw fault(Vector.GP, code);
    }
    if (!isPresent(d.attrs)) throw fault(Vector.NP, code);
    markAccessed(c, d);
    setSegFromDescriptor(c, seg, selector, d);
  }
  if (seg === Seg.SS) {
    // A stack switch holds off interrupts for one instruction (SDM MOV, POP).
    c.s[W_INT_SHADOW] = 1;
    updateMode(c);
  } else {
    c.seg.refresh();
  }
}

/**
 * After a return to an outer privilege level, data segment registers the new
 * CPL may not use are nulled (SDM RET/IRET: "FOR each SegReg in ES, FS, GS, DS").
 */
export function nullInaccessibleSegments(c: Cpu, cpl: number): void {
  const st = c.state;
  for (const seg of [Seg.ES, Seg.DS, Seg.FS, Seg.GS]) {
    const attrs = st.segAttrs(seg);
    if ((st.segSelector(seg) & 0xfffc) === 0) continue;
    if ((isData(attrs) || (isCode(attrs) && !isConforming(attrs))) && dplOf(attrs) < cpl) st.setSeg(seg, 0, 0, 0, 0);
  }
}
