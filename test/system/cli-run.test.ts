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
});
