// Decoder speed on realistic code: a linear sweep over the .text of 32-bit
// system binaries, and over a stream of the fuzzer's valid cases. Reports
// decoded instructions per second, median of 5 timed runs after a warm-up.
//   npm run bench:decoder [-- --runs 5]

import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { decode } from '../src/decoder/decode.js';
import { DecodeStatus, Insn } from '../src/decoder/insn.js';
import { CASE_BYTES, generateCase } from '../scripts/fuzz/generator.js';
import { Prng } from '../scripts/fuzz/prng.js';

interface Workload {
  name: string;
  bytes: Uint8Array;
}

/** The named section of an ELF32 little-endian file, or null. */
function elf32Section(path: string, wanted: string): Uint8Array | null {
  const file = readFileSync(path);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (view.getUint32(0, false) !== 0x7f454c46 || file[4] !== 1 || file[5] !== 1) return null;
  const shoff = view.getUint32(0x20, true);
  const shentsize = view.getUint16(0x2e, true);
  const shnum = view.getUint16(0x30, true);
  const strtab = view.getUint32(shoff + view.getUint16(0x32, true) * shentsize + 0x10, true);
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + i * shentsize;
    let name = '';
    for (let p = strtab + view.getUint32(sh, true); file[p] !== 0; p++) name += String.fromCharCode(file[p]!);
    if (name === wanted) {
      const offset = view.getUint32(sh + 0x10, true);
      return new Uint8Array(file.buffer, file.byteOffset + offset, view.getUint32(sh + 0x14, true));
    }
  }
  return null;
}

/** Concatenated valid instructions from the fuzz generator (seed 1), about `size` bytes. */
function fuzzStream(size: number): Uint8Array {
  const out = new Uint8Array(size + CASE_BYTES);
  const rng = new Prng(1);
  const buf = new Uint8Array(CASE_BYTES);
  const insn = new Insn();
  let at = 0;
  while (at < size) {
    generateCase(rng, buf);
    if (decode(buf, 0, CASE_BYTES, true, insn) !== DecodeStatus.OK) continue;
    out.set(buf.subarray(0, insn.length), at);
    at += insn.length;
  }
  return out.subarray(0, at);
}

interface Sweep {
  instructions: number;
  invalidBytes: number;
}

/** Decodes front to back; an undecodable byte is skipped, as a disassembler would. */
function sweep(bytes: Uint8Array, insn: Insn): Sweep {
  let pos = 0;
  let instructions = 0;
  let invalidBytes = 0;
  const end = bytes.length;
  while (pos < end) {
    if (decode(bytes, pos, end, true, insn) === DecodeStatus.OK) {
      pos += insn.length;
      instructions++;
    } else {
      pos++;
      invalidBytes++;
    }
  }
  return { instructions, invalidBytes };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function main(): void {
  const runsFlag = process.argv.indexOf('--runs');
  const runs = runsFlag >= 0 ? Number(process.argv[runsFlag + 1]) : 5;
  const workloads: Workload[] = [];
  for (const path of ['/usr/lib32/libc.so.6', '/usr/lib32/libstdc++.so.6', '/usr/lib32/ld-linux.so.2']) {
    const text = existsSync(path) ? elf32Section(path, '.text') : null;
    if (text) workloads.push({ name: `${path} .text`, bytes: text });
  }
  workloads.push({ name: 'fuzzer valid cases (seed 1)', bytes: fuzzStream(2 << 20) });

  console.log(
    `decoder speed: median of ${runs} runs; ${cpus().length} cpus, ${cpus()[0]?.model ?? '?'}, Node ${process.version}, ` +
      `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  );
  // Wall time, and the process's CPU time (less disturbed when other work shares the machine).
  const rows = [['workload', 'bytes', 'instructions', 'invalid bytes', 'wall ms', 'M insn/s', 'MB/s', 'cpu ms', 'M insn/cpu-s']];
  const insn = new Insn();
  let totalInsns = 0;
  let totalMs = 0;
  let totalCpuMs = 0;
  for (const w of workloads) {
    const first = sweep(w.bytes, insn); // warm-up, and the counts
    const times: number[] = [];
    const cpuTimes: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      const c = process.cpuUsage();
      sweep(w.bytes, insn);
      const used = process.cpuUsage(c);
      times.push(performance.now() - t);
      cpuTimes.push((used.user + used.system) / 1000);
    }
    const ms = median(times);
    const cpuMs = median(cpuTimes);
    totalInsns += first.instructions;
    totalMs += ms;
    totalCpuMs += cpuMs;
    rows.push([
      w.name, String(w.bytes.length), String(first.instructions), String(first.invalidBytes),
      ms.toFixed(1), (first.instructions / ms / 1000).toFixed(2), (w.bytes.length / ms / 1000).toFixed(1),
      cpuMs.toFixed(1), (first.instructions / cpuMs / 1000).toFixed(2),
    ]);
  }
  rows.push([
    'all', '', String(totalInsns), '', totalMs.toFixed(1), (totalInsns / totalMs / 1000).toFixed(2), '',
    totalCpuMs.toFixed(1), (totalInsns / totalCpuMs / 1000).toFixed(2),
  ]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}

main();
