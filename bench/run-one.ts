// One measured run in a fresh process (so engines do not share JIT warm-up or
// heap, and peak memory is this run's own): prints one JSON line.
//   tsx bench/run-one.ts '{"engine":"interp","image":"guests/fib/fib.elf","cmdline":"n=30","window":3}'
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Machine } from '../src/machine.js';
import { statsToJson } from '../src/stats/report.js';
import { runOnV86 } from './peers/v86.js';

export interface RunSpec {
  /** An x86dbt engine name, or v86-jit / v86-interp. */
  engine: string;
  image: string;
  cmdline: string;
  /** Stop measuring after this many seconds (slow engines); omitted = run to the guest's exit. */
  window?: number;
  /** Extra machine options for x86dbt engines (e.g. engine switches). */
  options?: Record<string, unknown>;
}

export interface RunMeasurement {
  spec: RunSpec;
  instructions: number;
  seconds: number;
  mips: number;
  completed: boolean;
  exitStatus: number;
  serial: string;
  maxRssMiB: number;
  stats?: Record<string, Record<string, string | number>>;
}

async function measure(spec: RunSpec): Promise<RunMeasurement> {
  if (spec.engine.startsWith('v86-')) {
    const r = await runOnV86({ image: spec.image, cmdline: spec.cmdline, jit: spec.engine === 'v86-jit', windowSeconds: spec.window });
    return finish(spec, r.instructions, r.seconds, r.completed, r.exitStatus, r.serial);
  }
  let serial = '';
  const machine = new Machine({ ...(spec.options ?? {}), engine: spec.engine, onSerialOutput: (b) => (serial += String.fromCharCode(b)) });
  machine.load(new Uint8Array(readFileSync(spec.image)), { cmdline: spec.cmdline, imageName: path.basename(spec.image) });
  const r = machine.run({ timeoutSeconds: spec.window ?? 600 });
  const completed = r.kind === 'exit';
  if (!completed && !(spec.window !== undefined && r.kind === 'timeout')) throw new Error(`${spec.engine} ${spec.image}: ${r.reason}`);
  const m = finish(spec, r.instructions, r.wallSeconds, completed, r.exitStatus ?? -1, serial);
  m.stats = statsToJson(machine.stats());
  return m;
}

function finish(spec: RunSpec, instructions: number, seconds: number, completed: boolean, exitStatus: number, serial: string): RunMeasurement {
  return {
    spec,
    instructions,
    seconds,
    mips: instructions / seconds / 1e6,
    completed,
    exitStatus,
    serial,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

const arg = process.argv[2];
if (!arg) {
  process.stderr.write('usage: tsx bench/run-one.ts <json run spec>\n');
  process.exit(2);
}
measure(JSON.parse(arg) as RunSpec).then(
  (m) => {
    process.stdout.write(JSON.stringify(m) + '\n');
    process.exit(0);
  },
  (e: unknown) => {
    process.stderr.write(`run-one: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
