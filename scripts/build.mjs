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
  banner: { js: '#!/usr/bin/env node' },
});
await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.mjs' });
