// The Node flags a measured process runs with. x86dbt's engines run with
// the CLI's own (scripts/build.mjs: --no-liftoff), so the figures are those
// a user of `x86dbt run` sees; the peers run with Node's defaults, as they
// ship (v86 measured under --no-liftoff too is noted in bench/RESULTS.md).
export const X86DBT_NODE_FLAGS: readonly string[] = ['--no-liftoff'];

export function nodeFlagsFor(engine: string): readonly string[] {
  return engine.startsWith('v86-') ? [] : X86DBT_NODE_FLAGS;
}
