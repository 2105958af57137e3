// The reference interpreter: fetch a cached block for (physical EIP, code
// size), run its handlers in order, count retired instructions. Control
// returns to the caller only between blocks (interrupts are taken there,
// DESIGN "Pipeline"), or at a fault, a trap, HLT, or an instruction the
// system layer must execute itself (a form with no handler here).
import * as L from '../cpu/layout.js';
import { CpuFault, fault, Vector } from '../cpu/exceptions.js';
import { TF } from '../arch/flags.js';
import type { CpuState } from '../cpu/state.js';
import { FORMS } from '../arch/table.js';
import type { InsnForm } from '../arch/types.js';
import type { Insn } from '../decoder/insn.js';
import { Access } from '../mem/page-walker.js';
import { PAGE_MASK } from '../mem/tlb-entry.js';
import type { Handler } from '../semantics/handler.js';
import { resolveHandlers } from '../semantics/registry.js';
import type { CachedInsn } from './cached-insn.js';
import { type Block, CodeCache, FORM_GP, FORM_UD, MAX_BLOCK_INSNS } from './code-cache.js';
import { Cpu, MODE_CODE32, W_EIP, W_HALTED, W_MODE } from '../cpu/context.js';
import type { PortIO } from '../cpu/port-io.js';

export const enum StopReason {
  /** The instruction budget ran out (at a block boundary). */
  BUDGET = 'budget',
  /** HLT executed (HALTED is set); the caller waits for an interrupt. */
  HALT = 'halt',
  /** A fault: `fault` holds it; EIP points at the faulting instruction; nothing of it committed. */
  FAULT = 'fault',
  /** A software interrupt / INT3 / INTO / INT1: `trapVector`; EIP points past the instruction. */
  TRAP = 'trap',
  /** `requestStop()` was called. */
  STOP = 'stop',
  /** A form without a handler here (descriptor loads, far transfers…): `unhandled` names it; EIP at it. */
  UNHANDLED = 'unhandled',
  /** runBlock only: the block ended normally. */
  BLOCK_END = 'block-end',
}

const W_CS_BASE = (L.SEGS + 1 * L.SEG_STRIDE + L.SEG_BASE) >> 2;
const W_CS_LIMIT = (L.SEGS + 1 * L.SEG_STRIDE + L.SEG_LIMIT) >> 2;
const W_RETIRED = L.INSNS_RETIRED >> 3;
const W_INT_SHADOW = L.INT_SHADOW >> 2;
const W_FLAGS_WORD = L.FLAGS >> 2;

/** Thrown by the handler slot of a form the interpreter does not implement. */
class Unhandled extends Error {}
const UNHANDLED = new Unhandled('unhandled form');

/** Blocks between two looks at the wall clock (mask: a power of two less one). */
const DEADLINE_CHECK_BLOCKS = 1023;

export class Interpreter {
  readonly cpu: Cpu;
  readonly cache: CodeCache;
  private readonly handlers: Handler[];
  private readonly s: Uint32Array;
  private readonly f64: Float64Array;
  /** The fault that ended the last run (StopReason.FAULT). */
  fault: CpuFault | null = null;
  /** The vector of the trap that ended the last run (StopReason.TRAP). */
  trapVector = -1;
  /** That trap came from INT n / INT3 / INTO (its delivery checks the gate DPL). */
  trapSoftware = false;
  /** Length of the instruction that raised the trap (a fault delivering it reports that instruction's EIP). */
  trapInsnLength = 0;
  /** The form that ended the last run (StopReason.UNHANDLED). */
  unhandled: InsnForm | null = null;
  /** The decoded instruction that ended the last run with UNHANDLED. */
  unhandledInsn: Insn | null = null;
  private stopRequested = false;
  /** Block links are trusted only within one epoch (see Block.linkEpoch). */
  private chainEpoch = 0;
  private lastFlushes = -1;

  constructor(state: CpuState, ramBytes: number, io: PortIO, extraHandlers?: ReadonlyMap<string, Handler>) {
    this.cpu = new Cpu(state, ramBytes, io);
    this.s = state.u32;
    this.f64 = state.f64;
    const resolved = resolveHandlers(FORMS);
    const stops = new Uint8Array(FORMS.length);
    // A form left to the system layer. The privilege check needs no system
    // state: privileged forms fault at CPL > 0 (SDM Vol. 3, 5.9).
    const unhandled: Handler = (c: Cpu, i: Insn) => {
      if (FORMS[i.form].cls === 'privileged' && c.protectedMode && c.cpl > 0) throw fault(Vector.GP, 0);
      throw UNHANDLED;
    };
    this.handlers = resolved.map((h, id) => {
      const extra = extraHandlers?.get(FORMS[id].instruction);
      if (extra !== undefined) return extra;
      if (h !== undefined) return h;
      stops[id] = 1;
      return unhandled;
    });
    this.handlers[FORM_UD] = () => {
      throw fault(Vector.UD);
    };
    this.handlers[FORM_GP] = () => {
      throw fault(Vector.GP, 0);
    };
    this.cache = new CodeCache(this.cpu.mem, stops, this.handlers);
    this.cache.onInvalidate = () => {
      this.cpu.blockExit = true;
      this.chainEpoch++;
    };
  }

  /** Asks a running `run` to return at the next block boundary. */
  requestStop(): void {
    this.stopRequested = true;
  }

  get retired(): number {
    return this.f64[W_RETIRED];
  }

  /** Runs one instruction (a top-level entry: a stop asked for before it is spent). */
  step(): StopReason {
    this.stopRequested = false;
    return this.exec(1, 1, true);
  }

  /** Runs one basic block (the unit between interrupt checks). */
  runBlock(): StopReason {
    return this.exec(1, MAX_BLOCK_INSNS, true);
  }

  /**
   * Runs whole blocks until at least `maxInsns` instructions retired (the last
   * block may overshoot by fewer than MAX_BLOCK_INSNS; REP iterations count
   * toward the budget too, see Cpu.repWork), or another stop.
   */
  run(maxInsns: number, deadline = Infinity): StopReason {
    this.stopRequested = false;
    return this.exec(maxInsns, MAX_BLOCK_INSNS, false, deadline);
  }

  private exec(maxInsns: number, perBlock: number, oneBlock: boolean, deadline = Infinity): StopReason {
    const c = this.cpu;
    const s = this.s;
    const f64 = this.f64;
    const mem = c.mem;
    c.syncMode();
    this.fault = null;
    this.unhandled = null;
    this.unhandledInsn = null;
    c.trapVector = -1;
    if (s[W_HALTED] !== 0) return StopReason.HALT;
    // The budget counts retired instructions plus REP iterations (Cpu.repWork).
    const target = f64[W_RETIRED] + c.repWork + maxInsns;
    let cur: CachedInsn | null = null;
    let base = 0;
    let prev: Block | null = null;
    let blocks = 0;
    this.chainEpoch++;
    try {
      for (;;) {
        const eip = s[W_EIP];
        if (mem.tlbFlushes !== this.lastFlushes) {
          this.lastFlushes = mem.tlbFlushes;
          this.chainEpoch++;
        }
        // Follow the previous block's link when it is still trusted, else look up.
        let block: Block | null = null;
        if (prev !== null && prev.linkEpoch === this.chainEpoch) {
          if (prev.next0Eip === eip) block = prev.next0;
          else if (prev.next1Eip === eip) block = prev.next1;
        }
        if (block === null) {
          block = this.fetchBlock(eip);
          if (prev !== null && block.cached) this.link(prev, eip, block);
        }
        const insns: CachedInsn[] = block.insns;
        const n = insns.length < perBlock ? insns.length : perBlock;
        const mask = c.ipMask;
        // An interrupt shadow (STI, MOV SS, POP SS) covers the next instruction only.
        const shadow = s[W_INT_SHADOW];
        base = eip;
        c.blockExit = false;
        let k = 0;
        while (k < n) {
          const i = insns[k];
          cur = i;
          if (i.eipBefore) s[W_EIP] = (base + i.nextOff) & mask;
          i.fn(c, i);
          k++;
          if (c.blockExit) break;
        }
        const last = insns[k - 1];
        if (!last.eipBefore) s[W_EIP] = (base + last.nextOff) & mask;
        cur = null;
        f64[W_RETIRED] += k;
        if (shadow !== 0 && k > 0) s[W_INT_SHADOW] = 0;
        prev = block.cached && k === insns.length ? block : null;
        if (c.blockExit || last.syncAfter) {
          if (c.trapVector >= 0) {
            this.trapVector = c.trapVector;
            this.trapSoftware = c.trapSoftware;
            this.trapInsnLength = last.length;
            return StopReason.TRAP;
          }
          if (s[W_HALTED] !== 0) return StopReason.HALT;
          // Mode, stack size or CPL may have changed (POPF, STI, system handlers).
          c.syncMode();
          this.chainEpoch++;
          // EFLAGS.TF set (POPF, IRET): the dispatcher single-steps from here.
          if ((s[W_FLAGS_WORD] & TF) !== 0) return StopReason.BLOCK_END;
        }
        if (this.stopRequested) return StopReason.STOP;
        if (oneBlock) return StopReason.BLOCK_END;
        if (f64[W_RETIRED] + c.repWork >= target) return StopReason.BUDGET;
        if ((++blocks & DEADLINE_CHECK_BLOCKS) === 0 && performance.now() > deadline) return StopReason.BUDGET;
      }
    } catch (e) {
      if (cur !== null) {
        // EIP of the faulting instruction: it has not retired.
        s[W_EIP] = (base + cur.nextOff - cur.length) & c.ipMask;
        f64[W_RETIRED] += cur.pos;
      }
      if (e instanceof CpuFault) {
        this.fault = e;
        this.recordFault(e);
        return StopReason.FAULT;
      }
      if (e === UNHANDLED && cur !== null) {
        this.unhandled = FORMS[cur.form];
        this.unhandledInsn = cur;
        return StopReason.UNHANDLED;
      }
      throw e;
    }
  }

  /** The block at `eip`: CS limit check, instruction fetch translation, cache lookup. */
  private fetchBlock(eip: number): Block {
    const s = this.s;
    const c = this.cpu;
    const mem = c.mem;
    if (c.seg.fast[1] === 0 && eip > s[W_CS_LIMIT]) throw fault(Vector.GP, 0);
    const lin = (s[W_CS_BASE] + eip) | 0;
    // Instruction fetch: the TLB fast path, else a fill for execute access.
    const e = mem.tlb[lin >>> 12];
    const phys = (e & mem.readBit) !== 0 ? (e & ~PAGE_MASK) | (lin & PAGE_MASK) : mem.translateRead(lin, Access.EXEC);
    return this.cache.lookup(phys, lin, (s[W_MODE] & MODE_CODE32) !== 0);
  }

  private link(from: Block, eip: number, to: Block): void {
    if (from.linkEpoch !== this.chainEpoch) {
      from.linkEpoch = this.chainEpoch;
      from.next0Eip = eip;
      from.next0 = to;
      from.next1Eip = -1;
      from.next1 = null;
    } else if (from.next0Eip !== eip) {
      from.next1Eip = eip;
      from.next1 = to;
    }
  }

  private recordFault(e: CpuFault): void {
    const s = this.s;
    s[L.FAULT_PENDING >> 2] = 1;
    s[L.FAULT_VECTOR >> 2] = e.vector;
    s[L.FAULT_ERROR_CODE >> 2] = e.errorCode;
    s[L.FAULT_EIP >> 2] = s[W_EIP];
  }
}
