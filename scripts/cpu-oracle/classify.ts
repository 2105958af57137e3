// Sorts table forms into fixture families, and names the reason a form cannot
// be run by the oracle (a flat CPL-3 Linux process) when it cannot.

import type { InsnForm } from '../../src/arch/types.js';
import { parseOperands } from './operands.js';

/** Why a form is not run natively; the keys are the categories listed in docs/cpu-fixtures.md. */
export const SKIP_REASONS = {
  'not-executable': 'the table marks the form exec: false',
  x87: 'x87 floating point (not an integer form)',
  simd: 'MMX/SSE register operands',
  segment: 'loads or stores a segment register (Sreg operand, PUSH/POP Sreg, LDS/LES/LFS/LGS/LSS)',
  'far-transfer': 'far control transfer or interrupt return: changes CS, leaves the flat code segment',
  'leaves-code-page': '16-bit operand-size near transfer: truncates EIP to 16 bits, outside the code page',
  'system-table': 'reads descriptor tables or machine-status words that Linux emulates (UMIP) or that depend on the kernel GDT/LDT',
  nondeterministic: 'result depends on the machine or time (CPUID, RDTSC, RDPMC, RDRAND)',
  syscall: 'enters the kernel (SYSENTER/SYSCALL/SYSEXIT/SYSRET)',
  'debug-trap':
    'INT1 (ICEBP): its #DB reaches a Linux process through the kernel debug path, which here reports the INT1 address rather than the architectural trap EIP after it',
  io: 'I/O port access (IN/OUT/INS/OUTS): #GP(0) at CPL 3 under Linux without ioperm, kept out of the integer fixtures',
} as const;

export type SkipReason = keyof typeof SKIP_REASONS;

const SEGMENT_NAMES = new Set(['ES', 'CS', 'SS', 'DS', 'FS', 'GS']);
const SEGMENT_LOADS = new Set(['LDS', 'LES', 'LFS', 'LGS', 'LSS']);
const FAR = new Set(['RETF', 'IRET', 'IRETD', 'IRETW']);
const SYSTEM_TABLE = new Set(['SGDT', 'SIDT', 'SLDT', 'STR', 'SMSW', 'LAR', 'LSL', 'VERR', 'VERW']);
const NONDETERMINISTIC = new Set(['CPUID', 'RDTSC', 'RDTSCP', 'RDPMC', 'RDRAND', 'RDSEED']);
const SYSCALL = new Set(['SYSENTER', 'SYSEXIT', 'SYSCALL', 'SYSRET']);
const IO = new Set(['IN', 'OUT', 'INSB', 'INSW', 'INSD', 'OUTSB', 'OUTSW', 'OUTSD', 'INS', 'OUTS']);
const NEAR_TRANSFERS = new Set(['CALL', 'JMP', 'RET']);

export function skipReason(form: InsnForm): SkipReason | null {
  const mn = form.mnemonic;
  const shapes = form.operands;
  if (mn === 'WAIT' || mn === 'FWAIT' || (mn.startsWith('F') && !['FS', 'FXSAVE'].includes(mn))) return 'x87';
  if (shapes.some((s) => /^ST|fp|m80|m94|m108|m14|m28|m2byte/.test(s))) return 'x87';
  if (shapes.some((s) => /^x?mm/.test(s))) return 'simd';
  if (!form.exec) return 'not-executable';
  if (SYSCALL.has(mn)) return 'syscall';
  if (mn === 'INT1') return 'debug-trap';
  if (IO.has(mn)) return 'io';
  if (FAR.has(mn) || shapes.some((s) => /^ptr16:|^m16:(16|32)$/.test(s) && !SEGMENT_LOADS.has(mn))) return 'far-transfer';
  if (
    SEGMENT_LOADS.has(mn) ||
    shapes.some((s) => s === 'Sreg' || SEGMENT_NAMES.has(s))
  ) {
    return 'segment';
  }
  if (SYSTEM_TABLE.has(mn)) return 'system-table';
  if (NONDETERMINISTIC.has(mn)) return 'nondeterministic';
  if (form.opSize === 16 && (NEAR_TRANSFERS.has(mn) || shapes.some((s) => /^rel16$/.test(s)))) return 'leaves-code-page';
  if (parseOperands(form).some((o) => o.kind === 'rel' && o.width === 16)) return 'leaves-code-page';
  return null;
}

const FAMILY_OF: Readonly<Record<string, string>> = {};
function assign(family: string, mnemonics: string): void {
  for (const m of mnemonics.split(' ')) (FAMILY_OF as Record<string, string>)[m] = family;
}
assign('alu', 'ADD ADC SUB SBB CMP NEG INC DEC AND OR XOR TEST NOT');
assign('shift', 'SHL SAL SHR SAR ROL ROR RCL RCR SHLD SHRD');
assign('muldiv', 'MUL IMUL DIV IDIV');
assign('bcd', 'AAA AAS AAM AAD DAA DAS');
assign('bit', 'BT BTS BTR BTC BSF BSR POPCNT LZCNT TZCNT');
assign('string', 'MOVSB MOVSW MOVSD CMPSB CMPSW CMPSD STOSB STOSW STOSD LODSB LODSW LODSD SCASB SCASW SCASD MOVS CMPS STOS LODS SCAS');
assign('stack', 'PUSH POP PUSHA PUSHAD POPA POPAD PUSHF PUSHFD POPF POPFD ENTER LEAVE');
assign('control', 'JMP CALL RET LOOP LOOPE LOOPNE LOOPZ LOOPNZ JCXZ JECXZ');
assign('flags', 'CLC STC CMC CLD STD SAHF LAHF SALC');
assign('trap', 'INT INT3 INT1 INTO UD2 UD0 UD1 BOUND');
assign('xchg', 'XCHG XADD CMPXCHG CMPXCHG8B BSWAP');

/** The fixture family (shard) of a runnable form. */
export function familyOf(form: InsnForm): string {
  const mn = form.mnemonic;
  if (form.cls === 'privileged') return 'privileged';
  const known = FAMILY_OF[mn];
  if (known) return known;
  if (/^J/.test(mn)) return 'control';
  if (/^SET/.test(mn) || /^CMOV/.test(mn)) return 'cond';
  return 'move';
}
