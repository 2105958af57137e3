// x86dbt sensitive: the sensitive-instruction matrix. Runs the `sensitive`
// probe guest under each engine and prints what its kernel and user code saw
// for each of the 17 sensitive instructions and the privileged ones, side by
// side with bare metal (QEMU's recorded run of the same image), marking
// every cell where an engine differs. Under `te` those cells are the popf
// problem and its relatives; the silent-misbehaviour counts that explain
// them follow the table.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatHelp, parseArgs, type FlagSpecs } from './args.js';
import type { Command } from './command.js';
import { UserError } from './errors.js';
import { MachineConfigError } from '../machine.js';
import { ENGINES } from '../engines/registry.js';
import { formatMatrix, parseProbe, type MatrixColumn } from '../probe/sensitive-matrix.js';
import { runProbe, type ProbeRun } from '../probe/run-probe.js';

const USAGE = 'x86dbt sensitive [--engines LIST] [--image FILE] [--json]';
const FLAGS: FlagSpecs = {
  engines: { kind: 'string', help: `comma-separated engines to compare with bare metal (${[...ENGINES.keys()].join(', ')})`, default: 'interp,dbt,te' },
  image: { kind: 'string', help: 'the probe guest (default: guests/sensitive/sensitive.elf of this checkout)' },
  json: { kind: 'boolean', help: 'print the matrix as JSON instead of tables' },
};

const PROBE = join('guests', 'sensitive', 'sensitive.elf');

/** The probe image of this checkout: beside src/ when run from source, beside dist/ when bundled. */
function defaultProbe(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['..', join('..', '..')]) {
    const p = join(here, up, PROBE);
    if (existsSync(p)) return p;
  }
  throw new UserError(`sensitive: cannot find ${PROBE} (give the probe with --image)`);
}

/** Bare metal's answer: QEMU's run recorded beside the image (guest.json), when there is one. */
function recordedBareMetal(image: string): string | undefined {
  const record = join(dirname(image), 'guest.json');
  if (!existsSync(record)) return undefined;
  try {
    const runs = (JSON.parse(readFileSync(record, 'utf8')) as { runs?: { serial?: string }[] }).runs;
    return runs?.[0]?.serial;
  } catch {
    throw new UserError(`sensitive: '${record}' is not a valid guest record`);
  }
}

export const sensitiveCommand: Command = {
  name: 'sensitive',
  summary: 'the sensitive-instruction matrix: what the probe guest saw under each engine, against bare metal',
  async run(argv: string[]): Promise<number> {
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(formatHelp(USAGE, FLAGS) + '\n');
      return 0;
    }
    const { flags, positional } = parseArgs('sensitive', argv, FLAGS);
    if (positional.length > 0) throw new UserError(`sensitive: unexpected argument '${positional[0]}' (usage: ${USAGE})`);
    const engines = (flags.engines as string).split(',').map((e) => e.trim()).filter((e) => e !== '');
    if (engines.length === 0) throw new UserError('sensitive: --engines names no engine');
    for (const e of engines) if (!ENGINES.has(e)) throw new UserError(`sensitive: unknown engine '${e}' (engines: ${[...ENGINES.keys()].join(', ')})`);
    const path = (flags.image as string | undefined) ?? defaultProbe();
    if (!existsSync(path) || !statSync(path).isFile()) throw new UserError(`sensitive: cannot read '${path}': no such file`);
    const image = new Uint8Array(readFileSync(path));

    const columns: MatrixColumn[] = [];
    const bare = recordedBareMetal(path);
    if (bare !== undefined) columns.push({ engine: 'bare metal', result: parseProbe(bare) });
    const runs = new Map<string, ProbeRun>();
    for (const engine of engines) {
      let run: ProbeRun;
      try {
        run = runProbe(image, basename(path), engine);
      } catch (e) {
        if (e instanceof MachineConfigError) throw new UserError(`sensitive: ${e.message}`);
        throw e;
      }
      runs.set(engine, run);
      columns.push({ engine, result: parseProbe(run.serial) });
    }
    if (columns[0].result.observations.size === 0) {
      throw new UserError(`sensitive: '${path}' printed no observations under ${columns[0].engine}; is it the sensitive probe?`);
    }
    if (flags.json) {
      const json = columns.map((c) => ({
        engine: c.engine,
        failures: c.result.failures,
        stop: runs.get(c.engine)?.stop ?? 'recorded',
        observations: Object.fromEntries(c.result.observations),
        silentMisbehaviours: runs.get(c.engine)?.silent ?? [],
      }));
      process.stdout.write(JSON.stringify(json, null, 2) + '\n');
      return 0;
    }
    const out = [formatMatrix(columns)];
    for (const [engine, run] of runs) {
      if (run.stop !== 'exit') out.push(`${engine}: the probe did not finish: ${run.stop}`);
      if (run.silent.length > 0) out.push(`${engine}: silent misbehaviours: ${run.silent.map((s) => `${s.instruction} ${s.count}`).join(', ')}`);
    }
    process.stdout.write(out.join('\n') + '\n');
    return 0;
  },
};
