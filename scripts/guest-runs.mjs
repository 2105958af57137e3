// Runs guest images under qemu-system-i386 and records, or verifies, the
// serial output and exit status that each guests/<name>/guest.json run
// expects. Used by record-guests.sh and check-guests.sh; see docs/guests.md.
//
//   node scripts/guest-runs.mjs record [--measure] [name...]
//   node scripts/guest-runs.mjs verify [name...]
//
// --measure also runs each run again under `-icount shift=0` with "tsc"
// added to its command line; the guest library then reports the time stamp
// counter ticks spent in kmain, which under icount are instructions, and
// they are stored as the run's qemuInstructions.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { qemuArgs } from './qemu-args.mjs';

const guestsDir = resolve(new URL('..', import.meta.url).pathname, 'guests');
const qemu = process.env.QEMU ?? 'qemu-system-i386';
const defaultTimeoutSeconds = Number(process.env.GUEST_TIMEOUT ?? 180);


function runQemu(guest, run, options = {}) {
  const dir = join(guestsDir, guest);
  const image = run.image ?? `${guest}.elf`;
  const cmdline = options.icount ? `${run.cmdline} tsc`.trim() : run.cmdline;
  const timeoutSeconds = run.timeoutSeconds ?? defaultTimeoutSeconds;
  const started = process.hrtime.bigint();
  // qemu runs in the guest's directory so the command line's first word
  // (the image name, as multiboot loaders pass it) has no path in it.
  const result = spawnSync(qemu, qemuArgs(image, cmdline, options), {
    cwd: dir, timeout: timeoutSeconds * 1000, maxBuffer: 64 << 20,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.error && result.error.code !== 'ETIMEDOUT') throw result.error;
  if (result.signal || result.status === null) {
    return { failure: `no exit within ${timeoutSeconds} s (qemu killed by ${result.signal})`, seconds };
  }
  const serial = result.stdout.toString('latin1');
  if (!/^[\x09\x0a\x0d\x20-\x7e]*$/.test(serial)) {
    return { failure: 'serial output has bytes outside printable ASCII', seconds };
  }
  const stderr = result.stderr.toString().trim();
  return { serial, exitStatus: result.status, stderr, seconds };
}

function guestNames(requested) {
  const all = readdirSync(guestsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(guestsDir, entry.name, 'guest.json')))
    .map((entry) => entry.name)
    .sort();
  for (const name of requested) {
    if (!all.includes(name)) throw new Error(`no guest '${name}' (no guests/${name}/guest.json)`);
  }
  return requested.length > 0 ? requested : all;
}

function readSpec(guest) {
  return JSON.parse(readFileSync(join(guestsDir, guest, 'guest.json'), 'utf8'));
}

function record(names, measure) {
  let failures = 0;
  for (const guest of names) {
    const spec = readSpec(guest);
    let changed = false;
    for (const run of spec.runs) {
      const label = `${guest}/${run.name}`;
      const outcome = runQemu(guest, run);
      if (outcome.failure) {
        console.error(`${label}: NOT recorded: ${outcome.failure}`);
        failures++;
        continue;
      }
      if (outcome.stderr) console.error(`${label}: qemu said: ${outcome.stderr}`);
      if (outcome.exitStatus === 0) {
        console.error(`${label}: note: exit status 0, the guest did not use the debug-exit port`);
      }
      run.serial = outcome.serial;
      run.exitStatus = outcome.exitStatus;
      let summary = `exit ${outcome.exitStatus}, ${outcome.serial.length} bytes, ${outcome.seconds.toFixed(2)} s`;
      if (measure) {
        const measured = runQemu(guest, run, { icount: true });
        const ticks = measured.serial && /tsc: (\d+)\n$/.exec(measured.serial);
        if (ticks) {
          run.qemuInstructions = Number(ticks[1]);
          summary += `, ~${run.qemuInstructions} instructions`;
        } else {
          console.error(`${label}: could not measure: ${measured.failure ?? 'no tsc line'}`);
        }
      }
      console.log(`${label}: recorded (${summary})`);
      changed = true;
    }
    if (changed) {
      writeFileSync(join(guestsDir, guest, 'guest.json'), `${JSON.stringify(spec, null, 2)}\n`);
    }
  }
  return failures;
}

function verify(names) {
  let failures = 0;
  for (const guest of names) {
    for (const run of readSpec(guest).runs) {
      const label = `${guest}/${run.name}`;
      const outcome = runQemu(guest, run);
      if (outcome.failure) {
        console.error(`${label}: FAIL: ${outcome.failure}`);
        failures++;
      } else if (outcome.serial !== run.serial || outcome.exitStatus !== run.exitStatus) {
        console.error(`${label}: FAIL: output or exit status differs from guest.json ` +
          `(exit ${outcome.exitStatus}, expected ${run.exitStatus})`);
        failures++;
      } else {
        console.log(`${label}: ok (${outcome.seconds.toFixed(2)} s)`);
      }
    }
  }
  return failures;
}

const [command, ...rest] = process.argv.slice(2);
const measure = rest.includes('--measure');
const names = guestNames(rest.filter((arg) => arg !== '--measure'));
let failures;
if (command === 'record') failures = record(names, measure);
else if (command === 'verify') failures = verify(names);
else {
  console.error('usage: guest-runs.mjs record [--measure] [name...] | verify [name...]');
  process.exit(2);
}
if (failures > 0) {
  console.error(`${failures} run(s) failed`);
  process.exit(1);
}
