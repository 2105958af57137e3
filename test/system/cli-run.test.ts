// x86dbt run: bad input is a one-line UserError (the CLI prints it without a
// stack trace and exits non-zero); a good image runs to its exit status.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/cli/errors.js';
import { runCommand } from '../../src/cli/run.js';

const HELLO = join(import.meta.dirname, '..', '..', 'guests', 'hello', 'hello.elf');
const dir = mkdtempSync(join(tmpdir(), 'x86dbt-run-'));

async function userError(argv: string[]): Promise<string> {
  try {
    await runCommand.run(argv);
  } catch (e) {
    if (e instanceof UserError) {
      expect(e.message).not.toContain('\n');
      return e.message;
    }
    throw e;
  }
  throw new Error(`run ${argv.join(' ')} did not fail`);
}

describe('x86dbt run: bad input', () => {
  it('a missing file', async () => {
    expect(await userError([join(dir, 'nope.elf')])).toMatch(/no such file/);
  });
  it('a file that is neither multiboot nor given a load address', async () => {
    const f = join(dir, 'junk.bin');
    writeFileSync(f, new Uint8Array(64).fill(0x90));
    expect(await userError([f])).toMatch(/no multiboot header.*--load-address/);
  });
  it('a truncated ELF', async () => {
    const f = join(dir, 'cut.elf');
    const full = readFileSync(HELLO);
    writeFileSync(f, full.subarray(0, 0x1100));
    expect(await userError([f])).toMatch(/ELF|segment|file/);
  });
  it('segments outside RAM (--mem too small)', async () => {
    expect(await userError([HELLO, '--mem', '1'])).toMatch(/outside guest RAM/);
  });
  it('a --mem out of range, an unknown engine, an unknown flag, a bad number', async () => {
    expect(await userError([HELLO, '--mem', '0'])).toMatch(/memory size/);
    expect(await userError([HELLO, '--engine', 'nope'])).toMatch(/unknown engine 'nope'/);
    expect(await userError([HELLO, '--frobnicate'])).toMatch(/unknown flag --frobnicate/);
    expect(await userError([HELLO, '--max-insns', 'lots'])).toMatch(/--max-insns/);
  });
  it('names the flag the loader means (--mem)', async () => {
    expect(await userError([HELLO, '--mem', '1'])).toMatch(/use a larger --mem\)/);
  });
  it('takes numbers in exponent form, and refuses sizes no cache can have', async () => {
    // 1e-9 s is a valid (tiny) timeout: the run stops at once by it.
    const f = join(dir, 'loop.bin');
    writeFileSync(f, Uint8Array.from([0xeb, 0xfe]));
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (stderr.push(String(s)), true)) as typeof process.stderr.write;
    try {
      expect(await runCommand.run([f, '--load-address', '0x100000', '--timeout', '1e-9'])).toBe(124);
    } finally {
      process.stderr.write = write;
    }
    expect(stderr.join('')).toMatch(/timeout/);
    expect(await userError([HELLO, '--tc-size', '1e30'])).toMatch(/--tc-size: expected an integer, got '1e30'/);
    expect(await userError([HELLO, '--tc-size', '1e7'])).toMatch(/--tc-size must be 1\.\.1048576, got 10000000/);
    expect(await userError([HELLO, '--hot', '1e12'])).toMatch(/--hot must be 0\.\.1073741824/);
  });
  it('refuses translator flags under an engine without a translator', async () => {
    expect(await userError([HELLO, '--engine', 'interp', '--tc-size', '64'])).toMatch(/--tc-size tunes the translator; engine 'interp' has none/);
    expect(await userError([HELLO, '--engine', 'interp', '--no-chain'])).toMatch(/--no-chain/);
  });
});
