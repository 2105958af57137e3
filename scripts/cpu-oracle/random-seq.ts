// Random straight-line sequences (4-12 instructions) run on the real CPU and,
// when an interpreter flat runner is available, through the interpreter too.
//
//   npx tsx scripts/cpu-oracle/random-seq.ts --count N --seed S
//       [--write FILE]        store the sequences as a fixture shard (and in the index)
//       [--interp MODULE]     compare with MODULE's runFlatCase (default: ./interp-runner.ts
//                             when src/interp/flat.ts, the interpreter's flat user context, exists)
//       [--show K]            print the first K failures in detail
//       [--long-mode]         run natively in a 64-bit process (long-mode.ts, harness64.c), for
//                             hosts that cannot execute 32-bit code; the pool leaves out the forms
//                             long mode cannot express (LONG_MODE_EXCLUDED) and 16-bit addressing

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FORMS } from '../../src/arch/table.js';
import {
  CODE_BASE,
  FIXTURE_DIR,
  compareRun,
  fromStored,
  type FixtureIndex,
  type FlatRunner,
  type StoredCase,
} from '../../test/support/cpu-fixture.js';
import { record, shardJson, type Pending } from './cases.js';
import { crossCheck } from './crosscheck.js';
import { longModeExclusion, runLongMode } from './long-mode.js';
import { formKey } from './operands.js';
import { Rng } from './rng.js';
import { buildSequence, sequenceForms, undefAt, type SequencePlan } from './sequences.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : undefined;
}

const count = Number(option('count') ?? '1000');
const seed = Number(option('seed') ?? '1');
const writePath = option('write');
const show = Number(option('show') ?? '5');
const longMode = process.argv.includes('--long-mode');
const CHUNK = 20_000;

const pool = sequenceForms(FORMS).filter((f) => !longMode || !longModeExclusion(f));
/** Long-mode sequences are named apart from the 32-bit ones (both shards load together). */
const prefix = longMode ? 'lseq' : 'seq';
const movImm32 = FORMS.find((f) => f.opcode === 'B8+rd id');
if (!movImm32) throw new Error('instruction table has no "B8+rd id" (MOV r32, imm32) row');

async function loadRunner(): Promise<FlatRunner | null> {
  const here = dirname(new URL(import.meta.url).pathname);
  const explicit = option('interp');
  if (!explicit && (process.argv.includes('--native-only') || !existsSync(join(here, '../../src/interp/flat.ts')))) return null;
  const path = resolve(explicit ?? join(here, 'interp-runner.ts'));
  if (!existsSync(path)) throw new Error(`--interp ${explicit}: no such module`);
  const mod = (await import(pathToFileURL(path).href)) as { runFlatCase?: FlatRunner };
  if (typeof mod.runFlatCase !== 'function') throw new Error(`${path} does not export runFlatCase(c: CpuCase)`);
  return mod.runFlatCase;
}

const runner = await loadRunner();
const stored: StoredCase[] = [];
let passed = 0;
let failed = 0;
let faulted = 0;
const byVector = new Map<number, number>();
let instructions = 0;
const formsSeen = new Set<number>();
const shown: string[] = [];
const started = Date.now();

for (let base = 0; base < count; base += CHUNK) {
  const n = Math.min(CHUNK, count - base);
  const plans: SequencePlan[] = [];
  const pending: Pending[] = [];
  for (let i = 0; i < n; i++) {
    const index = base + i;
    const rng = new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
    const plan = buildSequence(rng, pool, movImm32, 4 + rng.below(9), { noAddr16: longMode });
    const bad = crossCheck(plan.draft.code, plan.draft.checks);
    if (bad) throw new Error(`sequence ${index}: ${bad}`);
    plans.push(plan);
    instructions += plan.steps.length;
    for (const f of plan.draft.forms) formsSeen.add(f.id);
    pending.push({ name: `${prefix} ${seed}.${index}`, forms: plan.draft.forms.map(formKey), draft: plan.draft });
  }
  const { cases, timeouts } = record(pending, longMode ? runLongMode : undefined);
  if (timeouts.length) console.log(`dropped (watchdog): ${timeouts.join(', ')}`);
  const byName = new Map(pending.map((p, i) => [p.name, plans[i]]));
  for (const c of cases) {
    const plan = byName.get(c.n);
    if (!plan) continue;
    // A fault ends the sequence early: only the steps before it count for the mask.
    const undef = undefAt(plan, (c.eip - CODE_BASE) >>> 0);
    if (c.vec >= 0) {
      faulted++;
      byVector.set(c.vec, (byVector.get(c.vec) ?? 0) + 1);
    }
    if (undef) c.uf = undef;
    else delete c.uf;
    if (writePath) stored.push(c);
    if (runner) {
      const fixture = fromStored(c, 'sequences');
      let diffs: string[];
      try {
        diffs = compareRun(fixture, runner(fixture));
      } catch (e) {
        diffs = [`runner threw: ${(e as Error).message}`];
      }
      if (diffs.length === 0) passed++;
      else {
        failed++;
        if (shown.length < show) shown.push(`${c.n} [${c.f.join(' ; ')}] code ${c.code}\n    ${diffs.join('\n    ')}`);
      }
    }
  }
}

const ms = Date.now() - started;
const mode = longMode ? 'long mode (64-bit process)' : '32-bit process';
console.log(
  `${count} sequences, ${instructions} instructions (seed ${seed}, ${mode}; ${pool.length} forms in the pool, ` +
    `${formsSeen.size} occurred): ${faulted} ended in a fault, ${ms} ms`,
);
if (faulted) console.log(`faults by vector: ${[...byVector].sort((a, b) => a[0] - b[0]).map(([v, n]) => `#${v}: ${n}`).join(', ')}`);
if (runner) {
  console.log(`${passed} passed, ${failed} failed`);
  for (const s of shown) console.log(`  ${s}`);
  if (failed) process.exitCode = 1;
} else {
  console.log('no interpreter comparison (src/interp/flat.ts missing or --native-only): native run only');
}

if (writePath) {
  writeFileSync(writePath, shardJson(longMode ? 'sequences-long' : 'sequences', stored));
  const indexPath = join(dirname(resolve(writePath)), 'index.json');
  if (resolve(dirname(writePath)) === resolve(FIXTURE_DIR) && existsSync(indexPath)) {
    const index = JSON.parse(readFileSync(indexPath, 'utf8')) as FixtureIndex;
    const entry = { file: basename(writePath), count: stored.length, seed };
    if (longMode) index.longModeSequences = entry;
    else index.sequences = entry;
    writeFileSync(indexPath, `${JSON.stringify(index, null, 1)}\n`);
  }
  console.log(`wrote ${stored.length} sequences to ${writePath}`);
}
