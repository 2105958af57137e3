// The compact decoded instruction: produced once by the decoder, consumed by
// the interpreter (which caches it per instruction address), the block
// builder, the translator and the disassembly formatter. All fields are
// numbers so the object keeps one hidden class on V8's hot paths.

/** Prefix bits present on the instruction (`Insn.prefixes`). */
export const P_LOCK = 1 << 0;
/** F3: REP / REPE. */
export const P_REP = 1 << 1;
/** F2: REPNE. */
export const P_REPNE = 1 << 2;
/** 66: operand-size override. */
export const P_OPSIZE = 1 << 3;
/** 67: address-size override. */
export const P_ADDRSIZE = 1 << 4;
/** A segment override (2E 36 3E 26 64 65) is present; `Insn.seg` holds the winner. */
export const P_SEG = 1 << 5;

/** Why decoding stopped without an instruction. */
export const enum DecodeStatus {
  OK = 0,
  /** Not a valid encoding on the modeled CPU: executing it raises #UD. */
  INVALID = 1,
  /** Longer than 15 bytes: executing it raises #GP(0). */
  TOO_LONG = 2,
  /** The byte source ended before the instruction did (disassembly only). */
  TRUNCATED = 3,
}

/** "No register" in base/index fields. */
export const NO_REG = -1;

export class Insn {
  /** Index of the instruction form (row) in the parsed instruction table. */
  form = 0;
  /** Total length in bytes, prefixes included (1..15). */
  length = 0;
  /** Effective operand size in bits (16 or 32), after 66 and the code segment's D bit. */
  opSize = 32;
  /** Effective address size in bits (16 or 32), after 67 and the code segment's D bit. */
  addrSize = 32;
  /** P_* bits. */
  prefixes = 0;
  /**
   * Segment (Seg enum) of the explicit memory operand: the override if any, else
   * the default (SS for EBP/ESP-based and BP-based forms, DS otherwise). For string
   * instructions it is the source segment (DS unless overridden); ES:EDI is fixed.
   */
  seg = 3;
  /** ModRM byte fields; modrm is -1 when the form has no ModRM byte. */
  modrm = -1;
  mod = 0;
  /** ModRM.reg, or the register encoded in the opcode's low bits (B8+rd, 50+rd, …). */
  reg = 0;
  rm = 0;
  /**
   * Memory operand: linear offset = base + (index << scale) + disp, truncated to
   * addrSize. 16-bit forms map onto the same fields ([BP+SI] = base BP, index SI).
   * moffs forms have base = index = NO_REG and disp = the offset.
   */
  base = NO_REG;
  index = NO_REG;
  scale = 0;
  disp = 0;
  /** True when the form's r/m operand is memory (mod != 3) or it has a moffs operand. */
  hasMem = false;
  /**
   * First immediate, sign-extended to 32 bits whatever its encoded width
   * (consumers mask to the width they need). For rel8/rel16/rel32 forms it is the
   * signed displacement from the next instruction.
   */
  imm = 0;
  /** Second immediate: ENTER's nesting level, or the selector of a far pointer. */
  imm2 = 0;
  /**
   * Instructions of its block retired before this one (block builders set it;
   * 0 for an instruction decoded alone). RDTSC reads exact virtual time by it.
   */
  pos = 0;

  /** Resets every field so an Insn can be reused by the decoder. */
  clear(): void {
    this.form = 0;
    this.length = 0;
    this.opSize = 32;
    this.addrSize = 32;
    this.prefixes = 0;
    this.seg = 3;
    this.modrm = -1;
    this.mod = 0;
    this.reg = 0;
    this.rm = 0;
    this.base = NO_REG;
    this.index = NO_REG;
    this.scale = 0;
    this.disp = 0;
    this.hasMem = false;
    this.imm = 0;
    this.imm2 = 0;
  }
}
