// Encodings the SDM calls reserved, where any answer conforms: REP/REPNE
// before a non-string instruction. SDM Vol. 2 §2.1.1: "Use of repeat prefixes
// and/or undefined opcodes with other Intel 64 or IA-32 instructions is
// reserved; such use may cause unpredictable behavior." The modeled CPU does
// what P6 processors do and ignores the prefix; capstone rejects some such
// combinations. Counted on their own line, not as failures.

import type { CapstoneResult } from './capstone.js';
import { viewEncoding } from './encoding.js';
import { capstoneMnemonic } from './mnemonics.js';

export const RESERVED_REP = 'F2/F3 before a non-string instruction (SDM 2.1.1: reserved); x86dbt ignores it, capstone rejects';

/**
 * When x86dbt decodes an instruction that capstone rejects only because of
 * F2/F3 prefixes (capstone decodes the same bytes without them as the same
 * mnemonic with the same remaining length), the category; else null.
 */
export function reservedPrefixCategory(
  bytes: Uint8Array,
  ours: { length: number; mnemonic: string },
  capstone: (bytes: Uint8Array) => CapstoneResult | null,
): string | null {
  const { prefixes, opcodeAt } = viewEncoding(bytes);
  const reps = prefixes.filter((p) => p === 0xf2 || p === 0xf3).length;
  if (reps === 0 || reps === prefixes.length + 1) return null;
  const stripped = new Uint8Array(bytes.length);
  let at = 0;
  for (const p of prefixes) if (p !== 0xf2 && p !== 0xf3) stripped[at++] = p;
  stripped.set(bytes.subarray(opcodeAt), at);
  const again = capstone(stripped);
  if (again === null || again.size !== ours.length - reps) return null;
  return capstoneMnemonic(again.mnemonic) === ours.mnemonic ? RESERVED_REP : null;
}
