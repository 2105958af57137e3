// The fuzz case generator: byte strings shaped like real IA-32 instructions
// rather than uniform noise, so that prefixes (repeated and conflicting),
// both opcode maps, the x87 escape space and every ModRM/SIB/displacement form
// are hit often. A share of cases stays pure noise to catch what the shapes miss.

import { Prng } from './prng.js';

/** Every case is this many bytes: one more than the 15-byte limit, so an
 * instruction that is too long is seen as too long and not as cut short. */
export const CASE_BYTES = 16;

const LEGACY_PREFIXES = [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65];

/** Fills `buf` (CASE_BYTES long) with one case. */
export function generateCase(rng: Prng, buf: Uint8Array): void {
  for (let i = 0; i < CASE_BYTES; i++) buf[i] = rng.byte();
  if (rng.chance(0.08)) return; // pure noise

  let at = writePrefixes(rng, buf, 0);
  const shape = rng.below(100);
  if (shape < 40) {
    buf[at++] = rng.byte(); // one-byte map (includes 0F, D8-DF and prefix bytes themselves)
  } else if (shape < 72) {
    buf[at++] = 0x0f;
    buf[at++] = rng.byte(); // two-byte map
  } else if (shape < 92) {
    buf[at++] = 0xd8 + rng.below(8); // x87 escape
    if (rng.chance(0.5)) {
      buf[at++] = 0xc0 | rng.byte(); // register form (mod = 3)
      return;
    }
  } else {
    buf[at++] = 0x0f;
    buf[at++] = rng.chance(0.5) ? 0x38 : 0x3a; // three-byte maps (outside the model)
    buf[at++] = rng.byte();
  }
  if (at < CASE_BYTES) writeModrm(rng, buf, at);
}

/** 0..several legacy prefixes, sometimes repeated, sometimes conflicting; returns the next position. */
function writePrefixes(rng: Prng, buf: Uint8Array, at: number): number {
  const roll = rng.below(100);
  const count = roll < 45 ? 0 : roll < 75 ? 1 : roll < 90 ? 2 : roll < 97 ? 3 + rng.below(3) : 6 + rng.below(9);
  let last = -1;
  for (let i = 0; i < count && at < CASE_BYTES - 1; i++) {
    const p = last >= 0 && rng.chance(0.25) ? last : LEGACY_PREFIXES[rng.below(LEGACY_PREFIXES.length)]!;
    buf[at++] = p;
    last = p;
  }
  return at;
}

/** A ModRM byte weighted toward the addressing forms with extra bytes: SIB
 * (rm = 4), disp32/disp16 alone (mod = 0, rm = 5 or 6), disp8 and disp32. */
function writeModrm(rng: Prng, buf: Uint8Array, at: number): void {
  const reg = rng.below(8);
  const modRoll = rng.below(100);
  const mod = modRoll < 30 ? 3 : modRoll < 60 ? 0 : modRoll < 80 ? 1 : 2;
  const rmRoll = rng.below(100);
  const rm = rmRoll < 25 ? 4 : rmRoll < 40 ? 5 : rmRoll < 50 ? 6 : rng.below(8);
  buf[at++] = (mod << 6) | (reg << 3) | rm;
  if (at >= CASE_BYTES || mod === 3 || rm !== 4) return;
  // SIB: base = 5 with mod = 0 means disp32 and no base
  const baseRoll = rng.below(100);
  const base = baseRoll < 30 ? 5 : baseRoll < 40 ? 4 : rng.below(8);
  buf[at] = (rng.below(4) << 6) | (rng.below(8) << 3) | base;
}
