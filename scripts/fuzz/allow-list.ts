// Capstone's own decoding errors, checked against the Intel SDM. A case that
// matches an entry counts as passed and is reported on its own line. Every
// entry is one specific encoding rule with the SDM text that decides it
// (docs/capstone-allow-list.md); nothing here may cover an x86dbt bug.

import type { CapstoneResult } from './capstone.js';
import { viewEncoding } from './encoding.js';
import { capstoneMnemonic } from './mnemonics.js';

function capstoneMnemonicOf(r: CapstoneResult): string {
  return capstoneMnemonic(r.mnemonic);
}

/** One compared case, as the allow-list sees it. */
export interface CaseView {
  bytes: Uint8Array;
  code32: boolean;
  /** x86dbt: null when it reports the bytes invalid (any non-OK status). */
  ours: { length: number; mnemonic: string; operands?: string; relative?: boolean; opSize?: number } | null;
  cs: CapstoneResult | null;
  /** Same length and mnemonic, and the operands agree once memory-operand numbers are cut to 16 bits. */
  operandsAgreeOnLow16: boolean;
  /** Capstone's canonical mnemonic (prefix words removed), or '' when it reports invalid. */
  csMnemonic: string;
  /**
   * When x86dbt rejects bytes that carry LOCK (F0): its decoding of the same
   * bytes with each F0 replaced by 3E (a prefix that changes neither length nor
   * validity), else null.
   */
  oursUnlocked: { bytes: Uint8Array; length: number; mnemonic: string; lockable: boolean; memoryOperand: boolean } | null;
  /** Asks capstone again about other bytes (same mode), placed at `address` (default 0). */
  capstone(bytes: Uint8Array, address?: number): CapstoneResult | null;
}

export interface AllowEntry {
  id: string;
  encoding: string;
  capstone: string;
  sdm: string;
  matches(c: CaseView): boolean;
}

/** The same bytes with every 67 prefix moved to the front of the prefix run (SDM 2.1.1: prefix groups may come in any order). */
function addressSizeFirst(bytes: Uint8Array): Uint8Array {
  const { opcodeAt, prefixes } = viewEncoding(bytes);
  const reordered = new Uint8Array(bytes);
  let at = 0;
  for (const p of prefixes) if (p === 0x67) reordered[at++] = p;
  for (const p of prefixes) if (p !== 0x67) reordered[at++] = p;
  return at === opcodeAt ? reordered : bytes;
}

/** True when some 67 prefix comes after an F2 or F3 prefix. */
function addressSizeAfterRep(bytes: Uint8Array): boolean {
  const { prefixes } = viewEncoding(bytes);
  const firstRep = prefixes.findIndex((p) => p === 0xf2 || p === 0xf3);
  return firstRep >= 0 && prefixes.lastIndexOf(0x67) > firstRep;
}

function opcodeAndReg(bytes: Uint8Array): { op: number; op2: number; reg: number; at: number } {
  const { opcodeAt: at } = viewEncoding(bytes);
  const op = bytes[at] ?? -1;
  const op2 = bytes[at + 1] ?? -1;
  const modrmAt = op === 0x0f ? at + 2 : at + 1;
  const reg = modrmAt < bytes.length ? (bytes[modrmAt]! >> 3) & 7 : -1;
  return { op, op2, reg, at };
}

export const ALLOW_LIST: readonly AllowEntry[] = [
  {
    id: 'lock-not-lockable',
    encoding: 'F0 (LOCK) before an instruction that is not lockable, or before a lockable one whose destination is a register',
    capstone: 'decodes some of them, e.g. F0 before x87 instructions, NOP r/m, or MOV',
    sdm: 'LOCK: "An undefined opcode exception will also be generated if the LOCK prefix is used with any instruction not in the above list" (ADD, ADC, AND, BTC, BTR, BTS, CMPXCHG, CMPXCHG8B, DEC, INC, NEG, NOT, OR, SBB, SUB, XOR, XADD, XCHG, memory destination only)',
    matches: (c) => {
      const u = c.oursUnlocked;
      if (c.ours !== null || c.cs === null || u === null || u.length !== c.cs.size || (u.lockable && u.memoryOperand)) return false;
      if (u.mnemonic === c.csMnemonic) return true;
      // the unlocked instruction may itself differ from capstone by another listed capstone error
      const unlocked: CaseView = { ...c, bytes: u.bytes, ours: { length: u.length, mnemonic: u.mnemonic }, oursUnlocked: null };
      return ALLOW_LIST.some((e) => e.id !== 'lock-not-lockable' && e.matches(unlocked));
    },
  },
  {
    id: 'mov-to-cs',
    encoding: '8E /1 (MOV Sreg, r/m16 with Sreg = CS)',
    capstone: 'decodes it as "mov cs, r/m"',
    sdm: 'MOV: "The MOV instruction cannot be used to load the CS register. Attempting to do so results in an invalid opcode exception (#UD)."',
    matches: (c) => c.ours === null && c.csMnemonic === 'mov' && opcodeAndReg(c.bytes).op === 0x8e && opcodeAndReg(c.bytes).reg === 1,
  },
  {
    id: 'mov-reserved-cr',
    encoding: '0F 20 /r, 0F 22 /r with ModRM.reg = 1, 5, 6 or 7 (CR1, CR5-CR7)',
    capstone: 'decodes them as "mov" to/from cr1, cr5, cr6, cr7',
    sdm: 'MOV—Move to/from Control Registers, Protected Mode Exceptions: "#UD … If an attempt is made to access CR1, CR5, CR6, or CR7."',
    matches: (c) => {
      const { op, op2, reg } = opcodeAndReg(c.bytes);
      return c.ours === null && c.csMnemonic === 'mov' && op === 0x0f && (op2 === 0x20 || op2 === 0x22) && [1, 5, 6, 7].includes(reg);
    },
  },
  {
    id: 'cbw-cwd-16',
    encoding: '98 and 99 with a 16-bit operand size (16-bit code without 66)',
    capstone: 'names them "cwde" and "cdq" whatever the operand size in 16-bit mode',
    sdm: 'CBW/CWDE/CDQE and CWD/CDQ/CDQE: with operand size 16 the instructions are CBW (AX ← sign-extend AL) and CWD (DX:AX ← sign-extend AX)',
    matches: (c) =>
      !c.code32 &&
      c.ours !== null &&
      ((c.ours.mnemonic === 'cbw' && c.csMnemonic === 'cwde') || (c.ours.mnemonic === 'cwd' && c.csMnemonic === 'cdq')) &&
      !viewEncoding(c.bytes).prefixes.includes(0x66) &&
      c.ours.length === c.cs?.size,
  },
  {
    id: 'rep-then-67',
    encoding: 'a 67 prefix after an F2/F3 prefix, before a two-byte (0F xx) opcode',
    capstone: 'reports the bytes invalid, but decodes the same instruction when the 67 comes before the F2/F3',
    sdm: 'Vol. 2 §2.1.1 Instruction Prefixes: "Groups 1 through 4 may be placed in any order relative to each other" (F2/F3 are group 1, 67 is group 4)',
    matches: (c) => {
      if (c.ours === null || c.cs !== null || !addressSizeAfterRep(c.bytes)) return false;
      const again = c.capstone(addressSizeFirst(c.bytes));
      return again !== null && again.size === c.ours.length && capstoneMnemonicOf(again) === c.ours.mnemonic;
    },
  },
  {
    id: 'pause-66-67',
    encoding: 'F3 90 (PAUSE) with a 66 or 67 prefix',
    capstone: 'reports the bytes invalid, while it decodes 66 90 and 67 90 (NOP) and F3 90 (PAUSE)',
    sdm: 'PAUSE (F3 90, operand encoding ZO: no operands) leaves neither an operand size nor an address size to act on, and "is backward compatible with all IA-32 processors… operates like a NOP"; capstone itself accepts 66 and 67 on NOP (90) and on other operand-less instructions',
    matches: (c) => {
      if (c.ours?.mnemonic !== 'pause' || c.cs !== null) return false;
      const { prefixes } = viewEncoding(c.bytes);
      return prefixes.includes(0x66) || prefixes.includes(0x67);
    },
  },
  {
    id: 'rel-target-addr16',
    encoding: 'a relative jump or call with a 32-bit operand size and a 16-bit address size (67 in 32-bit code; 66 without 67 in 16-bit code)',
    capstone: 'prints the target cut to its low 16 bits (sign-extended), as if the address size decided the width of EIP',
    sdm: 'JMP/Jcc/CALL Operation: the target is truncated to 16 bits only "IF OperandSize = 16" (EIP ← tempEIP AND 0000FFFFH); the address size plays no part (for JCXZ/LOOP it selects CX or ECX)',
    matches: (c) => {
      if (!c.ours?.relative || c.ours.opSize !== 32 || c.cs === null || c.ours.mnemonic !== c.csMnemonic || c.ours.length !== c.cs.size) return false;
      const has67 = viewEncoding(c.bytes).prefixes.includes(0x67);
      if (c.code32 !== has67) return false; // the address size is 32 bits: capstone gets these right
      const ours = Number.parseInt(c.ours.operands ?? '', 16);
      const theirs = Number.parseInt(c.cs.opStr, 16);
      const high = theirs >>> 16;
      return Number.isFinite(ours) && Number.isFinite(theirs) && (ours & 0xffff) === (theirs & 0xffff) && (high === 0 || high === 0xffff);
    },
  },
  {
    id: 'disp-print-16',
    encoding: 'a memory operand with no base register (16-bit mod 00 r/m 110; 32-bit mod 00 r/m 101, or SIB base 101) whose address size differs from the code size (67)',
    capstone: 'prints a 32-bit displacement cut to 16 bits in 16-bit code, and a 16-bit displacement sign-extended to 32 bits in 32-bit code; the length is right',
    sdm: 'Vol. 2 §2.1.5, Tables 2-1 and 2-2: with 32-bit addressing mod 00 r/m 101 is a disp32; with 16-bit addressing mod 00 r/m 110 is a disp16 and the effective address is 16 bits wide',
    matches: (c) => {
      if (!c.operandsAgreeOnLow16 || !viewEncoding(c.bytes).prefixes.includes(0x67)) return false;
      const { op, at } = opcodeAndReg(c.bytes);
      const modrmAt = op === 0x0f ? at + 2 : at + 1;
      const modrm = c.bytes[modrmAt] ?? 0;
      if (modrm >> 6 !== 0) return false;
      // 67 flips the address size away from the code size
      if (c.code32) return (modrm & 7) === 6;
      return (modrm & 7) === 5 || ((modrm & 7) === 4 && ((c.bytes[modrmAt + 1] ?? 0) & 7) === 5); // disp32, or SIB with no base
    },
  },
];
