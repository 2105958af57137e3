// The shape of one row of the instruction table (src/arch/table*.ts). Rows are
// written in Intel SDM notation (opcode column and instruction column) and
// parsed once at start-up into InsnForm records that drive the decoder, the
// classifier, the block builder, interpreter dispatch and test generation
// (DESIGN decision 2).

/**
 * Virtualization class of an instruction form (seeds: Robin & Irvine's analysis).
 * - innocuous: same behaviour at every privilege level; runs on the direct path.
 * - privileged: faults (#GP) when executed at CPL > 0, or at CPL > IOPL for the
 *   IOPL-sensitive ones (cli/sti/in/out/ins/outs), so trap-and-emulate can catch it.
 * - sensitive: one of the 17 sensitive unprivileged instructions: observes or
 *   changes privileged state without faulting (pushf, popf, sgdt, mov from cs…).
 * - control: a near control transfer (jmp, jcc, call, ret, loop): innocuous but ends a block.
 */
export type InsnClass = 'innocuous' | 'privileged' | 'sensitive' | 'control';

/** How a form relates to the REP/REPE/REPNE prefixes. */
export type RepKind = 'none' | 'rep' | 'repe-repne';

/** What a row declares, in the table's source form. */
export interface RowSpec {
  /** SDM opcode column, e.g. "0F B6 /r", "83 /0 ib", "B8+rd id", "D9 E8". */
  opcode: string;
  /** SDM instruction column, e.g. "MOVZX r32, r/m8". Operand shapes use SDM names. */
  instruction: string;
  /** Valid only with this effective operand size (16 or 32); omitted when size does not matter. */
  opSize?: 16 | 32;
  /** Valid only with this effective address size (forms like JCXZ/JECXZ). */
  addrSize?: 16 | 32;
  /** LOCK is accepted (only with a memory destination, else #UD). */
  lock?: boolean;
  rep?: RepKind;
  /** Flags read, written and left undefined, as flag letters (see arch/flags.ts). */
  reads?: string;
  writes?: string;
  undef?: string;
  cls?: InsnClass;
  /** Ends a basic block even if not a control transfer (mode changes, halts, traps). */
  endsBlock?: boolean;
  /** The interpreter executes this form (false only for forms not implemented yet). */
  exec?: boolean;
}

/** Immediate-like fields that follow ModRM, in SDM opcode-column notation. */
export type ImmCode = 'ib' | 'iw' | 'id' | 'cb' | 'cw' | 'cd' | 'cp';

/**
 * One instruction form after parsing its RowSpec: what the decoder matches and
 * what every consumer reads. `FORMS[id]` in src/arch/table.ts; `Insn.form` is the id.
 */
export interface InsnForm {
  id: number;
  /** The SDM columns, verbatim from the row. */
  opcode: string;
  instruction: string;
  /** Upper-case SDM mnemonic ("ADD", "MOVZX", "FADD", "REP MOVS" is not a mnemonic: "MOVS"). */
  mnemonic: string;
  /** Operand shapes in SDM notation, in order ("r/m8", "imm8", "rel32", "moffs32", "Sreg", "ST(i)"…). */
  operands: readonly string[];
  /** Opcode bytes after prefixes, without ModRM: [0x83], [0x0F, 0xB6], [0xD9, 0xE8] for ModRM-less x87 forms. */
  bytes: readonly number[];
  /** A mandatory prefix that selects this form (0xF3 for PAUSE), else 0. */
  mandatoryPrefix: number;
  /** The low 3 bits of the last opcode byte encode a register (+rb, +rw, +rd, +i). */
  regInOpcode: boolean;
  hasModrm: boolean;
  /** ModRM.reg must equal this (/digit), or -1 for /r. */
  modrmReg: number;
  /** Which ModRM.mod values the form accepts: any, memory only (mod != 3), register only (mod = 3). */
  modrmKind: 'any' | 'mem' | 'reg';
  /** Immediates / relative offsets / far pointers after ModRM, in encoding order. */
  imms: readonly ImmCode[];
  opSize: 16 | 32 | 0;
  addrSize: 16 | 32 | 0;
  lock: boolean;
  rep: RepKind;
  /** Flag masks (arch/flags.ts bits). */
  reads: number;
  writes: number;
  undef: number;
  cls: InsnClass;
  endsBlock: boolean;
  exec: boolean;
  /** The form has a moffs8/16/32 operand: an address-size offset follows the opcode. */
  moffs: boolean;
  /** ModRM.reg values the form accepts, as a bit mask (Sreg: 0-5; CRn: CR0 CR2 CR3 CR4). */
  regMask: number;
  /** ModRM.mod is ignored and r/m always names a register (MOV CRn/DRn, SDM MOV). */
  modIgnored: boolean;
  /** Map of the first opcode byte: 0 = one-byte map (x87 escapes included), 1 = 0F map. */
  map: 0 | 1;
}
