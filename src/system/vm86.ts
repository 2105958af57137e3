// Virtual-8086 mode (SDM Vol. 3, chapter 20, without the VME extensions):
// entered by an IRET at CPL 0 that pops EFLAGS.VM = 1, left by interrupts and
// exceptions, which must reach a ring-0 handler through a 32-bit gate.
import { Seg } from '../cpu/state.js';
import { ARITH, DF, ID, IF, IOPL, IOPL_SHIFT, NT, RF, TF, AC } from '../arch/flags.js';
import { fault, Vector } from '../cpu/exceptions.js';
import type { Cpu } from '../cpu/context.js';
import { readEflags, updateMode, writeEflags } from './mode.js';
import type { StackFrame } from './stack-frame.js';

/** Segment cache of a virtual-8086 segment: 64 KiB at selector * 16, a present DPL-3 writable data segment. */
const VM86_ATTRS = 0xf3;

function loadVm86Segment(c: Cpu, seg: number, selector: number): void {
  c.state.setSeg(seg, selector & 0xffff, (selector & 0xffff) << 4, 0xffff, VM86_ATTRS);
}

/**
 * The rest of an IRET at CPL 0 whose popped EFLAGS has VM set (SDM IRET,
 * "RETURN-TO-VIRTUAL-8086-MODE"): ESP, SS, ES, DS, FS, GS follow on the
 * stack; every EFLAGS bit is taken, and the CPU continues at CPL 3.
 */
export function iretToVm86(c: Cpu, frame: StackFrame, eip: number, cs: number, flags: number): void {
  const esp = frame.pop(4);
  const ss = frame.pop(4);
  const es = frame.pop(4);
  const ds = frame.pop(4);
  const fs = frame.pop(4);
  const gs = frame.pop(4);
  writeEflags(c, flags);
  loadVm86Segment(c, Seg.CS, cs);
  loadVm86Segment(c, Seg.SS, ss);
  loadVm86Segment(c, Seg.ES, es);
  loadVm86Segment(c, Seg.DS, ds);
  loadVm86Segment(c, Seg.FS, fs);
  loadVm86Segment(c, Seg.GS, gs);
  c.r[4] = esp;
  c.state.eip = eip & 0xffff;
  updateMode(c);
}

/**
 * IRET inside virtual-8086 mode: #GP(0) unless IOPL = 3; then a real-mode
 * style return that cannot change IOPL or VM (SDM IRET, virtual-8086 branch).
 */
export function iretInVm86(c: Cpu, frame: StackFrame, opSize: number): void {
  const old = readEflags(c);
  if ((old & IOPL) >>> IOPL_SHIFT < 3) throw fault(Vector.GP, 0);
  const size = opSize >> 3;
  const eip = frame.pop(size);
  const cs = frame.pop(size) & 0xffff;
  const popped = frame.pop(size);
  let mask = ARITH | TF | DF | NT | IF | (opSize === 32 ? RF | AC | ID : 0);
  if (opSize === 16) mask &= 0xffff;
  frame.commitEsp();
  writeEflags(c, (old & ~mask) | (popped & mask));
  loadVm86Segment(c, Seg.CS, cs);
  c.state.eip = eip & 0xffff;
  updateMode(c);
}

/** INT n in virtual-8086 mode with IOPL < 3 is #GP(0) (SDM INT n; no VME). */
export function checkVm86SoftwareInt(c: Cpu): void {
  if (c.vm86 && (readEflags(c) & IOPL) >>> IOPL_SHIFT < 3) throw fault(Vector.GP, 0);
}
