// The VMM-event guests (syscalls, irqflags, mmuops) under x86dbt's engines and
// qemu-system-i386, in interleaved rounds, each run a fresh process; prints a
// markdown table of median wall times and, for the VMM engines, the events
// per run and the wall time each event adds over dbt-bare (the translator
// without a VMM).
//
//   npm run build && node bench/vmm-events.mjs [--rounds 3] [--engines interp,dbt-bare,dbt] [--guests syscalls]
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qemuArgs } from '../scripts/qemu-args.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const rounds = Number(arg('rounds', '3'));
const engines = arg('engines', 'interp,dbt-bare,dbt').split(',');
const guests = arg('guests', 'syscalls,irqflags,mmuops').split(',');
const withQemu = !process.argv.includes('--no-qemu');
const scratch = mkdtempSync(join(tmpdir(), 'vmm-events-'));

function benchRun(guest) {
  const run = JSON.parse(readFileSync(`guests/${guest}/guest.json`, 'utf8')).runs.find((r) => r.name === 'bench');
  if (!run) throw new Error(`guests/${guest}/guest.json has no bench run`);
  return run;
}

function measure(guest, engine) {
  const run = benchRun(guest);
  const image = `guests/${guest}/${guest}.elf`;
  const statsFile = join(scratch, `${guest}-${engine}.json`);
  const [cmd, args] =
    engine === 'qemu'
      ? ['qemu-system-i386', qemuArgs(image, run.cmdline)]
      : [process.execPath, ['--no-liftoff', 'dist/x86dbt.mjs', 'run', image, '--engine', engine, '--cmdline', run.cmdline, '--stats-json', statsFile]];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.stdout !== run.serial) throw new Error(`${guest} under ${engine}: serial output differs from the recorded run\n${r.stderr}`);
  let events = null;
  if (engine !== 'qemu') {
    const s = JSON.parse(readFileSync(statsFile, 'utf8'));
    const sum = (title) => Object.values(s[title] ?? {}).reduce((a, v) => a + (typeof v === 'number' ? v : 0), 0);
    events = {
      onCpu: sum('VMM callouts on the virtual CPU'),
      inPlace: sum('VMM callouts served in place'),
      traps: s['VMM traps by cause']?.total ?? 0,
      insns: s.run['instructions retired'],
    };
  }
  return { wall, events };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const all = [...engines, ...(withQemu ? ['qemu'] : [])];
const results = new Map();
for (let round = 0; round < rounds; round++)
  for (const guest of guests)
    for (const engine of all) {
      const m = measure(guest, engine);
      const key = `${guest}/${engine}`;
      if (!results.has(key)) results.set(key, { walls: [], events: m.events });
      results.get(key).walls.push(m.wall);
      process.stderr.write(`round ${round + 1} ${key} ${m.wall.toFixed(2)} s\n`);
    }

const fmt = (n) => n.toLocaleString('en-US');
console.log(`| guest | engine | wall s (median of ${rounds}) | callouts on the virtual CPU | callouts in place | traps | µs per event over dbt-bare |`);
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const guest of guests)
  for (const engine of all) {
    const r = results.get(`${guest}/${engine}`);
    const wall = median(r.walls);
    const e = r.events;
    const bare = results.get(`${guest}/dbt-bare`);
    let perEvent = '';
    if (e && bare && engine !== 'dbt-bare' && engine !== 'interp') {
      const n = e.onCpu + e.inPlace + e.traps;
      if (n > 0) perEvent = (((wall - median(bare.walls)) / n) * 1e6).toFixed(2);
    }
    console.log(`| ${guest} | ${engine} | ${wall.toFixed(2)} | ${e ? fmt(e.onCpu) : ''} | ${e ? fmt(e.inPlace) : ''} | ${e ? fmt(e.traps) : ''} | ${perEvent} |`);
  }
