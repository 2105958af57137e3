// A whole x86dbt machine: one fixed-size wasm memory (CPU state, TLB, guest
// RAM), an execution engine, the PC devices on a port bus, the virtual clock,
// the system layer's event delivery, and the loader. `run` is the machine
// loop: it bounds each engine run by the next timer event, services devices
// and takes interrupts (the local APIC's, the PIC's through it) only between blocks (DESIGN decision 5), skips
// virtual time over HLT, and ends with a typed result.
import * as L from './cpu/layout.js';
import { CpuState, Seg } from './cpu/state.js';
import { W_FLAGS, W_MASK } from './cpu/lazy-flags.js';
import { IF, TF } from './arch/flags.js';
import { Vector, hasErrorCode } from './cpu/exceptions.js';
import { EmulationUnsupported } from './vmm/software-vmm.js';
import { PcDevices } from './devices/pc-devices.js';
import type { Engine, EngineExit } from './engines/engine.js';
import { DEFAULT_ENGINE, ENGINES } from './engines/registry.js';
import { MODE_CODE32, MODE_PROTECTED, MODE_STACK32, type Cpu } from './cpu/context.js';
import type { PortIO } from './cpu/port-io.js';
import { loadImage, type LoadedImage, type LoadOptions } from './loader/load-image.js';
import { ATTRS_CODE32, ATTRS_DATA32 } from './mem/segmentation.js';
import { TwoLevelPageWalker } from './mem/paging.js';
import type { StatsReport } from './stats/report.js';
import { SYSTEM_HANDLERS } from './system/handlers.js';
import { EventDelivery, TripleFault } from './system/event-delivery.js';
import { EventSource } from './system/interrupts.js';
import { TaskSwitchUnsupported } from './system/task-switch.js';
import { ioBitmapAllows } from './system/tss.js';
import { P6Msrs } from './system/p6-msrs.js';
import { INSNS_PER_SECOND, VirtualClock } from './time/clock.js';
import { machineStats } from './machine-stats.js';
import { traceLine } from './machine-trace.js';

export const DEFAULT_MEM_MB = 128;
/** Smallest RAM a machine is built with. */
export const MIN_MEM_MB = 1;
/** Largest RAM: guest RAM byte offsets are handled as 32-bit signed integers, so it stays below 2 GiB. */
export const MAX_MEM_MB = 2047;
/** Instructions per engine run at most, so limits and the wall-clock timeout are checked often. */
const SLICE_INSNS = 1 << 20;
/**
 * A halted CPU that no interrupt wakes for this much virtual time (timers may
 * keep firing into masked IRQs) has stopped for good (DESIGN decision 10).
 */
const MAX_IDLE_INSNS = 10 * INSNS_PER_SECOND;

export class MachineConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MachineConfigError';
  }
}

export interface MachineOptions {
  /** Guest RAM in MiB (default 128, as QEMU). */
  memMB?: number;
  /** Engine name (see engines/registry.ts). */
  engine?: string;
  /** Engine-specific settings (EngineContext.tuning). */
  engineTuning?: Readonly<Record<string, string | number | boolean>>;
  /** COM1 output bytes. */
  onSerialOutput?: (byte: number) => void;
  /** Port 0xE9 bytes. */
  onDebugConsole?: (byte: number) => void;
}

export interface RunLimits {
  /** Stop after this many retired instructions. */
  maxInsns?: number;
  /** Stop after this many seconds of wall-clock time. */
  timeoutSeconds?: number;
  /** Called with a line per instruction (runs instruction by instruction). */
  trace?: (line: string) => void;
}

export type StopKind = 'exit' | 'halted' | 'triple-fault' | 'insn-limit' | 'timeout' | 'unsupported';

export interface RunResult {
  kind: StopKind;
  /** isa-debug-exit status (value << 1) | 1, for kind 'exit'. */
  exitStatus?: number;
  /** One line saying why the run stopped. */
  reason: string;
  instructions: number;
  wallSeconds: number;
}

const W_INT_SHADOW = L.INT_SHADOW >> 2;
const W_HALTED = L.HALTED >> 2;
const W_DR6 = (L.DR >> 2) + 6;
/** DR6.BS: the #DB came from single-stepping. */
const DR6_BS = 1 << 14;

export class Machine {
  readonly state: CpuState;
  readonly ramBytes: number;
  readonly clock: VirtualClock;
  readonly devices: PcDevices;
  readonly engine: Engine;
  readonly cpu: Cpu;
  readonly events: EventDelivery;
  readonly walker: TwoLevelPageWalker;
  loaded: LoadedImage | null = null;
  private lastRun: RunResult | null = null;

  constructor(options: MachineOptions = {}) {
    const memMB = options.memMB ?? DEFAULT_MEM_MB;
    if (!Number.isInteger(memMB) || memMB < MIN_MEM_MB || memMB > MAX_MEM_MB) {
      throw new MachineConfigError(`memory size ${memMB} MiB is out of range (${MIN_MEM_MB}..${MAX_MEM_MB} MiB, whole MiB)`);
    }
    const engineName = options.engine ?? DEFAULT_ENGINE;
    const factory = ENGINES.get(engineName);
    if (factory === undefined) throw new MachineConfigError(`unknown engine '${engineName}' (engines: ${[...ENGINES.keys()].join(', ')})`);
    this.ramBytes = memMB * 1024 * 1024;
    try {
      this.state = CpuState.allocate(this.ramBytes);
    } catch (e) {
      if (e instanceof RangeError) throw new MachineConfigError(`cannot allocate ${memMB} MiB of guest RAM: ${e.message}`);
      throw e;
    }
    this.clock = new VirtualClock(() => this.state.insnsRetired);
    this.devices = new PcDevices({
      clock: this.clock,
      onSerialOutput: options.onSerialOutput ?? (() => {}),
      onDebugConsole: options.onDebugConsole ?? (() => {}),
      ramBytes: this.ramBytes,
      // The engine exists by the time the guest can touch the APIC.
      onApicInterrupt: () => this.engine.requestStop(),
    });
    this.engine = factory({ state: this.state, ramBytes: this.ramBytes, io: this.watchedPorts(), systemHandlers: SYSTEM_HANDLERS, tuning: options.engineTuning });
    this.engine.world?.connectInterruptLine(() => this.devices.pic.hasInterrupt());
    this.cpu = this.engine.cpu;
    this.walker = new TwoLevelPageWalker(this.cpu.mem, this.state.u32);
    this.cpu.mem.walker = this.walker;
    this.cpu.ioPermitted = (port, bytes) => ioBitmapAllows(this.cpu, port, bytes);
    this.cpu.msrs = new P6Msrs(this.devices.apic);
    this.cpu.mem.mmio = this.devices.apic;
    this.events = new EventDelivery(this.cpu);
    this.reset();
  }

  /**
   * The port bus as the CPU sees it: a write that makes the machine's attention
   * necessary (a device stop request, a pending interrupt: the loop then runs
   * block by block until IF lets it in) ends the engine's run at the next block boundary.
   */
  private watchedPorts(): PortIO {
    const bus = this.devices.bus;
    const after = (): void => {
      if (this.devices.stop.pending || this.devices.hasInterrupt()) this.engine.requestStop();
    };
    return {
      in8: (p) => bus.in8(p),
      in16: (p) => bus.in16(p),
      in32: (p) => bus.in32(p),
      out8: (p, v) => {
        bus.out8(p, v);
        after();
      },
      out16: (p, v) => {
        bus.out16(p, v);
        after();
      },
      out32: (p, v) => {
        bus.out32(p, v);
        after();
      },
    };
  }

  /**
   * The state a multiboot loader leaves (Multiboot 0.6.96, 3.2): protected
   * mode, paging off, flat 4 GiB code and data segments, EFLAGS = 2. The
   * selectors are those of QEMU's multiboot loader (code 0x10, data 0x18).
   */
  reset(): void {
    const st = this.state;
    st.clearState();
    for (let s = 0; s < 6; s++) {
      if (s === Seg.CS) st.setSeg(s, 0x10, 0, 0xffffffff, ATTRS_CODE32);
      else st.setSeg(s, 0x18, 0, 0xffffffff, ATTRS_DATA32);
    }
    st.u32[L.MODE >> 2] = MODE_PROTECTED | MODE_CODE32 | MODE_STACK32;
    st.setCr(0, 0x11);
    st.u32[W_FLAGS] = 2;
    st.u32[W_MASK] = 0;
    st.u32[L.IDTR_LIMIT >> 2] = 0x3ff;
    st.u32[L.GDTR_LIMIT >> 2] = 0xffff;
    this.cpu.mem.paging = false;
    this.engine.invalidateAll();
    this.cpu.syncMode();
    this.engine.world?.enter();
  }

  /** Runs fn on the guest's own view of the state (decompressed under a VMM) and keeps what it changed. */
  editGuestState<T>(fn: () => T): T {
    const world = this.engine.world;
    return world !== undefined ? world.editGuestState(fn) : fn();
  }

  /** Loads an image into RAM and sets the entry state. Throws LoaderError on a bad image. */
  load(image: Uint8Array, options: LoadOptions = {}): LoadedImage {
    const loaded = loadImage(image, this.cpu.mem.ram, options);
    this.engine.invalidateAll();
    this.state.eip = loaded.entry;
    this.state.setReg32(0, loaded.eax);
    this.state.setReg32(3, loaded.ebx);
    this.loaded = loaded;
    return loaded;
  }

  /** The guest's IF: the virtual one when a software VMM runs the guest. */
  private get interruptsEnabled(): boolean {
    const world = this.engine.world;
    return world !== undefined ? world.interruptsEnabled() : (this.state.u32[W_FLAGS] & IF) !== 0;
  }

  /** Raises an event in the guest world: through the VMM when there is one (it sorts it), else straight to delivery. */
  private raiseEvent(vector: number, source: EventSource, errorCode: number, address = 0, faultEip = -1): void {
    const world = this.engine.world;
    if (world !== undefined) world.event(vector, source, errorCode, address, faultEip, this.events);
    else this.events.raise(vector, source, errorCode, address, faultEip);
  }

  /** Runs until the guest exits, stops for good, faults fatally, or a limit is hit. */
  run(limits: RunLimits = {}): RunResult {
    const start = performance.now();
    const startInsns = this.state.insnsRetired;
    // The instruction limit counts REP iterations too (Cpu.repWork): a REP of 2^32 iterations is no free instruction.
    const work = (): number => this.state.insnsRetired + this.cpu.repWork;
    const startWork = work();
    const maxInsns = limits.maxInsns ?? Infinity;
    const deadline = limits.timeoutSeconds !== undefined ? start + limits.timeoutSeconds * 1000 : Infinity;
    const result = (kind: StopKind, reason: string, exitStatus?: number): RunResult => {
      const r: RunResult = { kind, reason, instructions: this.state.insnsRetired - startInsns, wallSeconds: (performance.now() - start) / 1000, exitStatus };
      this.lastRun = r;
      return r;
    };
    const { clock, devices } = this;
    const s = this.state.u32;
    let haltedSince = -1;
    try {
      for (;;) {
        const stop = devices.stop.request;
        if (stop !== null) return result('exit', `guest wrote ${hex(stop.value)} to isa-debug-exit`, stop.exitStatus);
        const done = work() - startWork;
        if (done >= maxInsns) return result('insn-limit', `instruction limit reached (${maxInsns} instructions and REP iterations) at EIP ${hex(this.state.eip)}`);
        if (performance.now() > deadline) return result('timeout', `timeout after ${limits.timeoutSeconds} s at EIP ${hex(this.state.eip)}`);
        clock.runDue();
        const shadow = s[W_INT_SHADOW] !== 0;
        s[W_INT_SHADOW] = 0;
        if (!shadow && devices.nmiPending) {
          devices.nmiPending = false;
          this.raiseEvent(Vector.NMI, EventSource.EXTERNAL, -1);
        } else if (!shadow && this.interruptsEnabled && devices.hasInterrupt()) {
          this.raiseEvent(devices.acknowledge(), EventSource.EXTERNAL, -1);
        }
        if (s[W_HALTED] !== 0) {
          const next = clock.nextEventTime();
          if (!this.interruptsEnabled) return result('halted', `CPU halted with interrupts disabled at EIP ${hex(this.state.eip)}`);
          if (next === Infinity) return result('halted', `CPU halted with no timer event pending at EIP ${hex(this.state.eip)}`);
          if (haltedSince < 0) haltedSince = clock.now();
          else if (clock.now() - haltedSince > MAX_IDLE_INSNS) {
            return result('halted', `CPU halted and no interrupt arrived in ${MAX_IDLE_INSNS / INSNS_PER_SECOND} s of virtual time, at EIP ${hex(this.state.eip)}`);
          }
          clock.skipTo(next);
          continue;
        }
        haltedSince = -1;
        // Run to the next timer event; block by block while an interrupt waits
        // for IF; one instruction in an interrupt shadow (SDM STI) or under
        // EFLAGS.TF (single-step #DB after it, SDM Vol. 3, 17.3.1.4).
        const singleStep = (s[W_FLAGS] & TF) !== 0;
        const untilEvent = Math.max(1, clock.nextEventTime() - clock.now());
        const waitsForIf = devices.hasInterrupt() && this.engine.world?.interruptFlagTrapped() !== true;
        const budget = waitsForIf ? 1 : Math.min(untilEvent, SLICE_INSNS, maxInsns - done);
        let exit: EngineExit;
        if (limits.trace) exit = this.traceStep(limits.trace);
        else if (shadow || singleStep) exit = this.engine.step();
        else exit = this.engine.run(budget, deadline);
        if (singleStep && (exit.kind === 'budget' || exit.kind === 'halt')) {
          s[W_DR6] |= DR6_BS;
          this.raiseEvent(Vector.DB, EventSource.EXCEPTION, -1);
          continue;
        }
        switch (exit.kind) {
          case 'fault': {
            const f = exit.fault;
            this.raiseEvent(f.vector, EventSource.EXCEPTION, hasErrorCode(f.vector) ? Math.max(0, f.errorCode) : -1, f.address);
            break;
          }
          case 'trap':
            if (exit.software) this.raiseEvent(exit.vector, EventSource.SOFTWARE, -1, 0, exit.insnEip);
            else this.raiseEvent(exit.vector, EventSource.EXCEPTION, -1);
            break;
          case 'unsupported':
            return result('unsupported', `unsupported instruction '${exit.instruction}' at EIP ${hex(this.state.eip)}`);
          default:
            break;
        }
      }
    } catch (e) {
      if (e instanceof TripleFault) return result('triple-fault', e.message);
      if (e instanceof TaskSwitchUnsupported || e instanceof EmulationUnsupported) return result('unsupported', `${e.message} at EIP ${hex(this.state.eip)}`);
      throw e;
    }
  }

  private traceStep(trace: (line: string) => void): EngineExit {
    trace(traceLine(this));
    return this.engine.step();
  }

  /** Statistics of the machine so far (the last run's wall time and stop reason included). */
  stats(): StatsReport {
    return machineStats(this, this.lastRun);
  }
}

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}
