// Two-byte map (0F xx) of the modeled P6-class CPU: SDM Vol. 2 Table A-3 minus
// every MMX/SSE/3DNow!/SYSENTER/later-extension slot, which stays undefined
// (#UD) exactly as on a processor without those extensions (docs/cpu-model.md).
import type { RowSpec } from './types.js';

const SENS = { cls: 'sensitive' } as const;
const PRIV = { cls: 'privileged' } as const;
const CTRL = { cls: 'control', endsBlock: true } as const;
/** BT/BTS/BTR/BTC: CF = the bit; OF SF AF PF undefined (SDM BT). */
const BIT = { writes: 'C', undef: 'OSAP' } as const;
/** SHLD/SHRD: a zero count leaves flags alone, so they may pass through. */
const DSHIFT = { reads: 'OSZAPC', writes: 'SZPC', undef: 'OA' } as const;

export const TWO_BYTE_ROWS: readonly RowSpec[] = [
  // Group 6 (0F 00) and group 7 (0F 01). The stores of system registers are
  // the sensitive unprivileged SLDT/STR/SGDT/SIDT/SMSW; the loads are privileged.
  { opcode: '0F 00 /0', instruction: 'SLDT r/m16', ...SENS },
  { opcode: '0F 00 /1', instruction: 'STR r/m16', ...SENS },
  { opcode: '0F 00 /2', instruction: 'LLDT r/m16', ...PRIV },
  { opcode: '0F 00 /3', instruction: 'LTR r/m16', ...PRIV },
  { opcode: '0F 00 /4', instruction: 'VERR r/m16', writes: 'Z', ...SENS },
  { opcode: '0F 00 /5', instruction: 'VERW r/m16', writes: 'Z', ...SENS },
  // On P6, 0F 01 with mod = 3 is undefined for /0-/3 and /7 (later VMX,
  // MONITOR, SWAPGS… live there), hence the memory-only shapes.
  { opcode: '0F 01 /0', instruction: 'SGDT m', ...SENS },
  { opcode: '0F 01 /1', instruction: 'SIDT m', ...SENS },
  { opcode: '0F 01 /2', instruction: 'LGDT m16&32', ...PRIV },
  { opcode: '0F 01 /3', instruction: 'LIDT m16&32', ...PRIV },
  { opcode: '0F 01 /4', instruction: 'SMSW r/m16', ...SENS },
  // LMSW can set CR0.PE: a mode change, so it ends the block.
  { opcode: '0F 01 /6', instruction: 'LMSW r/m16', ...PRIV, endsBlock: true },
  // INVLPG changes what linear addresses map to: end the block.
  { opcode: '0F 01 /7', instruction: 'INVLPG m', ...PRIV, endsBlock: true },
  { opcode: '0F 02 /r', instruction: 'LAR r16, r/m16', opSize: 16, writes: 'Z', ...SENS },
  { opcode: '0F 02 /r', instruction: 'LAR r32, r/m16', opSize: 32, writes: 'Z', ...SENS },
  { opcode: '0F 03 /r', instruction: 'LSL r16, r/m16', opSize: 16, writes: 'Z', ...SENS },
  { opcode: '0F 03 /r', instruction: 'LSL r32, r/m16', opSize: 32, writes: 'Z', ...SENS },
  { opcode: '0F 06', instruction: 'CLTS', ...PRIV },
  { opcode: '0F 08', instruction: 'INVD', ...PRIV },
  { opcode: '0F 09', instruction: 'WBINVD', ...PRIV },
  // UD2 is a defined encoding whose only effect is #UD. UD0 (0F FF) and UD1
  // (0F B9) raise #UD as well; they are left undefined so that disassembly
  // does not have to pick one of their historically varying lengths.
  { opcode: '0F 0B', instruction: 'UD2', endsBlock: true },

  // Hint-NOP space: 0F 1F /0 is the documented multi-byte NOP of the P6
  // family; Table A-3 reserves 0F 19-0F 1F as NOP Ev for every ModRM.reg (so
  // later MPX/CET encodings there still run as NOPs on older processors).
  // 0F 18 is PREFETCHh, which came with SSE: #UD in this model.
  { opcode: '0F 19 /r', instruction: 'NOP r/m16', opSize: 16 },
  { opcode: '0F 19 /r', instruction: 'NOP r/m32', opSize: 32 },
  { opcode: '0F 1A /r', instruction: 'NOP r/m16', opSize: 16 },
  { opcode: '0F 1A /r', instruction: 'NOP r/m32', opSize: 32 },
  { opcode: '0F 1B /r', instruction: 'NOP r/m16', opSize: 16 },
  { opcode: '0F 1B /r', instruction: 'NOP r/m32', opSize: 32 },
  { opcode: '0F 1C /r', instruction: 'NOP r/m16', opSize: 16 },
  { opcode: '0F 1C /r', instruction: 'NOP r/m32', opSize: 32 },
  { opcode: '0F 1D /r', instruction: 'NOP r/m16', opSize: 16 },
  { opcode: '0F 1D /r', instruction: 'NOP r/m32', opSize: 32 },
  { opcode: '0F 1E /r', instruction: 'NOP r/m16', opSize: 16 },
  { opcode: '0F 1E /r', instruction: 'NOP r/m32', opSize: 32 },
  { opcode: '0F 1F /r', instruction: 'NOP r/m16', opSize: 16 },
  { opcode: '0F 1F /r', instruction: 'NOP r/m32', opSize: 32 },

  // MOV to/from control and debug registers. ModRM.mod is ignored (always a
  // register, SDM MOV CRn); P6 has CR0 CR2 CR3 CR4, others are #UD. Flags
  // OF SF ZF AF PF CF are undefined afterwards. Loads of CR0/CR3/CR4 can
  // switch paging or protection: they end the block.
  { opcode: '0F 20 /r', instruction: 'MOV r32, CR0-CR7', undef: 'OSZAPC', ...PRIV },
  { opcode: '0F 21 /r', instruction: 'MOV r32, DR0-DR7', undef: 'OSZAPC', ...PRIV },
  { opcode: '0F 22 /r', instruction: 'MOV CR0-CR7, r32', undef: 'OSZAPC', ...PRIV, endsBlock: true },
  { opcode: '0F 23 /r', instruction: 'MOV DR0-DR7, r32', undef: 'OSZAPC', ...PRIV },

  { opcode: '0F 30', instruction: 'WRMSR', ...PRIV },
  // RDTSC faults at CPL > 0 only when CR4.TSD is set; the guest clock is
  // virtual anyway, so it is innocuous here.
  { opcode: '0F 31', instruction: 'RDTSC' },
  { opcode: '0F 32', instruction: 'RDMSR', ...PRIV },
  { opcode: '0F 33', instruction: 'RDPMC', ...PRIV },

  // CMOVcc (new in the P6 family; CPUID.01H:EDX.CMOV).
  { opcode: '0F 40 /r', instruction: 'CMOVO r16, r/m16', opSize: 16, reads: 'O' },
  { opcode: '0F 40 /r', instruction: 'CMOVO r32, r/m32', opSize: 32, reads: 'O' },
  { opcode: '0F 41 /r', instruction: 'CMOVNO r16, r/m16', opSize: 16, reads: 'O' },
  { opcode: '0F 41 /r', instruction: 'CMOVNO r32, r/m32', opSize: 32, reads: 'O' },
  { opcode: '0F 42 /r', instruction: 'CMOVB r16, r/m16', opSize: 16, reads: 'C' },
  { opcode: '0F 42 /r', instruction: 'CMOVB r32, r/m32', opSize: 32, reads: 'C' },
  { opcode: '0F 43 /r', instruction: 'CMOVAE r16, r/m16', opSize: 16, reads: 'C' },
  { opcode: '0F 43 /r', instruction: 'CMOVAE r32, r/m32', opSize: 32, reads: 'C' },
  { opcode: '0F 44 /r', instruction: 'CMOVE r16, r/m16', opSize: 16, reads: 'Z' },
  { opcode: '0F 44 /r', instruction: 'CMOVE r32, r/m32', opSize: 32, reads: 'Z' },
  { opcode: '0F 45 /r', instruction: 'CMOVNE r16, r/m16', opSize: 16, reads: 'Z' },
  { opcode: '0F 45 /r', instruction: 'CMOVNE r32, r/m32', opSize: 32, reads: 'Z' },
  { opcode: '0F 46 /r', instruction: 'CMOVBE r16, r/m16', opSize: 16, reads: 'ZC' },
  { opcode: '0F 46 /r', instruction: 'CMOVBE r32, r/m32', opSize: 32, reads: 'ZC' },
  { opcode: '0F 47 /r', instruction: 'CMOVA r16, r/m16', opSize: 16, reads: 'ZC' },
  { opcode: '0F 47 /r', instruction: 'CMOVA r32, r/m32', opSize: 32, reads: 'ZC' },
  { opcode: '0F 48 /r', instruction: 'CMOVS r16, r/m16', opSize: 16, reads: 'S' },
  { opcode: '0F 48 /r', instruction: 'CMOVS r32, r/m32', opSize: 32, reads: 'S' },
  { opcode: '0F 49 /r', instruction: 'CMOVNS r16, r/m16', opSize: 16, reads: 'S' },
  { opcode: '0F 49 /r', instruction: 'CMOVNS r32, r/m32', opSize: 32, reads: 'S' },
  { opcode: '0F 4A /r', instruction: 'CMOVP r16, r/m16', opSize: 16, reads: 'P' },
  { opcode: '0F 4A /r', instruction: 'CMOVP r32, r/m32', opSize: 32, reads: 'P' },
  { opcode: '0F 4B /r', instruction: 'CMOVNP r16, r/m16', opSize: 16, reads: 'P' },
  { opcode: '0F 4B /r', instruction: 'CMOVNP r32, r/m32', opSize: 32, reads: 'P' },
  { opcode: '0F 4C /r', instruction: 'CMOVL r16, r/m16', opSize: 16, reads: 'SO' },
  { opcode: '0F 4C /r', instruction: 'CMOVL r32, r/m32', opSize: 32, reads: 'SO' },
  { opcode: '0F 4D /r', instruction: 'CMOVGE r16, r/m16', opSize: 16, reads: 'SO' },
  { opcode: '0F 4D /r', instruction: 'CMOVGE r32, r/m32', opSize: 32, reads: 'SO' },
  { opcode: '0F 4E /r', instruction: 'CMOVLE r16, r/m16', opSize: 16, reads: 'ZSO' },
  { opcode: '0F 4E /r', instruction: 'CMOVLE r32, r/m32', opSize: 32, reads: 'ZSO' },
  { opcode: '0F 4F /r', instruction: 'CMOVG r16, r/m16', opSize: 16, reads: 'ZSO' },
  { opcode: '0F 4F /r', instruction: 'CMOVG r32, r/m32', opSize: 32, reads: 'ZSO' },

  // Jcc rel16/rel32.
  { opcode: '0F 80 cw', instruction: 'JO rel16', opSize: 16, reads: 'O', ...CTRL },
  { opcode: '0F 80 cd', instruction: 'JO rel32', opSize: 32, reads: 'O', ...CTRL },
  { opcode: '0F 81 cw', instruction: 'JNO rel16', opSize: 16, reads: 'O', ...CTRL },
  { opcode: '0F 81 cd', instruction: 'JNO rel32', opSize: 32, reads: 'O', ...CTRL },
  { opcode: '0F 82 cw', instruction: 'JB rel16', opSize: 16, reads: 'C', ...CTRL },
  { opcode: '0F 82 cd', instruction: 'JB rel32', opSize: 32, reads: 'C', ...CTRL },
  { opcode: '0F 83 cw', instruction: 'JAE rel16', opSize: 16, reads: 'C', ...CTRL },
  { opcode: '0F 83 cd', instruction: 'JAE rel32', opSize: 32, reads: 'C', ...CTRL },
  { opcode: '0F 84 cw', instruction: 'JE rel16', opSize: 16, reads: 'Z', ...CTRL },
  { opcode: '0F 84 cd', instruction: 'JE rel32', opSize: 32, reads: 'Z', ...CTRL },
  { opcode: '0F 85 cw', instruction: 'JNE rel16', opSize: 16, reads: 'Z', ...CTRL },
  { opcode: '0F 85 cd', instruction: 'JNE rel32', opSize: 32, reads: 'Z', ...CTRL },
  { opcode: '0F 86 cw', instruction: 'JBE rel16', opSize: 16, reads: 'ZC', ...CTRL },
  { opcode: '0F 86 cd', instruction: 'JBE rel32', opSize: 32, reads: 'ZC', ...CTRL },
  { opcode: '0F 87 cw', instruction: 'JA rel16', opSize: 16, reads: 'ZC', ...CTRL },
  { opcode: '0F 87 cd', instruction: 'JA rel32', opSize: 32, reads: 'ZC', ...CTRL },
  { opcode: '0F 88 cw', instruction: 'JS rel16', opSize: 16, reads: 'S', ...CTRL },
  { opcode: '0F 88 cd', instruction: 'JS rel32', opSize: 32, reads: 'S', ...CTRL },
  { opcode: '0F 89 cw', instruction: 'JNS rel16', opSize: 16, reads: 'S', ...CTRL },
  { opcode: '0F 89 cd', instruction: 'JNS rel32', opSize: 32, reads: 'S', ...CTRL },
  { opcode: '0F 8A cw', instruction: 'JP rel16', opSize: 16, reads: 'P', ...CTRL },
  { opcode: '0F 8A cd', instruction: 'JP rel32', opSize: 32, reads: 'P', ...CTRL },
  { opcode: '0F 8B cw', instruction: 'JNP rel16', opSize: 16, reads: 'P', ...CTRL },
  { opcode: '0F 8B cd', instruction: 'JNP rel32', opSize: 32, reads: 'P', ...CTRL },
  { opcode: '0F 8C cw', instruction: 'JL rel16', opSize: 16, reads: 'SO', ...CTRL },
  { opcode: '0F 8C cd', instruction: 'JL rel32', opSize: 32, reads: 'SO', ...CTRL },
  { opcode: '0F 8D cw', instruction: 'JGE rel16', opSize: 16, reads: 'SO', ...CTRL },
  { opcode: '0F 8D cd', instruction: 'JGE rel32', opSize: 32, reads: 'SO', ...CTRL },
  { opcode: '0F 8E cw', instruction: 'JLE rel16', opSize: 16, reads: 'ZSO', ...CTRL },
  { opcode: '0F 8E cd', instruction: 'JLE rel32', opSize: 32, reads: 'ZSO', ...CTRL },
  { opcode: '0F 8F cw', instruction: 'JG rel16', opSize: 16, reads: 'ZSO', ...CTRL },
  { opcode: '0F 8F cd', instruction: 'JG rel32', opSize: 32, reads: 'ZSO', ...CTRL },

  // SETcc: ModRM.reg is ignored (SDM SETcc: "the reg field is not used").
  { opcode: '0F 90 /r', instruction: 'SETO r/m8', reads: 'O' },
  { opcode: '0F 91 /r', instruction: 'SETNO r/m8', reads: 'O' },
  { opcode: '0F 92 /r', instruction: 'SETB r/m8', reads: 'C' },
  { opcode: '0F 93 /r', instruction: 'SETAE r/m8', reads: 'C' },
  { opcode: '0F 94 /r', instruction: 'SETE r/m8', reads: 'Z' },
  { opcode: '0F 95 /r', instruction: 'SETNE r/m8', reads: 'Z' },
  { opcode: '0F 96 /r', instruction: 'SETBE r/m8', reads: 'ZC' },
  { opcode: '0F 97 /r', instruction: 'SETA r/m8', reads: 'ZC' },
  { opcode: '0F 98 /r', instruction: 'SETS r/m8', reads: 'S' },
  { opcode: '0F 99 /r', instruction: 'SETNS r/m8', reads: 'S' },
  { opcode: '0F 9A /r', instruction: 'SETP r/m8', reads: 'P' },
  { opcode: '0F 9B /r', instruction: 'SETNP r/m8', reads: 'P' },
  { opcode: '0F 9C /r', instruction: 'SETL r/m8', reads: 'SO' },
  { opcode: '0F 9D /r', instruction: 'SETGE r/m8', reads: 'SO' },
  { opcode: '0F 9E /r', instruction: 'SETLE r/m8', reads: 'ZSO' },
  { opcode: '0F 9F /r', instruction: 'SETG r/m8', reads: 'ZSO' },

  { opcode: '0F A0', instruction: 'PUSH FS', ...SENS },
  { opcode: '0F A1', instruction: 'POP FS', ...SENS },
  { opcode: '0F A2', instruction: 'CPUID' },
  { opcode: '0F A3 /r', instruction: 'BT r/m16, r16', opSize: 16, ...BIT },
  { opcode: '0F A3 /r', instruction: 'BT r/m32, r32', opSize: 32, ...BIT },
  { opcode: '0F A4 /r ib', instruction: 'SHLD r/m16, r16, imm8', opSize: 16, ...DSHIFT },
  { opcode: '0F A4 /r ib', instruction: 'SHLD r/m32, r32, imm8', opSize: 32, ...DSHIFT },
  { opcode: '0F A5 /r', instruction: 'SHLD r/m16, r16, CL', opSize: 16, ...DSHIFT },
  { opcode: '0F A5 /r', instruction: 'SHLD r/m32, r32, CL', opSize: 32, ...DSHIFT },
  { opcode: '0F A8', instruction: 'PUSH GS', ...SENS },
  { opcode: '0F A9', instruction: 'POP GS', ...SENS },
  // RSM exists on P6 but raises #UD outside system-management mode, which
  // the model never enters.
  { opcode: '0F AA', instruction: 'RSM', ...PRIV, endsBlock: true },
  { opcode: '0F AB /r', instruction: 'BTS r/m16, r16', opSize: 16, lock: true, ...BIT },
  { opcode: '0F AB /r', instruction: 'BTS r/m32, r32', opSize: 32, lock: true, ...BIT },
  { opcode: '0F AC /r ib', instruction: 'SHRD r/m16, r16, imm8', opSize: 16, ...DSHIFT },
  { opcode: '0F AC /r ib', instruction: 'SHRD r/m32, r32, imm8', opSize: 32, ...DSHIFT },
  { opcode: '0F AD /r', instruction: 'SHRD r/m16, r16, CL', opSize: 16, ...DSHIFT },
  { opcode: '0F AD /r', instruction: 'SHRD r/m32, r32, CL', opSize: 32, ...DSHIFT },
  { opcode: '0F AF /r', instruction: 'IMUL r16, r/m16', opSize: 16, writes: 'OC', undef: 'SZAP' },
  { opcode: '0F AF /r', instruction: 'IMUL r32, r/m32', opSize: 32, writes: 'OC', undef: 'SZAP' },
  { opcode: '0F B0 /r', instruction: 'CMPXCHG r/m8, r8', lock: true, writes: 'OSZAPC' },
  { opcode: '0F B1 /r', instruction: 'CMPXCHG r/m16, r16', opSize: 16, lock: true, writes: 'OSZAPC' },
  { opcode: '0F B1 /r', instruction: 'CMPXCHG r/m32, r32', opSize: 32, lock: true, writes: 'OSZAPC' },
  // LSS can change SS.B (the stack size): it ends the block like MOV SS.
  { opcode: '0F B2 /r', instruction: 'LSS r16, m16:16', opSize: 16, ...SENS, endsBlock: true },
  { opcode: '0F B2 /r', instruction: 'LSS r32, m16:32', opSize: 32, ...SENS, endsBlock: true },
  { opcode: '0F B3 /r', instruction: 'BTR r/m16, r16', opSize: 16, lock: true, ...BIT },
  { opcode: '0F B3 /r', instruction: 'BTR r/m32, r32', opSize: 32, lock: true, ...BIT },
  { opcode: '0F B4 /r', instruction: 'LFS r16, m16:16', opSize: 16, ...SENS },
  { opcode: '0F B4 /r', instruction: 'LFS r32, m16:32', opSize: 32, ...SENS },
  { opcode: '0F B5 /r', instruction: 'LGS r16, m16:16', opSize: 16, ...SENS },
  { opcode: '0F B5 /r', instruction: 'LGS r32, m16:32', opSize: 32, ...SENS },
  { opcode: '0F B6 /r', instruction: 'MOVZX r16, r/m8', opSize: 16 },
  { opcode: '0F B6 /r', instruction: 'MOVZX r32, r/m8', opSize: 32 },
  // With a 16-bit operand size 0F B7/0F BF are plain 16-bit moves; the SDM
  // lists only the r32 form, but the encoding is valid and capstone agrees.
  { opcode: '0F B7 /r', instruction: 'MOVZX r16, r/m16', opSize: 16 },
  { opcode: '0F B7 /r', instruction: 'MOVZX r32, r/m16', opSize: 32 },
  { opcode: '0F BA /4 ib', instruction: 'BT r/m16, imm8', opSize: 16, ...BIT },
  { opcode: '0F BA /4 ib', instruction: 'BT r/m32, imm8', opSize: 32, ...BIT },
  { opcode: '0F BA /5 ib', instruction: 'BTS r/m16, imm8', opSize: 16, lock: true, ...BIT },
  { opcode: '0F BA /5 ib', instruction: 'BTS r/m32, imm8', opSize: 32, lock: true, ...BIT },
  { opcode: '0F BA /6 ib', instruction: 'BTR r/m16, imm8', opSize: 16, lock: true, ...BIT },
  { opcode: '0F BA /6 ib', instruction: 'BTR r/m32, imm8', opSize: 32, lock: true, ...BIT },
  { opcode: '0F BA /7 ib', instruction: 'BTC r/m16, imm8', opSize: 16, lock: true, ...BIT },
  { opcode: '0F BA /7 ib', instruction: 'BTC r/m32, imm8', opSize: 32, lock: true, ...BIT },
  { opcode: '0F BB /r', instruction: 'BTC r/m16, r16', opSize: 16, lock: true, ...BIT },
  { opcode: '0F BB /r', instruction: 'BTC r/m32, r32', opSize: 32, lock: true, ...BIT },
  // F3 0F BC/BD are TZCNT/LZCNT only with BMI1/LZCNT; here F3 is an ignored
  // REP prefix and these stay BSF/BSR (docs/cpu-model.md).
  { opcode: '0F BC /r', instruction: 'BSF r16, r/m16', opSize: 16, writes: 'Z', undef: 'OSAPC' },
  { opcode: '0F BC /r', instruction: 'BSF r32, r/m32', opSize: 32, writes: 'Z', undef: 'OSAPC' },
  { opcode: '0F BD /r', instruction: 'BSR r16, r/m16', opSize: 16, writes: 'Z', undef: 'OSAPC' },
  { opcode: '0F BD /r', instruction: 'BSR r32, r/m32', opSize: 32, writes: 'Z', undef: 'OSAPC' },
  { opcode: '0F BE /r', instruction: 'MOVSX r16, r/m8', opSize: 16 },
  { opcode: '0F BE /r', instruction: 'MOVSX r32, r/m8', opSize: 32 },
  { opcode: '0F BF /r', instruction: 'MOVSX r16, r/m16', opSize: 16 },
  { opcode: '0F BF /r', instruction: 'MOVSX r32, r/m16', opSize: 32 },
  { opcode: '0F C0 /r', instruction: 'XADD r/m8, r8', lock: true, writes: 'OSZAPC' },
  { opcode: '0F C1 /r', instruction: 'XADD r/m16, r16', opSize: 16, lock: true, writes: 'OSZAPC' },
  { opcode: '0F C1 /r', instruction: 'XADD r/m32, r32', opSize: 32, lock: true, writes: 'OSZAPC' },
  { opcode: '0F C7 /1', instruction: 'CMPXCHG8B m64', lock: true, writes: 'Z' },
  // BSWAP of a 16-bit register is undefined (SDM BSWAP) but not #UD.
  { opcode: '0F C8+rd', instruction: 'BSWAP r32' },
];
