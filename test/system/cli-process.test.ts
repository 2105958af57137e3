// x86dbt run as a process: stdout is exactly the guest's serial output, the
// exit status is QEMU's, and a failed run prints one line on stderr.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function x86dbt(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(TSX, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('x86dbt run (process)', () => {
  it('prints the serial output and exits with the debug-exit status', { timeout: 60_000 }, () => {
    const r = x86dbt('run', 'guests/hello/hello.elf', '--cmdline', 'n=3');
    expect(r.stdout).toBe("Hello from x86dbt guest 'hello' (ELF image)\nargs: [n=3]\nmemory info: present\nn=3\nbye\n");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
  });

  it('a run stopped by --max-insns exits 124 with one line on stderr', { timeout: 60_000 }, () => {
    const r = x86dbt('run', 'guests/sieve/sieve.elf', '--max-insns', '1000');
    expect(r.status).toBe(124);
    expect(r.stderr).toMatch(/^x86dbt: instruction limit reached \(1000 instructions\) at EIP 0x[0-9a-f]+\n$/);
  });

  it('bad input exits 2 with one line on stderr and no stack trace', { timeout: 60_000 }, () => {
    const r = x86dbt('run', 'guests/hello/build.sh');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^x86dbt: .*multiboot/);
  });
});
