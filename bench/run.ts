// npm run bench: every compute guest's bench run under each engine and peer,
// in interleaved rounds (each measurement a fresh process), medians per
// engine; prints a table and writes it, with the machine and Node version,
// into bench/RESULTS.md and a chart into bench/guests.svg.
//
//   npm run bench -- [--rounds 3] [--guests fib,sieve] [--engines interp,dbt,te,v86-jit,v86-interp]
//                    [--window 3] [--no-write]
import { nodeFlagsFor, X86DBT_NODE_FLAGS } from './lib/node-flags.js';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENGINES } from '../src/engines/registry.js';
import { barChartSvg } from './lib/chart.js';
import { markdownTable, fmt, type Cell } from './lib/markdown.js';
import { geomean, median } from './lib/stats.js';
import type { RunMeasurement, RunSpec } from './run-one.js';

const COMPUTE_GUESTS = ['sieve', 'crc32', 'matmul', 'qsort', 'memops', 'fib', 'bytecode', 'int64'];
/** Engines that interpret run for a time window instead of to completion (a full bench run would take minutes). */
const WINDOWED = new Set(['interp', 'v86-interp']);
const COLORS: Record<string, string> = { interp: '#9e9e9e', dbt: '#1565c0', te: '#6a1b9a', 'v86-jit': '#ef6c00', 'v86-interp': '#ffcc80' };

interface GuestRun {
  name: string;
  cmdline: string;
  serial: string;
  exitStatus: number;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function benchRun(guest: string): GuestRun {
  const manifest = JSON.parse(readFileSync(`guests/${guest}/guest.json`, 'utf8')) as { runs: GuestRun[] };
  const run = manifest.runs.find((r) => r.name === 'bench');
  if (!run) throw new Error(`guests/${guest}/guest.json has no bench run`);
  return run;
}

function measure(spec: RunSpec): RunMeasurement {
  const out = execFileSync(process.execPath, [...nodeFlagsFor(spec.engine), 'dist/bench-run-one.mjs', JSON.stringify(spec)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '') as RunMeasurement;
}

function statNumber(m: RunMeasurement, section: string, row: string): number {
  const v = m.stats?.[section]?.[row];
  return typeof v === 'number' ? v : NaN;
}

function cpuModel(): string {
  return os.cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
}

function main(): void {
  const rounds = Number(flag('rounds') ?? 3);
  const window = Number(flag('window') ?? 3);
  const guests = (flag('guests') ?? COMPUTE_GUESTS.join(',')).split(',');
  const wanted = (flag('engines') ?? 'interp,dbt,te,v86-jit,v86-interp').split(',');
  const engines = wanted.filter((e) => e.startsWith('v86-') || ENGINES.has(e));
  for (const e of wanted) if (!engines.includes(e)) process.stderr.write(`bench: engine '${e}' is not available, skipped\n`);

  const results = new Map<string, RunMeasurement[]>();
  const key = (g: string, e: string): string => `${g}/${e}`;
  for (let round = 1; round <= rounds; round++) {
    for (const guest of guests) {
      const run = benchRun(guest);
      for (const engine of engines) {
        const spec: RunSpec = { engine, image: `guests/${guest}/${guest}.elf`, cmdline: run.cmdline, window: WINDOWED.has(engine) ? window : undefined };
        const m = measure(spec);
        if (m.completed && (m.serial !== run.serial || m.exitStatus !== run.exitStatus)) {
          throw new Error(`${engine} on ${guest}: output differs from the qemu recording (${JSON.stringify(m.serial)}, exit ${m.exitStatus})`);
        }
        process.stderr.write(`round ${round} ${guest.padEnd(9)} ${engine.padEnd(11)} ${fmt(m.mips).padStart(7)} MIPS  ${fmt(m.seconds, 2)} s${m.completed ? '' : ' (window)'}\n`);
        const list = results.get(key(guest, engine)) ?? [];
        list.push(m);
        results.set(key(guest, engine), list);
      }
    }
  }

  const mips = (g: string, e: string): number => median((results.get(key(g, e)) ?? []).map((m) => m.mips));
  const peak = (g: string): number => Math.max(...engines.map((e) => median((results.get(key(g, e)) ?? []).map((m) => m.maxRssMiB))).filter(Number.isFinite));
  const dbtStat = (g: string, section: string, row: string): number => median((results.get(key(g, 'dbt')) ?? []).map((m) => statNumber(m, section, row)));
  /** Share of the dbt run's wall time spent translating (binaryen codegen, compiling and instantiating modules), %. */
  const translateShare = (g: string): number =>
    median((results.get(key(g, 'dbt')) ?? []).map((m) => (100 * statNumber(m, 'dbt translation', 'translation time')) / (1000 * m.seconds)));

  const header = ['guest', ...engines.map((e) => `${e} MIPS`)];
  if (engines.includes('dbt') && engines.includes('interp')) header.push('dbt/interp');
  if (engines.includes('dbt') && engines.includes('v86-jit')) header.push('dbt/v86-jit');
  if (engines.includes('dbt') && engines.includes('te')) header.push('te/dbt');
  if (engines.includes('dbt')) header.push('translate %', 'hit rate %', 'chained %');
  header.push('peak RSS MiB');
  const rows: Cell[][] = guests.map((g) => {
    const row: Cell[] = [g, ...engines.map((e) => mips(g, e))];
    if (engines.includes('dbt') && engines.includes('interp')) row.push(`${fmt(mips(g, 'dbt') / mips(g, 'interp'))}×`);
    if (engines.includes('dbt') && engines.includes('v86-jit')) row.push(`${fmt(mips(g, 'dbt') / mips(g, 'v86-jit'), 2)}×`);
    if (engines.includes('dbt') && engines.includes('te')) row.push(`${fmt(mips(g, 'te') / mips(g, 'dbt'), 2)}×`);
    if (engines.includes('dbt')) {
      row.push(translateShare(g), dbtStat(g, 'dbt translation cache', 'hit rate'), dbtStat(g, 'dbt translation cache', 'chained share'));
    }
    row.push(fmt(peak(g), 0));
    return row;
  });
  const summary: string[] = [];
  if (engines.includes('dbt') && engines.includes('interp')) summary.push(`dbt/interp geometric mean: ${fmt(geomean(guests.map((g) => mips(g, 'dbt') / mips(g, 'interp'))))}×`);
  if (engines.includes('dbt') && engines.includes('v86-jit')) summary.push(`dbt/v86-jit geometric mean: ${fmt(geomean(guests.map((g) => mips(g, 'dbt') / mips(g, 'v86-jit'))), 2)}×`);
  if (engines.includes('dbt') && engines.includes('te')) summary.push(`te/dbt geometric mean: ${fmt(geomean(guests.map((g) => mips(g, 'te') / mips(g, 'dbt'))), 2)}× (te runs the same translated direct path, deprivileged)`);

  const table = markdownTable(header, rows);
  const when = new Date().toISOString().slice(0, 10);
  const section = [
    `Measured ${when} on ${cpuModel()} (${os.cpus().length} cores), Node ${process.version}; ${rounds} interleaved rounds, medians; each run a fresh process (x86dbt in \`node ${X86DBT_NODE_FLAGS.join(' ')}\`, as its CLI runs; v86 in plain \`node\`, as it ships).`,
    `Interpreting engines (${[...WINDOWED].join(', ')}) are measured over a ${window} s window of the bench run; the others run it to the guest's exit, output checked against the qemu recording.`,
    '',
    table,
    '',
    ...summary.map((s) => `- ${s}`),
    '',
    '![MIPS by guest and engine](guests.svg)',
  ].join('\n');
  process.stdout.write(`\n${table}\n${summary.join('\n')}\n`);

  if (!process.argv.includes('--no-write')) {
    const svg = barChartSvg('Guest MIPS by engine (log scale)', guests, engines.map((e) => ({ name: e, color: COLORS[e] ?? '#555', values: guests.map((g) => mips(g, e)) })), 'MIPS');
    writeFileSync('bench/guests.svg', svg);
    replaceSection('bench/RESULTS.md', 'guests', '## Compute guests by engine', section);
    process.stderr.write('bench: wrote bench/RESULTS.md and bench/guests.svg\n');
  }
}

/** Replaces (or appends) the marked section of a results file, leaving the rest as it is. */
export function replaceSection(file: string, id: string, heading: string, body: string): void {
  const start = `<!-- bench:${id}:start -->`;
  const end = `<!-- bench:${id}:end -->`;
  const block = `${start}\n${heading}\n\n${body}\n${end}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  writeFileSync(file, a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + end.length) : `${text.trimEnd()}\n\n${block}\n`);
}

if (path.basename(process.argv[1] ?? '') === 'run.ts') main();
