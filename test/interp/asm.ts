// Assembles a snippet with nasm (bits 32 or 16, flat binary) for the interpreter tests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlatUserContext, type FlatResult } from '../../src/interp/flat.js';

export function asm(source: string, bits: 16 | 32 = 32, org = 0): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'x86dbt-asm-'));
  try {
    writeFileSync(join(dir, 'a.asm'), `bits ${bits}\norg ${org}\n${source}\n`);
    execFileSync('nasm', ['-f', 'bin', '-o', join(dir, 'a.bin'), join(dir, 'a.asm')]);
    return new Uint8Array(readFileSync(join(dir, 'a.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const CODE = 0x10000000;
export const DATA = 0x20000000;
export const DATA_SIZE = 0x4000;

let shared: FlatUserContext | null = null;

/** A flat user context with a code region at CODE (8 KiB) and data at DATA (16 KiB). */
export function flat(): FlatUserContext {
  if (shared === null) {
    shared = new FlatUserContext([
      { linear: CODE, size: 0x2000 },
      { linear: DATA, size: DATA_SIZE },
    ]);
  }
  shared.reset();
  shared.fill(CODE, 0x2000, 0xcc);
  shared.fill(DATA, DATA_SIZE, 0);
  return shared;
}

/** Runs assembled code in a fresh flat context; ESP starts at DATA + 0x3800. */
export function runAsm(source: string, setup?: (c: FlatUserContext) => void): { c: FlatUserContext; r: FlatResult } {
  const code = asm(source, 32, CODE);
  const c = flat();
  c.writeBytes(CODE, code);
  c.state.setReg32(4, DATA + 0x3800);
  setup?.(c);
  const r = c.run(CODE, CODE + code.length);
  return { c, r };
}
