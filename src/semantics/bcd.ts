// Decimal adjust: AAA AAS AAM AAD DAA DAS, after their SDM "Operation"
// sections (P6 behaviour: AAA/AAS adjust AX as a whole). Undefined flags are
// computed from the result (SF ZF PF) or cleared (OF).
import { fault, Vector } from '../cpu/exceptions.js';
import { getFlag, PARITY, setEager } from '../cpu/lazy-flags.js';
import { AF, ARITH, CF, SF, ZF } from '../arch/flags.js';
import type { Cpu } from '../cpu/context.js';
import type { Define } from './handler.js';

function szp8(v: number): number {
  v &= 0xff;
  return PARITY[v] | (v === 0 ? ZF : 0) | (v & 0x80 ? SF : 0);
}

function aaa(c: Cpu, sub: boolean): void {
  let ax = c.reg16(0);
  let f: number;
  if ((ax & 0x0f) > 9 || getFlag(c.s, AF) !== 0) {
    // P6: AX +/- 6 as a 16-bit operation (AL's carry/borrow reaches AH), then AH +/- 1.
    ax = sub ? ((ax - 6) & 0xffff) - 0x100 : ax + 0x106;
    f = AF | CF;
  } else f = 0;
  ax &= 0xff0f;
  c.setReg16(0, ax);
  setEager(c.s, ARITH, f | szp8(ax));
}

function daa(c: Cpu, sub: boolean): void {
  const oldAl = c.reg8(0);
  const oldCf = getFlag(c.s, CF) !== 0;
  let al = oldAl;
  let cf = false;
  let af = 0;
  if ((al & 0x0f) > 9 || getFlag(c.s, AF) !== 0) {
    const t = sub ? al - 6 : al + 6;
    al = t & 0xff;
    cf = oldCf || t < 0 || t > 0xff;
    af = AF;
  }
  if (oldAl > 0x99 || oldCf) {
    al = (sub ? al - 0x60 : al + 0x60) & 0xff;
    cf = true;
  } else if (!sub) cf = false;
  c.setReg8(0, al);
  setEager(c.s, ARITH, szp8(al) | af | (cf ? CF : 0));
}

export function registerBcd(def: Define): void {
  def('AAA', (c) => aaa(c, false));
  def('AAS', (c) => aaa(c, true));
  def('DAA', (c) => daa(c, false));
  def('DAS', (c) => daa(c, true));
  const aam = (c: Cpu, base: number): void => {
    if (base === 0) throw fault(Vector.DE);
    const al = c.reg8(0);
    const r = al % base;
    c.setReg16(0, (Math.floor(al / base) << 8) | r);
    setEager(c.s, ARITH, szp8(r));
  };
  const aad = (c: Cpu, base: number): void => {
    const al = (c.reg8(0) + c.reg8(4) * base) & 0xff;
    c.setReg16(0, al);
    setEager(c.s, ARITH, szp8(al));
  };
  // D4 0A / D5 0A are AAM / AAD: the same forms with base 10.
  def('AAM imm8', (c, i) => aam(c, i.imm & 0xff));
  def('AAD imm8', (c, i) => aad(c, i.imm & 0xff));
}
