// Fixtures recorded on the real CPU by scripts/cpu-oracle (see docs/cpu-fixtures.md):
// their schema, the flat context they were recorded in, and loaders.
//
// A case is a short piece of code run once in a flat 32-bit protected-mode user
// context: every segment base 0 and limit 4 GiB, CPL 3, EFLAGS.IF = 1, IOPL = 0.
// The code sits at CODE_BASE; execution ends when EIP reaches CODE_BASE + code
// length (or at a fault). The data area DATA_BASE..+DATA_SIZE is filled from
// the case's seed by fillDataArea and then patched; every memory operand, the
// stack and the string-instruction pointers stay inside it, unless a case
// provokes a page fault on purpose (vector 14).

import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_BASE = 0x00100000;
/** The code page's size; everything outside the case's bytes reads as INT3 (0xCC). */
export const CODE_SIZE = 0x2000;
/** Below 64 KiB, so 16-bit addressing (67 prefix) reaches it too. */
export const DATA_BASE = 0x00008000;
export const DATA_SIZE = 0x4000;
/** ESP the generator gives single-instruction cases (sequences use the same). */
export const DEFAULT_ESP = DATA_BASE + 0x3800;

/** EFLAGS bits the oracle sets and compares: OF DF SF ZF AF PF CF. */
export const COMPARED_FLAGS = 0x0cd5;
/** Bits always set in the input EFLAGS: bit 1 and IF. */
export const FIXED_INPUT_FLAGS = 0x202;

/** Vector value of a case that did not fault. */
export const NO_FAULT = -1;
/** Vector value of a case stopped by the harness watchdog (never committed). */
export const TIMEOUT = 256;

export interface MemRun {
  /** Byte offset inside the data area. */
  offset: number;
  bytes: Uint8Array;
}

export interface CpuState {
  /** EAX ECX EDX EBX ESP EBP ESI EDI. */
  regs: number[];
  eflags: number;
}

export interface CpuCase {
  /** Unique name: form key plus the case's index inside its form. */
  name: string;
  /** Instruction family (shard name). */
  family: string;
  /** Keys (`opcode|instruction`, the table row's SDM columns) of the forms under test, in execution order. */
  forms: string[];
  code: Uint8Array;
  /** Seed of the data area's initial pattern. */
  memSeed: number;
  /** Patches applied on top of the pattern. */
  memIn: MemRun[];
  input: CpuState;
  output: CpuState;
  /** Data-area bytes that differ from the initial image after the run. */
  memOut: MemRun[];
  /** Exception vector raised (SDM Vol. 3 table 6-1), or NO_FAULT. */
  vector: number;
  /** Error code pushed with #GP/#PF… (0 when the vector has none). */
  errorCode: number;
  /** For #PF (vector 14): the faulting linear address (CR2), else 0. */
  faultAddress: number;
  /** EIP at the end: CODE_BASE + code length, or the faulting instruction's address. */
  eip: number;
  /** COMPARED_FLAGS bits left undefined by the SDM for this case (do not compare). */
  undefFlags: number;
  /** Bit r set: register r's final value is undefined (e.g. BSF with a zero source). */
  undefRegs: number;
}

/** One shard as stored on disk (compact: hex strings and arrays). */
export interface ShardFile {
  family: string;
  cases: StoredCase[];
}

export interface StoredCase {
  n: string;
  f: string[];
  code: string;
  seed: number;
  /** Input regs[8] then EFLAGS. */
  in: number[];
  mem?: [number, string][];
  out: number[];
  memOut?: [number, string][];
  vec: number;
  err?: number;
  /** CR2 of a #PF. */
  cr2?: number;
  eip: number;
  uf?: number;
  ur?: number;
}

export interface SequenceShard {
  file: string;
  count: number;
  seed: number;
}

export interface FixtureIndex {
  generator: string;
  seed: number;
  shards: { file: string; family: string; cases: number }[];
  /** Random sequences recorded in a 32-bit process (harness.c). */
  sequences?: SequenceShard;
  /** Random sequences recorded in long mode (harness64.c, scripts/cpu-oracle/long-mode.ts), for hosts without 32-bit execution. */
  longModeSequences?: SequenceShard;
  /** Forms iterated from the table, and why the others were not run. */
  forms: { covered: number; skipped: Record<string, string[]> };
}

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'cpu');

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array | readonly number[]): string {
  let s = '';
  for (const b of bytes) s += (b & 0xff).toString(16).padStart(2, '0');
  return s;
}

/** The data area's initial pattern (same LCG as the native harness's fill_pattern). */
export function fillDataArea(seed: number, dst: Uint8Array = new Uint8Array(DATA_SIZE)): Uint8Array {
  let x = seed >>> 0;
  for (let i = 0; i < DATA_SIZE; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    dst[i] = x >>> 24;
  }
  return dst;
}

function applyRuns(dst: Uint8Array, runs: readonly MemRun[]): Uint8Array {
  for (const r of runs) dst.set(r.bytes, r.offset);
  return dst;
}

/** The data area as the case starts: pattern plus patches. */
export function initialDataArea(c: CpuCase): Uint8Array {
  return applyRuns(fillDataArea(c.memSeed), c.memIn);
}

/** The data area as the real CPU left it. */
export function expectedDataArea(c: CpuCase): Uint8Array {
  return applyRuns(initialDataArea(c), c.memOut);
}

function runs(stored: [number, string][] | undefined): MemRun[] {
  return (stored ?? []).map(([offset, hex]) => ({ offset, bytes: hexToBytes(hex) }));
}

export function fromStored(s: StoredCase, family: string): CpuCase {
  return {
    name: s.n,
    family,
    forms: s.f,
    code: hexToBytes(s.code),
    memSeed: s.seed,
    memIn: runs(s.mem),
    input: { regs: s.in.slice(0, 8), eflags: s.in[8] },
    output: { regs: s.out.slice(0, 8), eflags: s.out[8] },
    memOut: runs(s.memOut),
    vector: s.vec,
    errorCode: s.err ?? 0,
    faultAddress: s.cr2 ?? 0,
    eip: s.eip,
    undefFlags: s.uf ?? 0,
    undefRegs: s.ur ?? 0,
  };
}

export function readIndex(dir = FIXTURE_DIR): FixtureIndex {
  return JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as FixtureIndex;
}

function loadShard(path: string): CpuCase[] {
  const shard = JSON.parse(readFileSync(path, 'utf8')) as ShardFile;
  return shard.cases.map((s) => fromStored(s, shard.family));
}

/** Every single-form case, all families; `families` narrows to some shards. */
export function loadCpuFixtures(families?: readonly string[], dir = FIXTURE_DIR): CpuCase[] {
  const index = readIndex(dir);
  const out: CpuCase[] = [];
  for (const shard of index.shards) {
    if (families && !families.includes(shard.family)) continue;
    out.push(...loadShard(join(dir, shard.file)));
  }
  return out;
}

/** The sequence shards of an index: the 32-bit recording, then the long-mode one. */
export function sequenceShards(index: FixtureIndex): SequenceShard[] {
  return [index.sequences, index.longModeSequences].filter((s): s is SequenceShard => s !== undefined);
}

/** The committed slices of random instruction sequences (both recordings; replayed the same way). */
export function loadRandomSequences(dir = FIXTURE_DIR): CpuCase[] {
  const out: CpuCase[] = [];
  for (const s of sequenceShards(readIndex(dir))) {
    const path = join(dir, s.file);
    if (existsSync(path)) out.push(...loadShard(path));
  }
  return out;
}

/** What an emulator reports after running a case in the flat context. */
export interface FlatRunResult {
  /** EAX..EDI at the end (or at the fault). */
  regs: ArrayLike<number>;
  eflags: number;
  /** The data area (DATA_SIZE bytes from DATA_BASE) at the end. */
  data: Uint8Array;
  /** Exception vector raised, or NO_FAULT. */
  vector: number;
  /** EIP at the end: CODE_BASE + code length, the faulting instruction, or past a trapping one. */
  eip: number;
  /** Error code of the exception; compared when given and the vector pushes one (#GP, #PF…). */
  errorCode?: number;
  /** CR2 after a #PF; compared when given. */
  faultAddress?: number;
}

/** Vectors that push an error code (SDM Vol. 3, table 6-1). */
const ERROR_CODE_VECTORS = new Set([8, 10, 11, 12, 13, 14, 17]);

/**
 * Runs one case in the flat context described at the top of this file: code
 * at CODE_BASE (the rest of the code page INT3), data area from
 * initialDataArea(c), registers and EFLAGS from c.input, until EIP reaches
 * CODE_BASE + code length or an exception. scripts/cpu-oracle/random-seq.ts
 * loads `runFlatCase` of this type from src/interp/flat.ts when it exists.
 */
export type FlatRunner = (c: CpuCase) => FlatRunResult;

/** Differences between a flat run and the recorded outcome (empty = pass). */
export function compareRun(c: CpuCase, r: FlatRunResult): string[] {
  const diffs: string[] = [];
  if (r.vector !== c.vector) diffs.push(`vector ${r.vector} != ${c.vector}`);
  if (r.eip >>> 0 !== c.eip >>> 0) diffs.push(`EIP ${hex32(r.eip)} != ${hex32(c.eip)}`);
  if (r.errorCode !== undefined && r.vector === c.vector && ERROR_CODE_VECTORS.has(c.vector) && r.errorCode !== c.errorCode) {
    diffs.push(`error code ${r.errorCode.toString(16)} != ${c.errorCode.toString(16)}`);
  }
  if (r.faultAddress !== undefined && r.vector === 14 && c.vector === 14 && r.faultAddress >>> 0 !== c.faultAddress >>> 0) {
    diffs.push(`CR2 ${hex32(r.faultAddress)} != ${hex32(c.faultAddress)}`);
  }
  diffs.push(...compareState(c, Array.from(r.regs), r.eflags, r.data));
  return diffs;
}

/** Register-by-register and flag differences between an emulated end state and the recorded one (empty = pass). */
export function compareState(c: CpuCase, regs: readonly number[], eflags: number, data: Uint8Array): string[] {
  const names = ['EAX', 'ECX', 'EDX', 'EBX', 'ESP', 'EBP', 'ESI', 'EDI'];
  const diffs: string[] = [];
  for (let r = 0; r < 8; r++) {
    if (c.undefRegs & (1 << r)) continue;
    if (regs[r] >>> 0 !== c.output.regs[r] >>> 0) {
      diffs.push(`${names[r]} ${hex32(regs[r])} != ${hex32(c.output.regs[r])}`);
    }
  }
  const mask = COMPARED_FLAGS & ~c.undefFlags;
  if ((eflags & mask) !== (c.output.eflags & mask)) {
    diffs.push(`EFLAGS ${hex32(eflags & mask)} != ${hex32(c.output.eflags & mask)} (mask ${hex32(mask)})`);
  }
  const want = expectedDataArea(c);
  for (let i = 0; i < DATA_SIZE; i++) {
    if (data[i] !== want[i]) {
      diffs.push(`mem[${hex32(DATA_BASE + i)}] ${data[i].toString(16)} != ${want[i].toString(16)}`);
      break;
    }
  }
  return diffs;
}

function hex32(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}
