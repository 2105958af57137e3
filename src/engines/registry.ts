// Engines by name, for the CLI's --engine and the public API.
import type { EngineFactory } from './engine.js';
import { InterpEngine } from './interp.js';
import { DbtEngine } from './dbt.js';
import { TeEngine } from './te.js';

export const ENGINES: ReadonlyMap<string, EngineFactory> = new Map<string, EngineFactory>([
  ['interp', (ctx) => new InterpEngine(ctx)],
  ['dbt', (ctx) => new DbtEngine(ctx)],
  ['te', (ctx) => new TeEngine(ctx)],
]);

// dbt passes every guest, fixture and differential test identically to interp (test/translator).
export const DEFAULT_ENGINE = 'dbt';
