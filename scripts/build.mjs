// Bundles the CLI and the library into dist/ with esbuild.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: ['binaryen', 'capstone-wasm'],
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/x86dbt.mjs',
  // --no-liftoff: translated code and binaryen go straight to V8's optimizing tier (translator/wasm.ts).
  banner: { js: '#!/usr/bin/env -S node --no-liftoff' },
});
await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.mjs' });
// The benchmarks' one-measurement runner, bundled: a fresh process per
// measurement then starts in about a second instead of transpiling the tree.
await build({ ...common, entryPoints: ['bench/run-one.ts'], outfile: 'dist/bench-run-one.mjs', external: [...common.external, 'v86'] });
// fuzz:wild's worker (scripts/fuzz-wild): measured as a user's process would be.
await build({ ...common, entryPoints: ['scripts/fuzz-wild/worker.ts'], outfile: 'dist/fuzz-wild-worker.mjs' });
