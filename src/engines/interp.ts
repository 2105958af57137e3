// The `interp` engine: H4's reference interpreter behind the Engine
// interface. Every instruction is decoded once into a cached block and run
// through its handler each time.
import { Interpreter, StopReason } from '../interp/interpreter.js';
import type { Cpu } from '../cpu/context.js';
import type { StatSection } from '../stats/report.js';
import type { Engine, EngineContext, EngineExit } from './engine.js';

export class InterpEngine implements Engine {
  readonly name = 'interp';
  readonly interp: Interpreter;
  readonly cpu: Cpu;

  constructor(ctx: EngineContext) {
    this.interp = new Interpreter(ctx.state, ctx.ramBytes, ctx.io, ctx.systemHandlers);
    this.cpu = this.interp.cpu;
  }

  run(maxInsns: number, deadline = Infinity): EngineExit {
    return this.exit(this.interp.run(maxInsns, deadline));
  }

  step(): EngineExit {
    return this.exit(this.interp.step());
  }

  requestStop(): void {
    this.interp.requestStop();
  }

  invalidateAll(): void {
    this.interp.cache.clear();
    this.cpu.mem.flushTlb();
  }

  private exit(reason: StopReason): EngineExit {
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
          vector: this.interp.trapVector,
          software: this.interp.trapSoftware,
          insnEip: (this.cpu.state.eip - this.interp.trapInsnLength) & this.cpu.ipMask,
        };
      case StopReason.FAULT: {
        const f = this.interp.fault;
        if (f === null) throw new Error('interp engine: fault stop without a fault');
        return { kind: 'fault', fault: f };
      }
      case StopReason.UNHANDLED: {
        return { kind: 'unsupported', instruction: this.interp.unhandled?.instruction ?? '?' };
      }
    }
  }

  statsSections(): StatSection[] {
    const cache = this.interp.cache;
    return [
      {
        title: 'interpreter',
        rows: [
          { name: 'decoded blocks built', value: cache.blocksBuilt },
          { name: 'code-page invalidations', value: cache.invalidations },
          { name: 'decoded-cache overflows', value: cache.overflows },
        ],
      },
    ];
  }
}
