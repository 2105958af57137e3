// Intel-syntax text for a decoded instruction, close to capstone's style
// (lowercase, "dword ptr [eax + ecx*4 + 8]", hex immediates, absolute branch
// targets) so traces, `x86dbt disasm` and the differential fuzzer line up.
import { FORMS } from '../arch/table.js';
import type { InsnForm } from '../arch/types.js';
import { Insn, NO_REG, P_LOCK, P_REP, P_REPNE, P_SEG } from './insn.js';

const REG32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const REG16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const REG8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'];
const SREG = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];

/** Size keyword capstone prints before a memory operand of each shape ('' = none). */
const MEM_SIZE: Readonly<Record<string, string>> = {
  'r/m8': 'byte', 'r/m16': 'word', 'r/m32': 'dword', m8: 'byte', m16: 'word', m32: 'dword', m64: 'qword',
  m: '', 'm16&32': '', 'm16&16': 'dword', 'm32&32': 'qword', 'm16:16': '', 'm16:32': '',
  m32fp: 'dword', m64fp: 'qword', m80fp: 'xword', m16int: 'word', m32int: 'dword', m64int: 'qword',
  m80dec: 'tbyte', m80bcd: 'tbyte', m2byte: 'word', 'm14/28byte': '', 'm94/108byte': '',
};

/** Capstone names for forms whose SDM mnemonic differs, keyed by SDM instruction text. */
const NAME_BY_INSTRUCTION: Readonly<Record<string, string>> = {
  'CALL ptr16:16': 'lcall', 'CALL ptr16:32': 'lcall', 'JMP ptr16:16': 'ljmp', 'JMP ptr16:32': 'ljmp',
  RETF: 'retf', 'RETF imm16': 'retf', PUSHA: 'pushaw', PUSHAD: 'pushal', POPA: 'popaw', POPAD: 'popal',
  WAIT: 'wait', 'FUCOMIP ST, ST(i)': 'fucompi', 'FCOMIP ST, ST(i)': 'fcompi',
};

/** A number as capstone prints it: 0-9 in decimal, otherwise hex, with a minus sign for negatives. */
export function formatNumber(n: number): string {
  if (n < 0) return '-' + formatNumber(-n);
  return n <= 9 ? String(n) : '0x' + n.toString(16);
}

function regName(size: number, r: number): string {
  return size === 8 ? REG8[r] : size === 16 ? REG16[r] : REG32[r];
}

/** Operand width in bits of a register/memory/immediate shape, 0 when not sized. */
function shapeSize(shape: string): number {
  const m = /(8|16|32)$/.exec(shape);
  if (m) return Number(m[1]);
  if (shape === 'AL' || shape === 'CL') return 8;
  if (shape === 'AX' || shape === 'DX') return 16;
  if (shape === 'EAX') return 32;
  return 0;
}

function memText(insn: Insn, size: string): string {
  const names = insn.addrSize === 16 ? REG16 : REG32;
  const parts: string[] = [];
  if (insn.base !== NO_REG) parts.push(names[insn.base]);
  if (insn.index !== NO_REG) parts.push(names[insn.index] + (insn.scale ? '*' + (1 << insn.scale) : ''));
  let text = parts.join(' + ');
  const mask = insn.addrSize === 16 ? 0xffff : 0xffffffff;
  if (parts.length === 0) text = formatNumber((insn.disp & mask) >>> 0);
  else if (insn.disp > 0) text += ' + ' + formatNumber(insn.disp);
  else if (insn.disp < 0) text += ' - ' + formatNumber(-insn.disp);
  const seg = (insn.prefixes & P_SEG) !== 0 ? SREG[insn.seg] + ':' : '';
  return (size ? size + ' ptr ' : '') + seg + '[' + text + ']';
}

/** Opcodes whose imm8 is sign-extended to the operand size (83 /digit, PUSH imm8, IMUL imm8). */
const SIGN_EXTENDED_IMM8: ReadonlySet<number> = new Set([0x83, 0x6a, 0x6b]);

function operandText(form: InsnForm, shape: string, insn: Insn, address: number, second: boolean): string {
  if (shape.startsWith('r/m')) {
    return insn.mod === 3 ? regName(shapeSize(shape), insn.rm) : memText(insn, MEM_SIZE[shape] ?? '');
  }
  if (shape === 'r8' || shape === 'r16' || shape === 'r32') {
    return regName(shapeSize(shape), form.modIgnored ? insn.rm : insn.reg);
  }
  if (shape.startsWith('imm')) {
    const size = shapeSize(shape);
    // ENTER's second immediate lives in imm2.
    const value = second ? insn.imm2 : insn.imm;
    // An imm8 sign-extended into a wider operand prints signed, like capstone.
    if (size === 8 && form.map === 0 && SIGN_EXTENDED_IMM8.has(form.bytes[0])) return formatNumber(value);
    const mask = size === 8 ? 0xff : size === 16 ? 0xffff : 0xffffffff;
    return formatNumber((value & mask) >>> 0);
  }
  if (shape.startsWith('rel')) {
    const mask = insn.opSize === 16 ? 0xffff : 0xffffffff;
    return formatNumber(((address + insn.length + insn.imm) & mask) >>> 0);
  }
  if (shape.startsWith('moffs')) {
    return memText(insn, ({ moffs8: 'byte', moffs16: 'word', moffs32: 'dword' } as Record<string, string>)[shape]);
  }
  if (shape.startsWith('ptr16:')) return formatNumber(insn.imm2) + ':' + formatNumber(insn.imm >>> 0 & (shape === 'ptr16:16' ? 0xffff : 0xffffffff));
  if (shape === 'Sreg') return SREG[insn.reg] ?? '?';
  if (shape === 'CR0-CR7') return 'cr' + insn.reg;
  if (shape === 'DR0-DR7') return 'dr' + insn.reg;
  if (shape === 'ST(i)') return 'st(' + insn.reg + ')';
  if (shape === 'ST' || shape === 'ST(0)') return 'st(0)';
  if (shape in MEM_SIZE) return memText(insn, MEM_SIZE[shape]);
  return shape.toLowerCase();
}

function prefixText(form: InsnForm, insn: Insn): string {
  let text = (insn.prefixes & P_LOCK) !== 0 ? 'lock ' : '';
  if (form.rep === 'rep' && (insn.prefixes & (P_REP | P_REPNE)) !== 0) {
    text += (insn.prefixes & P_REP) !== 0 ? 'rep ' : 'repne ';
  } else if (form.rep === 'repe-repne') {
    if ((insn.prefixes & P_REP) !== 0) text += 'repe ';
    else if ((insn.prefixes & P_REPNE) !== 0) text += 'repne ';
  }
  return text;
}

/** The mnemonic as printed (lowercase, capstone's name where it differs from the SDM's). */
export function mnemonicOf(form: InsnForm): string {
  return NAME_BY_INSTRUCTION[form.instruction] ?? form.mnemonic.toLowerCase();
}

/** Formats a successfully decoded instruction located at `address`. */
export function formatInsn(insn: Insn, address: number): string {
  const form = FORMS[insn.form];
  let imms = 0;
  const ops = form.operands.map((shape) => operandText(form, shape, insn, address, shape.startsWith('imm') && imms++ > 0));
  const text = prefixText(form, insn) + mnemonicOf(form);
  return ops.length > 0 ? text + ' ' + ops.join(', ') : text;
}
