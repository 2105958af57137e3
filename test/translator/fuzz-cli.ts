// Engine-against-engine fuzzing: `npm run fuzz:dbt -- [count] [firstSeed]`
// runs random programs under interp and dbt (alternating translate-at-once,
// hot-after-2, no chaining and a tiny FIFO cache) and compares them at every
// block boundary. Prints each divergence and a summary; exits 1 on any.
import { DiffPair } from './harness.js';
import { randomProgram } from './random-programs.js';

const count = Number(process.argv[2] ?? 10_000);
const first = Number(process.argv[3] ?? 1);
// Thousands of tiny modules that each run once: V8's baseline tier compiles
// them fastest (wasm semantics do not depend on the tier).
const pairs = [
  new DiffPair({ hot: 0, optimizingTier: false }),
  new DiffPair({ hot: 2, optimizingTier: false }),
  new DiffPair({ hot: 0, chain: false, optimizingTier: false }),
  new DiffPair({ hot: 0, tcSize: 4, policy: 'fifo', optimizingTier: false }),
];
let divergences = 0;
let retired = 0;
const t0 = performance.now();
for (let k = 0; k < count; k++) {
  const seed = first + k;
  const pair = pairs[k % pairs.length];
  const p = randomProgram(seed);
  pair.load(p.code, (c) => {
    c.setRegs(p.regs);
    c.setEflags(p.eflags);
  });
  // Odd programs block by block; even ones in slices, so translated blocks chain.
  const d = k % 2 === 0 ? pair.compareByBlock(2000) : pair.compareBySlices(37, 20_000);
  retired += pair.ref.state.insnsRetired;
  if (d !== null) {
    divergences++;
    console.log(`seed ${seed} (variant ${k % pairs.length}): ${d}`);
  }
  if ((k + 1) % 1000 === 0) console.log(`${k + 1} programs, ${divergences} divergences, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
  // Thousands of short-lived wasm modules: V8 frees their code space only after a full GC.
  if ((k + 1) % 200 === 0) (globalThis as { gc?: () => void }).gc?.();
}
const s = ((performance.now() - t0) / 1000).toFixed(1);
console.log(`${count} programs (seeds ${first}..${first + count - 1}), ${retired} instructions, ${divergences} divergences, ${s} s`);
process.exit(divergences === 0 ? 0 : 1);
