// Checks the long-mode oracle against the committed fixtures, which were
// recorded natively in 32-bit mode: every committed case that long mode can
// express (long-mode.ts) is re-encoded, run through harness64 and compared
// with its 32-bit recording exactly as an emulator run would be (compareRun).
// 0 mismatches means long mode reproduces 32-bit execution on those forms.
//
//   npx tsx scripts/cpu-oracle/long-mode-check.ts [--show K]

import {
  compareRun,
  expectedDataArea,
  loadCpuFixtures,
  loadRandomSequences,
  readIndex,
  type CpuCase,
} from '../../test/support/cpu-fixture.js';
import { runLongMode, toLongMode } from './long-mode.js';

const showIndex = process.argv.indexOf('--show');
const show = showIndex >= 0 ? Number(process.argv[showIndex + 1]) : 10;

const index = readIndex();
const groups: [string, CpuCase[]][] = index.shards.map((s) => [s.family, loadCpuFixtures([s.family])]);
groups.push(['sequences (32-bit)', loadRandomSequences().filter((c) => !c.name.startsWith('lseq'))]);

let totalRun = 0;
let totalFailed = 0;
const shown: string[] = [];
const started = Date.now();
for (const [name, cases] of groups) {
  const runnable: CpuCase[] = [];
  const skipped = new Map<string, number>();
  for (const c of cases) {
    const lm = toLongMode(c.code);
    // A case that faults inside an instruction long mode cannot express is skipped too.
    if (typeof lm === 'string') {
      const why = lm.replace(/ at \d+.*$/, '').replace(/^[A-Z0-9]+: /, '');
      skipped.set(why, (skipped.get(why) ?? 0) + 1);
      continue;
    }
    runnable.push(c);
  }
  const results = runLongMode(
    runnable.map((c) => ({ code: c.code, memSeed: c.memSeed, memIn: c.memIn, regs: c.input.regs, eflags: c.input.eflags })),
  );
  let failed = 0;
  runnable.forEach((c, i) => {
    const r = results[i];
    const data = expectedDataArea({ ...c, memOut: r.memOut });
    const diffs = compareRun(c, { ...r, data, faultAddress: r.faultAddress });
    if (diffs.length === 0) return;
    failed++;
    if (shown.length < show) shown.push(`${c.name} [${c.forms.join(' ; ')}] code ${Buffer.from(c.code).toString('hex')}\n    ${diffs.join('\n    ')}`);
  });
  totalRun += runnable.length;
  totalFailed += failed;
  const skips = [...skipped].map(([why, n]) => `${n} ${why}`).join('; ');
  console.log(`${name}: ${runnable.length}/${cases.length} run in long mode, ${failed} differ${skips ? ` (skipped: ${skips})` : ''}`);
}
console.log(`total: ${totalRun} cases, ${totalFailed} differ from the 32-bit recording, ${Date.now() - started} ms`);
for (const s of shown) console.log(`  ${s}`);
if (totalFailed) process.exitCode = 1;
