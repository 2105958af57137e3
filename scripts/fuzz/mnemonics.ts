// Mnemonic comparison between x86dbt (SDM mnemonics from the instruction table
// plus the effective operand size) and capstone (its own names). Both sides
// are reduced to one canonical lower-case spelling; every rule below is a
// naming difference only, never a difference in what the bytes mean.

import type { InsnForm } from '../../src/arch/types.js';

/** Prefix words capstone writes into the mnemonic ("rep movsb", "lock add", "bnd jmp"). */
const PREFIX_WORDS = new Set(['rep', 'repe', 'repz', 'repne', 'repnz', 'lock', 'bnd', 'notrack', 'xacquire', 'xrelease']);

/** SDM condition-code aliases → the one spelling capstone prints (Jcc/SETcc/CMOVcc pages). */
const CC_ALIAS: Readonly<Record<string, string>> = {
  z: 'e', nz: 'ne', c: 'b', nae: 'b', nb: 'ae', nc: 'ae', na: 'be', nbe: 'a',
  pe: 'p', po: 'np', nge: 'l', nl: 'ge', ng: 'le', nle: 'g',
};
const CC_PREFIXES = ['cmov', 'set', 'j'];

/** Capstone names that differ from the canonical spelling used here. */
const CAPSTONE_ALIAS: Readonly<Record<string, string>> = {
  pushal: 'pushad', popal: 'popad', pushaw: 'pusha', popaw: 'popa',
  ljmp: 'jmp', lcall: 'call',
  fcompi: 'fcomip', fucompi: 'fucomip',
  sal: 'shl',
  fwait: 'wait',
};

/** SDM names (lower case) that differ from the canonical spelling. */
const SDM_ALIAS: Readonly<Record<string, string>> = {
  fwait: 'wait', icebp: 'int1', xlat: 'xlatb', sal: 'shl',
  loopz: 'loope', loopnz: 'loopne',
};

const STRING_OPS = new Set(['movs', 'cmps', 'stos', 'lods', 'scas', 'ins', 'outs']);

/** Mnemonics whose SDM name depends on the operand size: [16-bit name, 32-bit name]. */
const BY_OPERAND_SIZE: Readonly<Record<string, readonly [string, string]>> = {
  pusha: ['pusha', 'pushad'], pushad: ['pusha', 'pushad'],
  popa: ['popa', 'popad'], popad: ['popa', 'popad'],
  pushf: ['pushf', 'pushfd'], pushfd: ['pushf', 'pushfd'],
  popf: ['popf', 'popfd'], popfd: ['popf', 'popfd'],
  iret: ['iret', 'iretd'], iretd: ['iret', 'iretd'],
  cbw: ['cbw', 'cwde'], cwde: ['cbw', 'cwde'],
  cwd: ['cwd', 'cdq'], cdq: ['cwd', 'cdq'],
};

function canonicalCondition(m: string): string {
  for (const p of CC_PREFIXES) {
    if (m.startsWith(p)) {
      const alias = CC_ALIAS[m.slice(p.length)];
      if (alias !== undefined) return p + alias;
    }
  }
  return m;
}

/** Canonical spelling of capstone's mnemonic, prefix words removed. */
export function capstoneMnemonic(mnemonic: string): string {
  const words = mnemonic.split(' ');
  let i = 0;
  while (i < words.length - 1 && PREFIX_WORDS.has(words[i]!)) i++;
  const m = words.slice(i).join(' ');
  return CAPSTONE_ALIAS[m] ?? m;
}

/** Canonical spelling of the x86dbt mnemonic for a decoded instruction (its form, operand size, register field). */
export function oursMnemonic(form: InsnForm, insn: { opSize: number; reg: number }): string {
  const opSize = insn.opSize;
  let m = form.mnemonic.toLowerCase();
  m = SDM_ALIAS[m] ?? m;
  const sized = BY_OPERAND_SIZE[m];
  if (sized) return sized[opSize === 32 ? 1 : 0];
  const base = STRING_OPS.has(m) ? m : /[bwd]$/.test(m) && STRING_OPS.has(m.slice(0, -1)) ? m.slice(0, -1) : null;
  if (base !== null) {
    const byteSized = m.endsWith('b') && m !== base ? true : form.operands.some((o) => /8$|^AL$/i.test(o));
    return base + (byteSized ? 'b' : opSize === 32 ? 'd' : 'w');
  }
  // 90 (XCHG (E)AX, (E)AX) is NOP, and capstone names it so (SDM NOP: the one-byte form is an alias mnemonic of XCHG (E)AX, (E)AX)
  if (m === 'xchg' && form.regInOpcode && form.bytes[0] === 0x90 && insn.reg === 0) return 'nop';
  // CA/CB: the SDM names far returns RET too; capstone says retf
  if (m === 'ret' && (form.bytes[0] === 0xca || form.bytes[0] === 0xcb)) return 'retf';
  return canonicalCondition(m);
}
