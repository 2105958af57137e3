// Segmentation: offset -> linear address with the limit and type checks of
// SDM Vol. 3, 5.3 (limit checking, expand-down segments) and 5.4 (type
// checking). The descriptor caches live in the state block (SEGS); this class
// keeps, per segment register, whether accesses can skip every check (base 0,
// 4 GiB expand-up, readable/writable data), so the common flat case costs one
// byte load. Call `refresh()` after loading any segment register.
import * as L from '../cpu/layout.js';
import { fault, Vector } from '../cpu/exceptions.js';

/** Descriptor attribute bits (descriptor bytes 5-6, as SEG_ATTRS stores them). */
export const ATTR_ACCESSED = 1 << 0;
/** Data: writable. Code: readable. */
export const ATTR_RW = 1 << 1;
/** Data: expand-down. Code: conforming. */
export const ATTR_EC = 1 << 2;
export const ATTR_CODE = 1 << 3;
/** S: code/data (not system) descriptor. */
export const ATTR_S = 1 << 4;
export const ATTR_DPL_SHIFT = 5;
export const ATTR_P = 1 << 7;
/** D/B: 32-bit code segment, 32-bit stack, 4 GiB upper bound for expand-down. */
export const ATTR_DB = 1 << 14;
export const ATTR_G = 1 << 15;

/** Attributes of a present, accessed, writable 32-bit data segment (DPL in bits 5-6). */
export const ATTRS_DATA32 = ATTR_P | ATTR_S | ATTR_RW | ATTR_ACCESSED | ATTR_DB | ATTR_G;
/** Attributes of a present, accessed, readable 32-bit code segment. */
export const ATTRS_CODE32 = ATTR_P | ATTR_S | ATTR_CODE | ATTR_RW | ATTR_ACCESSED | ATTR_DB | ATTR_G;

/** Segmentation.fast bits: reads / writes need no limit or type check (offset = linear address). */
export const FAST_READ = 1;
export const FAST_WRITE = 2;
const SS_INDEX = 2;

export class Segmentation {
  private readonly s32: Uint32Array;
  /** FAST_READ / FAST_WRITE per segment register. */
  readonly fast = new Uint8Array(6);

  constructor(stateWords: Uint32Array) {
    this.s32 = stateWords;
    this.refresh();
  }

  /** Re-derives the fast-path bits from the descriptor caches in the state block. */
  refresh(): void {
    for (let s = 0; s < 6; s++) {
      const w = (L.SEGS + s * L.SEG_STRIDE) >> 2;
      const base = this.s32[w + (L.SEG_BASE >> 2)];
      const limit = this.s32[w + (L.SEG_LIMIT >> 2)];
      const attrs = this.s32[w + (L.SEG_ATTRS >> 2)];
      let f = 0;
      if (base === 0 && limit === 0xffffffff && (attrs & (ATTR_P | ATTR_EC)) === ATTR_P) {
        if ((attrs & ATTR_CODE) === 0) f = (attrs & ATTR_RW) !== 0 ? FAST_READ | FAST_WRITE : FAST_READ;
        else f = (attrs & ATTR_RW) !== 0 ? FAST_READ : 0;
      }
      this.fast[s] = f;
    }
  }

  /** Linear address of a read of `size` bytes at `off` in segment `seg`. */
  readAddr(seg: number, off: number, size: number): number {
    if ((this.fast[seg] & FAST_READ) !== 0) return off;
    return this.check(seg, off >>> 0, size, false);
  }

  /** Linear address of a write of `size` bytes at `off` in segment `seg`. */
  writeAddr(seg: number, off: number, size: number): number {
    if ((this.fast[seg] & FAST_WRITE) !== 0) return off;
    return this.check(seg, off >>> 0, size, true);
  }

  /** Full check (SDM Vol. 3, 5.3-5.4); raises #SS(0) for SS, #GP(0) otherwise. */
  check(seg: number, off: number, size: number, write: boolean): number {
    const w = (L.SEGS + seg * L.SEG_STRIDE) >> 2;
    const base = this.s32[w + (L.SEG_BASE >> 2)];
    const limit = this.s32[w + (L.SEG_LIMIT >> 2)];
    const attrs = this.s32[w + (L.SEG_ATTRS >> 2)];
    const vector = seg === SS_INDEX ? Vector.SS : Vector.GP;
    if ((attrs & ATTR_P) === 0) throw fault(vector, 0);
    if ((attrs & ATTR_CODE) !== 0) {
      if (write || (attrs & ATTR_RW) === 0) throw fault(vector, 0);
    } else if (write && (attrs & ATTR_RW) === 0) {
      throw fault(vector, 0);
    }
    const last = off + size - 1;
    if ((attrs & (ATTR_CODE | ATTR_EC)) === ATTR_EC) {
      // Expand-down: valid offsets are limit+1 .. 0xFFFF or 0xFFFFFFFF (B bit).
      const upper = (attrs & ATTR_DB) !== 0 ? 0xffffffff : 0xffff;
      if (off <= limit || last > upper) throw fault(vector, 0);
    } else if (last > limit) {
      throw fault(vector, 0);
    }
    return (base + off) | 0;
  }
}
