// Loads guests/*/guest.json and runs a guest image on a fresh machine,
// capturing its serial output: shared by the guest suite and the runner script.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine, type RunResult } from '../../src/machine.js';

export interface GuestRun {
  guest: string;
  name: string;
  image: string;
  cmdline: string;
  serial: string;
  exitStatus: number;
  qemuInstructions?: number;
}

export const GUESTS_DIR = join(import.meta.dirname, '..', '..', 'guests');

interface GuestJson {
  runs: { name: string; image?: string; cmdline: string; serial: string; exitStatus: number; qemuInstructions?: number }[];
}

/** Every recorded run of every guest; `bench` runs are left out unless asked for. */
export function guestRuns(includeBench = false): GuestRun[] {
  const out: GuestRun[] = [];
  for (const guest of readdirSync(GUESTS_DIR).sort()) {
    const file = join(GUESTS_DIR, guest, 'guest.json');
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, 'utf8')) as GuestJson;
    for (const r of json.runs) {
      if (r.name === 'bench' && !includeBench) continue;
      out.push({
        guest,
        name: r.name,
        image: join(GUESTS_DIR, guest, r.image ?? `${guest}.elf`),
        cmdline: r.cmdline,
        serial: r.serial,
        exitStatus: r.exitStatus,
        qemuInstructions: r.qemuInstructions,
      });
    }
  }
  return out;
}

export interface GuestOutcome {
  serial: string;
  result: RunResult;
  /** Process exit status as the CLI would report it (QEMU's for debug-exit runs). */
  exitStatus: number;
}

/** Runs one guest under `engine` with a generous instruction limit. */
export function runGuest(run: GuestRun, engine = 'interp', maxInsns = 2e9): GuestOutcome {
  let serial = '';
  const m = new Machine({ engine, onSerialOutput: (b) => (serial += String.fromCharCode(b)) });
  const image = new Uint8Array(readFileSync(run.image));
  m.load(image, { cmdline: run.cmdline, imageName: run.image.split('/').pop() });
  const result = m.run({ maxInsns });
  const exitStatus = result.kind === 'exit' ? (result.exitStatus ?? 1) & 0xff : -1;
  return { serial, result, exitStatus };
}
