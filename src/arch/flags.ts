// EFLAGS bits (SDM Vol. 1, 3.4.3).
export const CF = 1 << 0;
/** Bit 1 is reserved and always reads as 1. */
export const FIXED_ONE = 1 << 1;
export const PF = 1 << 2;
export const AF = 1 << 4;
export const ZF = 1 << 6;
export const SF = 1 << 7;
export const TF = 1 << 8;
export const IF = 1 << 9;
export const DF = 1 << 10;
export const OF = 1 << 11;
export const IOPL_SHIFT = 12;
export const IOPL = 3 << IOPL_SHIFT;
export const NT = 1 << 14;
export const RF = 1 << 16;
export const VM = 1 << 17;
export const AC = 1 << 18;
export const VIF = 1 << 19;
export const VIP = 1 << 20;
export const ID = 1 << 21;

/** The six status flags that arithmetic produces (the lazily evaluated ones). */
export const ARITH = CF | PF | AF | ZF | SF | OF;

/** Letters used by the instruction table's flag columns, after the SDM's appendix A notation. */
export const FLAG_LETTERS: Readonly<Record<string, number>> = {
  O: OF,
  D: DF,
  I: IF,
  T: TF,
  S: SF,
  Z: ZF,
  A: AF,
  P: PF,
  C: CF,
  N: NT,
  R: RF,
  L: IOPL, // IOPL, both bits
  V: VM,
  X: AC,
  J: ID,
};

/** Parses a flag-letter string such as "OSZAPC" into a mask; throws on an unknown letter. */
export function parseFlags(letters: string): number {
  let mask = 0;
  for (const ch of letters) {
    const bit = FLAG_LETTERS[ch];
    if (bit === undefined) throw new Error(`unknown flag letter '${ch}' in "${letters}"`);
    mask |= bit;
  }
  return mask;
}
