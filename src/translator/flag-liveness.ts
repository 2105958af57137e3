// Dead-flag elimination: the arithmetic flags an instruction leaves are dead
// when a later instruction of the same block overwrites all six before
// anything can observe them. Observers are flag readers, anything that may
// fault (a fault hands the flags to the guest's handler) and the block's end,
// so only register-to-register forms that neither read nor write the flags
// may stand between the two, and the overwriting form must itself be one
// that cannot fault.
import { FORMS } from '../arch/table.js';
import { ARITH } from '../arch/flags.js';
import type { CachedInsn } from '../interp/cached-insn.js';

/** Forms that set all six arithmetic flags (a lazy record with mask ARITH) without reading any (not ADC/SBB). */
const FULL_WRITERS = new Set(['ADD', 'SUB', 'CMP', 'NEG', 'AND', 'OR', 'XOR', 'TEST']);
/** Forms that touch no flag and, without a memory access, cannot fault. */
const TRANSPARENT = new Set(['MOV', 'MOVZX', 'MOVSX', 'XCHG', 'NOT', 'BSWAP', 'NOP', 'CBW', 'CWDE', 'CWD', 'CDQ', 'LEA']);

function registerOnly(i: CachedInsn, mnemonic: string): boolean {
  return !i.hasMem || mnemonic === 'LEA';
}

function isFullWriter(i: CachedInsn): boolean {
  const f = FORMS[i.form];
  return f !== undefined && f.cls === 'innocuous' && FULL_WRITERS.has(f.mnemonic) && !i.hasMem && (f.reads & ARITH) === 0;
}

function isTransparent(i: CachedInsn): boolean {
  const f = FORMS[i.form];
  if (f === undefined || f.cls !== 'innocuous' || !TRANSPARENT.has(f.mnemonic) || !registerOnly(i, f.mnemonic)) return false;
  return ((f.reads | f.writes | f.undef) & ARITH) === 0;
}

/** True when the flags instruction `k` of `insns` leaves can never be observed. */
export function flagsDeadAfter(insns: readonly CachedInsn[], k: number): boolean {
  for (let j = k + 1; j < insns.length; j++) {
    if (isFullWriter(insns[j])) return true;
    if (!isTransparent(insns[j])) return false;
  }
  return false;
}
