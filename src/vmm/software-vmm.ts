// The software VMM of the `te` engine (and, in part 2, of `dbt`): it owns the
// virtual CPU, the shadow descriptor tables with their traces, and the guest
// world's events, which the machine hands it before anything reaches the
// guest (engines/engine.ts, GuestWorld).
import * as L from '../cpu/layout.js';
import type { Cpu } from '../cpu/context.js';
import { CpuFault, hasErrorCode } from '../cpu/exceptions.js';
import { W_FLAGS } from '../cpu/lazy-flags.js';
import { Seg } from '../cpu/state.js';
import { Insn } from '../decoder/insn.js';
import { IF } from '../arch/flags.js';
import { FORMS } from '../arch/table.js';
import type { EngineExit, GuestWorld } from '../engines/engine.js';
import type { StatRow, StatSection } from '../stats/report.js';
import type { EventDelivery } from '../system/event-delivery.js';
import { EventSource } from '../system/interrupts.js';
import { asSupervisor } from '../system/descriptors.js';
import { eventName, sortEvent, Sorted } from './event-sorting.js';
import { captureVirtual, compress, compressible, decompress, guestCpl, realCpl } from './ring-compression.js';
import { ShadowTables, TABLE_NAMES } from './shadow-descriptors.js';
import type { SilentMisbehaviourMeter } from './silent-misbehaviour.js';
import { formAtEip, isEmulated } from './trap-handlers.js';
import { Traces } from './traces.js';
import type { VirtualCpu } from './virtual-cpu.js';
import { PathShares } from './path-shares.js';
import type { VmmMemory } from './vmm-memory.js';

/** An instruction the VMM was to emulate has no semantics in this engine. */
export class EmulationUnsupported extends Error {
  constructor(readonly instruction: string) {
    super(`the VMM cannot emulate '${instruction}'`);
    this.name = 'EmulationUnsupported';
  }
}

export class SoftwareVmm implements GuestWorld {
  readonly shadows: ShadowTables;
  readonly traces: Traces;
  /** The guest runs compressed (it is in protected mode): false in real mode, which runs as it is. */
  compressed = false;
  /** Emulated instructions by form text. */
  readonly emulated = new Map<string, number>();
  /** Reflected events by name. */
  readonly reflected = new Map<string, number>();
  /** Instructions by path and virtual CPL (the engine adds its runs). */
  readonly paths = new PathShares();
  /**
   * Binary translation (dbt): sensitive and privileged instructions are callouts
   * on the virtual CPU, and events are delivered on it too, so frames carry the
   * guest's CS. False under trap-and-emulate (te), where they run deprivileged.
   */
  virtualizing = false;
  /** A virtualizing callout faulted on the virtual CPU: the event that follows is the guest's own. */
  private guestFault = false;
  private readonly scratch = new Insn();

  constructor(
    private readonly c: Cpu,
    readonly memory: VmmMemory,
    readonly vcpu: VirtualCpu,
    readonly meter: SilentMisbehaviourMeter,
    /** Runs exactly one instruction with the engine's own semantics. */
    private readonly step: () => EngineExit,
  ) {
    this.shadows = new ShadowTables(c, memory, vcpu);
    this.traces = new Traces(c, vcpu, this.shadows);
  }

  /** The guest CPL the real state stands for. */
  get virtualCpl(): number {
    if (!this.compressed) return this.c.state.cpl;
    const real = this.c.state.cpl;
    return this.virtualizing && realCpl(this.vcpu.cpl) === real ? this.vcpu.cpl : guestCpl(real);
  }

  interruptsEnabled(): boolean {
    return this.compressed ? this.vcpu.interruptsEnabled : (this.c.s[W_FLAGS] & IF) !== 0;
  }

  private pending: () => boolean = () => false;

  connectInterruptLine(pending: () => boolean): void {
    this.pending = pending;
  }

  /** An external interrupt waits for the guest's IF. */
  interruptPending(): boolean {
    return this.pending();
  }

  interruptFlagTrapped(): boolean {
    return this.compressed;
  }

  enter(): void {
    this.c.tables = null;
    captureVirtual(this.c, this.vcpu);
    this.compressed = compressible(this.vcpu);
    compress(this.c, this.vcpu, this.shadows);
    this.traces.retrace();
  }

  event(vector: number, source: EventSource, errorCode: number, address: number, faultEip: number, deliver: EventDelivery): void {
    // A guest that switched to protected mode by itself (real mode runs uncompressed) enters the VMM's world now.
    if (!this.compressed && (this.c.state.cr(0) & 1) !== 0) this.enter();
    if (!this.compressed) {
      deliver.raise(vector, source, errorCode, address, faultEip);
      return;
    }
    if (this.guestFault) {
      this.guestFault = false;
      this.reflect(vector, source, errorCode, address, faultEip, deliver);
      return;
    }
    const form = source === EventSource.EXCEPTION ? formAtEip(this.c, this.scratch) : -1;
    if (sortEvent(vector, source, isEmulated(form)) === Sorted.EMULATE) this.emulate(form, deliver);
    else this.reflect(vector, source, errorCode, address, faultEip, deliver);
  }

  /** Runs fn on the guest's view of the state (decompressed), then captures what it did and compresses again. */
  onVirtualCpu<T>(fn: () => T): T {
    const c = this.c;
    // Nested runs (an event delivered inside a callout) keep their own key.
    const before = this.depth++ === 0 ? this.keyBefore : new Uint32Array(11);
    this.tableKey(before);
    decompress(c, this.vcpu, this.virtualizing);
    try {
      return fn();
    } finally {
      this.depth--;
      captureVirtual(c, this.vcpu);
      this.compressed = compressible(this.vcpu);
      compress(c, this.vcpu, this.shadows);
      if (!this.tableKeyIs(before)) this.traces.retrace();
    }
  }

  editGuestState<T>(fn: () => T): T {
    return this.onVirtualCpu(fn);
  }

  noteGuestFault(): void {
    this.guestFault = true;
  }

  /** Runs the faulting instruction on the virtual CPU (trap-handlers.ts). */
  private emulate(form: number, deliver: EventDelivery): void {
    const text = FORMS[form].instruction;
    this.emulated.set(text, (this.emulated.get(text) ?? 0) + 1);
    const cpl = this.virtualCpl;
    const before = retired(this.c);
    const exit = this.onVirtualCpu(() => this.step());
    this.paths.addEmulated(cpl, retired(this.c) - before);
    switch (exit.kind) {
      case 'fault': {
        const f = exit.fault;
        this.reflect(f.vector, EventSource.EXCEPTION, hasErrorCode(f.vector) ? Math.max(0, f.errorCode) : -1, f.address, -1, deliver);
        break;
      }
      case 'trap':
        this.reflect(exit.vector, exit.software ? EventSource.SOFTWARE : EventSource.EXCEPTION, -1, 0, exit.software ? exit.insnEip : -1, deliver);
        break;
      case 'unsupported':
        throw new EmulationUnsupported(exit.instruction);
      default:
        break;
    }
  }

  /** Delivers the guest's own event through its shadowed IDT, on its stacks. */
  private reflect(vector: number, source: EventSource, errorCode: number, address: number, faultEip: number, deliver: EventDelivery): void {
    const c = this.c;
    const name = eventName(vector, source);
    this.reflected.set(name, (this.reflected.get(name) ?? 0) + 1);
    const cpl = this.virtualCpl;
    const eip = faultEip >= 0 ? faultEip : c.state.eip;
    if (this.virtualizing) {
      // Delivered as bare metal delivers it: on the virtual CPU, the frame holding the guest's CS.
      this.onVirtualCpu(() => deliver.raise(vector, source, errorCode, address, faultEip));
      return;
    }
    deliver.raise(vector, source, errorCode, address, faultEip);
    // An interrupt gate cleared IF: the VMM keeps the real IF set and clears the virtual one.
    if ((c.s[W_FLAGS] & IF) === 0) {
      this.vcpu.interruptsEnabled = false;
      c.s[W_FLAGS] |= IF;
    }
    if (source === EventSource.SOFTWARE) this.checkFrame(cpl, eip);
  }

  /** INT n pushed the real CS: its RPL is the real CPL, not the guest's (a silent misbehaviour of INT). */
  private checkFrame(cplBefore: number, eip: number): void {
    const c = this.c;
    try {
      const at = (c.state.segBase(Seg.SS) + (c.r[4] >>> 0) + 4) | 0;
      const pushedCs = asSupervisor(c, () => c.mem.read16(at));
      if ((pushedCs & 3) !== cplBefore) this.meter.record('INT imm8', eip);
    } catch (e) {
      if (!(e instanceof CpuFault)) throw e;
    }
  }

  /** What decides where the guest's tables are (a change means retracing), into `out`. */
  private tableKey(out: Uint32Array): void {
    const v = this.vcpu;
    const l = v.ldtr;
    const st = this.c.state;
    out[0] = v.gdtBase;
    out[1] = v.gdtLimit;
    out[2] = v.idtBase;
    out[3] = v.idtLimit;
    out[4] = l.selector;
    out[5] = l.base;
    out[6] = l.limit;
    out[7] = v.tr.selector;
    out[8] = v.cr(0);
    out[9] = st.cr(3);
    out[10] = st.cr(4);
  }

  private tableKeyIs(key: Uint32Array): boolean {
    this.tableKey(this.keyAfter);
    for (let k = 0; k < key.length; k++) if (this.keyAfter[k] !== key[k]) return false;
    return true;
  }

  private readonly keyBefore = new Uint32Array(11);
  private depth = 0;
  private readonly keyAfter = new Uint32Array(11);

  statsSections(): StatSection[] {
    const byCount = (m: ReadonlyMap<string, number>, prefix: string): StatRow[] =>
      [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => ({ name: `${prefix}${k}`, value: n }));
    const traps = [
      ...byCount(this.emulated, 'emulated '),
      ...TABLE_NAMES.map((t, k) => ({ name: `trace write (${t})`, value: this.traces.writes[k] })).filter((r) => r.value > 0),
      ...TABLE_NAMES.map((t, k) => ({ name: `trace write, false sharing (${t} page)`, value: this.traces.falseSharing[k] })).filter((r) => r.value > 0),
      ...byCount(this.reflected, ''),
    ];
    const sum = (xs: Iterable<number>): number => [...xs].reduce((a, b) => a + b, 0);
    const total = sum(this.emulated.values()) + sum(this.traces.writes) + sum(this.traces.falseSharing) + sum(this.reflected.values());
    return [
      { title: 'VMM traps by cause', rows: [{ name: 'total', value: total }, ...traps] },
      this.paths.section(),
      {
        title: 'VMM shadow descriptor tables',
        rows: [
          { name: 'traced pages', value: this.traces.tracedPages },
          ...TABLE_NAMES.map((t, k) => ({ name: `${t} rebuilds`, value: this.shadows.rebuilds[k] })),
          ...TABLE_NAMES.map((t, k) => ({ name: `${t} entries built`, value: this.shadows.entriesBuilt[k] })),
          { name: 'unreadable guest descriptors', value: this.shadows.unreadable },
        ],
      },
      { title: 'silent misbehaviours', rows: this.meter.list().map((m) => ({ name: m.instruction, value: m.count })) },
      { title: 'silent misbehaviours: first EIP', rows: this.meter.list().map((m) => ({ name: m.instruction, value: '0x' + m.firstEip.toString(16) })) },
    ];
  }
}

/** The retired-instruction counter, for the direct-path accounting. */
export function retired(c: Cpu): number {
  return c.state.f64[L.INSNS_RETIRED >> 3];
}
