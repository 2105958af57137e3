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

/** What capstone prints before a memory operand of each shape. */
const MEM_PREFIX: Readonly<Record<string, string>> = {
  'r/m8': 'byte ptr ', 'r/m16': 'word ptr ', 'r/m32': 'dword ptr ', m8: 'byte ptr ', m16: 'word ptr ', m32: 'dword ptr ',
  m64: 'qword ptr ', m: '', 'm16&32': '', 'm16&16': 'dword ptr ', 'm32&32': 'qword ptr ', 'm16:16': 'ptr ', 'm16:32': 'ptr ',
  m32fp: 'dword ptr ', m64fp: 'qword ptr ', m80fp: 'xword ptr ', m16int: 'word ptr ', m32int: 'dword ptr ', m64int: 'qword ptr ',
  m80dec: 'tbyte ptr ', m80bcd: 'tbyte ptr ', m2byte: 'word ptr ', 'm14/28byte': '', 'm94/108byte': 'dword ptr ',
  moffs8: 'byte ptr ', moffs16: 'word ptr ', moffs32: 'dword ptr ',
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

function memText(insn: Insn, prefix: string): string {
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
  return prefix + seg + '[' + text + ']';
}

/** Forms whose r/m16 register operand capstone names at the operand size. */
const SELECTOR_RM16: ReadonlySet<string> = new Set(['MOV', 'SLDT', 'STR', 'SMSW', 'LAR', 'LSL']);

const UNSIGNED_LOGIC: ReadonlySet<string> = new Set(['AND', 'OR', 'XOR']);

/** Opcodes whose imm8 is sign-extended to the operand size (83 /digit, PUSH imm8, IMUL imm8). */
const SIGN_EXTENDED_IMM8: ReadonlySet<number> = new Set([0x83, 0x6a, 0x6b]);

function operandText(form: InsnForm, shape: string, insn: Insn, address: number, second: boolean): string {
  if (shape.startsWith('r/m')) {
    if (insn.mod !== 3) return memText(insn, form.mnemonic === 'INVLPG' ? 'byte ptr ' : MEM_PREFIX[shape]);
    // A selector-sized r/m16 register prints at the operand size (capstone: "mov ss, ecx", "sldt ecx").
    const size = shape === 'r/m16' && SELECTOR_RM16.has(form.mnemonic) ? insn.opSize : shapeSize(shape);
    return regName(size, insn.rm);
  }
  if (shape === 'r8' || shape === 'r16' || shape === 'r32') {
    // BSWAP with a 16-bit operand size names the 16-bit register (its result is undefined, SDM BSWAP).
    const size = form.mnemonic === 'BSWAP' ? insn.opSize : shapeSize(shape);
    return regName(size, form.modIgnored ? insn.rm : insn.reg);
  }
  if (shape.startsWith('imm')) {
    const size = shapeSize(shape);
    // ENTER's second immediate lives in imm2 (zero-extended); capstone prints it signed.
    const value = second ? (insn.imm2 << 24) >> 24 : insn.imm;
    if (second) return formatNumber(value);
    // An imm8 sign-extended into a wider operand prints signed, like capstone,
    // except for the logical AND/OR/XOR, which capstone prints unsigned at the operand size.
    if (size === 8 && form.map === 0 && SIGN_EXTENDED_IMM8.has(form.bytes[0])) {
      if (!UNSIGNED_LOGIC.has(form.mnemonic)) return formatNumber(value);
      return formatNumber((value & (insn.opSize === 16 ? 0xffff : 0xffffffff)) >>> 0);
    }
    if (form.mnemonic === 'ENTER') return formatNumber(value);
    const mask = size === 8 ? 0xff : size === 16 ? 0xffff : 0xffffffff;
    return formatNumber((value & mask) >>> 0);
  }
  if (shape.startsWith('rel')) {
    const mask = insn.opSize === 16 ? 0xffff : 0xffffffff;
    return formatNumber(((address + insn.length + insn.imm) & mask) >>> 0);
  }
  if (shape.startsWith('ptr16:')) {
    // capstone writes "lcall sel, off" but "ljmp sel:off".
    const offset = formatNumber((insn.imm & (shape === 'ptr16:16' ? 0xffff : 0xffffffff)) >>> 0);
    return formatNumber(insn.imm2) + (form.mnemonic === 'CALL' ? ', ' : ':') + offset;
  }
  if (shape === 'Sreg') return SREG[insn.reg] ?? '?';
  if (shape === 'CR0-CR7') return 'cr' + insn.reg;
  if (shape === 'DR0-DR7') return 'dr' + insn.reg;
  if (shape === 'ST(i)') return 'st(' + insn.reg + ')';
  if (shape === 'ST' || shape === 'ST(0)') return 'st(0)';
  if (shape in MEM_PREFIX) return memText(insn, form.mnemonic === 'INVLPG' ? 'byte ptr ' : MEM_PREFIX[shape]);
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

/** Implicit operands of the string instructions, as capstone spells them: [destination, source]. */
function stringOperands(form: InsnForm, insn: Insn): string[] | null {
  const kind = form.mnemonic.slice(0, -1);
  const width = form.mnemonic.slice(-1);
  if (!['MOVS', 'CMPS', 'STOS', 'LODS', 'SCAS', 'INS', 'OUTS'].includes(kind) || !'BWD'.includes(width)) return null;
  const size = width === 'B' ? 8 : width === 'W' ? 16 : 32;
  const ptr = size === 8 ? 'byte ptr ' : size === 16 ? 'word ptr ' : 'dword ptr ';
  const names = insn.addrSize === 16 ? REG16 : REG32;
  const dst = `${ptr}es:[${names[7]}]`;
  const src = `${ptr}${(insn.prefixes & P_SEG) !== 0 ? SREG[insn.seg] + ':' : ''}[${names[6]}]`;
  const acc = regName(size, 0);
  switch (kind) {
    case 'MOVS': return [dst, src];
    case 'CMPS': return [src, dst];
    case 'STOS': return [dst, acc];
    case 'LODS': return [acc, src];
    case 'SCAS': return [acc, dst];
    case 'INS': return [dst, 'dx'];
    default: return ['dx', src];
  }
}

/** Operands capstone leaves out: the implied ST(0) of D8/DE register forms and FCOMI-family "ST". */
function visibleOperands(form: InsnForm, insn: Insn): readonly string[] {
  const ops = form.operands;
  if (ops.length === 2 && form.map === 0 && form.bytes.length === 2) {
    if (ops[0] === 'ST' || (form.bytes[0] === 0xd8 && ops[0] === 'ST(0)')) return [ops[1]];
    if (form.bytes[0] === 0xde && ops[1] === 'ST(0)') return [ops[0]];
  }
  // Reserved-NOP rows 0F 19-0F 1E, register forms: capstone shows ModRM.reg as a second operand.
  if (form.mnemonic === 'NOP' && form.map === 1 && form.bytes[1] >= 0x19 && form.bytes[1] <= 0x1e && insn.mod === 3) {
    return [ops[0], ops[0].replace('r/m', 'r')];
  }
  // XCHG (E)AX, r: capstone puts the register operand first.
  if (form.mnemonic === 'XCHG' && form.regInOpcode) return [ops[1], ops[0]];
  return ops;
}

/** Formats a successfully decoded instruction located at `address`. */
export function formatInsn(insn: Insn, address: number): string {
  const form = FORMS[insn.form];
  let imms = 0;
  const ops =
    stringOperands(form, insn) ??
    visibleOperands(form, insn).map((shape) => operandText(form, shape, insn, address, shape.startsWith('imm') && imms++ > 0));
  const text = prefixText(form, insn) + mnemonicOf(form);
  return ops.length > 0 ? text + ' ' + ops.join(', ') : text;
}
