// What the VMM cannot see, measured by the tool: under trap-and-emulate a
// sensitive unprivileged instruction runs with its real, deprivileged
// semantics and does not trap. For each execution the meter also runs the
// same handler on the guest's view of the state (decompressed: virtual CPL,
// IF, IOPL, tables, CR0) and compares what the guest can see afterwards:
// general registers, EIP, flags (IF and IOPL as the VMM keeps them), the
// selectors, and the bytes around the stack pointer and the memory operand.
// A difference is a silent misbehaviour: the popf problem, measured.
//
// The virtual run is undone before the real one (state block, the bytes it
// may have stored, the execution context's flags), so guests run exactly as
// they would without the meter.
import * as L from '../cpu/layout.js';
import type { Cpu } from '../cpu/context.js';
import { CpuFault } from '../cpu/exceptions.js';
import { peekEflags } from '../cpu/lazy-flags.js';
import { Seg } from '../cpu/state.js';
import type { Insn } from '../decoder/insn.js';
import { ARITH, AC, DF, IF, IOPL, NT, TF } from '../arch/flags.js';
import { FORMS } from '../arch/table.js';
import type { Handler } from '../semantics/handler.js';
import { asSupervisor } from '../system/descriptors.js';
import { decompress, guestCpl } from './ring-compression.js';
import type { TableMemory } from '../cpu/context.js';
import type { VirtualCpu } from './virtual-cpu.js';

const STATE_WORDS = Math.ceil(L.STATE_USED / 4);
const VISIBLE_FLAGS = ARITH | DF | TF | NT | AC | IF | IOPL;
/** Bytes watched below and above ESP (far calls, pushes, interrupt frames) and at the memory operand. */
const STACK_BELOW = 32;
const STACK_ABOVE = 16;
const OPERAND_BYTES = 16;

/** Forms observed at reflection instead (INT n, INT3, INTO end in an event, not in a handler's result). */
const OBSERVED_AS_EVENTS = new Set(['INT3', 'INT imm8', 'INTO']);

export interface Misbehaviour {
  instruction: string;
  count: number;
  firstEip: number;
}

interface Outcome {
  regs: Int32Array;
  eip: number;
  flags: number;
  cpl: number;
  selectors: number[];
  stack: Uint8Array | null;
  operand: Uint8Array | null;
  fault: number;
}

export class SilentMisbehaviourMeter {
  private readonly byInstruction = new Map<string, Misbehaviour>();
  private readonly saved = new Uint32Array(STATE_WORDS);

  constructor(
    private readonly v: VirtualCpu,
    /** The VMM's tables (null until the VMM exists). */
    private readonly tables: () => TableMemory | null,
    /** Whether the guest currently runs compressed (protected mode under the VMM). */
    private readonly active: () => boolean,
    /** Called when a sensitive instruction changed the real CPL (the engine ends its run there). */
    private readonly onCplChange: () => void,
  ) {}

  /** Wraps the handler of every sensitive form (by instruction text) so each execution is measured. */
  wrapHandlers(base: (text: string) => Handler | undefined): Map<string, Handler> {
    const out = new Map<string, Handler>();
    for (const f of FORMS) {
      if (f.cls !== 'sensitive' || OBSERVED_AS_EVENTS.has(f.instruction) || out.has(f.instruction)) continue;
      const h = base(f.instruction);
      if (h !== undefined) out.set(f.instruction, this.wrap(h));
    }
    return out;
  }

  /** Records a misbehaviour found elsewhere (an INT n frame at reflection). */
  record(instruction: string, eip: number): void {
    const m = this.byInstruction.get(instruction);
    if (m === undefined) this.byInstruction.set(instruction, { instruction, count: 1, firstEip: eip >>> 0 });
    else m.count++;
  }

  /** Misbehaviours by instruction, most frequent first. */
  list(): Misbehaviour[] {
    return [...this.byInstruction.values()].sort((a, b) => b.count - a.count);
  }

  private wrap(h: Handler): Handler {
    return (c: Cpu, i: Insn): void => {
      if (!this.active()) {
        h(c, i);
        return;
      }
      const eip = c.insnEip(i);
      const stackAt = stackWindow(c);
      const operandAt = operandWindow(c, i);
      const expected = this.onVirtualCpu(c, i, h, stackAt, operandAt);
      const cplBefore = c.state.cpl;
      h(c, i);
      const actual = this.outcome(c, -1, true, stackAt, operandAt);
      if (differs(expected, actual)) this.record(FORMS[i.form].instruction, eip);
      if (c.state.cpl !== cplBefore) this.onCplChange();
    };
  }

  /** Runs `h` on the guest's view of the state and undoes it; returns what the guest would have seen. */
  private onVirtualCpu(c: Cpu, i: Insn, h: Handler, stackAt: number, operandAt: number | null): Outcome {
    const s = c.s;
    this.saved.set(s.subarray(0, STATE_WORDS));
    const stackBytes = readBytes(c, stackAt, STACK_BELOW + STACK_ABOVE);
    const operandBytes = operandAt === null ? null : readBytes(c, operandAt, OPERAND_BYTES);
    const { blockExit, trapVector, trapSoftware, repWork } = c;
    let fault = -1;
    let out: Outcome;
    decompress(c, this.v);
    try {
      try {
        h(c, i);
      } catch (e) {
        if (!(e instanceof CpuFault)) throw e;
        fault = e.vector;
      }
      out = this.outcome(c, fault, false, stackAt, operandAt);
    } finally {
      s.set(this.saved);
      if (stackBytes !== null) restoreBytes(c, stackAt, stackBytes);
      if (operandBytes !== null && operandAt !== null) restoreBytes(c, operandAt, operandBytes);
      c.blockExit = blockExit;
      c.trapVector = trapVector;
      c.trapSoftware = trapSoftware;
      c.repWork = repWork;
      c.tables = this.tables();
      c.syncMode();
    }
    return out;
  }

  private outcome(c: Cpu, fault: number, real: boolean, stackAt: number, operandAt: number | null): Outcome {
    const st = c.state;
    let flags = peekEflags(c.s) & VISIBLE_FLAGS;
    if (real) flags = (flags & ~(IF | IOPL)) | this.v.flags;
    const cpl = real ? guestCpl(st.cpl) : st.cpl;
    const selectors: number[] = [];
    for (let seg = 0; seg < 6; seg++) {
      let sel = st.segSelector(seg);
      if (real && (seg === Seg.CS || seg === Seg.SS) && st.cpl === 1 && (sel & 3) === 1) sel &= ~3;
      selectors.push(sel);
    }
    return {
      regs: Int32Array.from(c.r),
      eip: st.eip,
      flags,
      cpl,
      selectors,
      stack: readBytes(c, stackAt, STACK_BELOW + STACK_ABOVE),
      operand: operandAt === null ? null : readBytes(c, operandAt, OPERAND_BYTES),
      fault,
    };
  }
}

function differs(a: Outcome, b: Outcome): boolean {
  if (a.fault !== b.fault || a.eip !== b.eip || a.flags !== b.flags || a.cpl !== b.cpl) return true;
  for (let r = 0; r < 8; r++) if (a.regs[r] !== b.regs[r]) return true;
  for (let s = 0; s < 6; s++) if (a.selectors[s] !== b.selectors[s]) return true;
  return !sameBytes(a.stack, b.stack) || !sameBytes(a.operand, b.operand);
}

function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** Linear address of the watched stack window, taken before the instruction ran. */
function stackWindow(c: Cpu): number {
  const st = c.state;
  return (st.segBase(Seg.SS) + (c.r[4] >>> 0) - STACK_BELOW) | 0;
}

function operandWindow(c: Cpu, i: Insn): number | null {
  if (!i.hasMem) return null;
  return (c.state.segBase(i.seg) + c.ea(i)) | 0;
}

function readBytes(c: Cpu, lin: number, n: number): Uint8Array | null {
  const out = new Uint8Array(n);
  try {
    asSupervisor(c, () => {
      for (let k = 0; k < n; k++) out[k] = c.mem.read8((lin + k) | 0);
    });
    return out;
  } catch (e) {
    if (e instanceof CpuFault) return null;
    throw e;
  }
}

/** Puts back the bytes a virtual run changed (only those: an unchanged page sees no write). */
function restoreBytes(c: Cpu, lin: number, bytes: Uint8Array): void {
  const now = readBytes(c, lin, bytes.length);
  if (now === null || sameBytes(now, bytes)) return;
  asSupervisor(c, () => {
    for (let k = 0; k < bytes.length; k++) if (now[k] !== bytes[k]) c.mem.write8((lin + k) | 0, bytes[k]);
  });
}
