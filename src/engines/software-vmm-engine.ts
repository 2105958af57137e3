// The engines that run the guest under the software VMM (src/vmm/), on the
// translator's code, deprivileged by ring compression. They differ only in
// what becomes of sensitive and privileged instructions:
//
// - `te`, trap-and-emulate only: they run with their real semantics on the
//   real state; privileged ones fault at the real CPL and the VMM emulates
//   them on the virtual CPU; sensitive unprivileged ones silently do what
//   deprivileged hardware does, and the meter counts where that differed
//   from what the guest's virtual CPU would have done;
// - `bt`, binary translation as VMware's VMM did it: each is a callout that
//   runs on the virtual CPU (vmm/virtualizing-callouts.ts), and events are
//   delivered on it, so the guest sees what bare metal shows.
import type { Cpu } from '../cpu/context.js';
import type { StatSection } from '../stats/report.js';
import { HANDLERS_BY_TEXT } from '../semantics/registry.js';
import { DbtEngine } from './dbt.js';
import type { Engine, EngineContext, EngineExit } from './engine.js';
import { SilentMisbehaviourMeter } from '../vmm/silent-misbehaviour.js';
import { SoftwareVmm, retired } from '../vmm/software-vmm.js';
import { VirtualCpu } from '../vmm/virtual-cpu.js';
import { CHAINS_AFTER_CALLOUT } from '../vmm/in-place-forms.js';
import { VirtualizingCallouts } from '../vmm/virtualizing-callouts.js';
import { VmmMemory } from '../vmm/vmm-memory.js';
import type { PathCounters } from '../vmm/path-shares.js';

export type VmmTechnique = 'trap-and-emulate' | 'binary-translation';

export class SoftwareVmmEngine implements Engine {
  readonly name: string;
  readonly inlineTlbProbes = true;
  readonly inner: DbtEngine;
  readonly cpu: Cpu;
  readonly world: SoftwareVmm;
  private readonly callouts: VirtualizingCallouts | null;

  constructor(ctx: EngineContext, readonly technique: VmmTechnique) {
    this.name = technique === 'trap-and-emulate' ? 'te' : 'dbt';
    const memory = new VmmMemory(ctx.state.memory.buffer, ctx.ramBytes);
    const vcpu = new VirtualCpu(memory);
    let world: SoftwareVmm | null = null;
    // A sensitive instruction changed the CPL: end the run so the direct path is counted per CPL.
    const cplChanged = (): void => this.inner.requestStop();
    const meter = new SilentMisbehaviourMeter(vcpu, () => world?.shadows ?? null, () => world?.compressed ?? false, cplChanged);
    const base = (text: string) => ctx.systemHandlers.get(text) ?? HANDLERS_BY_TEXT.get(text);
    let wrapped;
    if (technique === 'trap-and-emulate') {
      this.callouts = null;
      wrapped = meter.wrapHandlers(base);
    } else {
      const runner = {
        get compressed() {
          return world?.compressed ?? false;
        },
        interruptsEnabled: () => world!.interruptsEnabled(),
        onVirtualCpu: (fn: () => void) => world!.onVirtualCpu(fn),
        noteGuestFault: () => world!.noteGuestFault(),
        virtualFlags: {
          get flags() {
            return vcpu.flags;
          },
          set flags(v: number) {
            vcpu.flags = v;
          },
          get guestCpl() {
            return world!.virtualCpl;
          },
        },
        interruptPending: () => world!.interruptPending(),
      };
      this.callouts = new VirtualizingCallouts(runner, cplChanged);
      // A callout from translated code has the host's current instruction set (CalloutHost.cur).
      this.callouts.fromTranslatedCode = () => this.inner.dispatcher.host.cur !== null;
      wrapped = this.callouts.wrapHandlers(base);
    }
    // Binary translation's callouts of CHAINS_AFTER_CALLOUT end the block on every change that matters: those may chain.
    this.inner = new DbtEngine(
      { ...ctx, systemHandlers: new Map([...ctx.systemHandlers, ...wrapped]) },
      { chainAfterCallouts: technique === 'binary-translation' ? CHAINS_AFTER_CALLOUT : [] },
    );
    this.cpu = this.inner.cpu;
    world = new SoftwareVmm(this.cpu, memory, vcpu, meter, () => this.inner.step());
    world.virtualizing = technique === 'binary-translation';
    this.world = world;
  }

  run(maxInsns: number, deadline = Infinity): EngineExit {
    const cpl = this.world.virtualCpl;
    const before = this.counters();
    const exit = this.inner.run(maxInsns, deadline);
    this.world.paths.add(cpl, before, this.counters());
    return exit;
  }

  /** One instruction, by the interpreter: it counts as interpreted. */
  step(): EngineExit {
    const cpl = this.world.virtualCpl;
    const before = this.counters();
    const exit = this.inner.step();
    const after = this.counters();
    after.interpretedInsns += after.retired - before.retired;
    after.interpretedBlocks++;
    this.world.paths.add(cpl, before, after);
    return exit;
  }

  /** The totals the path shares take deltas of. */
  private counters(): PathCounters {
    const d = this.inner.dispatcher;
    return {
      retired: retired(this.cpu),
      interpretedInsns: d.interpretedInsns,
      onVirtualCpu: this.callouts?.translatedOnCpu ?? 0,
      inPlace: this.callouts?.translatedInPlace ?? 0,
      translatedBlocks: d.blocksRun,
      interpretedBlocks: d.interpretedBlocks,
    };
  }

  requestStop(): void {
    this.inner.requestStop();
  }

  invalidateAll(): void {
    this.inner.invalidateAll();
  }

  statsSections(): StatSection[] {
    const sections = [...this.inner.statsSections(), ...this.world.statsSections()];
    if (this.callouts === null) return sections;
    const { onVirtualCpu, inPlace } = this.callouts.counts();
    const rows = (list: [string, number][]) => list.map(([name, value]) => ({ name, value }));
    // Nothing runs silently under binary translation: the meter's sections would only ever be empty.
    return [...sections.filter((s) => !s.title.startsWith('silent misbehaviours')), { title: 'VMM callouts on the virtual CPU', rows: rows(onVirtualCpu) }, { title: 'VMM callouts served in place', rows: rows(inPlace) }];
  }
}
