// The `dbt` engine behind the Engine interface: the reference interpreter
// (for cold blocks, single steps and forms left to the system layer) plus the
// translation-cache dispatcher (engines/dbt-dispatcher.ts).
import { Interpreter, StopReason } from '../interp/interpreter.js';
import type { Cpu } from '../interp/cpu.js';
import type { StatSection } from '../stats/report.js';
import { DbtDispatcher, type DbtOptions } from './dbt-dispatcher.js';
import type { Engine, EngineContext, EngineExit } from './engine.js';

export { DEFAULT_DBT_OPTIONS, type DbtOptions } from './dbt-dispatcher.js';

export class DbtEngine implements Engine {
  readonly name = 'dbt';
  readonly interp: Interpreter;
  readonly dispatcher: DbtDispatcher;
  readonly cpu: Cpu;

  constructor(ctx: EngineContext, options: Partial<DbtOptions> = {}) {
    this.interp = new Interpreter(ctx.state, ctx.ramBytes, ctx.io, ctx.systemHandlers);
    this.cpu = this.interp.cpu;
    this.dispatcher = new DbtDispatcher(this.interp, options, ctx.systemHandlers);
  }

  run(maxInsns: number): EngineExit {
    return this.exit(this.dispatcher.run(maxInsns), false);
  }

  step(): EngineExit {
    return this.exit(this.interp.step(), true);
  }

  requestStop(): void {
    this.dispatcher.requestStop();
    this.interp.requestStop();
  }

  invalidateAll(): void {
    this.interp.cache.clear();
    this.cpu.mem.flushTlb();
    this.dispatcher.flush();
  }

  private exit(reason: StopReason, fromInterp: boolean): EngineExit {
    const src = fromInterp ? this.interp : this.dispatcher;
    switch (reason) {
      case StopReason.BUDGET:
      case StopReason.BLOCK_END:
        return { kind: 'budget' };
      case StopReason.HALT:
        return { kind: 'halt' };
      case StopReason.STOP:
        return { kind: 'stop' };
      case StopReason.TRAP:
        return {
          kind: 'trap',
          vector: src.trapVector,
          software: src.trapSoftware,
          insnEip: (this.cpu.state.eip - src.trapInsnLength) & this.cpu.ipMask,
        };
      case StopReason.FAULT: {
        const f = src.fault;
        if (f === null) throw new Error('dbt engine: fault stop without a fault');
        return { kind: 'fault', fault: f };
      }
      case StopReason.UNHANDLED:
        return { kind: 'unsupported', instruction: src.unhandled?.instruction ?? '?' };
    }
  }

  statsSections(): StatSection[] {
    return this.dispatcher.statsReport();
  }
}
