// `npm run fuzz:wild -- [count] [firstSeed] [workers]` (issue 10): wild-code
// cases (scripts/fuzz-wild/cases.ts) under interp and dbt in worker
// processes. A case fails when a run ends more than 2 s past its limit (the
// worker is killed if it goes quiet that long past the run's timeout), the
// two engines end differently, a run throws, or the worker's RSS passes the
// documented bound (docs/limits.md). Prints each failure and a summary; exits 1 on any.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CASE_MEM_MB, CASE_TIMEOUT_S, LIMIT_SLACK_S, RSS_OVER_RAM_MIB } from './policy.js';
const RSS_BOUND = (CASE_MEM_MB + RSS_OVER_RAM_MIB) * 2 ** 20;
/** Cases per worker process before a fresh one takes over. */
const CASES_PER_WORKER = 2000;

const count = Number(process.argv[2] ?? 1000);
const firstSeed = Number(process.argv[3] ?? 1);
const parallel = Number(process.argv[4] ?? 2);
// The worker as `npm run build` bundles it: a user's process, without tsx's own memory in the RSS.
const workerPath = fileURLToPath(new URL('../../dist/fuzz-wild-worker.mjs', import.meta.url));

interface Tally {
  cases: number;
  failures: number;
  byKind: Map<string, number>;
  byStop: Map<string, number>;
  instructions: number;
  maxRss: number;
  maxWall: number;
}
const tally: Tally = { cases: 0, failures: 0, byKind: new Map(), byStop: new Map(), instructions: 0, maxRss: 0, maxWall: 0 };

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

function fail(seed: number, what: string): void {
  tally.failures++;
  console.log(`FAIL seed ${seed}: ${what}`);
}

/** Runs seeds [from, to) in worker processes one after another; resolves when done. */
function runRange(from: number, to: number): Promise<void> {
  return new Promise((resolve) => {
    if (from >= to) return resolve();
    const n = Math.min(CASES_PER_WORKER, to - from);
    const child = spawn(process.execPath, ['--no-liftoff', '--expose-gc', workerPath, String(from), String(n)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let current = from;
    let next = from;
    let buffered = '';
    let stderr = '';
    // Two runs per case, each bounded by its timeout plus the slack.
    const quietLimitMs = 2 * (CASE_TIMEOUT_S + LIMIT_SLACK_S) * 1000 + 5000;
    let watchdog = setTimeout(onHang, quietLimitMs + 30_000);
    function onHang(): void {
      fail(current, `worker silent for ${(quietLimitMs / 1000).toFixed(0)} s: a run went past its limit`);
      child.kill('SIGKILL');
    }
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      buffered += d;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        clearTimeout(watchdog);
        watchdog = setTimeout(onHang, quietLimitMs);
        if (msg.start !== undefined) {
          current = msg.start;
          continue;
        }
        next = msg.seed + 1;
        tally.cases++;
        bump(tally.byKind, msg.kind);
        bump(tally.byStop, msg.stop);
        tally.instructions += msg.instructions;
        tally.maxRss = Math.max(tally.maxRss, msg.rss);
        tally.maxWall = Math.max(tally.maxWall, ...msg.wall);
        if (msg.failure !== null) fail(msg.seed, `${msg.kind} ${JSON.stringify(msg.switches)}: ${msg.failure}`);
        else if (msg.rss > RSS_BOUND) fail(msg.seed, `RSS ${(msg.rss / 2 ** 20).toFixed(0)} MiB past the bound of ${(RSS_BOUND / 2 ** 20).toFixed(0)} MiB`);
        if (tally.cases % 500 === 0) progress();
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      if (next < from + n) {
        // The worker died or was killed inside case `current`: note it (unless the watchdog did) and go on after it.
        if (signal !== 'SIGKILL') fail(current, `worker exited (${code ?? signal}) during the case: ${stderr.split('\n').slice(0, 6).join(' | ')}`);
        next = current + 1;
      }
      runRange(next, to).then(resolve);
    });
  });
}

function progress(): void {
  const s = ((performance.now() - t0) / 1000).toFixed(0);
  console.log(`${tally.cases} cases, ${tally.failures} failures, max RSS ${(tally.maxRss / 2 ** 20).toFixed(0)} MiB, ${s} s`);
}

const t0 = performance.now();
const per = Math.ceil(count / parallel);
const ranges: Promise<void>[] = [];
for (let k = 0; k < parallel; k++) {
  const from = firstSeed + k * per;
  ranges.push(runRange(from, Math.min(firstSeed + count, from + per)));
}
await Promise.all(ranges);
progress();
console.log(`by kind: ${[...tally.byKind].map(([k, v]) => `${k} ${v}`).join(', ')}; stops: ${[...tally.byStop].map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`${tally.cases} cases (seeds ${firstSeed}..${firstSeed + count - 1}), ${tally.instructions} instructions under interp, longest run ${tally.maxWall.toFixed(2)} s, max worker RSS ${(tally.maxRss / 2 ** 20).toFixed(0)} MiB (bound ${(RSS_BOUND / 2 ** 20).toFixed(0)}), ${tally.failures} failures`);
process.exit(tally.failures === 0 && tally.cases === count ? 0 : 1);
