// Long mode as an oracle for 32-bit code, for hosts that cannot execute 32-bit
// code at all (the Firecracker/PVM guest the project is developed on: a -m32
// binary is "Exec format error", a far return to the 32-bit user code selector
// faults). A 64-bit process runs the same instructions with the same
// semantics on the low 32 bits of every register, provided each instruction is
// re-encoded where long mode reads its bytes differently:
//
// - Default operand size is 32 bits in 64-bit mode, 66 gives 16 bits, and
//   without a REX prefix the 8-bit registers are AL..BH as in 32-bit mode.
//   A 32-bit register write zero-extends into the upper half; only the low 32
//   bits are compared (registers are loaded zero-extended).
// - Every memory access gets 67 (32-bit address size): the effective address
//   is computed and wrapped at 4 GiB exactly as in 32-bit mode. ModRM mod=00
//   rm=101 (absolute disp32 in 32-bit mode) is RIP-relative in 64-bit mode and
//   becomes ModRM rm=100 + SIB (base 101, no index) + disp32, which is
//   absolute. moffs forms (A0-A3) take a 4-byte offset under 67, as before.
//   String instructions and XLAT get 67 so they use ESI/EDI/ECX/EBX.
// - INC/DEC r16/r32 (40-4F) are REX prefixes in 64-bit mode: re-encoded as
//   FF /0 and FF /1 with the same register (same operation, same flags).
//   Opcode 82 (an alias of 80, SDM "82 /r") is #UD in 64-bit mode: re-encoded
//   as 80 with the same ModRM and immediate.
//
// Because re-encoding changes lengths, the start offset of every instruction
// in both encodings is kept, and a fault EIP in the 64-bit code is mapped back
// to the faulting 32-bit instruction.

import { FORMS } from '../../src/arch/table.js';
import type { InsnForm } from '../../src/arch/types.js';
import { decode } from '../../src/decoder/decode.js';
import { DecodeStatus, Insn } from '../../src/decoder/insn.js';
import { CODE_BASE } from '../../test/support/cpu-fixture.js';
import { familyOf, skipReason } from './classify.js';
import { LONG_MODE_HARNESS, runNative, type NativeInput, type NativeResult } from './native.js';

/**
 * Forms that cannot run in 64-bit mode with their 32-bit meaning, and why
 * (AMD64 APM Vol. 3, "Instructions invalid in 64-bit mode" and "reassigned
 * opcodes"; SDM Vol. 2 appendix A, opcodes marked i64 / o64 / d64).
 */
export const LONG_MODE_EXCLUDED = {
  stack:
    'PUSH POP PUSHA POPA PUSHF POPF ENTER LEAVE: the stack is 64 bits wide in long mode (PUSHA/POPA #UD); ' +
    'sequences use ESP as a plain register, never as a stack',
  bcd: 'DAA DAS AAA AAS AAM AAD: #UD in 64-bit mode',
  control: 'near and far transfers, LOOP, JCXZ: 64-bit RIP and stack, and re-encoding moves branch targets',
  trap: 'INT n, INT3, INTO (#UD in 64-bit mode), BOUND (opcode 62 is EVEX there), UD*',
  privileged: 'not run at CPL 3 by the sequences',
  ARPL: 'opcode 63 is MOVSXD in 64-bit mode',
  SALC: 'opcode D6 is #UD in 64-bit mode',
  'not-in-oracle': 'every form classify.ts skips (segment registers, LES/LDS = VEX C4/C5, far forms, I/O, x87, system tables)',
} as const;

const EXCLUDED_FAMILIES = new Set(['stack', 'bcd', 'control', 'trap', 'privileged']);

/** Why `form` cannot be run in long mode, or null when it can (possibly re-encoded). */
export function longModeExclusion(form: InsnForm): keyof typeof LONG_MODE_EXCLUDED | null {
  if (skipReason(form)) return 'not-in-oracle';
  const family = familyOf(form);
  if (EXCLUDED_FAMILIES.has(family)) return family as keyof typeof LONG_MODE_EXCLUDED;
  if (form.mnemonic === 'ARPL') return 'ARPL';
  if (form.mnemonic === 'SALC') return 'SALC';
  return null;
}

/** Legacy prefixes (SDM Vol. 2, 2.1.1). */
const PREFIXES = new Set([0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67]);
/** Instructions addressing memory without a ModRM byte: string forms and XLAT. */
const IMPLICIT_MEMORY = new Set([0xa4, 0xa5, 0xa6, 0xa7, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xd7]);

/** 32-bit code re-encoded for 64-bit mode, with both encodings' instruction start offsets. */
export interface LongModeCode {
  code: Uint8Array;
  /** Start offset of each instruction in the 32-bit code, then the code length. */
  starts32: number[];
  /** The same instructions' start offsets in `code`, then its length. */
  starts64: number[];
}

/** Re-encodes one decoded 32-bit instruction (bytes[at, at + insn.length)); returns the bytes or why it cannot. */
function reencode(bytes: Uint8Array, at: number, insn: Insn, form: InsnForm): number[] | string {
  const excluded = longModeExclusion(form);
  if (excluded) return `${form.mnemonic}: ${excluded}`;
  const end = at + insn.length;
  let p = at;
  const prefixes: number[] = [];
  while (p < end && PREFIXES.has(bytes[p])) prefixes.push(bytes[p++]);
  if (prefixes.includes(0x67)) return '67 prefix (16-bit addressing does not exist in 64-bit mode)';
  if (prefixes.includes(0x64) || prefixes.includes(0x65)) return 'FS/GS override (segment bases differ)';
  const opcode = Array.from(bytes.subarray(p, p + form.bytes.length));
  p += form.bytes.length;
  const rest = Array.from(bytes.subarray(p, end));
  const op0 = opcode[0];

  // INC/DEC r16/r32: 40+r / 48+r are REX prefixes in 64-bit mode.
  if (opcode.length === 1 && op0 >= 0x40 && op0 <= 0x4f) {
    const digit = op0 >= 0x48 ? 1 : 0;
    return [...prefixes, 0xff, 0xc0 | (digit << 3) | (op0 & 7)];
  }
  if (opcode.length === 1 && op0 === 0x82) opcode[0] = 0x80;

  let memory = insn.hasMem || (opcode.length === 1 && IMPLICIT_MEMORY.has(op0));
  if (form.hasModrm && insn.mod !== 3) {
    const modrm = rest[0];
    if ((modrm & 0xc7) === 0x05) {
      // [disp32] is RIP-relative in 64-bit mode: SIB with base 101 and no index is absolute.
      rest.splice(0, 1, (modrm & 0x38) | 0x04, 0x25);
    }
    memory = true;
  }
  const out = [...(memory ? [0x67] : []), ...prefixes, ...opcode, ...rest];
  if (out.length > 15) return 're-encoded instruction longer than 15 bytes';
  return out;
}

/** Re-encodes 32-bit code for long mode, or returns why it cannot be. */
export function toLongMode(code: Uint8Array): LongModeCode | string {
  const insn = new Insn();
  const out: number[] = [];
  const starts32: number[] = [];
  const starts64: number[] = [];
  let pos = 0;
  while (pos < code.length) {
    const status = decode(code, pos, code.length, true, insn);
    if (status !== DecodeStatus.OK) return `does not decode at ${pos} (status ${status})`;
    const bytes = reencode(code, pos, insn, FORMS[insn.form]);
    if (typeof bytes === 'string') return bytes;
    starts32.push(pos);
    starts64.push(out.length);
    out.push(...bytes);
    pos += insn.length;
  }
  starts32.push(code.length);
  starts64.push(out.length);
  return { code: Uint8Array.from(out), starts32, starts64 };
}

/** Maps an EIP in the long-mode code back to the 32-bit code (only instruction boundaries map). */
export function eipTo32(lm: LongModeCode, eip: number): number | null {
  const i = lm.starts64.indexOf((eip - CODE_BASE) >>> 0);
  return i < 0 ? null : (CODE_BASE + lm.starts32[i]) >>> 0;
}

/**
 * A NativeRunner (cases.ts) for 32-bit code on a 64-bit host: re-encodes
 * every case, runs it through harness64, and maps the end EIP back to the
 * 32-bit instruction. Throws when a case cannot be expressed in long mode or
 * stops off an instruction boundary.
 */
export function runLongMode(cases: readonly NativeInput[]): NativeResult[] {
  const encoded = cases.map((c, i) => {
    const lm = toLongMode(c.code);
    if (typeof lm === 'string') throw new Error(`case ${i}: cannot run in long mode: ${lm}`);
    return lm;
  });
  const results = runNative(
    cases.map((c, i) => ({ ...c, code: encoded[i].code })),
    LONG_MODE_HARNESS,
  );
  return results.map((r, i) => {
    const eip = eipTo32(encoded[i], r.eip);
    if (eip === null) throw new Error(`case ${i}: long-mode EIP ${(r.eip >>> 0).toString(16)} is not an instruction boundary`);
    return { ...r, eip };
  });
}
