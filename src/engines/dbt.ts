// The `dbt` engine behind the Engine interface: the reference interpreter
// (for cold blocks, single steps and forms left to the system layer) plus the
// translation-cache dispatcher (engines/dbt-dispatcher.ts).
import { Interpreter, StopReason } from '../interp/interpreter.js';
import type { Cpu } from '../cpu/context.js';
import type { StatSection } from '../stats/report.js';
import { DbtDispatcher, type DbtOptions } from './dbt-dispatcher.js';
import type { Engine, EngineContext, EngineExit } from './engine.js';
import { EVICTION_POLICIES, MAX_TC_BLOCKS } from '../tcache/tcache.js';

export { DEFAULT_DBT_OPTIONS, type DbtOptions } from './dbt-dispatcher.js';

/** A dbt setting that makes no sense (a bad --tc-size, --tc-policy or --hot). */
export class DbtConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DbtConfigError';
  }
}

/** DbtOptions from EngineContext.tuning (names: chain, pageModules, optimizingTier, hot, tcSize, tcPolicy, inline, optimize, batch). */
export function dbtOptionsFromTuning(t: Readonly<Record<string, string | number | boolean>> = {}): Partial<DbtOptions> {
  const o: Partial<DbtOptions> = {};
  const int = (name: string, min: number, max = 2 ** 30): number | undefined => {
    const v = t[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new DbtConfigError(`dbt: ${name} must be an integer in ${min}..${max}, got ${String(v)}`);
    return v;
  };
  const bool = (name: string): boolean | undefined => {
    const v = t[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw new DbtConfigError(`dbt: ${name} must be true or false, got ${String(v)}`);
    return v;
  };
  const chain = bool('chain');
  if (chain !== undefined) o.chain = chain;
  const inline = bool('inline');
  if (inline !== undefined) o.inline = inline;
  const optimizingTier = bool('optimizingTier');
  if (optimizingTier !== undefined) o.optimizingTier = optimizingTier;
  const pageModules = bool('pageModules');
  if (pageModules !== undefined) o.pageModules = pageModules;
  const optimize = bool('optimize');
  if (optimize !== undefined) o.optimize = optimize;
  const hot = int('hot', 0);
  if (hot !== undefined) o.hot = hot;
  const tcSize = int('tcSize', 1, MAX_TC_BLOCKS);
  if (tcSize !== undefined) o.tcSize = tcSize;
  const batch = int('batch', 1);
  if (batch !== undefined) o.batch = batch;
  const policy = t.tcPolicy;
  if (policy !== undefined) {
    const p = EVICTION_POLICIES.find((x) => x === policy);
    if (p === undefined) throw new DbtConfigError(`dbt: unknown translation cache policy '${String(policy)}' (policies: ${EVICTION_POLICIES.join(', ')})`);
    o.policy = p;
  }
  return o;
}

export class DbtEngine implements Engine {
  readonly name = 'dbt-bare';
  readonly inlineTlbProbes = true;
  readonly interp: Interpreter;
  readonly dispatcher: DbtDispatcher;
  readonly cpu: Cpu;

  constructor(ctx: EngineContext, options: Partial<DbtOptions> = {}) {
    this.interp = new Interpreter(ctx.state, ctx.ramBytes, ctx.io, ctx.systemHandlers);
    this.cpu = this.interp.cpu;
    this.dispatcher = new DbtDispatcher(this.interp, { ...dbtOptionsFromTuning(ctx.tuning), ...options }, ctx.systemHandlers);
  }

  run(maxInsns: number, deadline = Infinity): EngineExit {
    return this.exit(this.dispatcher.run(maxInsns, deadline), false);
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
