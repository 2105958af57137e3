// One-byte map, everything but the ALU/shift groups (rows-alu.ts,
// rows-shift.ts) and the x87 escapes D8-DF (rows-x87.ts). SDM Vol. 2 Table
// A-2 and the instruction pages. Classes after Robin & Irvine (DESIGN.md):
// segment-register moves, far transfers, pushf/popf, iret and int n are
// sensitive; I/O, cli/sti and hlt are privileged (IOPL- or CPL-checked).
import type { RowSpec } from './types.js';

const ALL = 'OSZAPCDITNRLVXJ';
const SENS = { cls: 'sensitive' } as const;
const PRIV = { cls: 'privileged' } as const;
const CTRL = { cls: 'control', endsBlock: true } as const;
/** Far transfers and interrupts: sensitive, may change CS, always end the block. */
const FAR = { cls: 'sensitive', endsBlock: true } as const;

export const ONE_BYTE_ROWS: readonly RowSpec[] = [
  // Segment register push/pop. POP SS starts an interrupt shadow and can
  // change the stack size (SS.B), so it ends the block.
  { opcode: '06', instruction: 'PUSH ES', ...SENS },
  { opcode: '07', instruction: 'POP ES', ...SENS },
  { opcode: '0E', instruction: 'PUSH CS', ...SENS },
  { opcode: '16', instruction: 'PUSH SS', ...SENS },
  { opcode: '17', instruction: 'POP SS', ...SENS, endsBlock: true },
  { opcode: '1E', instruction: 'PUSH DS', ...SENS },
  { opcode: '1F', instruction: 'POP DS', ...SENS },

  // BCD adjust (SDM DAA/DAS/AAA/AAS/AAM/AAD).
  { opcode: '27', instruction: 'DAA', reads: 'AC', writes: 'SZAPC', undef: 'O' },
  { opcode: '2F', instruction: 'DAS', reads: 'AC', writes: 'SZAPC', undef: 'O' },
  { opcode: '37', instruction: 'AAA', reads: 'A', writes: 'AC', undef: 'OSZP' },
  { opcode: '3F', instruction: 'AAS', reads: 'A', writes: 'AC', undef: 'OSZP' },
  { opcode: 'D4 ib', instruction: 'AAM imm8', writes: 'SZP', undef: 'OAC' },
  { opcode: 'D5 ib', instruction: 'AAD imm8', writes: 'SZP', undef: 'OAC' },

  { opcode: '50+rw', instruction: 'PUSH r16', opSize: 16 },
  { opcode: '50+rd', instruction: 'PUSH r32', opSize: 32 },
  { opcode: '58+rw', instruction: 'POP r16', opSize: 16 },
  { opcode: '58+rd', instruction: 'POP r32', opSize: 32 },
  { opcode: '60', instruction: 'PUSHA', opSize: 16 },
  { opcode: '60', instruction: 'PUSHAD', opSize: 32 },
  { opcode: '61', instruction: 'POPA', opSize: 16 },
  { opcode: '61', instruction: 'POPAD', opSize: 32 },
  { opcode: '62 /r', instruction: 'BOUND r16, m16&16', opSize: 16 },
  { opcode: '62 /r', instruction: 'BOUND r32, m32&32', opSize: 32 },
  { opcode: '63 /r', instruction: 'ARPL r/m16, r16', writes: 'Z' },
  { opcode: '68 iw', instruction: 'PUSH imm16', opSize: 16 },
  { opcode: '68 id', instruction: 'PUSH imm32', opSize: 32 },
  { opcode: '69 /r iw', instruction: 'IMUL r16, r/m16, imm16', opSize: 16, writes: 'OC', undef: 'SZAP' },
  { opcode: '69 /r id', instruction: 'IMUL r32, r/m32, imm32', opSize: 32, writes: 'OC', undef: 'SZAP' },
  { opcode: '6A ib', instruction: 'PUSH imm8' },
  { opcode: '6B /r ib', instruction: 'IMUL r16, r/m16, imm8', opSize: 16, writes: 'OC', undef: 'SZAP' },
  { opcode: '6B /r ib', instruction: 'IMUL r32, r/m32, imm8', opSize: 32, writes: 'OC', undef: 'SZAP' },

  // String I/O: IOPL-sensitive (or I/O-bitmap checked), hence privileged.
  { opcode: '6C', instruction: 'INSB', rep: 'rep', reads: 'D', ...PRIV },
  { opcode: '6D', instruction: 'INSW', opSize: 16, rep: 'rep', reads: 'D', ...PRIV },
  { opcode: '6D', instruction: 'INSD', opSize: 32, rep: 'rep', reads: 'D', ...PRIV },
  { opcode: '6E', instruction: 'OUTSB', rep: 'rep', reads: 'D', ...PRIV },
  { opcode: '6F', instruction: 'OUTSW', opSize: 16, rep: 'rep', reads: 'D', ...PRIV },
  { opcode: '6F', instruction: 'OUTSD', opSize: 32, rep: 'rep', reads: 'D', ...PRIV },

  // Jcc rel8 (SDM "Jcc"); the mnemonic is the one capstone prints.
  { opcode: '70 cb', instruction: 'JO rel8', reads: 'O', ...CTRL },
  { opcode: '71 cb', instruction: 'JNO rel8', reads: 'O', ...CTRL },
  { opcode: '72 cb', instruction: 'JB rel8', reads: 'C', ...CTRL },
  { opcode: '73 cb', instruction: 'JAE rel8', reads: 'C', ...CTRL },
  { opcode: '74 cb', instruction: 'JE rel8', reads: 'Z', ...CTRL },
  { opcode: '75 cb', instruction: 'JNE rel8', reads: 'Z', ...CTRL },
  { opcode: '76 cb', instruction: 'JBE rel8', reads: 'ZC', ...CTRL },
  { opcode: '77 cb', instruction: 'JA rel8', reads: 'ZC', ...CTRL },
  { opcode: '78 cb', instruction: 'JS rel8', reads: 'S', ...CTRL },
  { opcode: '79 cb', instruction: 'JNS rel8', reads: 'S', ...CTRL },
  { opcode: '7A cb', instruction: 'JP rel8', reads: 'P', ...CTRL },
  { opcode: '7B cb', instruction: 'JNP rel8', reads: 'P', ...CTRL },
  { opcode: '7C cb', instruction: 'JL rel8', reads: 'SO', ...CTRL },
  { opcode: '7D cb', instruction: 'JGE rel8', reads: 'SO', ...CTRL },
  { opcode: '7E cb', instruction: 'JLE rel8', reads: 'ZSO', ...CTRL },
  { opcode: '7F cb', instruction: 'JG rel8', reads: 'ZSO', ...CTRL },

  { opcode: '86 /r', instruction: 'XCHG r/m8, r8', lock: true },
  { opcode: '87 /r', instruction: 'XCHG r/m16, r16', opSize: 16, lock: true },
  { opcode: '87 /r', instruction: 'XCHG r/m32, r32', opSize: 32, lock: true },
  { opcode: '88 /r', instruction: 'MOV r/m8, r8' },
  { opcode: '89 /r', instruction: 'MOV r/m16, r16', opSize: 16 },
  { opcode: '89 /r', instruction: 'MOV r/m32, r32', opSize: 32 },
  { opcode: '8A /r', instruction: 'MOV r8, r/m8' },
  { opcode: '8B /r', instruction: 'MOV r16, r/m16', opSize: 16 },
  { opcode: '8B /r', instruction: 'MOV r32, r/m32', opSize: 32 },
  // Sreg is ModRM.reg 0-5; loading CS with MOV is #UD (SDM MOV). MOV to SS
  // starts an interrupt shadow and can change SS.B: it ends the block.
  { opcode: '8C /r', instruction: 'MOV r/m16, Sreg', ...SENS },
  { opcode: '8D /r', instruction: 'LEA r16, m', opSize: 16 },
  { opcode: '8D /r', instruction: 'LEA r32, m', opSize: 32 },
  { opcode: '8E /r', instruction: 'MOV Sreg, r/m16', ...SENS, endsBlock: true },
  { opcode: '8F /0', instruction: 'POP r/m16', opSize: 16 },
  { opcode: '8F /0', instruction: 'POP r/m32', opSize: 32 },

  // 90 is NOP even with 66 (XCHG AX, AX). F3 90 is PAUSE: the SDM documents it
  // as backward compatible, running as a NOP on processors before Pentium 4.
  { opcode: '90', instruction: 'NOP' },
  { opcode: 'F3 90', instruction: 'PAUSE' },
  { opcode: '90+rw', instruction: 'XCHG AX, r16', opSize: 16 },
  { opcode: '90+rd', instruction: 'XCHG EAX, r32', opSize: 32 },
  { opcode: '98', instruction: 'CBW', opSize: 16 },
  { opcode: '98', instruction: 'CWDE', opSize: 32 },
  { opcode: '99', instruction: 'CWD', opSize: 16 },
  { opcode: '99', instruction: 'CDQ', opSize: 32 },
  { opcode: '9A cd', instruction: 'CALL ptr16:16', opSize: 16, ...FAR },
  { opcode: '9A cp', instruction: 'CALL ptr16:32', opSize: 32, ...FAR },
  // WAIT belongs to the x87 unit (it checks pending x87 exceptions).
  { opcode: '9B', instruction: 'WAIT', exec: true },
  // PUSHF reads the real IF/IOPL; POPF silently ignores IF/IOPL writes when
  // deprivileged: the founding example of a sensitive unprivileged instruction.
  { opcode: '9C', instruction: 'PUSHF', opSize: 16, reads: ALL, ...SENS },
  { opcode: '9C', instruction: 'PUSHFD', opSize: 32, reads: ALL, ...SENS },
  { opcode: '9D', instruction: 'POPF', opSize: 16, writes: ALL, ...SENS, endsBlock: true },
  { opcode: '9D', instruction: 'POPFD', opSize: 32, writes: ALL, ...SENS, endsBlock: true },
  { opcode: '9E', instruction: 'SAHF', writes: 'SZAPC' },
  { opcode: '9F', instruction: 'LAHF', reads: 'SZAPC' },

  // moffs: the offset's width follows the address size, the data the operand size.
  { opcode: 'A0', instruction: 'MOV AL, moffs8' },
  { opcode: 'A1', instruction: 'MOV AX, moffs16', opSize: 16 },
  { opcode: 'A1', instruction: 'MOV EAX, moffs32', opSize: 32 },
  { opcode: 'A2', instruction: 'MOV moffs8, AL' },
  { opcode: 'A3', instruction: 'MOV moffs16, AX', opSize: 16 },
  { opcode: 'A3', instruction: 'MOV moffs32, EAX', opSize: 32 },

  // String instructions: DS:ESI source (overridable), ES:EDI destination.
  { opcode: 'A4', instruction: 'MOVSB', rep: 'rep', reads: 'D' },
  { opcode: 'A5', instruction: 'MOVSW', opSize: 16, rep: 'rep', reads: 'D' },
  { opcode: 'A5', instruction: 'MOVSD', opSize: 32, rep: 'rep', reads: 'D' },
  { opcode: 'A6', instruction: 'CMPSB', rep: 'repe-repne', reads: 'D', writes: 'OSZAPC' },
  { opcode: 'A7', instruction: 'CMPSW', opSize: 16, rep: 'repe-repne', reads: 'D', writes: 'OSZAPC' },
  { opcode: 'A7', instruction: 'CMPSD', opSize: 32, rep: 'repe-repne', reads: 'D', writes: 'OSZAPC' },
  { opcode: 'AA', instruction: 'STOSB', rep: 'rep', reads: 'D' },
  { opcode: 'AB', instruction: 'STOSW', opSize: 16, rep: 'rep', reads: 'D' },
  { opcode: 'AB', instruction: 'STOSD', opSize: 32, rep: 'rep', reads: 'D' },
  { opcode: 'AC', instruction: 'LODSB', rep: 'rep', reads: 'D' },
  { opcode: 'AD', instruction: 'LODSW', opSize: 16, rep: 'rep', reads: 'D' },
  { opcode: 'AD', instruction: 'LODSD', opSize: 32, rep: 'rep', reads: 'D' },
  { opcode: 'AE', instruction: 'SCASB', rep: 'repe-repne', reads: 'D', writes: 'OSZAPC' },
  { opcode: 'AF', instruction: 'SCASW', opSize: 16, rep: 'repe-repne', reads: 'D', writes: 'OSZAPC' },
  { opcode: 'AF', instruction: 'SCASD', opSize: 32, rep: 'repe-repne', reads: 'D', writes: 'OSZAPC' },

  { opcode: 'B0+rb ib', instruction: 'MOV r8, imm8' },
  { opcode: 'B8+rw iw', instruction: 'MOV r16, imm16', opSize: 16 },
  { opcode: 'B8+rd id', instruction: 'MOV r32, imm32', opSize: 32 },

  { opcode: 'C2 iw', instruction: 'RET imm16', ...CTRL },
  { opcode: 'C3', instruction: 'RET', ...CTRL },
  { opcode: 'C4 /r', instruction: 'LES r16, m16:16', opSize: 16, ...SENS },
  { opcode: 'C4 /r', instruction: 'LES r32, m16:32', opSize: 32, ...SENS },
  { opcode: 'C5 /r', instruction: 'LDS r16, m16:16', opSize: 16, ...SENS },
  { opcode: 'C5 /r', instruction: 'LDS r32, m16:32', opSize: 32, ...SENS },
  { opcode: 'C6 /0 ib', instruction: 'MOV r/m8, imm8' },
  { opcode: 'C7 /0 iw', instruction: 'MOV r/m16, imm16', opSize: 16 },
  { opcode: 'C7 /0 id', instruction: 'MOV r/m32, imm32', opSize: 32 },
  { opcode: 'C8 iw ib', instruction: 'ENTER imm16, imm8' },
  { opcode: 'C9', instruction: 'LEAVE' },
  // Far return: the SDM writes "RET"; RETF names it apart from the near form.
  { opcode: 'CA iw', instruction: 'RETF imm16', ...FAR },
  { opcode: 'CB', instruction: 'RETF', ...FAR },
  // Interrupts push EFLAGS, then clear TF, NT, RF and VM, and IF for
  // interrupt gates (SDM INT n, "Operation"); INTO first tests OF.
  { opcode: 'CC', instruction: 'INT3', reads: ALL, writes: 'TINRV', ...FAR },
  { opcode: 'CD ib', instruction: 'INT imm8', reads: ALL, writes: 'TINRV', ...FAR },
  { opcode: 'CE', instruction: 'INTO', reads: ALL, writes: 'TINRV', ...FAR },
  { opcode: 'CF', instruction: 'IRET', opSize: 16, writes: ALL, ...FAR },
  { opcode: 'CF', instruction: 'IRETD', opSize: 32, writes: ALL, ...FAR },

  // D6: undocumented SALC (AL = CF ? FF : 00). The SDM map lists D6 as
  // reserved, but every IA-32 processor before 64-bit mode executes it.
  { opcode: 'D6', instruction: 'SALC', reads: 'C' },
  { opcode: 'D7', instruction: 'XLATB' },

  { opcode: 'E0 cb', instruction: 'LOOPNE rel8', reads: 'Z', ...CTRL },
  { opcode: 'E1 cb', instruction: 'LOOPE rel8', reads: 'Z', ...CTRL },
  { opcode: 'E2 cb', instruction: 'LOOP rel8', ...CTRL },
  { opcode: 'E3 cb', instruction: 'JCXZ rel8', addrSize: 16, ...CTRL },
  { opcode: 'E3 cb', instruction: 'JECXZ rel8', addrSize: 32, ...CTRL },
  { opcode: 'E4 ib', instruction: 'IN AL, imm8', ...PRIV },
  { opcode: 'E5 ib', instruction: 'IN AX, imm8', opSize: 16, ...PRIV },
  { opcode: 'E5 ib', instruction: 'IN EAX, imm8', opSize: 32, ...PRIV },
  { opcode: 'E6 ib', instruction: 'OUT imm8, AL', ...PRIV },
  { opcode: 'E7 ib', instruction: 'OUT imm8, AX', opSize: 16, ...PRIV },
  { opcode: 'E7 ib', instruction: 'OUT imm8, EAX', opSize: 32, ...PRIV },
  { opcode: 'E8 cw', instruction: 'CALL rel16', opSize: 16, ...CTRL },
  { opcode: 'E8 cd', instruction: 'CALL rel32', opSize: 32, ...CTRL },
  { opcode: 'E9 cw', instruction: 'JMP rel16', opSize: 16, ...CTRL },
  { opcode: 'E9 cd', instruction: 'JMP rel32', opSize: 32, ...CTRL },
  { opcode: 'EA cd', instruction: 'JMP ptr16:16', opSize: 16, ...FAR },
  { opcode: 'EA cp', instruction: 'JMP ptr16:32', opSize: 32, ...FAR },
  { opcode: 'EB cb', instruction: 'JMP rel8', ...CTRL },
  { opcode: 'EC', instruction: 'IN AL, DX', ...PRIV },
  { opcode: 'ED', instruction: 'IN AX, DX', opSize: 16, ...PRIV },
  { opcode: 'ED', instruction: 'IN EAX, DX', opSize: 32, ...PRIV },
  { opcode: 'EE', instruction: 'OUT DX, AL', ...PRIV },
  { opcode: 'EF', instruction: 'OUT DX, AX', opSize: 16, ...PRIV },
  { opcode: 'EF', instruction: 'OUT DX, EAX', opSize: 32, ...PRIV },

  // F1: INT1 (ICEBP), documented in the SDM's INT n page; raises #DB.
  { opcode: 'F1', instruction: 'INT1', reads: ALL, writes: 'TINRV', endsBlock: true },
  { opcode: 'F4', instruction: 'HLT', ...PRIV, endsBlock: true },
  { opcode: 'F5', instruction: 'CMC', reads: 'C', writes: 'C' },
  { opcode: 'F8', instruction: 'CLC', writes: 'C' },
  { opcode: 'F9', instruction: 'STC', writes: 'C' },
  { opcode: 'FA', instruction: 'CLI', writes: 'I', ...PRIV },
  // STI holds interrupts off for one instruction: end the block after it.
  { opcode: 'FB', instruction: 'STI', writes: 'I', ...PRIV, endsBlock: true },
  { opcode: 'FC', instruction: 'CLD', writes: 'D' },
  { opcode: 'FD', instruction: 'STD', writes: 'D' },

  // Group 5 control transfers (FF /2-/5) and PUSH r/m.
  { opcode: 'FF /2', instruction: 'CALL r/m16', opSize: 16, ...CTRL },
  { opcode: 'FF /2', instruction: 'CALL r/m32', opSize: 32, ...CTRL },
  { opcode: 'FF /3', instruction: 'CALL m16:16', opSize: 16, ...FAR },
  { opcode: 'FF /3', instruction: 'CALL m16:32', opSize: 32, ...FAR },
  { opcode: 'FF /4', instruction: 'JMP r/m16', opSize: 16, ...CTRL },
  { opcode: 'FF /4', instruction: 'JMP r/m32', opSize: 32, ...CTRL },
  { opcode: 'FF /5', instruction: 'JMP m16:16', opSize: 16, ...FAR },
  { opcode: 'FF /5', instruction: 'JMP m16:32', opSize: 32, ...FAR },
  { opcode: 'FF /6', instruction: 'PUSH r/m16', opSize: 16 },
  { opcode: 'FF /6', instruction: 'PUSH r/m32', opSize: 32 },
];
