// npm run bench:dbt: the dbt engine's own experiments on every compute guest —
// chaining on vs off, translate-at-once vs the hotness threshold, flush-all
// vs FIFO in a small cache — each run a fresh process (bench/run-one.ts),
// interleaved rounds, medians. Prints a table with MIPS, the share of time
// spent translating, cache hit rate and chained share, and writes it to
// bench/DBT-RESULTS.md.
//
//   npm run bench:dbt -- [--rounds 3] [--window 4] [--guests fib,sieve] [--variants default,no-chain] [--no-write]
import { X86DBT_NODE_FLAGS } from './lib/node-flags.js';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { markdownTable, fmt, type Cell } from './lib/markdown.js';
import { median } from './lib/stats.js';
import type { RunMeasurement, RunSpec } from './run-one.js';

const COMPUTE_GUESTS = ['sieve', 'crc32', 'matmul', 'qsort', 'memops', 'fib', 'bytecode', 'int64'];

const ALL_VARIANTS: { name: string; tuning: Record<string, string | number | boolean> }[] = [
  { name: 'default', tuning: {} },
  { name: 'no-chain', tuning: { chain: false } },
  { name: 'no page modules', tuning: { pageModules: false } },
  { name: 'hot 0', tuning: { hot: 0 } },
  { name: 'fifo, 64 blocks', tuning: { tcPolicy: 'fifo', tcSize: 64 } },
  { name: 'flush, 64 blocks', tuning: { tcPolicy: 'flush', tcSize: 64 } },
];

function flag(name: string): string | undefined {
  const k = process.argv.indexOf(`--${name}`);
  return k < 0 ? undefined : process.argv[k + 1];
}

const rounds = Number(flag('rounds') ?? 3);
const window = Number(flag('window') ?? 4);
const guests = (flag('guests') ?? COMPUTE_GUESTS.join(',')).split(',');
const wanted = flag('variants')?.split(',');
const VARIANTS = wanted === undefined ? ALL_VARIANTS : ALL_VARIANTS.filter((v) => wanted.includes(v.name));

function benchCmdline(guest: string): string {
  const json = JSON.parse(readFileSync(`guests/${guest}/guest.json`, 'utf8')) as { runs: { name: string; cmdline: string }[] };
  const run = json.runs.find((r) => r.name === 'bench');
  if (run === undefined) throw new Error(`${guest}: no bench run in guest.json`);
  return run.cmdline;
}

function measure(spec: RunSpec): RunMeasurement {
  const out = execFileSync(process.execPath, [...X86DBT_NODE_FLAGS, 'dist/bench-run-one.mjs', JSON.stringify(spec)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split('\n').pop()!) as RunMeasurement;
}

const results = new Map<string, RunMeasurement[]>();
for (let round = 1; round <= rounds; round++) {
  for (const guest of guests) {
    for (const v of VARIANTS) {
      const spec: RunSpec = {
        engine: 'dbt',
        image: `guests/${guest}/${guest}.elf`,
        cmdline: benchCmdline(guest),
        window,
        options: { engineTuning: v.tuning },
      };
      const m = measure(spec);
      const key = `${guest}|${v.name}`;
      results.set(key, [...(results.get(key) ?? []), m]);
      process.stderr.write(`round ${round} ${guest.padEnd(9)} ${v.name.padEnd(17)} ${fmt(m.mips).padStart(7)} MIPS\n`);
    }
  }
}

function stat(m: RunMeasurement, section: string, row: string): number {
  return Number(m.stats?.[section]?.[row] ?? 0);
}

const rows: Cell[][] = [];
for (const guest of guests) {
  for (const v of VARIANTS) {
    const ms = results.get(`${guest}|${v.name}`)!;
    const mips = median(ms.map((m) => m.mips));
    const mid = ms.find((m) => m.mips === mips) ?? ms[0];
    const translateMs = stat(mid, 'dbt translation', 'translation time');
    rows.push([
      guest,
      v.name,
      fmt(mips),
      `${fmt((100 * translateMs) / 1000 / mid.seconds)} %`,
      `${fmt(stat(mid, 'dbt translation cache', 'hit rate'))} %`,
      `${fmt(stat(mid, 'dbt translation cache', 'chained share'))} %`,
      String(stat(mid, 'dbt translation cache', 'modules compiled')),
      String(stat(mid, 'dbt translation cache', 'evictions') + stat(mid, 'dbt translation cache', 'flushes')),
    ]);
  }
}
const table = markdownTable(['guest', 'variant', 'MIPS', 'translating', 'hit rate', 'chained', 'modules', 'evictions+flushes'], rows);
const header = `# dbt variants\n\n${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}; ${rounds} round(s), medians, ${window} s window per run, each in \`node ${X86DBT_NODE_FLAGS.join(' ')}\`.\n\n`;
process.stdout.write(table + '\n');
if (!process.argv.includes('--no-write')) writeFileSync('bench/DBT-RESULTS.md', header + table + '\n');
