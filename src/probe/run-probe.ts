// One run of a probe guest under one engine: its serial output, how it
// stopped, and the silent misbehaviours the engine measured (te).
import { Machine } from '../machine.js';

// The sensitive probe retires well under a million instructions; a run past these limits is lost.
const PROBE_MAX_INSNS = 50_000_000;
const PROBE_TIMEOUT_SECONDS = 60;

export interface ProbeRun {
  serial: string;
  /** 'exit', or why the run stopped otherwise. */
  stop: string;
  silent: { instruction: string; count: number }[];
}

export function runProbe(image: Uint8Array, imageName: string, engine: string): ProbeRun {
  let serial = '';
  const machine = new Machine({ engine, onSerialOutput: (b) => (serial += String.fromCharCode(b)) });
  machine.load(image, { cmdline: '', imageName });
  const r = machine.run({ maxInsns: PROBE_MAX_INSNS, timeoutSeconds: PROBE_TIMEOUT_SECONDS });
  const rows = machine.stats().find((s) => s.title === 'silent misbehaviours')?.rows ?? [];
  return { serial, stop: r.kind === 'exit' ? 'exit' : r.reason, silent: rows.map((x) => ({ instruction: x.name, count: Number(x.value) })) };
}
