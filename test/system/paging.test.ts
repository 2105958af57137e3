// 32-bit paging (SDM Vol. 3, 4.3-4.8): #PF error codes and CR2, U/S and R/W
// with CR0.WP, accessed/dirty bits, 4 MiB pages with CR4.PSE, and the TLB
// kept until INVLPG or a CR3 load.
import { describe, expect, it } from 'vitest';
import { Box, CODE } from './box.js';
import { writeCr0 } from '../../src/system/control-insns.js';

const PD = 0x20000;
const PT = 0x21000;
const P = 1;
const RW = 2;
const US = 4;
const A = 0x20;
const D = 0x40;
const PS = 0x80;
const HLT = 0xf4;
const DATA = 0x300000;

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
}
const movEaxMem = (a: number): number[] => [0xa1, ...le32(a)];
const movMemEax = (a: number): number[] => [0xa3, ...le32(a)];

/** Identity-maps the first 4 MiB (supervisor, writable), then `DATA`'s page with `dataFlags`. */
function pagedBox(dataFlags: number, wp = false): Box {
  const b = new Box();
  b.w32(PD, PT | P | RW | US);
  for (let p = 0; p < 1024; p++) b.w32(PT + p * 4, (p << 12) | P | RW | US);
  // System pages (GDT, IDT, TSS, stubs, stacks) stay user-accessible so ring-3 tests can run; DATA gets the flags under test.
  b.w32(PT + (DATA >>> 12) * 4, DATA | dataFlags);
  b.m.state.setCr(3, PD);
  writeCr0(b.m.cpu, (b.m.state.cr(0) | 0x80000000 | (wp ? 0x10000 : 0)) >>> 0);
  return b;
}

describe('page faults', () => {
  it('not present: read error code 0, write error code 2, CR2 = the address', () => {
    const r = pagedBox(0);
    r.code([...movEaxMem(DATA + 0x10), HLT]);
    r.run();
    expect([r.vector, r.stack(0), r.stack(1), r.m.state.cr(2)]).toEqual([14, 0, CODE, DATA + 0x10]);
    const w = pagedBox(0);
    w.code([...movMemEax(DATA + 0x20), HLT]);
    w.run();
    expect([w.vector, w.stack(0), w.m.state.cr(2)]).toEqual([14, 2, DATA + 0x20]);
  });

  it('CPL 3 reading a supervisor page: error code 5 (P, U)', () => {
    const b = pagedBox(P | RW);
    b.enterRing(3);
    b.code([...movEaxMem(DATA), HLT]);
    b.run();
    expect([b.vector, b.stack(0)]).toEqual([14, 5]);
  });

  it('CPL 3 writing a read-only user page: error code 7', () => {
    const b = pagedBox(P | US);
    b.enterRing(3);
    b.code([...movEaxMem(DATA), ...movMemEax(DATA), HLT]);
    b.run();
    expect([b.vector, b.stack(0), b.stack(1)]).toEqual([14, 7, CODE + 5]);
  });

  it('supervisor write to a read-only page: allowed with CR0.WP=0, error code 3 with WP=1', () => {
    const off = pagedBox(P);
    off.code([0xb8, ...le32(0x1234), ...movMemEax(DATA + 8), HLT]);
    off.run();
    expect(off.vector).toBe(-1);
    expect(off.r32(DATA + 8)).toBe(0x1234);
    const on = pagedBox(P, true);
    on.code([0xb8, ...le32(0x1234), ...movMemEax(DATA + 8), HLT]);
    on.run();
    expect([on.vector, on.stack(0)]).toEqual([14, 3]);
    expect(on.r32(DATA + 8)).toBe(0);
  });
});

describe('accessed and dirty bits', () => {
  it('a read sets A in the PDE and PTE; a later write sets D', () => {
    const b = pagedBox(P | RW);
    b.code([...movEaxMem(DATA), HLT]);
    b.run();
    const pte = (): number => b.r32(PT + (DATA >>> 12) * 4);
    expect(pte() & (A | D)).toBe(A);
    expect(b.r32(PD) & A).toBe(A);
    b.code([...movMemEax(DATA), HLT], CODE + 0x100);
    b.run(CODE + 0x100);
    expect(pte() & (A | D)).toBe(A | D);
  });
});

describe('4 MiB pages and TLB maintenance', () => {
  it('CR4.PSE maps a 4 MiB page through a PDE with PS', () => {
    const b = pagedBox(P | RW);
    b.w32(PD + 2 * 4, 0x400000 | P | RW | PS); // linear 0x800000 -> physical 0x400000
    b.m.state.setCr(4, 0x10);
    b.code([0xb8, ...le32(0xcafe), ...movMemEax(0x800010 + 0x1000), HLT]);
    b.run();
    expect(b.vector).toBe(-1);
    expect(b.r32(0x401010)).toBe(0xcafe);
    expect(b.r32(PD + 8) & (A | D)).toBe(A | D);
  });

  it('a remapped page is seen only after INVLPG', () => {
    const b = pagedBox(P | RW);
    b.w32(DATA, 111);
    b.w32(DATA + 0x1000, 222);
    // All code is placed first: placing code drops every cached translation.
    b.code([...movEaxMem(DATA), HLT]);
    b.code([...movEaxMem(DATA), HLT], CODE + 0x40);
    b.code([0x0f, 0x01, 0x3d, ...le32(DATA), ...movEaxMem(DATA), HLT], CODE + 0x80); // invlpg [DATA]
    b.run();
    expect(b.m.state.reg32(0)).toBe(111);
    b.w32(PT + (DATA >>> 12) * 4, (DATA + 0x1000) | P | RW);
    b.run(CODE + 0x40);
    expect(b.m.state.reg32(0)).toBe(111); // stale TLB entry, as on hardware
    b.run(CODE + 0x80);
    expect(b.m.state.reg32(0)).toBe(222);
  });

  it('a CR3 load flushes the TLB', () => {
    const b = pagedBox(P | RW);
    b.code([0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8, HLT]); // mov eax, cr3; mov cr3, eax
    const flushes = b.m.cpu.mem.tlbFlushes;
    b.run();
    expect(b.m.cpu.mem.tlbFlushes).toBe(flushes + 1);
  });
});
