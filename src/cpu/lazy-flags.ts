// Lazy arithmetic flags: the one format shared by the interpreter and the
// translator (DESIGN decision 4). The translator emits wasm for these same
// rules; change them here and there together.
//
// State-block fields (cpu/layout.ts), all u32:
//   FLAGS      every EFLAGS bit; CF PF AF ZF SF OF are stale where LAZY_MASK has them.
//   LAZY_MASK  which of the six arithmetic flags must be derived from the record.
//   LAZY_OP    a LazyOp below.
//   LAZY_SIZE  operand width in bits: 8, 16 or 32.
//   LAZY_DST   first operand, LAZY_SRC second operand, LAZY_RES result, each
//              zero-extended from LAZY_SIZE bits (so RES = 0 <=> ZF).
//
// Recording rules for the hot operations:
//   ADD d,s   -> op ADD, dst d, src s, res d+s                 mask ARITH
//   ADC d,s   -> op ADC, res d+s+CF (carry-in recovered as res-d-s) mask ARITH
//   SUB/CMP   -> op SUB, res d-s                               mask ARITH
//   SBB d,s   -> op SBB, res d-s-CF (borrow-in = d-s-res)      mask ARITH
//   NEG s     -> op SUB with dst 0, src s                      mask ARITH
//   INC d     -> op ADD with src 1; DEC d -> op SUB with src 1; mask ARITH & ~CF
//                (CF is first made concrete in FLAGS, SDM INC/DEC keep CF)
//   AND/OR/XOR/TEST -> op LOGIC, res; CF = OF = AF = 0          mask ARITH
// Derivations (w = LAZY_SIZE, sign = bit w-1):
//   ZF = res == 0;  SF = res.sign;  PF = even parity of res & 0xFF
//   AF = bit 4 of (dst ^ src ^ res)                             (LOGIC: 0)
//   CF: ADD res < dst; ADC cin ? res <= dst : res < dst;
//       SUB dst < src; SBB cin ? dst <= src : dst < src         (LOGIC: 0)
//   OF: ADD/ADC sign of (dst ^ res) & (src ^ res);
//       SUB/SBB sign of (dst ^ src) & (dst ^ res)               (LOGIC: 0)
// Everything else (shifts, rotates, MUL, BCD, BT, …) writes FLAGS eagerly and
// clears the bits it defines from LAZY_MASK.
import * as L from './layout.js';
import { AF, ARITH, CF, OF, PF, SF, ZF } from '../arch/flags.js';

export const enum LazyOp {
  ADD = 1,
  ADC = 2,
  SUB = 3,
  SBB = 4,
  LOGIC = 5,
}

/** Word indexes of the fields in a Uint32Array/Int32Array over the memory. */
export const W_FLAGS = L.FLAGS >> 2;
export const W_MASK = L.LAZY_MASK >> 2;
export const W_OP = L.LAZY_OP >> 2;
export const W_SIZE = L.LAZY_SIZE >> 2;
export const W_DST = L.LAZY_DST >> 2;
export const W_SRC = L.LAZY_SRC >> 2;
export const W_RES = L.LAZY_RES >> 2;

/** PARITY[b] is PF for a result whose low byte is b. */
export const PARITY = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  let bits = 0;
  for (let k = 0; k < 8; k++) bits += (b >> k) & 1;
  PARITY[b] = bits & 1 ? 0 : PF;
}

/** Records a lazily evaluated operation (values are masked to `size` here). */
export function record(s: Uint32Array, op: LazyOp, size: number, dst: number, src: number, res: number, mask: number): void {
  const m = size === 32 ? 0xffffffff : (1 << size) - 1;
  s[W_OP] = op;
  s[W_SIZE] = size;
  s[W_DST] = dst & m;
  s[W_SRC] = src & m;
  s[W_RES] = res & m;
  s[W_MASK] = mask;
}

function carryIn(op: number, size: number, dst: number, src: number, res: number): number {
  const m = size === 32 ? 0xffffffff : (1 << size) - 1;
  return op === LazyOp.ADC ? (res - dst - src) & m & 1 : (dst - src - res) & m & 1;
}

/** CF of a record. */
export function lazyCF(op: number, size: number, dst: number, src: number, res: number): number {
  switch (op) {
    case LazyOp.ADD:
      return res < dst ? CF : 0;
    case LazyOp.ADC:
      return (carryIn(op, size, dst, src, res) ? res <= dst : res < dst) ? CF : 0;
    case LazyOp.SUB:
      return dst < src ? CF : 0;
    case LazyOp.SBB:
      return (carryIn(op, size, dst, src, res) ? dst <= src : dst < src) ? CF : 0;
    default:
      return 0;
  }
}

/** OF of a record. */
export function lazyOF(op: number, size: number, dst: number, src: number, res: number): number {
  let x: number;
  switch (op) {
    case LazyOp.ADD:
    case LazyOp.ADC:
      x = (dst ^ res) & (src ^ res);
      break;
    case LazyOp.SUB:
    case LazyOp.SBB:
      x = (dst ^ src) & (dst ^ res);
      break;
    default:
      return 0;
  }
  return (x >>> (size - 1)) & 1 ? OF : 0;
}

/** All six arithmetic flags of a record, as EFLAGS bits. */
export function lazyAll(op: number, size: number, dst: number, src: number, res: number): number {
  let f = PARITY[res & 0xff] | (res === 0 ? ZF : 0) | ((res >>> (size - 1)) & 1 ? SF : 0);
  if (op !== LazyOp.LOGIC) {
    f |= (dst ^ src ^ res) & AF;
    f |= lazyCF(op, size, dst, src, res) | lazyOF(op, size, dst, src, res);
  }
  return f;
}

/** Makes every flag concrete in FLAGS and returns EFLAGS (bit 1 forced to 1). */
export function materialize(s: Uint32Array): number {
  const f = peekEflags(s);
  s[W_MASK] = 0;
  s[W_FLAGS] = f;
  return f;
}

/** EFLAGS as materialize would return it, leaving the state as it is (an observer must not perturb the record). */
export function peekEflags(s: Uint32Array): number {
  const mask = s[W_MASK];
  let f = s[W_FLAGS];
  if (mask !== 0) f = (f & ~mask) | (lazyAll(s[W_OP], s[W_SIZE], s[W_DST], s[W_SRC], s[W_RES]) & mask);
  return (f | 2) >>> 0;
}

/** Value of one arithmetic flag bit (CF, PF, AF, ZF, SF or OF): the bit itself or 0. */
export function getFlag(s: Uint32Array, bit: number): number {
  if ((s[W_MASK] & bit) === 0) return s[W_FLAGS] & bit;
  const op = s[W_OP];
  const size = s[W_SIZE];
  const res = s[W_RES];
  switch (bit) {
    case CF:
      return lazyCF(op, size, s[W_DST], s[W_SRC], res);
    case ZF:
      return res === 0 ? ZF : 0;
    case SF:
      return (res >>> (size - 1)) & 1 ? SF : 0;
    case PF:
      return PARITY[res & 0xff];
    case OF:
      return lazyOF(op, size, s[W_DST], s[W_SRC], res);
    case AF:
      return op === LazyOp.LOGIC ? 0 : (s[W_DST] ^ s[W_SRC] ^ res) & AF;
    default:
      return s[W_FLAGS] & bit;
  }
}

/** CF as 0/1. */
export function carry(s: Uint32Array): number {
  if ((s[W_MASK] & CF) === 0) return s[W_FLAGS] & 1;
  return lazyCF(s[W_OP], s[W_SIZE], s[W_DST], s[W_SRC], s[W_RES]);
}

/**
 * Sets arithmetic flags eagerly: the bits in `defined` take their value from
 * `values`; other lazy bits are kept lazy (CF of INC/DEC style merges).
 */
export function setEager(s: Uint32Array, defined: number, values: number): void {
  const mask = s[W_MASK];
  if ((mask & ~defined & ARITH) !== 0) {
    // Some lazily recorded flags survive: make them concrete first.
    materialize(s);
  }
  s[W_FLAGS] = (s[W_FLAGS] & ~defined) | (values & defined);
  s[W_MASK] = 0;
}

/** Makes CF concrete in FLAGS, leaving the other lazy bits lazy (for INC/DEC). */
export function concretizeCF(s: Uint32Array): void {
  if ((s[W_MASK] & CF) !== 0) {
    s[W_FLAGS] = (s[W_FLAGS] & ~CF) | lazyCF(s[W_OP], s[W_SIZE], s[W_DST], s[W_SRC], s[W_RES]);
    s[W_MASK] &= ~CF;
  }
}

function signExtend(v: number, size: number): number {
  return size === 32 ? v | 0 : (v << (32 - size)) >> (32 - size);
}

/**
 * Evaluates condition code `cc` (the low nibble of Jcc/SETcc/CMOVcc, SDM
 * Vol. 1 appendix B). A CMP/SUB record answers the compare conditions directly.
 */
export function condition(s: Uint32Array, cc: number): boolean {
  const mask = s[W_MASK];
  // E/NE and S/NS read only the result: no need to know the operation.
  if (cc === 4 || cc === 5) {
    const zf = (mask & ZF) !== 0 ? s[W_RES] === 0 : (s[W_FLAGS] & ZF) !== 0;
    return cc === 4 ? zf : !zf;
  }
  if (cc === 8 || cc === 9) {
    const sf = (mask & SF) !== 0 ? ((s[W_RES] >>> (s[W_SIZE] - 1)) & 1) !== 0 : (s[W_FLAGS] & SF) !== 0;
    return cc === 8 ? sf : !sf;
  }
  if (mask === ARITH && s[W_OP] === LazyOp.SUB) {
    const dst = s[W_DST];
    const src = s[W_SRC];
    switch (cc) {
      case 2: return dst < src;
      case 3: return dst >= src;
      case 4: return dst === src;
      case 5: return dst !== src;
      case 6: return dst <= src;
      case 7: return dst > src;
      case 12: case 13: case 14: case 15: {
        const size = s[W_SIZE];
        const a = signExtend(dst, size);
        const b = signExtend(src, size);
        switch (cc) {
          case 12: return a < b;
          case 13: return a >= b;
          case 14: return a <= b;
          default: return a > b;
        }
      }
    }
  }
  let r: boolean;
  switch (cc >> 1) {
    case 0: r = getFlag(s, OF) !== 0; break;
    case 1: r = getFlag(s, CF) !== 0; break;
    case 2: r = getFlag(s, ZF) !== 0; break;
    case 3: r = getFlag(s, CF) !== 0 || getFlag(s, ZF) !== 0; break;
    case 4: r = getFlag(s, SF) !== 0; break;
    case 5: r = getFlag(s, PF) !== 0; break;
    case 6: r = (getFlag(s, SF) !== 0) !== (getFlag(s, OF) !== 0); break;
    default: r = getFlag(s, ZF) !== 0 || (getFlag(s, SF) !== 0) !== (getFlag(s, OF) !== 0); break;
  }
  return (cc & 1) === 0 ? r : !r;
}
