// Generates the single-form CPU fixtures: for every runnable form of the
// instruction table, seeded edge-value cases are built, cross-checked against
// our decoder, run on the real CPU and written to test/fixtures/cpu/<family>.json
// with an index. Same seed, same bytes.
//
//   npx tsx scripts/cpu-oracle/generate.ts [--seed N] [--out DIR] [--scale F]

import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { FORMS } from '../../src/arch/table.js';
import { FIXTURE_DIR, type FixtureIndex, type StoredCase } from '../../test/support/cpu-fixture.js';
import { CASES_PER_FORM, builderFor, record, shardJson, type Pending } from './cases.js';
import { familyOf, skipReason, SKIP_REASONS } from './classify.js';
import { crossCheck } from './crosscheck.js';
import { Draft } from './draft.js';
import { formKey } from './operands.js';
import { Rng, hashString } from './rng.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const seed = Number(option('seed', '1'));
const outDir = option('out', FIXTURE_DIR);
const scale = Number(option('scale', '1'));

const pending: Pending[] = [];
const skipped: Record<string, string[]> = {};
const perForm = new Map<string, number>();
const familyOfCase = new Map<string, string>();
const errors: string[] = [];
let covered = 0;

for (const form of FORMS) {
  const key = formKey(form);
  const reason = skipReason(form);
  if (reason) {
    (skipped[reason] ??= []).push(key);
    continue;
  }
  const family = familyOf(form);
  const builder = builderFor(form, family);
  const n = Math.max(1, Math.round((CASES_PER_FORM[family] ?? 48) * scale));
  covered++;
  for (let k = 0; k < n; k++) {
    const name = `${key}#${form.id}.${k}`;
    const d = new Draft(new Rng((hashString(`${key}#${form.id}`) ^ Math.imul(seed, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca6b)) >>> 0));
    try {
      builder(d, form, k);
    } catch (e) {
      errors.push(`${name}: builder failed: ${(e as Error).message}`);
      break;
    }
    const bad = crossCheck(d.code, d.checks);
    if (bad) {
      errors.push(`${name}: ${bad}`);
      break;
    }
    pending.push({ name, forms: d.forms.map(formKey), draft: d });
    familyOfCase.set(name, family);
  }
}

if (errors.length) {
  console.error(`encoder/decoder cross-check or builder failures (${errors.length}):`);
  for (const e of errors) console.error(`  ${e}`);
}

const started = Date.now();
const { cases, timeouts } = record(pending);
const ms = Date.now() - started;

const byFamily = new Map<string, StoredCase[]>();
const vectors = new Map<number, number>();
for (const c of cases) {
  const family = familyOfCase.get(c.n) ?? 'move';
  const list = byFamily.get(family) ?? [];
  list.push(c);
  byFamily.set(family, list);
  vectors.set(c.vec, (vectors.get(c.vec) ?? 0) + 1);
  for (const f of c.f) perForm.set(f, (perForm.get(f) ?? 0) + 1);
}

mkdirSync(outDir, { recursive: true });
const families = [...byFamily.keys()].sort();
const index: FixtureIndex = {
  generator: 'scripts/cpu-oracle/generate.ts',
  seed,
  shards: families.map((f) => ({ file: `${f}.json`, family: f, cases: byFamily.get(f)?.length ?? 0 })),
  forms: { covered, skipped },
};
const indexPath = join(outDir, 'index.json');
if (existsSync(indexPath)) {
  // Keep the random-sequence entries written by random-seq.ts.
  const old = JSON.parse(readFileSync(indexPath, 'utf8')) as FixtureIndex;
  if (old.sequences) index.sequences = old.sequences;
  if (old.longModeSequences) index.longModeSequences = old.longModeSequences;
}
for (const f of families) writeFileSync(join(outDir, `${f}.json`), shardJson(f, byFamily.get(f) ?? []));
writeFileSync(indexPath, `${JSON.stringify(index, null, 1)}\n`);

console.log(`forms: ${covered} covered, ${FORMS.length - covered} skipped`);
for (const [reason, list] of Object.entries(skipped)) {
  console.log(`  skipped ${reason.padEnd(18)} ${String(list.length).padStart(4)}  (${SKIP_REASONS[reason as keyof typeof SKIP_REASONS]})`);
}
console.log(`cases: ${cases.length} recorded in ${ms} ms natively, ${timeouts.length} timeouts dropped`);
for (const f of families) console.log(`  ${f.padEnd(12)} ${String(byFamily.get(f)?.length ?? 0).padStart(6)}`);
console.log(`outcomes: ${[...vectors].sort((a, b) => a[0] - b[0]).map(([v, n]) => `${v < 0 ? 'ok' : `vec${v}`}=${n}`).join(' ')}`);
if (process.argv.includes('--per-form')) {
  for (const [f, n] of [...perForm].sort()) console.log(`  ${String(n).padStart(5)}  ${f}`);
}
for (const t of timeouts) console.error(`timeout: ${t}`);
if (errors.length) process.exitCode = 1;
