// The bulk path of REP string instructions: runs of iterations that stay
// inside one page of each operand are done straight on guest RAM (copyWithin,
// fill, tight compare loops) instead of one checked access per element. The
// result is exactly that of the element-by-element loop in string.ts: the run
// is cut at page ends, the pages are translated (and may fault) in the order
// the first element would access them, overlapping MOVS copies element by
// element, and registers, count and flags end as after the last element.
// Anything else (16-bit addressing, non-flat segments, an element straddling
// a page, memory outside RAM) is left to the element loop.
import type { Insn } from '../decoder/insn.js';
import { type Cpu, ES } from '../cpu/context.js';
import { FAST_READ, FAST_WRITE } from '../mem/segmentation.js';
import { PAGE_MASK, PAGE_SIZE } from '../mem/tlb-entry.js';
import { alu, AluOp } from './alu.js';

export const enum StringKind {
  MOVS,
  CMPS,
  SCAS,
  LODS,
  STOS,
  INS,
  OUTS,
}

const EAX = 0;
const ECX = 1;
const ESI = 6;
const EDI = 7;

/** Elements of `bytes` from linear `addr` on (downward when `back`) that stay inside its page. */
function elementsInPage(addr: number, bytes: number, back: boolean): number {
  const o = addr & PAGE_MASK;
  if (o + bytes > PAGE_SIZE) return 0;
  return back ? Math.floor(o / bytes) + 1 : Math.floor((PAGE_SIZE - o) / bytes);
}

/** Little-endian element at physical `p`, as readSized returns it (32-bit signed, narrower zero-extended). */
function load(ram: Uint8Array, p: number, bytes: number): number {
  if (bytes === 1) return ram[p];
  if (bytes === 2) return ram[p] | (ram[p + 1] << 8);
  return ram[p] | (ram[p + 1] << 8) | (ram[p + 2] << 16) | (ram[p + 3] << 24);
}

function store(ram: Uint8Array, p: number, bytes: number, v: number): void {
  ram[p] = v;
  if (bytes === 1) return;
  ram[p + 1] = v >>> 8;
  if (bytes === 2) return;
  ram[p + 2] = v >>> 16;
  ram[p + 3] = v >>> 24;
}

/**
 * Runs up to `limit` iterations (limit <= ECX) of a 32-bit-address REP string
 * instruction in bulk. Returns how many ran; 0 when the next element needs
 * the element loop. For CMPS/SCAS the run ends at the first element that
 * ends the REPE/REPNE, and the flags are those of the last compare.
 */
export function bulkRepeat(c: Cpu, i: Insn, kind: StringKind, size: number, limit: number, repne: boolean): number {
  if (kind === StringKind.LODS || kind === StringKind.INS || kind === StringKind.OUTS) return 0;
  const readsSrc = kind === StringKind.MOVS || kind === StringKind.CMPS;
  const writesDst = kind === StringKind.MOVS || kind === StringKind.STOS;
  const fast = c.seg.fast;
  if (readsSrc && (fast[i.seg] & FAST_READ) === 0) return 0;
  if ((fast[ES] & (writesDst ? FAST_WRITE : FAST_READ)) === 0) return 0;
  const bytes = size >> 3;
  const back = c.dfSet();
  const si = c.r[ESI];
  const di = c.r[EDI];
  let k = Math.min(limit, elementsInPage(di, bytes, back));
  if (readsSrc) k = Math.min(k, elementsInPage(si, bytes, back));
  if (k <= 0) return 0;
  const mem = c.mem;
  // Translate in the first element's access order (source read, then destination).
  let ps = -1;
  if (readsSrc) {
    ps = mem.translateRead(si);
    if (ps < 0) return 0;
  }
  const pd = writesDst ? mem.translateWrite(di) : mem.translateRead(di);
  if (pd < 0) return 0;
  const ram = mem.ram;
  const step = back ? -bytes : bytes;
  switch (kind) {
    case StringKind.MOVS: {
      const span = k * bytes;
      const lo = back ? (k - 1) * bytes : 0;
      // Element by element equals memmove (copyWithin) unless the copy runs into
      // source bytes it has not read yet: a forward copy to a higher address, a
      // backward one to a lower, closer than the run is long.
      const memmoveSafe = Math.abs(ps - pd) >= span || (back ? pd >= ps : pd <= ps);
      if (memmoveSafe) ram.copyWithin(pd - lo, ps - lo, ps - lo + span);
      else for (let j = 0; j < k; j++) store(ram, pd + j * step, bytes, load(ram, ps + j * step, bytes));
      break;
    }
    case StringKind.STOS: {
      const v = c.r[EAX];
      const start = back ? pd - (k - 1) * bytes : pd;
      const span = k * bytes;
      if (bytes === 1) {
        ram.fill(v & 0xff, start, start + span);
        break;
      }
      // Every element holds the same value: store one, then double the filled stretch.
      store(ram, start, bytes, v);
      for (let len = bytes; len < span; len *= 2) ram.copyWithin(start + len, start, start + Math.min(len, span - len));
      break;
    }
    default: {
      if (kind === StringKind.SCAS && bytes === 1 && repne && !back) {
        // REPNE SCASB forward: the native byte search finds the element that ends the repeat.
        const acc = c.r[EAX] & 0xff;
        const found = ram.subarray(pd, pd + k).indexOf(acc);
        if (found >= 0) k = found + 1;
        alu(c, AluOp.CMP, size, acc, ram[pd + k - 1]);
        break;
      }
      // CMPS / SCAS: stop at the element whose compare ends the repeat.
      const acc = bytes === 4 ? c.r[EAX] : c.r[EAX] & (bytes === 2 ? 0xffff : 0xff);
      let j = 0;
      let a = 0;
      let b = 0;
      for (; j < k; j++) {
        a = ps >= 0 ? load(ram, ps + j * step, bytes) : acc;
        b = load(ram, pd + j * step, bytes);
        if ((a === b) === repne) {
          j++;
          break;
        }
      }
      k = j;
      alu(c, AluOp.CMP, size, a, b);
      break;
    }
  }
  const moved = k * step;
  if (readsSrc) c.r[ESI] = (si + moved) | 0;
  c.r[EDI] = (di + moved) | 0;
  c.r[ECX] = (c.r[ECX] - k) | 0;
  return k;
}
