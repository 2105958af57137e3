// Runs the recorded guests and prints, for each run, pass/fail against the
// QEMU recording, instructions retired and the engine's speed.
//   npx tsx test/guests/report.ts [--bench] [--engine NAME] [guest…]
import { guestRuns, runGuest } from './guest-runs.js';

const args = process.argv.slice(2);
const bench = args.includes('--bench');
const engineAt = args.indexOf('--engine');
const engine = engineAt >= 0 ? args[engineAt + 1] : 'interp';
const only = args.filter((a, k) => !a.startsWith('--') && args[k - 1] !== '--engine');

let failures = 0;
for (const run of guestRuns(bench)) {
  if (bench && run.name !== 'bench') continue;
  if (only.length > 0 && !only.includes(run.guest)) continue;
  const out = runGuest(run, engine, 1e10);
  const ok = out.serial === run.serial && out.exitStatus === run.exitStatus;
  if (!ok) failures++;
  const mips = out.result.instructions / out.result.wallSeconds / 1e6;
  const cols = [
    ok ? 'PASS' : 'FAIL',
    `${run.guest}/${run.name}`.padEnd(22),
    `${out.result.instructions.toLocaleString('en-US')} insns`.padStart(22),
    `${out.result.wallSeconds.toFixed(2)} s`.padStart(9),
    `${mips.toFixed(1)} MIPS`.padStart(11),
  ];
  console.log(cols.join('  ') + (ok ? '' : `  (${out.result.reason})`));
}
process.exitCode = failures === 0 ? 0 : 1;
