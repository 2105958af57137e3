// x86dbt public API: build a machine, load a guest, run it, read its statistics.
export { Machine, DEFAULT_MEM_MB, MachineConfigError } from './machine.js';
export type { MachineOptions, RunLimits, RunResult, StopKind } from './machine.js';
export type { Engine, EngineContext, EngineExit, EngineFactory } from './engines/engine.js';
export { ENGINES, DEFAULT_ENGINE } from './engines/registry.js';
export { LoaderError } from './loader/errors.js';
export type { LoadOptions, LoadedImage } from './loader/load-image.js';
export { formatStatsTable, statsToJson } from './stats/report.js';
export type { StatsReport, StatSection, StatRow } from './stats/report.js';
export { TripleFault } from './system/event-delivery.js';
