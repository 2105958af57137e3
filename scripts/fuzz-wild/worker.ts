// One fuzz:wild worker: runs cases [first, first + count) under interp and
// under dbt with the case's switches, printing one JSON line per case (the
// parent watches the time between lines and the RSS they report).
import { wildCase } from './cases.js';
import { judge, runCase } from './run-case.js';

const first = Number(process.argv[2]);
const count = Number(process.argv[3]);
const gc = (globalThis as { gc?: () => void }).gc;
for (let seed = first; seed < first + count; seed++) {
  const c = wildCase(seed);
  process.stdout.write(JSON.stringify({ start: seed }) + '\n');
  const ref = runCase(c, 'interp');
  const dut = runCase(c, 'dbt', c.dbt);
  // Each machine leaves a wasm memory and modules behind: V8 frees their space only after a full GC.
  if (seed % 8 === 0) gc?.();
  const line = {
    seed,
    kind: c.kind,
    switches: c.dbt,
    failure: judge(ref, dut),
    stop: ref.kind,
    instructions: ref.instructions,
    wall: [ref.wallSeconds, dut.wallSeconds],
    rss: process.memoryUsage().rss,
  };
  process.stdout.write(JSON.stringify(line) + '\n');
}
