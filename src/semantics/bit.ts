// Bit test and scan: BT BTS BTR BTC (register and immediate bit offsets) and
// BSF/BSR. With a memory operand and a register offset, the offset is a
// signed index into a bit string starting at the operand (SDM BT: the
// operand-size-aligned unit at EA + (offset >> log2 size) * size/8).
import { setEager } from '../cpu/lazy-flags.js';
import { CF, ZF } from '../arch/flags.js';
import type { Cpu } from '../cpu/context.js';
import type { Insn } from '../decoder/insn.js';
import type { Define, Handler } from './handler.js';

/** 0 = BT, 1 = BTS, 2 = BTR, 3 = BTC. */
function apply(kind: number, v: number, bit: number): number {
  const m = 1 << bit;
  return kind === 1 ? v | m : kind === 2 ? v & ~m : v ^ m;
}

function btHandler(kind: number, size: number, immOffset: boolean): Handler {
  const bytes = size >> 3;
  return (c: Cpu, i: Insn) => {
    const raw = immOffset ? i.imm : c.getReg(size, i.reg);
    if (!i.hasMem || immOffset) {
      const bit = raw & (size - 1);
      if (i.hasMem && kind !== 0) {
        const d = c.rmwBegin(i, bytes);
        c.rmwEnd(bytes, apply(kind, d, bit));
        setEager(c.s, CF, (d >>> bit) & 1 ? CF : 0);
        return;
      }
      const v = c.readRM(i, size);
      setEager(c.s, CF, (v >>> bit) & 1 ? CF : 0);
      if (kind !== 0) c.setReg(size, i.rm, apply(kind, v, bit));
      return;
    }
    const off = size === 32 ? raw | 0 : (raw << 16) >> 16;
    const unit = Math.floor(off / size);
    const bit = off - unit * size;
    const a = c.ea(i) + unit * bytes;
    const addr = i.addrSize === 32 ? a | 0 : a & 0xffff;
    if (kind === 0) {
      const v = c.readSized(size, i.seg, addr);
      setEager(c.s, CF, (v >>> bit) & 1 ? CF : 0);
      return;
    }
    const v = c.rmwBeginAt(i.seg, addr, bytes);
    const cf = (v >>> bit) & 1 ? CF : 0;
    c.rmwEnd(bytes, apply(kind, v, bit));
    setEager(c.s, CF, cf);
  };
}

function scan(reverse: boolean, size: number): Handler {
  return (c: Cpu, i: Insn) => {
    const v = c.readRM(i, size) & (size === 32 ? -1 : 0xffff);
    if (v === 0) {
      setEager(c.s, ZF, ZF); // destination left unchanged
      return;
    }
    const idx = reverse ? 31 - Math.clz32(v) : 31 - Math.clz32(v & -v);
    c.setReg(size, i.reg, idx);
    setEager(c.s, ZF, 0);
  };
}

const NAMES = ['BT', 'BTS', 'BTR', 'BTC'];

export function registerBit(def: Define): void {
  for (let kind = 0; kind < 4; kind++) {
    for (const size of [16, 32]) {
      def(`${NAMES[kind]} r/m${size}, r${size}`, btHandler(kind, size, false));
      def(`${NAMES[kind]} r/m${size}, imm8`, btHandler(kind, size, true));
    }
  }
  for (const size of [16, 32]) {
    def(`BSF r${size}, r/m${size}`, scan(false, size));
    def(`BSR r${size}, r/m${size}`, scan(true, size));
  }
}
