// Encodings capstone decodes as instructions the modeled CPU does not have
// (docs/cpu-model.md): later extensions (MMX, SSE…, AVX, VMX, CET…), UD0/UD1,
// and the undocumented x87 aliases the SDM's x87 tables leave blank.
// x86dbt must call these INVALID (#UD); when it does, the case passes and is
// counted under its category.

import type { CapstoneResult } from './capstone.js';
import { viewEncoding } from './encoding.js';

/** Any SIMD, mask or bound register in the operands means an extension. */
const EXTENSION_REGISTER = /\b(?:[xyz]?mm\d+|k[0-7]|bnd[0-3])\b/;

const CATEGORY_BY_MNEMONIC: ReadonlyMap<string, string> = buildMnemonicTable({
  'SIMD state and control (MMX/SSE/AVX)': [
    'emms', 'femms', 'ldmxcsr', 'stmxcsr', 'fxsave', 'fxrstor', 'xsave', 'xsavec', 'xsaveopt', 'xsaves',
    'xrstor', 'xrstors', 'xgetbv', 'xsetbv', 'sfence', 'lfence', 'mfence', 'movnti', 'maskmovq', 'fisttp',
  ],
  'fast system call (SYSENTER/SYSCALL…)': ['sysenter', 'sysexit', 'syscall', 'sysret'],
  'cache control and prefetch hints': [
    'clflush', 'clflushopt', 'clwb', 'cldemote', 'prefetch', 'prefetchw', 'prefetchwt1', 'prefetchnta',
    'prefetcht0', 'prefetcht1', 'prefetcht2', 'wbnoinvd', 'clzero',
  ],
  'bit and byte extensions (POPCNT, LZCNT, MOVBE…)': [
    'popcnt', 'lzcnt', 'tzcnt', 'movbe', 'crc32', 'adcx', 'adox', 'andn', 'bextr', 'blsi', 'blsmsk', 'blsr',
  ],
  'random numbers, TSC and PKU extensions': ['rdrand', 'rdseed', 'rdpid', 'rdtscp', 'rdpkru', 'wrpkru'],
  'virtualization and security extensions (VMX, SVM, SMX, SMAP, CET, TSX)': [
    'vmcall', 'vmlaunch', 'vmresume', 'vmxoff', 'vmxon', 'vmclear', 'vmptrld', 'vmptrst', 'vmread', 'vmwrite',
    'vmfunc', 'invept', 'invvpid', 'invpcid', 'getsec', 'vmrun', 'vmload', 'vmsave', 'vmmcall', 'stgi', 'clgi',
    'skinit', 'invlpga', 'clac', 'stac', 'monitor', 'mwait', 'monitorx', 'mwaitx', 'rdsspd', 'wrssd', 'wrussd',
    'incsspd', 'saveprevssp', 'rstorssp', 'setssbsy', 'clrssbsy', 'endbr32', 'endbr64', 'xbegin', 'xend',
    'xabort', 'xtest', 'ptwrite', 'umonitor', 'umwait', 'tpause', 'movdiri', 'movdir64b', 'enqcmd', 'enqcmds',
    'serialize', 'encls', 'enclu', 'enclv', 'swapgs', 'pconfig', 'rdpru', 'mcommit', 'invlpgb', 'tlbsync', 'psmash',
    'pvalidate', 'rmpadjust', 'rmpupdate', 'seamcall', 'seamret', 'seamops', 'tdcall', 'uiret', 'testui', 'clui',
    'stui', 'senduipi', 'xsusldtrk', 'xresldtrk', 'hreset', 'cmpxchg16b',
  ],
  'VIA PadLock': ['xstore', 'xcryptecb', 'xcryptcbc', 'xcryptctr', 'xcryptcfb', 'xcryptofb', 'xsha1', 'xsha256', 'montmul'],
  // docs/cpu-model.md: the x87 aliases stay #UD (SALC, TEST F6/F7 /1, SAL /6 and 82 are modeled)
  'undocumented x87 aliases (blank in the SDM x87 tables)': ['ffreep', 'fstpnce', 'feni8087_nop', 'fdisi8087_nop', 'fsetpm'],
  'UD0/UD1 (defined to raise #UD)': ['ud0', 'ud1'],
});

function buildMnemonicTable(groups: Record<string, string[]>): ReadonlyMap<string, string> {
  const table = new Map<string, string>();
  for (const [category, names] of Object.entries(groups)) for (const n of names) table.set(n, category);
  return table;
}

/**
 * The out-of-model category of what capstone decoded, or null when it is an
 * instruction of the modeled CPU. `mnemonic` is capstone's, prefix words removed.
 */
export function outOfModelCategory(bytes: Uint8Array, cs: CapstoneResult, mnemonic: string): string | null {
  if (EXTENSION_REGISTER.test(cs.opStr)) return 'SIMD instructions (MMX/SSE/AVX/3DNow!/MPX registers)';
  // VEX-encoded AVX, and SSE conversions whose memory forms name no SIMD register (CVTSS2SI r32, m32)
  if ((mnemonic.startsWith('v') && !mnemonic.startsWith('ver')) || mnemonic.startsWith('cvt')) {
    return 'SIMD instructions (MMX/SSE/AVX/3DNow!/MPX registers)';
  }
  const byName = CATEGORY_BY_MNEMONIC.get(mnemonic);
  if (byName !== undefined) return byName;
  const { opcodeAt } = viewEncoding(bytes);
  const op = bytes[opcodeAt];
  // Group 7 (0F 01): on P6 the register forms of /0-/3 and /7 and all of /5 are undefined; later CPUs put
  // VMX, SVM, MONITOR/MWAIT, XGETBV, SWAPGS, RDTSCP, PKU, CET… there.
  const modrm = bytes[opcodeAt + 2] ?? 0;
  if (op === 0x0f && bytes[opcodeAt + 1] === 0x01 && ((modrm >> 3) & 7) !== 4 && ((modrm >> 3) & 7) !== 6) {
    if (modrm >= 0xc0 || ((modrm >> 3) & 7) === 5) return 'virtualization and security extensions (VMX, SVM, SMX, SMAP, CET, TSX)';
  }
  // Group 16 (0F 18): PREFETCHh came with SSE; the model leaves the whole row undefined.
  if (op === 0x0f && bytes[opcodeAt + 1] === 0x18) return 'cache control and prefetch hints';
  return null;
}

/** Later extensions capstone decodes in encodings that, on the modeled CPU, are the base instruction with an ignored REP prefix. */
const PREFIXED_EXTENSION_BASE: Readonly<Record<string, string>> = {
  tzcnt: 'bsf', // F3 0F BC: SDM TZCNT: "on processors that do not support TZCNT, the instruction byte encoding is executed as BSF"
  lzcnt: 'bsr', // F3 0F BD: SDM LZCNT: same wording, executed as BSR
  wbnoinvd: 'wbinvd', // F3 0F 09: SDM WBNOINVD: "on processors that do not support WBNOINVD … executed as WBINVD"
};

/** Capstone's names for what later CPUs put into the 0F 19-0F 1E reserved-NOP rows (MPX, CLDEMOTE, CET). */
const RESERVED_NOP_EXTENSION = /^(?:bnd\w+|cldemote|endbr32|endbr64|rdsspd|rdsspq|incsspd|nop)$/;

export const LEGACY_RESERVED_NOP = 'reserved-NOP rows 0F 19-0F 1E (MPX, CLDEMOTE, CET on later CPUs): NOP on the modeled CPU';
export const LEGACY_IGNORED_REP = 'F3-selected extensions (TZCNT, LZCNT, WBNOINVD): BSF, BSR, WBINVD with an ignored REP on the modeled CPU';

/**
 * When x86dbt decodes the bytes as an instruction of the modeled CPU and capstone
 * as a later extension placed where older CPUs had that instruction (or rejects a
 * reserved NOP), the category of that difference; null otherwise.
 */
export function legacyMeaningCategory(
  bytes: Uint8Array,
  cs: CapstoneResult | null,
  csMnemonic: string,
  ours: { length: number; mnemonic: string },
): string | null {
  const { opcodeAt } = viewEncoding(bytes);
  const op2 = bytes[opcodeAt + 1] ?? -1;
  if (bytes[opcodeAt] === 0x0f && op2 >= 0x19 && op2 <= 0x1e && ours.mnemonic === 'nop') {
    if (cs === null || (cs.size === ours.length && RESERVED_NOP_EXTENSION.test(csMnemonic))) return LEGACY_RESERVED_NOP;
  }
  if (cs !== null && cs.size === ours.length && PREFIXED_EXTENSION_BASE[csMnemonic] === ours.mnemonic) return LEGACY_IGNORED_REP;
  return null;
}
