// Reads an InsnForm's SDM operand shapes ("r/m8", "imm16", "AL", "rel32",
// "moffs32", "m16&32"…) into the roles the encoder and the case builders use.

import type { InsnForm } from '../../src/arch/types.js';

export type Operand =
  /** The ModRM r/m operand; `memOnly` for "m…" shapes. */
  | { kind: 'rm'; width: number; memOnly: boolean }
  /** A general register from ModRM.reg or from the opcode's low bits. */
  | { kind: 'reg'; width: number }
  /** A fixed register (AL, CL, AX, DX, EAX…): index in ModRM order. */
  | { kind: 'fixed'; reg: number; width: number }
  | { kind: 'imm'; width: number }
  /** The constant 1 of the shift-by-one forms. */
  | { kind: 'one' }
  | { kind: 'rel'; width: number }
  | { kind: 'moffs'; width: number }
  /** Anything the oracle does not model (Sreg, CRn, ST(i), far pointers…). */
  | { kind: 'other'; shape: string };

const REG8 = ['AL', 'CL', 'DL', 'BL', 'AH', 'CH', 'DH', 'BH'];
const REG16 = ['AX', 'CX', 'DX', 'BX', 'SP', 'BP', 'SI', 'DI'];
const REG32 = ['EAX', 'ECX', 'EDX', 'EBX', 'ESP', 'EBP', 'ESI', 'EDI'];

/** Memory-only shapes and the width of the value they hold (0 = none or several). */
const MEM_SHAPES: Readonly<Record<string, number>> = {
  m: 0,
  m8: 8,
  m16: 16,
  m32: 32,
  m64: 64,
  'm16&16': 32,
  'm16&32': 48,
  'm32&32': 64,
};

export function parseOperand(shape: string, form: InsnForm): Operand {
  const s = shape.trim();
  let m = /^r\/m(8|16|32)$/.exec(s);
  if (m) return { kind: 'rm', width: Number(m[1]), memOnly: form.modrmKind === 'mem' };
  m = /^r(8|16|32)$/.exec(s);
  if (m) {
    // "MOVZX r32, r/m8" style reg operands and +rd opcode registers alike.
    return { kind: 'reg', width: Number(m[1]) };
  }
  if (s === 'r32/m16' || s === 'r16/r32/m16') return { kind: 'other', shape: s };
  m = /^imm(8|16|32)$/.exec(s);
  if (m) return { kind: 'imm', width: Number(m[1]) };
  m = /^rel(8|16|32)$/.exec(s);
  if (m) return { kind: 'rel', width: Number(m[1]) };
  m = /^moffs(8|16|32)$/.exec(s);
  if (m) return { kind: 'moffs', width: Number(m[1]) };
  if (s === '1') return { kind: 'one' };
  const up = s.toUpperCase();
  for (const [names, width] of [
    [REG8, 8],
    [REG16, 16],
    [REG32, 32],
  ] as const) {
    const i = names.indexOf(up);
    if (i >= 0 && s === up) return { kind: 'fixed', reg: i, width };
  }
  if (s in MEM_SHAPES) return { kind: 'rm', width: MEM_SHAPES[s], memOnly: true };
  return { kind: 'other', shape: s };
}

export function parseOperands(form: InsnForm): Operand[] {
  return form.operands.map((o) => parseOperand(o, form));
}

/** The operand width of the form: the widest of its register / r/m operands, else opSize, else 32. */
export function formWidth(form: InsnForm): number {
  const ops = parseOperands(form);
  const first = ops.find((o) => o.kind === 'rm' || o.kind === 'reg' || o.kind === 'fixed' || o.kind === 'moffs');
  if (first && 'width' in first && first.width > 0 && first.width <= 32) return first.width;
  return form.opSize || 32;
}

/** The form's key in fixtures: its two SDM columns, stable across table re-orderings. */
export function formKey(form: InsnForm): string {
  return `${form.opcode}|${form.instruction}`;
}
