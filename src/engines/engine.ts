// The execution-engine interface. An engine runs guest code on the machine's
// CPU state and returns at a block boundary (DESIGN decision 5) when its
// budget is spent or something needs the machine: HLT, a guest exception or
// software interrupt to deliver, or a stop request. Everything architectural
// outside straight-line execution (interrupt delivery, devices, time) stays in
// the machine, so `dbt`, `te` or a VT-x-style engine is one new file here.
import type { CpuFault } from '../cpu/exceptions.js';
import type { CpuState } from '../cpu/state.js';
import type { Handler } from '../semantics/handler.js';
import type { Cpu } from '../cpu/context.js';
import type { PortIO } from '../cpu/port-io.js';
import type { StatSection } from '../stats/report.js';
import type { EventDelivery } from '../system/event-delivery.js';
import type { EventSource } from '../system/interrupts.js';

export type EngineExit =
  /** The budget is spent (at a block boundary). */
  | { kind: 'budget' }
  /** HLT retired: the CPU waits for an interrupt. */
  | { kind: 'halt' }
  /** requestStop() was honoured. */
  | { kind: 'stop' }
  /** An instruction faulted: EIP is at it and nothing of it is committed. */
  | { kind: 'fault'; fault: CpuFault }
  /**
   * INT n / INT3 / INTO / INT1 retired: EIP is past it; the vector is to be
   * delivered. `software` (INT n, INT3, INTO) makes delivery check the gate's
   * DPL; `insnEip` is where a fault raised by the delivery points.
   */
  | { kind: 'trap'; vector: number; software: boolean; insnEip: number }
  /** An instruction form this engine has no semantics for (EIP at it): the machine stops. */
  | { kind: 'unsupported'; instruction: string };

/**
 * A software VMM between the machine and the guest (DESIGN, "The VMM model"):
 * the guest world's events go to it first, and the guest's interrupt flag is
 * the virtual one. Engines that run the guest on bare metal have none.
 */
export interface GuestWorld {
  /** The guest's own EFLAGS.IF (the virtual IF under ring compression). */
  interruptsEnabled(): boolean;
  /**
   * True when every change of the guest's IF reaches the VMM (it is virtual):
   * a pending interrupt then need not cut runs to single blocks to catch it.
   */
  interruptFlagTrapped(): boolean;
  /** Tells the VMM where to ask whether an external interrupt waits (the machine's PIC). */
  connectInterruptLine(pending: () => boolean): void;
  /** The state block holds a fresh guest state (reset): the VMM takes it as the guest's and compresses it. */
  enter(): void;
  /**
   * Runs fn with the state block showing the guest's own state (decompressed),
   * then takes what fn left as the guest's: how the host (a test, a debugger)
   * edits guest registers and tables under a VMM.
   */
  editGuestState<T>(fn: () => T): T;
  /**
   * An exception, software interrupt or external interrupt raised in the
   * guest world: the VMM sorts it (emulate, or reflect through `deliver`).
   * Arguments as EventDelivery.raise takes them.
   */
  event(vector: number, source: EventSource, errorCode: number, address: number, faultEip: number, deliver: EventDelivery): void;
  /** The VMM's statistics (traps by cause, silent misbehaviours…). */
  statsSections(): StatSection[];
}

export interface Engine {
  readonly name: string;
  /** The execution context (state views, memory, segmentation) the system layer works on. */
  readonly cpu: Cpu;
  /**
   * Runs whole blocks until at least `maxInsns` instructions retired (REP
   * iterations count too, Cpu.repWork), or an earlier exit. Past `deadline`
   * (a performance.now() time) it returns at the next block boundary
   * whatever the budget left: translation or a guest's wild code cannot
   * starve the machine's timeout check.
   */
  run(maxInsns: number, deadline?: number): EngineExit;
  /** Runs exactly one instruction (tracing, single-stepping). */
  step(): EngineExit;
  /** Asks a running `run` to return at the next block boundary. */
  requestStop(): void;
  /** The host rewrote guest RAM (loading an image): drop anything derived from it. */
  invalidateAll(): void;
  /** Engine-specific statistics (translation cache, blocks, …). */
  statsSections(): StatSection[];
  /**
   * True when the engine's generated code probes the software TLB inline:
   * those hits are not counted (a counter per access would cost more than
   * the probe), so the statistics name what GuestMemory's count covers.
   */
  readonly inlineTlbProbes?: boolean;
  /** The software VMM this engine runs the guest under, if any. */
  readonly world?: GuestWorld;
}

/** What every engine is built from. */
export interface EngineContext {
  state: CpuState;
  ramBytes: number;
  io: PortIO;
  /** Semantics of the system instructions, by SDM instruction text (src/system). */
  systemHandlers: ReadonlyMap<string, Handler>;
  /** Engine-specific settings by name (dbt: chain, hot, tcSize, tcPolicy); an engine ignores names it does not use. */
  tuning?: Readonly<Record<string, string | number | boolean>>;
}

export type EngineFactory = (ctx: EngineContext) => Engine;
