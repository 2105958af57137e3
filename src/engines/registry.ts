// Engines by name, for the CLI's --engine and the public API.
import type { EngineFactory } from './engine.js';
import { InterpEngine } from './interp.js';
import { DbtEngine } from './dbt.js';
import { SoftwareVmmEngine } from './software-vmm-engine.js';

export const ENGINES: ReadonlyMap<string, EngineFactory> = new Map<string, EngineFactory>([
  ['interp', (ctx) => new InterpEngine(ctx)],
  ['dbt', (ctx) => new SoftwareVmmEngine(ctx, 'binary-translation')],
  ['te', (ctx) => new SoftwareVmmEngine(ctx, 'trap-and-emulate')],
  ['dbt-bare', (ctx) => new DbtEngine(ctx)],
]);

// dbt passes every guest, fixture and differential test identically to interp (test/translator).
export const DEFAULT_ENGINE = 'dbt';
