// Operand values that sit on the edges where flag and result logic goes wrong:
// zero, one, all ones, both sides of every sign boundary, nibble carries
// (half-carry into AF), plus random values.

import type { Rng } from './rng.js';

export function widthMask(width: number): number {
  return width >= 32 ? 0xffffffff : (1 << width) - 1;
}

const RAW_EDGES = [
  0, 1, 2, 0x0f, 0x10, 0x7f, 0x80, 0x81, 0xff, 0x100, 0x7fff, 0x8000, 0x8001, 0xffff, 0x10000, 0x7fffffff,
  0x80000000, 0x80000001, 0xffffffff, 0xfffffffe, 0x0f0f0f0f, 0xf0f0f0f0,
];

const edgeCache = new Map<number, number[]>();

/** Edge values for an operand of `width` bits, masked and de-duplicated. */
export function edges(width: number): number[] {
  let list = edgeCache.get(width);
  if (!list) {
    const mask = widthMask(width);
    const sign = 2 ** (width - 1);
    list = [...new Set([...RAW_EDGES, sign - 1, sign, sign + 1, mask, mask - 1].map((v) => (v & mask) >>> 0))];
    edgeCache.set(width, list);
  }
  return list;
}

/** A random value: uniform, small, near an edge, or a nibble pattern. */
export function randomValue(rng: Rng, width: number): number {
  const mask = widthMask(width);
  switch (rng.below(4)) {
    case 0:
      return rng.u32() & mask;
    case 1:
      return rng.below(64) & mask;
    case 2:
      return ((rng.pick(edges(width)) + rng.below(5) - 2) & mask) >>> 0;
    default:
      return (rng.u32() & 0x0f0f0f0f & mask) >>> 0;
  }
}

/**
 * The value of operand `slot` for case `k`: the first cases walk the edge
 * value pairs (slot 0 x slot 1), later ones are random.
 */
export function pairValue(rng: Rng, width: number, k: number, slot: number): number {
  const e = edges(width);
  const pairs = e.length * e.length;
  if (k < pairs && k < 160) {
    // Spread the walk over the pair grid with a stride coprime to its size.
    const p = (k * 37) % pairs;
    return slot === 0 ? e[Math.floor(p / e.length)] : e[p % e.length];
  }
  return randomValue(rng, width);
}

/** Arithmetic flags for an input EFLAGS: random, all clear or all set. */
export function randomFlags(rng: Rng): number {
  const r = rng.below(8);
  if (r === 0) return 0;
  if (r === 1) return 0x8d5;
  return rng.u32() & 0x8d5;
}
