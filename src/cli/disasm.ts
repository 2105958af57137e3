// x86dbt disasm: linear disassembly of a raw file with the project's decoder
// and formatter (the same text traces use).
import { readFileSync, statSync } from 'node:fs';
import { formatHelp, parseArgs, type FlagSpecs } from './args.js';
import type { Command } from './command.js';
import { UserError } from './errors.js';
import { decode } from '../decoder/decode.js';
import { formatInsn } from '../decoder/format.js';
import { DecodeStatus, Insn } from '../decoder/insn.js';

const USAGE = 'x86dbt disasm <file> [--offset N] [--count N] [--base ADDR] [--16]';
const FLAGS: FlagSpecs = {
  offset: { kind: 'integer', help: 'file offset of the first byte to disassemble', default: '0' },
  count: { kind: 'integer', help: 'stop after this many instructions (default: to the end)' },
  base: { kind: 'integer', help: 'address of the file\'s first byte', default: '0' },
  '16': { kind: 'boolean', help: 'decode as 16-bit code (default 32-bit)' },
};

function readInput(path: string): Uint8Array {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new UserError(`disasm: cannot read '${path}': no such file`);
  }
  if (!isFile) throw new UserError(`disasm: '${path}' is not a regular file`);
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    throw new UserError(`disasm: cannot read '${path}': ${err instanceof Error ? err.message : String(err)}`);
  }
}

function hexBytes(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += (i > from ? ' ' : '') + bytes[i].toString(16).padStart(2, '0');
  return s;
}

/** Disassembles bytes[offset..] into text lines; invalid or cut-off bytes print as "(bad)", one byte each. */
export function disassemble(bytes: Uint8Array, offset: number, count: number, base: number, code32: boolean): string[] {
  const insn = new Insn();
  const lines: string[] = [];
  let pos = offset;
  while (pos < bytes.length && lines.length < count) {
    const address = (base + pos) >>> 0;
    const status = decode(bytes, pos, bytes.length, code32, insn);
    const length = status === DecodeStatus.OK ? insn.length : 1;
    const text = status === DecodeStatus.OK ? formatInsn(insn, address) : '(bad)';
    lines.push(`${address.toString(16).padStart(8, '0')}  ${hexBytes(bytes, pos, pos + length).padEnd(29)} ${text}`);
    pos += length;
  }
  return lines;
}

export const disasmCommand: Command = {
  name: 'disasm',
  summary: 'disassemble a raw binary file (Intel syntax)',
  async run(argv: string[]): Promise<number> {
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(formatHelp(USAGE, FLAGS) + '\n');
      return 0;
    }
    const { flags, positional } = parseArgs('disasm', argv, FLAGS);
    if (positional.length !== 1) throw new UserError(`disasm: expected one file, got ${positional.length} (usage: ${USAGE})`);
    const offset = flags.offset as number;
    const base = flags.base as number;
    const count = flags.count === undefined ? Number.POSITIVE_INFINITY : (flags.count as number);
    if (offset < 0) throw new UserError(`disasm: --offset must not be negative, got ${offset}`);
    if (count < 1) throw new UserError(`disasm: --count must be at least 1, got ${count}`);
    if (base < 0 || base > 0xffffffff) throw new UserError(`disasm: --base must be a 32-bit address, got ${base}`);
    const bytes = readInput(positional[0]);
    if (bytes.length === 0) throw new UserError(`disasm: '${positional[0]}' is empty`);
    if (offset >= bytes.length) {
      throw new UserError(`disasm: --offset ${offset} is past the end of '${positional[0]}' (${bytes.length} bytes)`);
    }
    const lines = disassemble(bytes, offset, count, base, !flags['16']);
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};
