// Far control transfers (SDM JMP, CALL, RET, IRET "Operation" sections and
// Vol. 3, 5.8): to a code segment directly, through a call gate (with the
// stack switch and parameter copy of 5.8.5), far returns and IRET to the same
// or an outer privilege level; task switches are handed to task-switch.ts.
import * as L from '../cpu/layout.js';
import { fault, Vector } from '../cpu/exceptions.js';
import { Seg } from '../cpu/state.js';
import { AC, ARITH, DF, ID, IF, IOPL, IOPL_SHIFT, NT, RF, TF, VIF, VIP, VM } from '../arch/flags.js';
import type { Cpu } from '../cpu/context.js';
import {
  type Descriptor,
  SysType,
  dplOf,
  isCode,
  isConforming,
  isPresent,
  isWritableData,
  loadDescriptor,
  markAccessed,
  systemType,
  sysRead16,
} from './descriptors.js';
import { readEflags, updateMode, writeEflags } from './mode.js';
import { checkStackSelector, nullInaccessibleSegments, setSegFromDescriptor } from './segment-load.js';
import { StackFrame } from './stack-frame.js';
import { switchTask, tssDescriptor } from './task-switch.js';
import { innerStack } from './tss.js';
import { iretInVm86, iretToVm86 } from './vm86.js';

const W_TR = L.TR >> 2;

function currentStack(c: Cpu): StackFrame {
  const st = c.state;
  return new StackFrame(c, st.segBase(Seg.SS), st.segLimit(Seg.SS), st.segAttrs(Seg.SS), c.r[4], 0, c.cpl);
}

/** Installs CS (RPL forced to `cpl`), EIP and CPL; the caller has checked everything. */
function enterCode(c: Cpu, selector: number, d: Descriptor, eip: number, cpl: number): void {
  markAccessed(c, d);
  setSegFromDescriptor(c, Seg.CS, (selector & 0xfffc) | cpl, d);
  c.state.cpl = cpl;
  c.state.eip = eip;
  updateMode(c);
}

function realModeTransfer(c: Cpu, selector: number, eip: number): void {
  const st = c.state;
  st.setSeg(Seg.CS, selector, (selector & 0xffff) << 4, st.segLimit(Seg.CS), st.segAttrs(Seg.CS));
  st.eip = eip;
  updateMode(c);
}

/** Checks a direct far JMP/CALL target code segment (SDM JMP: "IF segment type is conforming…"). */
function checkDirectCode(c: Cpu, selector: number, d: Descriptor): void {
  const code = selector & 0xfffc;
  const dpl = dplOf(d.attrs);
  if (isConforming(d.attrs)) {
    if (dpl > c.cpl) throw fault(Vector.GP, code);
  } else if ((selector & 3) > c.cpl || dpl !== c.cpl) {
    throw fault(Vector.GP, code);
  }
  if (!isPresent(d.attrs)) throw fault(Vector.NP, code);
}

/** Far JMP (isCall false) or far CALL to selector:offset; `opSize` is the instruction's operand size. */
export function farTransfer(c: Cpu, selector: number, offset: number, opSize: number, isCall: boolean): void {
  selector &= 0xffff;
  const size = opSize >> 3;
  if (opSize === 16) offset &= 0xffff;
  const st = c.state;
  if (!c.protectedMode || c.vm86) {
    if (isCall) {
      const frame = currentStack(c);
      frame.push(size, st.segSelector(Seg.CS));
      frame.push(size, st.eip);
      frame.commitEsp();
    }
    realModeTransfer(c, selector, offset);
    return;
  }
  if ((selector & 0xfffc) === 0) throw fault(Vector.GP, 0);
  const d = loadDescriptor(c, selector, Vector.GP, 0);
  if (isCode(d.attrs)) {
    checkDirectCode(c, selector, d);
    if (offset > d.limit) throw fault(Vector.GP, 0);
    if (isCall) {
      const frame = currentStack(c);
      frame.push(size, st.segSelector(Seg.CS));
      frame.push(size, st.eip);
      frame.commitEsp();
    }
    enterCode(c, selector, d, offset, c.cpl);
    return;
  }
  const type = systemType(d.attrs);
  if (type === SysType.CALL_GATE16 || type === SysType.CALL_GATE32) {
    throughCallGate(c, selector, d, isCall);
    return;
  }
  if (type === SysType.TASK_GATE || type === SysType.TSS16_AVAILABLE || type === SysType.TSS32_AVAILABLE || type === SysType.TSS16_BUSY || type === SysType.TSS32_BUSY) {
    // To a TSS or through a task gate: DPL must admit both CPL and RPL (SDM JMP/CALL, task-switch branches).
    const dpl = dplOf(d.attrs);
    if (dpl < c.cpl || dpl < (selector & 3)) throw fault(Vector.GP, selector & 0xfffc);
    if (!isPresent(d.attrs)) throw fault(Vector.NP, selector & 0xfffc);
    const tssSel = type === SysType.TASK_GATE ? d.lo >>> 16 : selector;
    const tss = type === SysType.TASK_GATE ? tssDescriptor(c, tssSel, Vector.GP, 0) : d;
    switchTask(c, tssSel, tss, isCall ? 'call' : 'jmp', 0);
    return;
  }
  throw fault(Vector.GP, selector & 0xfffc);
}

/** SDM Vol. 3, 5.8.4-5.8.5: access checks of a call gate, then a transfer at the same or an inner level. */
function throughCallGate(c: Cpu, gateSel: number, gate: Descriptor, isCall: boolean): void {
  const gateDpl = dplOf(gate.attrs);
  if (gateDpl < c.cpl || gateDpl < (gateSel & 3)) throw fault(Vector.GP, gateSel & 0xfffc);
  if (!isPresent(gate.attrs)) throw fault(Vector.NP, gateSel & 0xfffc);
  const is32 = systemType(gate.attrs) === SysType.CALL_GATE32;
  const size = is32 ? 4 : 2;
  const target = gate.lo >>> 16;
  const offset = is32 ? ((gate.hi & 0xffff0000) | (gate.lo & 0xffff)) >>> 0 : gate.lo & 0xffff;
  if ((target & 0xfffc) === 0) throw fault(Vector.GP, 0);
  const d = loadDescriptor(c, target, Vector.GP, 0);
  const tcode = target & 0xfffc;
  const dpl = dplOf(d.attrs);
  if (!isCode(d.attrs) || dpl > c.cpl) throw fault(Vector.GP, tcode);
  if (!isCall && !isConforming(d.attrs) && dpl !== c.cpl) throw fault(Vector.GP, tcode);
  if (!isPresent(d.attrs)) throw fault(Vector.NP, tcode);
  if (offset > d.limit) throw fault(Vector.GP, 0);
  const st = c.state;
  if (!isCall) {
    enterCode(c, target, d, offset, c.cpl);
    return;
  }
  if (!isConforming(d.attrs) && dpl < c.cpl) {
    // More privilege: new stack from the TSS, old SS:ESP and the parameters copied onto it.
    const inner = innerStack(c, dpl, 0);
    const ss = checkStackSelector(c, inner.ss, dpl, Vector.TS, 0);
    const count = gate.hi & 31;
    const old = currentStack(c);
    const params: number[] = [];
    for (let k = 0; k < count; k++) params.push(old.pop(size));
    const frame = new StackFrame(c, ss.base, ss.limit, ss.attrs, inner.esp, inner.ss & 0xfffc, dpl);
    frame.push(size, st.segSelector(Seg.SS));
    frame.push(size, c.r[4]);
    for (let k = count - 1; k >= 0; k--) frame.push(size, params[k]);
    frame.push(size, st.segSelector(Seg.CS));
    frame.push(size, st.eip);
    markAccessed(c, ss);
    setSegFromDescriptor(c, Seg.SS, (inner.ss & 0xfffc) | dpl, ss);
    frame.commitEsp();
    enterCode(c, target, d, offset, dpl);
    return;
  }
  const frame = currentStack(c);
  frame.push(size, st.segSelector(Seg.CS));
  frame.push(size, st.eip);
  frame.commitEsp();
  enterCode(c, target, d, offset, c.cpl);
}

/** Checks the CS a far RET / IRET returns to (SDM RET: "return code segment" checks). */
function checkReturnCode(c: Cpu, selector: number): Descriptor {
  if ((selector & 0xfffc) === 0) throw fault(Vector.GP, 0);
  const d = loadDescriptor(c, selector, Vector.GP, 0);
  const code = selector & 0xfffc;
  const rpl = selector & 3;
  const dpl = dplOf(d.attrs);
  if (!isCode(d.attrs) || rpl < c.cpl) throw fault(Vector.GP, code);
  if (isConforming(d.attrs) ? dpl > rpl : dpl !== rpl) throw fault(Vector.GP, code);
  if (!isPresent(d.attrs)) throw fault(Vector.NP, code);
  return d;
}

/** The outer stack a return to privilege `rpl` loads (SDM RET/IRET: "return stack segment" checks). */
function checkReturnStack(c: Cpu, selector: number, rpl: number): Descriptor {
  if ((selector & 0xfffc) === 0) throw fault(Vector.GP, 0);
  const d = loadDescriptor(c, selector, Vector.GP, 0);
  const code = selector & 0xfffc;
  if ((selector & 3) !== rpl || !isWritableData(d.attrs) || dplOf(d.attrs) !== rpl) throw fault(Vector.GP, code);
  if (!isPresent(d.attrs)) throw fault(Vector.SS, code);
  return d;
}

/** Far RET [imm16]. */
export function farReturn(c: Cpu, opSize: number, release: number): void {
  const size = opSize >> 3;
  const frame = currentStack(c);
  let eip = frame.pop(size);
  const cs = frame.pop(size) & 0xffff;
  if (!c.protectedMode || c.vm86) {
    frame.release(release);
    frame.commitEsp();
    realModeTransfer(c, cs, eip);
    return;
  }
  if (opSize === 16) eip &= 0xffff;
  const d = checkReturnCode(c, cs);
  const rpl = cs & 3;
  if (eip > d.limit) throw fault(Vector.GP, 0);
  frame.release(release);
  if (rpl === c.cpl) {
    frame.commitEsp();
    enterCode(c, cs, d, eip, rpl);
    return;
  }
  const esp = frame.pop(size);
  const ssSel = frame.pop(size) & 0xffff;
  const ss = checkReturnStack(c, ssSel, rpl);
  markAccessed(c, ss);
  setSegFromDescriptor(c, Seg.SS, ssSel, ss);
  const outer = new StackFrame(c, ss.base, ss.limit, ss.attrs, esp, 0, rpl);
  outer.release(release);
  outer.commitEsp();
  enterCode(c, cs, d, eip, rpl);
  nullInaccessibleSegments(c, rpl);
  c.seg.refresh();
}

/**
 * The EFLAGS an IRET installs (SDM IRET): IOPL only at CPL 0, IF only when
 * CPL <= IOPL, VIF/VIP only at CPL 0; a 16-bit IRET touches the low 16 bits.
 * VM is never set here: entering virtual-8086 mode is iretToVm86.
 */
function iretFlags(c: Cpu, popped: number, opSize: number, cpl: number): number {
  const old = readEflags(c);
  let mask = ARITH | TF | DF | NT | (opSize === 32 ? RF | AC | ID : 0);
  const iopl = (old & IOPL) >>> IOPL_SHIFT;
  if (!c.protectedMode || cpl <= iopl) mask |= IF;
  if (!c.protectedMode || cpl === 0) mask |= IOPL | (opSize === 32 && c.protectedMode ? VIF | VIP : 0);
  if (opSize === 16) mask &= 0xffff;
  return ((old & ~mask) | (popped & mask)) >>> 0;
}

export function iret(c: Cpu, opSize: number): void {
  const size = opSize >> 3;
  if (c.protectedMode && (readEflags(c) & NT) !== 0) {
    // Return to the task in the back link of the current TSS (SDM IRET, "TASK-RETURN").
    const link = sysRead16(c, c.s[W_TR + 1]);
    switchTask(c, link, tssDescriptor(c, link, Vector.TS, 0), 'iret', 0);
    return;
  }
  const frame = currentStack(c);
  if (c.vm86) {
    iretInVm86(c, frame, opSize);
    return;
  }
  let eip = frame.pop(size);
  const cs = frame.pop(size) & 0xffff;
  const popped = frame.pop(size);
  if (c.protectedMode && opSize === 32 && c.cpl === 0 && (popped & VM) !== 0) {
    iretToVm86(c, frame, eip, cs, popped);
    return;
  }
  if (!c.protectedMode) {
    frame.commitEsp();
    writeEflags(c, iretFlags(c, popped, opSize, 0));
    realModeTransfer(c, cs, opSize === 16 ? eip & 0xffff : eip);
    return;
  }
  if (opSize === 16) eip &= 0xffff;
  const d = checkReturnCode(c, cs);
  const rpl = cs & 3;
  if (eip > d.limit) throw fault(Vector.GP, 0);
  const cpl = c.cpl;
  if (rpl === cpl) {
    frame.commitEsp();
    writeEflags(c, iretFlags(c, popped, opSize, cpl));
    enterCode(c, cs, d, eip, rpl);
    return;
  }
  const esp = frame.pop(size);
  const ssSel = frame.pop(size) & 0xffff;
  const ss = checkReturnStack(c, ssSel, rpl);
  const flags = iretFlags(c, popped, opSize, cpl);
  markAccessed(c, ss);
  setSegFromDescriptor(c, Seg.SS, ssSel, ss);
  const outer = new StackFrame(c, ss.base, ss.limit, ss.attrs, esp, 0, rpl);
  outer.commitEsp();
  writeEflags(c, flags);
  enterCode(c, cs, d, eip, rpl);
  nullInaccessibleSegments(c, rpl);
  c.seg.refresh();
}
