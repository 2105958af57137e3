// Encodings the SDM calls reserved, where any answer conforms: REP/REPNE
// before a non-string instruction. SDM Vol. 2 §2.1.1: "Use of repeat prefixes
// and/or undefined opcodes with other Intel 64 or IA-32 instructions is
// reserved; such use may cause unpredictable behavior." The modeled CPU does
// what P6 processors do and ignores the prefix; capstone rejects some such
// combinations. Counted on their own line, not as failures.

import type { CapstoneResult } from './capstone.js';
import { viewEncoding } from './encoding.js';
import { capstoneMnemonic } from './mnemonics.js';

export const RESERVED_REP = 'F2/F3 before a non-string instruction (SDM 2.1.1: reserved): x86dbt ignores it, capstone rejects the bytes or misreads the operand size';

/**
 * When x86dbt decodes an instruction that capstone rejects or decodes
 * differently only because of F2/F3 prefixes (capstone's decoding of the same
 * bytes without them agrees with x86dbt: `agrees`, with the length reduced by
 * the prefixes removed), the category; else null.
 */
export function reservedPrefixCategory(
  bytes: Uint8Array,
  ours: { length: number; mnemonic: string },
  capstone: (bytes: Uint8Array, address?: number) => CapstoneResult | null,
  agrees: (r: CapstoneResult, stripped: Uint8Array) => boolean,
): string | null {
  const { prefixes, opcodeAt } = viewEncoding(bytes);
  const reps = prefixes.filter((p) => p === 0xf2 || p === 0xf3).length;
  if (reps === 0 || reps === prefixes.length + 1) return null;
  const stripped = new Uint8Array(bytes.length);
  let at = 0;
  for (const p of prefixes) if (p !== 0xf2 && p !== 0xf3) stripped[at++] = p;
  stripped.set(bytes.subarray(opcodeAt), at);
  // placed `reps` bytes later, so that relative targets (next address + offset) stay the same
  const again = capstone(stripped, reps);
  if (again === null || again.size !== ours.length - reps) return null;
  return capstoneMnemonic(again.mnemonic) === ours.mnemonic && agrees(again, stripped) ? RESERVED_REP : null;
}
