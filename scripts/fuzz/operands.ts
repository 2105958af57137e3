// Operand comparison: x86dbt's formatter (src/decoder/format.ts, Intel syntax
// in capstone's style) against capstone's operand string. Presentation
// differences are removed; registers, addressing forms, segment overrides and
// numbers must agree. Numbers are compared modulo the width they were encoded
// in (one side may print 0xffffffc7 and the other -0x39 for the same imm8).

import type { InsnForm } from '../../src/arch/types.js';

const STRING_MNEMONICS = /^(?:movs|cmps|stos|lods|scas|ins|outs)[bwd]$/;
const SIZE_WORD = /^(byte|word|dword|qword|tbyte|xword|fword|xmmword) /;

interface Operand {
  /** Size keyword ("dword"), or '' when the side printed none. */
  size: string;
  /** The operand with numbers replaced by '#'. */
  shape: string;
  numbers: number[];
}

function parseOperand(text: string): Operand {
  let t = text.trim().toLowerCase();
  let size = '';
  const m = SIZE_WORD.exec(t);
  if (m) {
    size = m[1]!;
    t = t.slice(m[0].length);
  }
  t = t.replace(/^ptr /, '');
  const numbers: number[] = [];
  // st(0) and dr0/cr0 keep their digits: they are register names, not numbers
  const shape = t.replace(/(st\(\d\)|[cd]r\d)|(-?0x[0-9a-f]+|-?\b\d+\b)/g, (whole, reg: string | undefined) => {
    if (reg !== undefined) return reg;
    numbers.push(whole.startsWith('-') ? -Number(whole.slice(1)) : Number(whole));
    return '#';
  });
  return { size, shape, numbers };
}

function splitOperands(s: string): string[] {
  const t = s.trim();
  return t === '' ? [] : t.split(/,\s*/);
}

/** Same value in some encoded width: equal modulo 2^w for the smallest w (8, 16, 32) that holds both. */
function sameNumber(a: number, b: number): boolean {
  if (a === b) return true;
  for (const w of [8, 16, 32]) {
    const lim = 2 ** w;
    if (Math.abs(a) < lim && Math.abs(b) < lim) return ((a - b) % lim + lim) % lim === 0;
  }
  return false;
}

export interface OperandContext {
  form: InsnForm;
  /** Canonical mnemonic (mnemonics.ts). */
  mnemonic: string;
  opSize: number;
  /** Compare memory-operand numbers on their low 16 bits only (for the allow-list entry disp-print-16). */
  lowSixteen: boolean;
}

/** Null when the operands agree, else a short reason. */
export function compareOperands(ours: string, theirs: string, ctx: OperandContext): string | null {
  // String instructions: capstone prints the implicit operands, the SDM short forms have none.
  if (STRING_MNEMONICS.test(ctx.mnemonic) || ctx.mnemonic === 'xlatb') return null;
  let a = splitOperands(ours);
  let b = splitOperands(theirs);
  // Far pointers: capstone writes "sel, off" for lcall and "sel:off" for ljmp.
  if (ctx.form.operands.some((o) => o.startsWith('ptr16:'))) {
    a = [a.join(':').replace(/\s/g, '')];
    b = [b.join(':').replace(/\s/g, '')];
  }
  // Shift/rotate by 1 (D0-D3 /r): capstone omits the implicit count.
  if (a.length === b.length + 1 && a[a.length - 1] === '1' && ctx.form.operands[ctx.form.operands.length - 1] === '1') a = a.slice(0, -1);
  // x87 forms with ST(0) first: capstone omits the implicit "st(0)" in the D8 register forms.
  if (a.length === b.length + 1 && a[0] === 'st(0)') a = a.slice(1);
  // XCHG is symmetric; the table puts the accumulator first, capstone last.
  if (ctx.mnemonic === 'xchg') {
    a = [...a].sort();
    b = [...b].sort();
  }
  if (a.length !== b.length) return `operand count ${a.length} vs ${b.length}`;
  const isRel = ctx.form.operands.some((o) => o.startsWith('rel'));
  for (let i = 0; i < a.length; i++) {
    const x = parseOperand(a[i]!);
    const y = parseOperand(b[i]!);
    if (x.shape !== y.shape) return `operand ${i + 1}: "${a[i]}" vs "${b[i]}"`;
    if (x.size !== '' && y.size !== '' && x.size !== y.size) return `operand ${i + 1} size: ${x.size} vs ${y.size}`;
    for (let k = 0; k < x.numbers.length; k++) {
      let p = x.numbers[k]!;
      let q = y.numbers[k]!;
      if (isRel || (ctx.lowSixteen && x.shape.includes('['))) {
        // relative targets wrap at the operand size (SDM Jcc: "IF OperandSize = 16 THEN EIP ← EIP AND 0000FFFFH")
        const mask = isRel && ctx.opSize === 32 ? 0xffffffff : 0xffff;
        p = (p & mask) >>> 0;
        q = (q & mask) >>> 0;
      }
      if (!sameNumber(p, q)) return `operand ${i + 1}: "${a[i]}" vs "${b[i]}"`;
    }
  }
  return null;
}
