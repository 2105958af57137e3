// Talks to a native harness (harness.c, or harness64.c for long mode; both
// speak the same protocol): serializes cases, runs them in batches through one
// process per batch, parses the results.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_SIZE, type MemRun } from '../../test/support/cpu-fixture.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** A native harness binary: where it is built, from what, with which gcc flags. */
export interface Harness {
  path: string;
  source: string;
  gccFlags: string[];
}

/** The 32-bit harness (gcc -m32, from the gcc-multilib package): needs a host that runs 32-bit code. */
export const IA32_HARNESS: Harness = {
  path: join(HERE, '.build', 'harness'),
  source: join(HERE, 'harness.c'),
  gccFlags: ['-m32', '-O2', '-no-pie'],
};

/** The 64-bit harness for long-mode re-encoded code (long-mode.ts): any x86-64 Linux host. */
export const LONG_MODE_HARNESS: Harness = {
  path: join(HERE, '.build', 'harness64'),
  source: join(HERE, 'harness64.c'),
  gccFlags: ['-O2'],
};

export const HARNESS_PATH = IA32_HARNESS.path;

/** What both harnesses include. */
const HARNESS_COMMON = join(HERE, 'harness-common.h');

/** Builds a harness when it is missing or older than its source or the shared header. */
export function buildHarness(h: Harness = IA32_HARNESS): void {
  const newest = Math.max(statSync(h.source).mtimeMs, statSync(HARNESS_COMMON).mtimeMs);
  if (existsSync(h.path) && statSync(h.path).mtimeMs >= newest) return;
  mkdirSync(dirname(h.path), { recursive: true });
  execFileSync('gcc', [...h.gccFlags, '-Wall', '-Wextra', '-o', h.path, h.source], { stdio: 'inherit' });
}

export interface NativeInput {
  code: Uint8Array;
  memSeed: number;
  memIn: MemRun[];
  /** EAX..EDI, then EFLAGS. */
  regs: number[];
  eflags: number;
}

export interface NativeResult {
  vector: number;
  errorCode: number;
  /** Linear address of a page fault (CR2), else 0. */
  faultAddress: number;
  eip: number;
  regs: number[];
  eflags: number;
  memOut: MemRun[];
}

const MAGIC_CASE = 0x45534143;
const MAGIC_RSLT = 0x544c5352;
const BATCH = 20_000;

function serialize(cases: readonly NativeInput[]): Buffer {
  let size = 0;
  for (const c of cases) {
    size += 48 + c.code.length;
    for (const p of c.memIn) size += 4 + p.bytes.length;
  }
  const buf = Buffer.alloc(size);
  let o = 0;
  for (const c of cases) {
    if (c.code.length > 0x1000) throw new Error('case code longer than 4 KiB');
    buf.writeUInt32LE(MAGIC_CASE, o);
    buf.writeUInt16LE(c.code.length, o + 4);
    buf.writeUInt16LE(c.memIn.length, o + 6);
    buf.writeUInt32LE(c.memSeed >>> 0, o + 8);
    for (let r = 0; r < 8; r++) buf.writeUInt32LE(c.regs[r] >>> 0, o + 12 + r * 4);
    buf.writeUInt32LE(c.eflags >>> 0, o + 44);
    o += 48;
    buf.set(c.code, o);
    o += c.code.length;
    for (const p of c.memIn) {
      if (p.offset < 0 || p.offset + p.bytes.length > DATA_SIZE) throw new Error(`patch at ${p.offset} outside the data area`);
      buf.writeUInt16LE(p.offset, o);
      buf.writeUInt16LE(p.bytes.length, o + 2);
      buf.set(p.bytes, o + 4);
      o += 4 + p.bytes.length;
    }
  }
  return buf;
}

function parse(out: Buffer, expected: number): NativeResult[] {
  const results: NativeResult[] = [];
  let o = 0;
  while (o < out.length) {
    if (out.readUInt32LE(o) !== MAGIC_RSLT) throw new Error(`harness output out of sync at byte ${o}`);
    const vector = out.readInt32LE(o + 4);
    const errorCode = out.readUInt32LE(o + 8);
    const faultAddress = out.readUInt32LE(o + 12);
    const eip = out.readUInt32LE(o + 16);
    const regs: number[] = [];
    for (let r = 0; r < 8; r++) regs.push(out.readUInt32LE(o + 20 + r * 4));
    const eflags = out.readUInt32LE(o + 52);
    const nRuns = out.readUInt16LE(o + 56);
    o += 58;
    const memOut: MemRun[] = [];
    for (let k = 0; k < nRuns; k++) {
      const offset = out.readUInt16LE(o);
      const len = out.readUInt16LE(o + 2);
      memOut.push({ offset, bytes: new Uint8Array(out.subarray(o + 4, o + 4 + len)) });
      o += 4 + len;
    }
    results.push({ vector, errorCode, faultAddress, eip, regs, eflags, memOut });
  }
  if (results.length !== expected) throw new Error(`harness returned ${results.length} results for ${expected} cases`);
  return results;
}

/** Runs every case on the real CPU, in order, through harness `h`. */
export function runNative(cases: readonly NativeInput[], h: Harness = IA32_HARNESS): NativeResult[] {
  buildHarness(h);
  const results: NativeResult[] = [];
  for (let i = 0; i < cases.length; i += BATCH) {
    const batch = cases.slice(i, i + BATCH);
    const run = spawnSync(h.path, [], { input: serialize(batch), maxBuffer: 1 << 30 });
    if (run.error) throw run.error;
    if (run.status !== 0) throw new Error(`harness exited with ${run.status}: ${run.stderr.toString()}`);
    results.push(...parse(run.stdout, batch.length));
  }
  return results;
}
