// The Node flags every measured process runs with: the CLI's own
// (scripts/build.mjs), so the figures are those a user of `x86dbt run` sees.
// The same flags apply to the peers measured in the same run.
export const MEASURE_NODE_FLAGS: readonly string[] = ['--no-liftoff'];
