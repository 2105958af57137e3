// x86dbt run: boots a guest image on a machine and runs it. Serial output
// (COM1) goes to stdout; the exit status is the guest's isa-debug-exit status
// as QEMU reports it; a run stopped by a limit, a triple fault or an
// unsupported instruction prints one line on stderr and exits non-zero.
import { readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { formatHelp, parseArgs, type FlagSpecs } from './args.js';
import type { Command } from './command.js';
import { UserError } from './errors.js';
import { DEFAULT_MEM_MB, Machine, MachineConfigError, type RunResult, type StopKind } from '../machine.js';
import { DEFAULT_ENGINE, ENGINES } from '../engines/registry.js';
import { formatStatsTable, statsToJson } from '../stats/report.js';
import { EVICTION_POLICIES, type EvictionPolicy, MAX_TC_BLOCKS } from '../tcache/tcache.js';

const USAGE =
  'x86dbt run <image> [--engine NAME] [--mem MB] [--cmdline S] [--load-address A] [--max-insns N] [--timeout S] [--stats] [--stats-json FILE] [--trace] [--stdin] [--no-chain] [--no-page-modules] [--tc-size N] [--tc-policy flush|fifo] [--hot N]';
const FLAGS: FlagSpecs = {
  engine: { kind: 'string', help: `execution engine (${[...ENGINES.keys()].join(', ')})`, default: DEFAULT_ENGINE },
  mem: { kind: 'integer', help: 'guest RAM in MiB', default: String(DEFAULT_MEM_MB) },
  cmdline: { kind: 'string', help: 'kernel command line (multiboot)' },
  'load-address': { kind: 'integer', help: 'load and start a flat binary at this physical address' },
  'max-insns': { kind: 'integer', help: 'stop after this many instructions' },
  timeout: { kind: 'number', help: 'stop after this many seconds of wall-clock time' },
  stats: { kind: 'boolean', help: 'print run statistics to stderr' },
  'stats-json': { kind: 'string', help: 'write run statistics as JSON to this file' },
  trace: { kind: 'boolean', help: 'print every instruction to stderr before it runs (slow)' },
  stdin: { kind: 'boolean', help: "read standard input to its end first and feed it to COM1's receiver" },
  'no-chain': { kind: 'boolean', help: 'dbt: never chain blocks (every block returns to the dispatcher)' },
  'no-page-modules': { kind: 'boolean', help: "dbt: never gather a page's blocks into one module (indirect branches then go through the jump cache)" },
  'tc-size': { kind: 'integer', help: 'dbt: translation cache capacity in blocks' },
  'tc-policy': { kind: 'string', help: 'dbt: eviction policy when the cache is full (flush, fifo)' },
  hot: { kind: 'integer', help: 'dbt: interpret a block this many times before translating it (0: translate at once)' },
};

/** The flags that tune the translator: only the engines built on it take them. */
const DBT_FLAGS = ['no-chain', 'no-page-modules', 'tc-size', 'tc-policy', 'hot'] as const;
const TRANSLATING_ENGINES = ['dbt', 'dbt-bare', 'te'];
/** Largest --hot: a block run this often is hot by any measure (and the count stays a small integer). */
const MAX_HOT = 1 << 30;

/** The dbt switches as engine tuning (EngineContext.tuning). */
function dbtTuning(flags: Record<string, string | number | boolean | undefined>): Record<string, string | number | boolean> {
  const t: Record<string, string | number | boolean> = {};
  const engine = flags.engine as string;
  const given = DBT_FLAGS.filter((name) => flags[name] !== undefined);
  if (given.length > 0 && ENGINES.has(engine) && !TRANSLATING_ENGINES.includes(engine)) {
    throw new UserError(`run: --${given[0]} tunes the translator; engine '${engine}' has none (it applies to ${TRANSLATING_ENGINES.join(', ')})`);
  }
  const ranges = { 'tc-size': [1, MAX_TC_BLOCKS], hot: [0, MAX_HOT] } as const;
  for (const name of ['tc-size', 'hot'] as const) {
    const v = flags[name];
    const [min, max] = ranges[name];
    if (v !== undefined && (typeof v !== 'number' || v < min || v > max)) {
      throw new UserError(`run: --${name} must be ${min}..${max}, got ${String(v)}`);
    }
  }
  const policy = flags['tc-policy'];
  if (policy !== undefined && !EVICTION_POLICIES.includes(policy as EvictionPolicy)) {
    throw new UserError(`run: --tc-policy must be one of ${EVICTION_POLICIES.join(', ')}, got '${String(policy)}'`);
  }
  if (flags['no-chain']) t.chain = false;
  if (flags['no-page-modules']) t.pageModules = false;
  if (flags['tc-size'] !== undefined) t.tcSize = flags['tc-size'];
  if (flags['tc-policy'] !== undefined) t.tcPolicy = flags['tc-policy'];
  if (flags.hot !== undefined) t.hot = flags.hot;
  return t;
}

/** Process exit status for runs that did not end through isa-debug-exit. */
const STOP_STATUS: Record<Exclude<StopKind, 'exit'>, number> = {
  halted: 0,
  'insn-limit': 124,
  timeout: 124,
  'triple-fault': 125,
  unsupported: 126,
};

function readImage(path: string): Uint8Array {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new UserError(`run: cannot read '${path}': no such file`);
  }
  if (!isFile) throw new UserError(`run: '${path}' is not a regular file`);
  return new Uint8Array(readFileSync(path));
}

/** All of standard input (the guest's serial input with --stdin). */
function readStdin(): Uint8Array {
  try {
    return new Uint8Array(readFileSync(0));
  } catch (e) {
    throw new UserError(`run: cannot read standard input: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Serial bytes go out a line at a time (synchronously, so output and stderr lines keep their order). */
class LineWriter {
  private buf: number[] = [];
  constructor(private readonly fd: number) {}
  byte(b: number): void {
    this.buf.push(b);
    if (b === 10 || this.buf.length >= 4096) this.flush();
  }
  flush(): void {
    if (this.buf.length === 0) return;
    const bytes = Uint8Array.from(this.buf);
    this.buf = [];
    let off = 0;
    while (off < bytes.length) {
      try {
        off += writeSync(this.fd, bytes, off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      }
    }
  }
}

function positive(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = value as number;
  if (!(n > 0)) throw new UserError(`run: --${flag} must be positive, got ${n}`);
  return n;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'boot a guest image (multiboot ELF / a.out kludge, or flat binary) and run it',
  async run(argv: string[]): Promise<number> {
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(formatHelp(USAGE, FLAGS) + '\n');
      return 0;
    }
    const { flags, positional } = parseArgs('run', argv, FLAGS);
    if (positional.length !== 1) throw new UserError(`run: expected one image file, got ${positional.length} (usage: ${USAGE})`);
    const maxInsns = positive(flags['max-insns'], 'max-insns');
    const timeoutSeconds = positive(flags.timeout, 'timeout');
    const loadAddress = flags['load-address'] as number | undefined;
    const path = positional[0];
    const image = readImage(path);

    const serial = new LineWriter(1);
    let machine: Machine;
    try {
      machine = new Machine({ memMB: flags.mem as number, engine: flags.engine as string, engineTuning: dbtTuning(flags), onSerialOutput: (b) => serial.byte(b) });
    } catch (e) {
      if (e instanceof MachineConfigError) throw new UserError(`run: ${e.message}`);
      throw e;
    }
    machine.load(image, { cmdline: (flags.cmdline as string | undefined) ?? '', imageName: basename(path), loadAddress });
    if (flags.stdin) machine.devices.com1.receive(readStdin());
    const trace = flags.trace ? (line: string) => process.stderr.write(line + '\n') : undefined;
    let result: RunResult;
    try {
      result = machine.run({ maxInsns, timeoutSeconds, trace });
    } finally {
      serial.flush();
    }
    if (flags.stats) process.stderr.write(formatStatsTable(machine.stats()) + '\n');
    const jsonPath = flags['stats-json'] as string | undefined;
    if (jsonPath !== undefined) {
      try {
        writeFileSync(jsonPath, JSON.stringify(statsToJson(machine.stats()), null, 2) + '\n');
      } catch (e) {
        throw new UserError(`run: cannot write --stats-json file '${jsonPath}': ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (result.kind === 'exit') return (result.exitStatus ?? 1) & 0xff;
    process.stderr.write(`x86dbt: ${result.reason}\n`);
    return STOP_STATUS[result.kind];
  },
};
