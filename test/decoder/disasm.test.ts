// `x86dbt disasm`: output lines, flags, and one-line errors for bad input.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { disasmCommand, disassemble } from '../../src/cli/disasm.js';
import { UserError } from '../../src/cli/errors.js';

let dir = '';
let code = '';
let empty = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'x86dbt-disasm-'));
  code = join(dir, 'code.bin');
  empty = join(dir, 'empty.bin');
  // push ebp; mov ebp, esp; 0F 0F and 0F C3 (3DNow!, SSE2: two bad bytes); ret; truncated call
  writeFileSync(code, Buffer.from('5589e50f0fc3e8', 'hex'));
  writeFileSync(empty, Buffer.alloc(0));
});

async function run(argv: string[]): Promise<{ status: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    const status = await disasmCommand.run(argv);
    return { status, out };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('disassemble', () => {
  it('prints address, bytes and text; bad bytes one at a time', () => {
    const lines = disassemble(Uint8Array.from(Buffer.from('5589e50f0fc3e8', 'hex')), 0, Infinity, 0x1000, true);
    expect(lines.map((l) => l.replace(/\s+/g, ' '))).toEqual([
      '00001000 55 push ebp',
      '00001001 89 e5 mov ebp, esp',
      '00001003 0f (bad)',
      '00001004 0f (bad)',
      '00001005 c3 ret',
      '00001006 e8 (bad)',
    ]);
  });
  it('decodes 16-bit code', () => {
    const lines = disassemble(Uint8Array.from([0xb8, 0x34, 0x12]), 0, Infinity, 0, false);
    expect(lines[0]).toMatch(/b8 34 12\s+mov ax, 0x1234$/);
  });
});

describe('disasm command', () => {
  it('honours --offset, --count and --base', async () => {
    const { status, out } = await run([code, '--offset', '1', '--count', '1', '--base', '0x400000']);
    expect(status).toBe(0);
    expect(out.trim().replace(/\s+/g, ' ')).toBe('00400001 89 e5 mov ebp, esp');
  });
  it('--16 switches to 16-bit code', async () => {
    const { out } = await run([code, '--16', '--count', '2']);
    expect(out.split('\n')[1]).toMatch(/mov bp, sp$/);
  });
  it.each([
    [['/nonexistent/x.bin'], /no such file/],
    [[], /expected one file/],
    [['EMPTY'], /is empty/],
    [['CODE', '--offset', '7'], /past the end/],
    [['CODE', '--count', '0'], /--count must be at least 1/],
    [['CODE', '--offset', 'x'], /--offset: expected an integer/],
    [['CODE', '--bogus'], /unknown flag --bogus/],
    [['CODE', '--offset', '-1'], /must not be negative/],
  ])('rejects %j with a UserError', async (argv, message) => {
    const args = argv.map((a) => (a === 'EMPTY' ? empty : a === 'CODE' ? code : a));
    await expect(disasmCommand.run(args)).rejects.toThrow(UserError);
    await expect(disasmCommand.run(args)).rejects.toThrow(message);
  });
  it('through the CLI: a bad file is one line on stderr and a non-zero exit', () => {
    const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'disasm', join(dir, 'missing.bin')], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('x86dbt'));
    expect(lines).toEqual([`x86dbt: disasm: cannot read '${join(dir, 'missing.bin')}': no such file`]);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
  it('through the CLI: prints the listing', () => {
    const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'disasm', code, '--count', '2'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
  });
});
