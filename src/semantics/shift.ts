// Shifts and rotates: SHL/SAL SHR SAR ROL ROR RCL RCR (by 1, CL, imm8) and
// SHLD/SHRD. The count is masked to 5 bits; a masked count of 0 changes no
// flags (SDM SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR "Flags Affected"). Flags are
// computed eagerly. Undefined flags get what this model's hardware produces
// as far as the recorded fixtures tell.
import { carry, PARITY, setEager } from '../cpu/lazy-flags.js';
import { AF, CF, OF, PF, SF, ZF } from '../arch/flags.js';
import type { Cpu } from '../cpu/context.js';
import type { Insn } from '../decoder/insn.js';
import { type Define, type Handler, SIZES, sext, sizeMask } from './handler.js';

const SZP = SF | ZF | PF;

function szp(res: number, size: number): number {
  return PARITY[res & 0xff] | (res === 0 ? ZF : 0) | ((res >>> (size - 1)) & 1 ? SF : 0);
}

/** Result of shift/rotate kind `k` (ModRM.reg: 0 ROL … 7 SAR) of `d` by `n` (already masked, non-zero). */
export function shiftOp(c: Cpu, k: number, size: number, d: number, n: number): number {
  const m = sizeMask(size);
  const msb = size - 1;
  d &= m;
  let res: number;
  let cf: number;
  let of: number;
  switch (k) {
    case 0: { // ROL
      const r = n % size;
      res = r === 0 ? d : ((d << r) | (d >>> (size - r))) & m;
      cf = res & 1;
      of = ((res >>> msb) ^ cf) & 1;
      setEager(c.s, CF | OF, (cf ? CF : 0) | (of ? OF : 0));
      return res;
    }
    case 1: { // ROR
      const r = n % size;
      res = r === 0 ? d : ((d >>> r) | (d << (size - r))) & m;
      cf = (res >>> msb) & 1;
      of = ((res >>> msb) ^ (res >>> (msb - 1))) & 1;
      setEager(c.s, CF | OF, (cf ? CF : 0) | (of ? OF : 0));
      return res;
    }
    case 2: // RCL
    case 3: { // RCR
      const r = size === 32 ? n : n % (size + 1);
      let cin = carry(c.s);
      if (r === 0) {
        // Count a multiple of size+1: value and CF unchanged; OF as for a rotate by 1 count of 0.
        res = d;
        cf = cin;
      } else {
        res = d;
        cf = cin;
        for (let t = 0; t < r; t++) {
          if (k === 2) {
            const out = (res >>> msb) & 1;
            res = ((res << 1) | cf) & m;
            cf = out;
          } else {
            const out = res & 1;
            res = ((res >>> 1) | (cf << msb)) & m;
            cf = out;
          }
        }
      }
      // OF: RCL = MSB(result) XOR CF; RCR = the two top bits of the result differ.
      of = k === 2 ? ((res >>> msb) ^ cf) & 1 : ((res >>> msb) ^ (res >>> (msb - 1))) & 1;
      cin = 0;
      setEager(c.s, CF | OF, (cf ? CF : 0) | (of ? OF : 0) | cin);
      return res;
    }
    case 4: // SHL
    case 6: { // SAL (undocumented /6 alias)
      res = n < 32 ? (d << n) & m : 0;
      cf = n <= size ? (d >>> (size - n)) & 1 : 0;
      of = ((res >>> msb) ^ cf) & 1;
      break;
    }
    case 5: { // SHR
      res = n < 32 ? (d >>> n) & m : 0;
      cf = (d >>> (n - 1)) & 1;
      of = (d >>> msb) & 1;
      break;
    }
    default: { // SAR
      const sd = sext(d, size);
      res = (sd >> n) & m;
      cf = (sd >> (n - 1)) & 1;
      of = 0;
      break;
    }
  }
  res >>>= 0;
  setEager(c.s, CF | OF | SZP | AF, szp(res, size) | (cf ? CF : 0) | (of ? OF : 0));
  return res;
}

function shiftHandler(k: number, size: number, countOf: (c: Cpu, i: Insn) => number): Handler {
  const bytes = size >> 3;
  return (c, i) => {
    const n = countOf(c, i) & 31;
    if (!i.hasMem) {
      if (n !== 0) c.setReg(size, i.rm, shiftOp(c, k, size, c.getReg(size, i.rm), n));
      return;
    }
    const d = c.rmwBegin(i, bytes);
    if (n !== 0) c.rmwEnd(bytes, shiftOp(c, k, size, d, n));
  };
}

/**
 * SHLD/SHRD of width `size` (SDM SHLD, SHRD). 16-bit counts above 16 behave as
 * shifting the 48-bit string dest:src:dest, as P6-family processors do.
 */
export function doubleShift(c: Cpu, left: boolean, size: number, d: number, src: number, n: number): number {
  let res: number;
  let cf: number;
  if (size === 32) {
    d >>>= 0;
    src >>>= 0;
    if (left) {
      res = ((d << n) | (src >>> (32 - n))) >>> 0;
      cf = (d >>> (32 - n)) & 1;
    } else {
      res = ((d >>> n) | (src << (32 - n))) >>> 0;
      cf = (d >>> (n - 1)) & 1;
    }
  } else {
    d &= 0xffff;
    src &= 0xffff;
    const x = d * 2 ** 32 + src * 2 ** 16 + d; // 48 bits: dest:src:dest
    if (left) {
      const shifted = (x * 2 ** n) % 2 ** 48;
      res = Math.floor(shifted / 2 ** 32) & 0xffff;
      cf = Math.floor(x / 2 ** (48 - n)) & 1;
    } else {
      res = Math.floor(x / 2 ** n) & 0xffff;
      cf = Math.floor(x / 2 ** (n - 1)) & 1;
    }
  }
  const of = ((res ^ d) >>> (size - 1)) & 1;
  setEager(c.s, CF | OF | SZP | AF, szp(res, size) | (cf ? CF : 0) | (of ? OF : 0));
  return res;
}

function doubleHandler(left: boolean, size: number, byCl: boolean): Handler {
  const bytes = size >> 3;
  return (c, i) => {
    const n = (byCl ? c.r[1] : i.imm) & 31;
    const src = c.getReg(size, i.reg);
    if (!i.hasMem) {
      if (n !== 0) c.setReg(size, i.rm, doubleShift(c, left, size, c.getReg(size, i.rm), src, n));
      return;
    }
    const d = c.rmwBegin(i, bytes);
    if (n !== 0) c.rmwEnd(bytes, doubleShift(c, left, size, d, src, n));
  };
}

const KINDS = ['ROL', 'ROR', 'RCL', 'RCR', 'SHL', 'SHR', 'SAL', 'SAR'];

export function registerShift(def: Define): void {
  for (let k = 0; k < 8; k++) {
    for (const size of SIZES) {
      const name = `${KINDS[k]} r/m${size}`;
      def(`${name}, 1`, shiftHandler(k, size, () => 1));
      def(`${name}, CL`, shiftHandler(k, size, (c) => c.r[1]));
      def(`${name}, imm8`, shiftHandler(k, size, (_c, i) => i.imm));
    }
  }
  for (const size of [16, 32]) {
    for (const left of [true, false]) {
      const name = `${left ? 'SHLD' : 'SHRD'} r/m${size}, r${size}`;
      def(`${name}, imm8`, doubleHandler(left, size, false));
      def(`${name}, CL`, doubleHandler(left, size, true));
    }
  }
}
