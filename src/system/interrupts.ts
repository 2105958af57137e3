// Delivering an interrupt or exception (SDM Vol. 3, 6.12 and the INT n
// "Operation" section): through the IVT in real mode, through an interrupt or
// trap gate in the IDT in protected mode, with a stack switch through the TSS
// when the handler runs at an inner privilege level.
import * as L from '../cpu/layout.js';
import { fault, Vector } from '../cpu/exceptions.js';
import { Seg } from '../cpu/state.js';
import { AC, IF, NT, RF, TF, VM } from '../arch/flags.js';
import type { Cpu } from '../cpu/context.js';
import {
  SysType,
  W_IDTR_BASE,
  W_IDTR_LIMIT,
  dplOf,
  isCode,
  isConforming,
  isPresent,
  loadDescriptor,
  markAccessed,
  sysRead32,
  systemType,
} from './descriptors.js';
import { readEflags, updateMode, writeEflags } from './mode.js';
import { checkStackSelector, setSegFromDescriptor } from './segment-load.js';
import { StackFrame } from './stack-frame.js';
import { switchTask, tssDescriptor } from './task-switch.js';
import { innerStack } from './tss.js';
import { checkVm86SoftwareInt } from './vm86.js';

export const enum EventSource {
  /** A processor exception (fault or trap): EXT = 1 in error codes. */
  EXCEPTION = 0,
  /** INT n, INT3, INTO: the gate's DPL is checked against CPL; EXT = 0. */
  SOFTWARE = 1,
  /** A hardware interrupt from the PIC: EXT = 1. */
  EXTERNAL = 2,
}

const W_HALTED = L.HALTED >> 2;

/**
 * Delivers `vector`; EIP already holds the return address (the faulting
 * instruction for faults, the next one for traps and interrupts). `errorCode`
 * is pushed when >= 0. Throws CpuFault if delivery itself faults, leaving the
 * state as it was.
 */
export function deliverEvent(c: Cpu, vector: number, source: EventSource, errorCode: number): void {
  if (!c.protectedMode) deliverReal(c, vector);
  else deliverProtected(c, vector, source, errorCode);
  c.s[W_HALTED] = 0;
}

/** Real-address mode: far call through the 4-byte IVT entry; pushes FLAGS, CS, IP (SDM INT n). */
function deliverReal(c: Cpu, vector: number): void {
  const at = vector * 4;
  if (at + 3 > c.s[W_IDTR_LIMIT]) throw fault(Vector.GP, 0);
  const entry = sysRead32(c, (c.s[W_IDTR_BASE] + at) | 0);
  const st = c.state;
  const frame = new StackFrame(c, st.segBase(Seg.SS), st.segLimit(Seg.SS), st.segAttrs(Seg.SS), c.r[4], 0, 0);
  const flags = readEflags(c);
  frame.push(2, flags);
  frame.push(2, st.segSelector(Seg.CS));
  frame.push(2, c.s[L.EIP >> 2]);
  frame.commitEsp();
  writeEflags(c, flags & ~(IF | TF | AC | RF));
  const cs = entry >>> 16;
  st.setSeg(Seg.CS, cs, cs << 4, st.segLimit(Seg.CS), st.segAttrs(Seg.CS));
  st.eip = entry & 0xffff;
  updateMode(c);
}

function deliverProtected(c: Cpu, vector: number, source: EventSource, errorCode: number): void {
  if (source === EventSource.SOFTWARE) checkVm86SoftwareInt(c);
  const ext = source === EventSource.SOFTWARE ? 0 : 1;
  const idtCode = vector * 8 + 2 + ext;
  if (vector * 8 + 7 > c.s[W_IDTR_LIMIT]) throw fault(Vector.GP, idtCode);
  const gateAt = (c.s[W_IDTR_BASE] + vector * 8) | 0;
  const lo = sysRead32(c, gateAt);
  const hi = sysRead32(c, (gateAt + 4) | 0);
  const gateAttrs = (hi >>> 8) & 0xff;
  const type = systemType(gateAttrs);
  const is32 = type === SysType.INT_GATE32 || type === SysType.TRAP_GATE32;
  const isInt = type === SysType.INT_GATE16 || type === SysType.INT_GATE32;
  if (type === SysType.TASK_GATE) {
    // A task gate: the handler is a task (SDM 6.11.3, 7.3).
    if (source === EventSource.SOFTWARE && dplOf(gateAttrs) < c.cpl) throw fault(Vector.GP, idtCode);
    if (!isPresent(gateAttrs)) throw fault(Vector.NP, idtCode);
    const tssSel = lo >>> 16;
    const tss = tssDescriptor(c, tssSel, Vector.GP, ext);
    switchTask(c, tssSel, tss, 'int', ext, errorCode);
    return;
  }
  if (!is32 && type !== SysType.INT_GATE16 && type !== SysType.TRAP_GATE16) throw fault(Vector.GP, idtCode);
  if (source === EventSource.SOFTWARE && dplOf(gateAttrs) < c.cpl) throw fault(Vector.GP, idtCode);
  if (!isPresent(gateAttrs)) throw fault(Vector.NP, idtCode);

  const selector = lo >>> 16;
  const offset = is32 ? ((hi & 0xffff0000) | (lo & 0xffff)) >>> 0 : lo & 0xffff;
  if ((selector & 0xfffc) === 0) throw fault(Vector.GP, ext);
  const code = loadDescriptor(c, selector, Vector.GP, ext);
  const selCode = (selector & 0xfffc) | ext;
  const dpl = dplOf(code.attrs);
  if (!isCode(code.attrs) || dpl > c.cpl) throw fault(Vector.GP, selCode);
  if (!isPresent(code.attrs)) throw fault(Vector.NP, selCode);
  if (offset > code.limit) throw fault(Vector.GP, ext);

  const st = c.state;
  const size = is32 ? 4 : 2;
  const flags = readEflags(c);
  const oldCs = st.segSelector(Seg.CS);
  const oldSs = st.segSelector(Seg.SS);
  const oldEsp = c.r[4] >>> 0;
  const eip = st.eip;
  const newCpl = isConforming(code.attrs) ? c.cpl : dpl;
  // From virtual-8086 mode the handler must be ring 0 through a 32-bit gate (SDM 20.3.1.1).
  const fromVm86 = c.vm86;
  if (fromVm86 && (newCpl !== 0 || !is32)) throw fault(Vector.GP, selCode);

  if (newCpl < c.cpl) {
    // Inter-privilege: switch to the inner stack named by the TSS (SDM 6.12.1).
    const inner = innerStack(c, newCpl, ext);
    const ss = checkStackSelector(c, inner.ss, newCpl, Vector.TS, ext);
    const frame = new StackFrame(c, ss.base, ss.limit, ss.attrs, inner.esp, (inner.ss & 0xfffc) | ext, newCpl);
    if (fromVm86) {
      frame.push(4, st.segSelector(Seg.GS));
      frame.push(4, st.segSelector(Seg.FS));
      frame.push(4, st.segSelector(Seg.DS));
      frame.push(4, st.segSelector(Seg.ES));
    }
    frame.push(size, oldSs);
    frame.push(size, oldEsp);
    frame.push(size, flags);
    frame.push(size, oldCs);
    frame.push(size, eip);
    if (errorCode >= 0) frame.push(size, errorCode);
    markAccessed(c, ss);
    setSegFromDescriptor(c, Seg.SS, (inner.ss & 0xfffc) | newCpl, ss);
    frame.commitEsp();
    if (fromVm86) for (const seg of [Seg.GS, Seg.FS, Seg.DS, Seg.ES]) st.setSeg(seg, 0, 0, 0, 0);
  } else {
    const frame = new StackFrame(c, st.segBase(Seg.SS), st.segLimit(Seg.SS), st.segAttrs(Seg.SS), oldEsp, ext, c.cpl);
    frame.push(size, flags);
    frame.push(size, oldCs);
    frame.push(size, eip);
    if (errorCode >= 0) frame.push(size, errorCode);
    frame.commitEsp();
  }
  markAccessed(c, code);
  setSegFromDescriptor(c, Seg.CS, (selector & 0xfffc) | newCpl, code);
  st.cpl = newCpl;
  st.eip = offset;
  // TF, VM, RF and NT are cleared; an interrupt gate also clears IF (SDM 6.12.1.3).
  writeEflags(c, flags & ~(TF | VM | RF | NT | (isInt ? IF : 0)));
  updateMode(c);
}
