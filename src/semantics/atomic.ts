// Compare-exchange and exchange-add: CMPXCHG, CMPXCHG8B, XADD. The memory
// destination is always written (SDM CMPXCHG: "the destination operand is
// written back if the comparison fails"), so the write is checked up front.
import { setEager } from '../cpu/lazy-flags.js';
import { ZF } from '../arch/flags.js';
import { fault, Vector } from '../cpu/exceptions.js';
import type { Cpu } from '../cpu/context.js';
import type { Insn } from '../decoder/insn.js';
import { alu, AluOp } from './alu.js';
import { type Define, SIZES, sizeMask } from './handler.js';

function cmpxchg(c: Cpu, i: Insn, size: number): void {
  const bytes = size >> 3;
  const m = sizeMask(size);
  const src = c.getReg(size, i.reg);
  const accum = c.getReg(size, 0);
  if (!i.hasMem) {
    const d = c.getReg(size, i.rm);
    alu(c, AluOp.CMP, size, accum, d);
    if (((accum ^ d) & m) === 0) c.setReg(size, i.rm, src);
    else c.setReg(size, 0, d);
    return;
  }
  const d = c.rmwBegin(i, bytes);
  alu(c, AluOp.CMP, size, accum, d);
  if (((accum ^ d) & m) === 0) c.rmwEnd(bytes, src);
  else {
    c.rmwEnd(bytes, d);
    c.setReg(size, 0, d);
  }
}

function xadd(c: Cpu, i: Insn, size: number): void {
  const bytes = size >> 3;
  const src = c.getReg(size, i.reg);
  if (!i.hasMem) {
    const d = c.getReg(size, i.rm);
    const sum = alu(c, AluOp.ADD, size, d, src);
    c.setReg(size, i.reg, d);
    c.setReg(size, i.rm, sum);
    return;
  }
  const d = c.rmwBegin(i, bytes);
  const sum = alu(c, AluOp.ADD, size, d, src);
  c.rmwEnd(bytes, sum);
  c.setReg(size, i.reg, d);
}

function cmpxchg8b(c: Cpu, i: Insn): void {
  if (!i.hasMem) throw fault(Vector.UD);
  const off = c.ea(i);
  const hiOff = i.addrSize === 32 ? (off + 4) | 0 : (off + 4) & 0xffff;
  const lo = c.rmwBeginAt(i.seg, off, 4);
  const hi = c.read32(i.seg, hiOff);
  // Both halves are written whatever the outcome: check the upper half too.
  c.mem.probeWrite(c.seg.writeAddr(i.seg, hiOff, 4), 4);
  if (lo === c.r[0] && hi === c.r[2]) {
    c.rmwEnd(4, c.r[3]);
    c.write32(i.seg, hiOff, c.r[1]);
    setEager(c.s, ZF, ZF);
  } else {
    c.rmwEnd(4, lo);
    c.write32(i.seg, hiOff, hi);
    c.r[0] = lo;
    c.r[2] = hi;
    setEager(c.s, ZF, 0);
  }
}

export function registerAtomic(def: Define): void {
  for (const size of SIZES) {
    def(`CMPXCHG r/m${size}, r${size}`, (c, i) => cmpxchg(c, i, size));
    def(`XADD r/m${size}, r${size}`, (c, i) => xadd(c, i, size));
  }
  def('CMPXCHG8B m64', cmpxchg8b);
}
