// The `te` engine: a software VMM that only traps and emulates. The guest
// runs deprivileged under ring compression (vmm/ring-compression.ts) on the
// translator's direct path, sensitive instructions included, with their real
// semantics on the real state; privileged ones fault at the real CPL and the
// VMM emulates them on the virtual CPU; sensitive unprivileged ones silently
// do what deprivileged hardware does, and the meter counts where that
// differed from what the guest's virtual CPU would have done.
import type { Cpu } from '../cpu/context.js';
import type { StatSection } from '../stats/report.js';
import { HANDLERS_BY_TEXT } from '../semantics/registry.js';
import { DbtEngine } from './dbt.js';
import type { Engine, EngineContext, EngineExit } from './engine.js';
import { SilentMisbehaviourMeter } from '../vmm/silent-misbehaviour.js';
import { SoftwareVmm, retired } from '../vmm/software-vmm.js';
import { VirtualCpu } from '../vmm/virtual-cpu.js';
import { VmmMemory } from '../vmm/vmm-memory.js';

export class TeEngine implements Engine {
  readonly name = 'te';
  readonly inlineTlbProbes = true;
  readonly inner: DbtEngine;
  readonly cpu: Cpu;
  readonly world: SoftwareVmm;

  constructor(ctx: EngineContext) {
    const memory = new VmmMemory(ctx.state.memory.buffer, ctx.ramBytes);
    const vcpu = new VirtualCpu(memory);
    let world: SoftwareVmm | null = null;
    const meter = new SilentMisbehaviourMeter(
      vcpu,
      () => world?.shadows ?? null,
      () => world?.compressed ?? false,
      // A sensitive instruction changed the CPL: end the run so the direct path is counted per CPL.
      () => this.inner.requestStop(),
    );
    const measured = meter.wrapHandlers((text) => ctx.systemHandlers.get(text) ?? HANDLERS_BY_TEXT.get(text));
    this.inner = new DbtEngine({ ...ctx, systemHandlers: new Map([...ctx.systemHandlers, ...measured]) });
    this.cpu = this.inner.cpu;
    world = new SoftwareVmm(this.cpu, memory, vcpu, meter, () => this.inner.step());
    this.world = world;
  }

  run(maxInsns: number): EngineExit {
    const cpl = this.world.virtualCpl;
    const before = retired(this.cpu);
    const exit = this.inner.run(maxInsns);
    this.world.directInsns[cpl] += retired(this.cpu) - before;
    return exit;
  }

  step(): EngineExit {
    const cpl = this.world.virtualCpl;
    const before = retired(this.cpu);
    const exit = this.inner.step();
    this.world.directInsns[cpl] += retired(this.cpu) - before;
    return exit;
  }

  requestStop(): void {
    this.inner.requestStop();
  }

  invalidateAll(): void {
    this.inner.invalidateAll();
  }

  statsSections(): StatSection[] {
    return [...this.inner.statsSections(), ...this.world.statsSections()];
  }
}
