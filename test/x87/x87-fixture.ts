// x87 fixtures recorded on the real CPU by scripts/x87-oracle: the data-area
// layout every case uses, the stored schema, and the replay through our
// interpreter in the flat user context (src/interp/flat.ts).
//
// A case's code is: FRSTOR from INIT (a complete, deterministic FPU state:
// control word with PC = 53 bits so the processor rounds like the model's
// f64 registers, status, tags, all eight registers), the instructions under
// test with their operands at OPERANDS, stores into RESULTS, and a final
// FNSAVE into SAVE that records control/status/tag words and all registers.

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlatUserContext } from '../../src/interp/flat.js';
import { CODE_BASE, CODE_SIZE, COMPARED_FLAGS, DATA_BASE, DATA_SIZE, fillDataArea, hexToBytes, type MemRun } from '../support/cpu-fixture.js';

export { CODE_BASE, DATA_BASE, DATA_SIZE };
/** Offsets inside the data area. */
export const INIT = 0x000;
export const OPERANDS = 0x080;
export const RESULTS = 0x100;
export const SAVE = 0x200;
/** FNSAVE (32-bit protected-mode image) offsets. */
export const SAVE_STATUS = SAVE + 4;
/** FIP, FCS|FOP, FDP, FDS: the model does not record the last instruction's pointers (docs/cpu-model.md). */
export const SAVE_POINTERS: [number, number] = [SAVE + 12, 16];

export const X87_FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'x87');

export interface StoredX87Case {
  /** Name: family, form and index. */
  n: string;
  code: string;
  mem: [number, string][];
  /** EAX..EDI, EFLAGS. */
  in: number[];
  out: number[];
  memOut: [number, string][];
  vec: number;
  /** Byte ranges of the data area not compared, [offset, length]. */
  skip?: [number, number][];
  /** Bits of the saved status word not compared. */
  swMask?: number;
  /** Offsets of m64fp results compared within APPROX_TOLERANCE (f64 approximations of transcendental functions). */
  approx?: number[];
}

/** Relative tolerance of approximate results: a few units in the last place of a double. */
export const APPROX_TOLERANCE = 2 ** -49;

function approxEqual(a: number, b: number): boolean {
  if (Object.is(a, b) || (a !== a && b !== b)) return true;
  return Math.abs(a - b) <= APPROX_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

export interface X87Shard {
  family: string;
  /** Why the family's masks exist. */
  note?: string;
  cases: StoredX87Case[];
}

export function loadX87Shards(dir = X87_FIXTURE_DIR): X87Shard[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as X87Shard);
}

function runs(stored: [number, string][]): MemRun[] {
  return stored.map(([offset, hex]) => ({ offset, bytes: hexToBytes(hex) }));
}

export function initialData(c: StoredX87Case): Uint8Array {
  const d = fillDataArea(0);
  for (const r of runs(c.mem)) d.set(r.bytes, r.offset);
  return d;
}

let ctx: FlatUserContext | null = null;
const codePage = new Uint8Array(CODE_SIZE);

export interface X87Run {
  regs: number[];
  eflags: number;
  data: Uint8Array;
  vector: number;
}

/** Runs a case in our interpreter (flat CPL-3 context, CR0 with EM = TS = 0). */
export function runX87Case(c: StoredX87Case): X87Run {
  ctx ??= new FlatUserContext([
    { linear: CODE_BASE, size: CODE_SIZE },
    { linear: DATA_BASE, size: DATA_SIZE },
  ]);
  ctx.reset();
  const code = hexToBytes(c.code);
  codePage.fill(0xcc);
  codePage.set(code);
  ctx.writeBytes(CODE_BASE, codePage);
  ctx.writeBytes(DATA_BASE, initialData(c));
  ctx.setRegs(c.in.slice(0, 8));
  ctx.setEflags(c.in[8]);
  const r = ctx.run(CODE_BASE, CODE_BASE + code.length, 1000);
  return { regs: ctx.regs(), eflags: ctx.eflags(), data: ctx.readBytes(DATA_BASE, DATA_SIZE), vector: r.vector };
}

/** Differences between our run and the recorded one, honouring the case's masks. */
export function compareX87(c: StoredX87Case, r: X87Run): string[] {
  const diffs: string[] = [];
  if (r.vector !== c.vec) diffs.push(`vector ${r.vector} != ${c.vec}`);
  for (let k = 0; k < 8; k++) if (r.regs[k] >>> 0 !== c.out[k] >>> 0) diffs.push(`reg${k} ${(r.regs[k] >>> 0).toString(16)} != ${(c.out[k] >>> 0).toString(16)}`);
  if ((r.eflags & COMPARED_FLAGS) !== (c.out[8] & COMPARED_FLAGS)) diffs.push(`eflags ${(r.eflags & COMPARED_FLAGS).toString(16)} != ${(c.out[8] & COMPARED_FLAGS).toString(16)}`);
  const want = initialData(c);
  for (const run of runs(c.memOut)) want.set(run.bytes, run.offset);
  const skip = new Uint8Array(DATA_SIZE);
  for (const [o, n] of [SAVE_POINTERS, ...(c.skip ?? [])]) skip.fill(1, o, o + n);
  for (const o of c.approx ?? []) {
    skip.fill(1, o, o + 8);
    const got = new DataView(r.data.buffer, r.data.byteOffset).getFloat64(o, true);
    const exp = new DataView(want.buffer, want.byteOffset).getFloat64(o, true);
    if (!approxEqual(got, exp)) diffs.push(`approx[${o.toString(16)}] ${got} != ${exp}`);
  }
  const sw = c.swMask ?? 0;
  for (let k = 0; k < DATA_SIZE; k++) {
    if (skip[k]) continue;
    let mask = 0xff;
    if (k === SAVE_STATUS) mask &= ~sw & 0xff;
    if (k === SAVE_STATUS + 1) mask &= ~(sw >> 8) & 0xff;
    if ((r.data[k] & mask) !== (want[k] & mask)) diffs.push(`data[${k.toString(16)}] ${r.data[k].toString(16)} != ${want[k].toString(16)}`);
  }
  return diffs;
}
