// Hardware task switching with 32-bit TSSs (SDM Vol. 3, 7.3): through a far
// JMP/CALL to a TSS or a task gate, an interrupt or exception through a task
// gate, and IRET with EFLAGS.NT. The outgoing state is saved in the current
// TSS, busy bits and the back link are maintained, and the incoming task's
// registers, CR3, LDTR and segments are loaded; faults raised while loading
// the incoming segments are delivered in the new task, as the SDM describes.
import * as L from '../cpu/layout.js';
import { fault, Vector } from '../cpu/exceptions.js';
import { Seg } from '../cpu/state.js';
import { NT, VM } from '../arch/flags.js';
import type { Cpu } from '../cpu/context.js';
import {
  type Descriptor,
  SysType,
  dplOf,
  fetchDescriptor,
  isCode,
  isConforming,
  isData,
  isPresent,
  isReadableCode,
  isWritableData,
  loadDescriptor,
  systemType,
  sysRead16,
  sysRead32,
  sysWrite16,
  sysWrite32,
} from './descriptors.js';
import { CR0_PG, CR0_TS, readEflags, updateMode, writeEflags } from './mode.js';
import { setSegFromDescriptor } from './segment-load.js';
import { StackFrame } from './stack-frame.js';

export type TaskSwitchSource = 'jmp' | 'call' | 'int' | 'iret';

/** Thrown for the parts of task switching this model leaves out (16-bit TSSs). */
export class TaskSwitchUnsupported extends Error {
  constructor(what: string) {
    super(`hardware task switch (${what}) is not modeled`);
    this.name = 'TaskSwitchUnsupported';
  }
}

const W_TR = L.TR >> 2;
const W_LDTR = L.LDTR >> 2;
const BUSY = 2;
const MIN_TSS32_LIMIT = 0x67;
/** Offsets in a 32-bit TSS (SDM Vol. 3, figure 7-2). */
const TSS_CR3 = 0x1c;
const TSS_EIP = 0x20;
const TSS_EFLAGS = 0x24;
const TSS_EAX = 0x28;
const TSS_ES = 0x48;
const TSS_LDT = 0x60;

function setBusy(c: Cpu, d: Descriptor, busy: boolean): void {
  const hi = busy ? d.hi | (BUSY << 8) : d.hi & ~(BUSY << 8);
  sysWrite32(c, (d.address + 4) | 0, hi);
}

/** The TSS descriptor a task gate, JMP/CALL or back link names; #GP/#TS(selector) when it is not one (SDM 7.3 step 3-4). */
export function tssDescriptor(c: Cpu, selector: number, vector: number, ext: number): Descriptor {
  const code = (selector & 0xfffc) | ext;
  if ((selector & 4) !== 0 || (selector & 0xfffc) === 0) throw fault(vector, code);
  const d = loadDescriptor(c, selector, vector, ext);
  const type = systemType(d.attrs);
  if (type === SysType.TSS16_AVAILABLE || type === SysType.TSS16_BUSY) throw new TaskSwitchUnsupported('16-bit TSS');
  if (type !== SysType.TSS32_AVAILABLE && type !== SysType.TSS32_BUSY) throw fault(vector, code);
  return d;
}

/**
 * Switches to the task whose TSS descriptor is `d` (selector `selector`).
 * EIP holds the outgoing task's resume address. `errorCode` >= 0 is pushed
 * on the new task's stack (an exception delivered through a task gate).
 */
export function switchTask(c: Cpu, selector: number, d: Descriptor, source: TaskSwitchSource, ext: number, errorCode = -1): void {
  const code = (selector & 0xfffc) | ext;
  const busy = (systemType(d.attrs) & BUSY) !== 0;
  if (source === 'iret' ? !busy : busy) throw fault(source === 'iret' ? Vector.TS : Vector.GP, code);
  if (!isPresent(d.attrs)) throw fault(Vector.NP, code);
  if (d.limit < MIN_TSS32_LIMIT) throw fault(Vector.TS, code);
  const s = c.s;
  const oldType = s[W_TR + 3] & 15;
  if (oldType !== SysType.TSS32_BUSY) throw new TaskSwitchUnsupported('switch away from a task without a busy 32-bit TSS');

  // Save the outgoing task (SDM 7.3 step 8).
  const oldSel = s[W_TR] & 0xffff;
  const oldBase = s[W_TR + 1];
  let flags = readEflags(c);
  if (source === 'jmp' || source === 'iret') flags &= ~NT;
  sysWrite32(c, (oldBase + TSS_EIP) | 0, c.state.eip);
  sysWrite32(c, (oldBase + TSS_EFLAGS) | 0, flags);
  for (let r = 0; r < 8; r++) sysWrite32(c, (oldBase + TSS_EAX + 4 * r) | 0, c.r[r]);
  for (let sreg = 0; sreg < 6; sreg++) sysWrite16(c, (oldBase + TSS_ES + 4 * sreg) | 0, c.state.segSelector(sreg));
  if (source === 'jmp' || source === 'iret') {
    const old = fetchDescriptor(c, oldSel);
    if (old !== null) setBusy(c, old, false);
  }

  // Read the incoming task before changing anything else.
  const base = d.base;
  const readTss = (off: number): number => sysRead32(c, (base + off) | 0);
  const cr3 = readTss(TSS_CR3) >>> 0;
  const eip = readTss(TSS_EIP) >>> 0;
  let newFlags = readTss(TSS_EFLAGS) >>> 0;
  const regs: number[] = [];
  for (let r = 0; r < 8; r++) regs.push(readTss(TSS_EAX + 4 * r));
  const sels: number[] = [];
  for (let sreg = 0; sreg < 6; sreg++) sels.push(sysRead16(c, (base + TSS_ES + 4 * sreg) | 0));
  const ldtSel = sysRead16(c, (base + TSS_LDT) | 0);

  if (source === 'call' || source === 'int') {
    sysWrite16(c, base, oldSel);
    newFlags |= NT;
  }
  if (source !== 'iret') setBusy(c, d, true);

  // Commit: TR, CR0.TS, CR3, registers; the new task's segments are checked below.
  s[W_TR] = selector & 0xffff;
  s[W_TR + 1] = base;
  s[W_TR + 2] = d.limit;
  s[W_TR + 3] = (d.attrs | BUSY) & 0xffff;
  c.state.setCr(0, c.state.cr(0) | CR0_TS);
  if ((c.state.cr(0) & CR0_PG) !== 0) {
    c.state.setCr(3, cr3);
    c.mem.flushTlb();
  }
  c.state.eip = eip;
  writeEflags(c, newFlags & ~VM);
  for (let r = 0; r < 8; r++) c.r[r] = regs[r];
  // Selectors are loaded first with invalid caches, so a fault below leaves the new task's selectors in place.
  for (let sreg = 0; sreg < 6; sreg++) c.state.setSeg(sreg, sels[sreg], 0, 0, 0);
  s[W_LDTR] = ldtSel;
  s[W_LDTR + 1] = 0;
  s[W_LDTR + 2] = 0;
  s[W_LDTR + 3] = 0;
  c.state.cpl = sels[Seg.CS] & 3;
  updateMode(c);
  loadTaskSegments(c, sels, ldtSel);
  if (errorCode >= 0) {
    const st = c.state;
    const frame = new StackFrame(c, st.segBase(Seg.SS), st.segLimit(Seg.SS), st.segAttrs(Seg.SS), c.r[4], 0, c.cpl);
    frame.push(4, errorCode);
    frame.commitEsp();
  }
}

/** SDM 7.3 step 11-12: LDTR, then CS, SS and the data segments, each failing with #TS/#NP/#SS(selector). */
function loadTaskSegments(c: Cpu, sels: readonly number[], ldtSel: number): void {
  const s = c.s;
  if ((ldtSel & 0xfffc) !== 0) {
    if ((ldtSel & 4) !== 0) throw fault(Vector.TS, ldtSel & 0xfffc);
    const ldt = loadDescriptor(c, ldtSel, Vector.TS, 0);
    if (systemType(ldt.attrs) !== SysType.LDT) throw fault(Vector.TS, ldtSel & 0xfffc);
    if (!isPresent(ldt.attrs)) throw fault(Vector.TS, ldtSel & 0xfffc);
    s[W_LDTR + 1] = ldt.base;
    s[W_LDTR + 2] = ldt.limit;
    s[W_LDTR + 3] = ldt.attrs;
  }
  const cpl = sels[Seg.CS] & 3;
  const csSel = sels[Seg.CS];
  if ((csSel & 0xfffc) === 0) throw fault(Vector.TS, 0);
  const cs = loadDescriptor(c, csSel, Vector.TS, 0);
  const csDpl = dplOf(cs.attrs);
  if (!isCode(cs.attrs) || (isConforming(cs.attrs) ? csDpl > cpl : csDpl !== cpl)) throw fault(Vector.TS, csSel & 0xfffc);
  if (!isPresent(cs.attrs)) throw fault(Vector.NP, csSel & 0xfffc);
  setSegFromDescriptor(c, Seg.CS, csSel, cs);

  const ssSel = sels[Seg.SS];
  if ((ssSel & 0xfffc) === 0) throw fault(Vector.TS, 0);
  const ss = loadDescriptor(c, ssSel, Vector.TS, 0);
  if ((ssSel & 3) !== cpl || !isWritableData(ss.attrs) || dplOf(ss.attrs) !== cpl) throw fault(Vector.TS, ssSel & 0xfffc);
  if (!isPresent(ss.attrs)) throw fault(Vector.SS, ssSel & 0xfffc);
  setSegFromDescriptor(c, Seg.SS, ssSel, ss);

  for (const sreg of [Seg.ES, Seg.DS, Seg.FS, Seg.GS]) {
    const sel = sels[sreg];
    if ((sel & 0xfffc) === 0) continue;
    const d = loadDescriptor(c, sel, Vector.TS, 0);
    if (!isData(d.attrs) && !isReadableCode(d.attrs)) throw fault(Vector.TS, sel & 0xfffc);
    if (!isConforming(d.attrs) && ((sel & 3) > dplOf(d.attrs) || cpl > dplOf(d.attrs))) throw fault(Vector.TS, sel & 0xfffc);
    if (!isPresent(d.attrs)) throw fault(Vector.NP, sel & 0xfffc);
    setSegFromDescriptor(c, sreg, sel, d);
  }
  updateMode(c);
}
