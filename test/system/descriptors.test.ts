// Segment loads and limit checks: SDM MOV/POP Sreg protected-mode checks,
// expand-down and granular limits, with the error codes of SDM Vol. 3, 6.13.
import { describe, expect, it } from 'vitest';
import { Seg } from '../../src/cpu/state.js';
import { Box, CODE, GDT, KDATA, descriptor } from './box.js';

const movAx = (v: number): number[] => [0x66, 0xb8, v & 0xff, v >> 8];
const MOV_DS_AX = [0x8e, 0xd8];
const MOV_SS_AX = [0x8e, 0xd0];
const HLT = [0xf4];
const movEaxMem = (a: number): number[] => [0xa1, a & 0xff, (a >> 8) & 0xff, (a >> 16) & 0xff, a >>> 24];

describe('segment register loads', () => {
  it('loads a valid data selector and its cache', () => {
    const b = new Box();
    b.setGdt(6, descriptor(0x12345000, 0xabcde, 0x92, 0x4));
    b.code([...movAx(0x30), ...MOV_DS_AX, ...HLT]);
    b.run();
    const st = b.m.state;
    expect(b.vector).toBe(-1);
    expect(st.segSelector(Seg.DS)).toBe(0x30);
    expect(st.segBase(Seg.DS)).toBe(0x12345000);
    expect(st.segLimit(Seg.DS)).toBe(0xabcde);
    // The load set the accessed bit in the GDT.
    expect((b.r32(GDT + 6 * 8 + 4) >> 8) & 1).toBe(1);
  });

  it('#GP(selector) past the GDT limit', () => {
    const b = new Box();
    b.code([...movAx(0x1000), ...MOV_DS_AX, ...HLT]);
    b.run();
    expect(b.vector).toBe(13);
    expect(b.stack(0)).toBe(0x1000);
    expect(b.stack(1)).toBe(CODE + 4);
  });

  it('#GP(selector) for an execute-only code segment in DS', () => {
    const b = new Box();
    b.setGdt(6, descriptor(0, 0xfffff, 0x98, 0xc));
    b.code([...movAx(0x30), ...MOV_DS_AX, ...HLT]);
    b.run();
    expect([b.vector, b.stack(0)]).toEqual([13, 0x30]);
  });

  it('#NP(selector) for a not-present data segment, #SS(selector) for SS', () => {
    const b = new Box();
    b.setGdt(6, descriptor(0, 0xfffff, 0x12, 0xc));
    b.code([...movAx(0x30), ...MOV_DS_AX, ...HLT]);
    b.run();
    expect([b.vector, b.stack(0)]).toEqual([11, 0x30]);
    const c = new Box();
    c.setGdt(6, descriptor(0, 0xfffff, 0x12, 0xc));
    c.code([...movAx(0x30), ...MOV_SS_AX, ...HLT]);
    c.run();
    expect([c.vector, c.stack(0)]).toEqual([12, 0x30]);
  });

  it('#GP for SS: read-only data, null selector, RPL != CPL', () => {
    for (const [sel, access, code] of [
      [0x30, 0x90, 0x30],
      [0x00, 0x92, 0x00],
      [0x33, 0x92, 0x30],
    ]) {
      const b = new Box();
      b.setGdt(6, descriptor(0, 0xfffff, access, 0xc));
      b.code([...movAx(sel), ...MOV_SS_AX, ...HLT]);
      b.run();
      expect([b.vector, b.stack(0)]).toEqual([13, code]);
    }
  });

  it('a null selector loads into DS; using it raises #GP(0)', () => {
    const b = new Box();
    b.code([...movAx(0), ...MOV_DS_AX, ...movEaxMem(0x100), ...HLT]);
    b.run();
    expect([b.vector, b.stack(0), b.stack(1)]).toEqual([13, 0, CODE + 6]);
  });

  it('DPL < CPL data segment is refused at CPL 3', () => {
    const b = new Box();
    b.enterRing(3);
    b.code([...movAx(KDATA | 3), ...MOV_DS_AX, ...HLT]);
    b.run();
    expect([b.vector, b.stack(0)]).toEqual([13, KDATA]);
  });
});

describe('limits', () => {
  it('granularity: limit 0 with G=1 covers 0..0xFFF', () => {
    const b = new Box();
    b.setGdt(6, descriptor(0, 0, 0x92, 0xc));
    b.code([...movAx(0x30), ...MOV_DS_AX, ...movEaxMem(0xffc), ...movEaxMem(0xffd), ...HLT]);
    b.run();
    expect([b.vector, b.stack(0), b.stack(1)]).toEqual([13, 0, CODE + 11]);
  });

  it('expand-down: offsets up to the limit fault, above it they do not', () => {
    const b = new Box();
    b.setGdt(6, descriptor(0, 0x0fff, 0x96, 0x4)); // expand-down, writable, B=1
    b.code([...movAx(0x30), ...MOV_DS_AX, ...movEaxMem(0x1000), ...movEaxMem(0xffe), ...HLT]);
    b.run();
    expect([b.vector, b.stack(0), b.stack(1)]).toEqual([13, 0, CODE + 11]);
  });
});
