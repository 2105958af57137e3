// x86dbt run as a process: stdout is exactly the guest's serial output, the
// exit status is QEMU's, a run stopped by a limit prints one line on stderr,
// and --stdin reaches the guest. (Bad input is covered in-process by cli-run.test.ts.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function x86dbt(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return x86dbtWithInput('', ...args);
}

function x86dbtWithInput(input: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(TSX, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 170_000, input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('x86dbt run (process)', () => {
  it('with no arguments prints its usage on stderr and exits 2', { timeout: 180_000 }, () => {
    const r = spawnSync(TSX, [MAIN], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no command given[\s\S]*usage: x86dbt <command>/);
  });

  it('prints the serial output and exits with the debug-exit status', { timeout: 180_000 }, () => {
    const r = x86dbt('run', 'guests/hello/hello.elf', '--cmdline', 'n=3');
    expect(r.stdout).toBe("Hello from x86dbt guest 'hello' (ELF image)\nargs: [n=3]\nmemory info: present\nn=3\nbye\n");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
  });

  it('a run stopped by --max-insns exits 124 with one line on stderr', { timeout: 180_000 }, () => {
    const r = x86dbt('run', 'guests/sieve/sieve.elf', '--max-insns', '1000');
    expect(r.status).toBe(124);
    expect(r.stderr).toMatch(/^x86dbt: instruction limit reached \(1000 instructions and REP iterations\) at EIP 0x[0-9a-f]+\n$/);
  });

  it('--stdin feeds standard input to COM1', { timeout: 180_000 }, () => {
    // in al, 0x3fd (LSR); mov bl, al; in al, 0x3f8 (RBR); out 0xf4, al; cli; hlt
    const image = join(mkdtempSync(join(tmpdir(), 'x86dbt-stdin-')), 'echo.bin');
    writeFileSync(image, Uint8Array.from([0x66, 0xba, 0xfd, 0x03, 0xec, 0x88, 0xc3, 0x66, 0xba, 0xf8, 0x03, 0xec, 0xe6, 0xf4, 0xfa, 0xf4]));
    const r = x86dbtWithInput('A', 'run', image, '--load-address', '0x10000', '--stdin');
    expect(r.status).toBe(((0x41 << 1) | 1) & 0xff);
  });
});
