// Runs one wild case under one engine in this process and says how it ended,
// and judges a pair of outcomes (issue 10's rules for fuzz:wild).
import { Machine } from '../../src/machine.js';
import { LOAD_ADDRESS, type DbtSwitches, type WildCase } from './cases.js';
import { CASE_MEM_MB, CASE_TIMEOUT_S, LIMIT_SLACK_S } from './policy.js';
/** Serial bytes kept per run (the rest is counted and hashed). */
const SERIAL_KEEP = 256;

export interface Outcome {
  engine: string;
  kind: string;
  reason: string;
  instructions: number;
  eip: number;
  /** FNV-1a of the general registers and EFLAGS as the guest sees them. */
  regsHash: number;
  serialBytes: number;
  serialHash: number;
  serialHead: string;
  wallSeconds: number;
  /** An exception the run threw (a bug: no guest may cause one), with its stack. */
  crash?: string;
}

function fnv(h: number, b: number): number {
  return Math.imul(h ^ (b & 0xff), 0x01000193) >>> 0;
}

export function runCase(c: WildCase, engine: string, dbt: DbtSwitches = {}): Outcome {
  let serialBytes = 0;
  let serialHash = 0x811c9dc5;
  let serialHead = '';
  const t0 = performance.now();
  const out: Outcome = { engine, kind: 'crash', reason: '', instructions: 0, eip: 0, regsHash: 0, serialBytes: 0, serialHash: 0, serialHead: '', wallSeconds: 0 };
  try {
    const m = new Machine({
      memMB: CASE_MEM_MB,
      engine,
      engineTuning: engine === 'interp' ? undefined : dbt,
      onSerialOutput: (b) => {
        serialBytes++;
        serialHash = fnv(serialHash, b);
        if (serialHead.length < SERIAL_KEEP) serialHead += String.fromCharCode(b);
      },
    });
    m.load(c.image, { loadAddress: LOAD_ADDRESS });
    const r = m.run({ maxInsns: c.maxInsns, timeoutSeconds: CASE_TIMEOUT_S });
    let regsHash = 0x811c9dc5;
    m.editGuestState(() => {
      for (let k = 0; k < 8; k++) for (const b of le(m.state.reg32(k))) regsHash = fnv(regsHash, b);
      for (const b of le(m.cpu.eflags())) regsHash = fnv(regsHash, b);
      out.eip = m.state.eip;
    });
    Object.assign(out, { kind: r.kind, reason: r.reason, instructions: r.instructions, regsHash });
  } catch (e) {
    out.crash = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
  }
  Object.assign(out, { serialBytes, serialHash, serialHead, wallSeconds: (performance.now() - t0) / 1000 });
  return out;
}

function le(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/** What is wrong with a case's pair of outcomes (reference first), or null. */
export function judge(ref: Outcome, dut: Outcome): string | null {
  for (const o of [ref, dut]) {
    if (o.crash !== undefined) return `${o.engine} threw: ${o.crash.split('\n').slice(0, 4).join(' | ')}`;
    if (o.wallSeconds > CASE_TIMEOUT_S + LIMIT_SLACK_S) return `${o.engine} ran ${o.wallSeconds.toFixed(1)} s, past its ${CASE_TIMEOUT_S} s timeout by more than ${LIMIT_SLACK_S} s`;
    if (o.kind === 'timeout') return `${o.engine} did not reach its instruction limit in ${CASE_TIMEOUT_S} s (${o.instructions} instructions)`;
  }
  const fields = ['kind', 'instructions', 'eip', 'regsHash', 'serialBytes', 'serialHash'] as const;
  for (const f of fields) {
    if (ref[f] !== dut[f]) return `${f} differs: ${ref.engine} ${fmt(ref[f])}, ${dut.engine} ${fmt(dut[f])} (${ref.reason} / ${dut.reason})`;
  }
  return null;
}

function fmt(v: unknown): string {
  return typeof v === 'number' ? `${v} (0x${(v >>> 0).toString(16)})` : String(v);
}
