// System instructions on their own: LLDT and LDT selectors, LSS, LTR's busy
// bit and STR, ARPL, VERR/VERW, LSL, and the TSC through RDMSR/WRMSR.
import { describe, expect, it } from 'vitest';
import { Seg } from '../../src/cpu/state.js';
import { Box, CODE, GDT, descriptor } from './box.js';

const HLT = 0xf4;
const ZF = 0x40;

describe('LDT and LTR', () => {
  it('LLDT loads the LDTR; a TI=1 selector then loads from the LDT', () => {
    const b = new Box();
    const ldt = 0x5000;
    b.setGdt(7, descriptor(ldt, 0x17, 0x82, 0)); // LDT descriptor, 3 entries
    b.w32(ldt + 8, descriptor(0x7000, 0xfff, 0x92, 0x4)[0]);
    b.w32(ldt + 12, descriptor(0x7000, 0xfff, 0x92, 0x4)[1]);
    // mov ax, 0x38; lldt ax; mov ax, 0x0c; mov es, ax; sldt cx; hlt
    b.code([0x66, 0xb8, 0x38, 0x00, 0x0f, 0x00, 0xd0, 0x66, 0xb8, 0x0c, 0x00, 0x8e, 0xc0, 0x0f, 0x00, 0xc1, HLT]);
    b.run();
    const st = b.m.state;
    expect(b.vector).toBe(-1);
    expect(st.segBase(Seg.ES)).toBe(0x7000);
    expect(st.segLimit(Seg.ES)).toBe(0xfff);
    expect(st.reg32(1)).toBe(0x38);
  });

  it('LLDT of a non-LDT descriptor is #GP(selector); a selector past the LDT limit is #GP(selector)', () => {
    const b = new Box();
    b.code([0x66, 0xb8, 0x10, 0x00, 0x0f, 0x00, 0xd0, HLT]); // lldt 0x10 (a data segment)
    b.run();
    expect([b.vector, b.stack(0)]).toEqual([13, 0x10]);
  });

  it('LTR marks the TSS busy; a second LTR of it is #GP(selector); STR reads TR', () => {
    const b = new Box();
    b.setGdt(6, descriptor(0x3000, 0x67, 0x89, 0)); // available 32-bit TSS
    // mov ax, 0x30; ltr ax; str cx; ltr ax
    b.code([0x66, 0xb8, 0x30, 0x00, 0x0f, 0x00, 0xd8, 0x0f, 0x00, 0xc9, 0x0f, 0x00, 0xd8, HLT]);
    b.run();
    expect((b.r32(GDT + 6 * 8 + 4) >> 8) & 15).toBe(0xb);
    expect(b.m.state.reg32(1)).toBe(0x30);
    expect([b.vector, b.stack(0), b.stack(1)]).toEqual([13, 0x30, CODE + 10]);
  });
});

describe('segment probes and far-pointer loads', () => {
  it('LSS loads SS:ESP from memory together', () => {
    const b = new Box();
    b.w32(0x6000, 0x8800);
    b.w16(0x6004, 0x10);
    b.code([0x0f, 0xb2, 0x25, 0x00, 0x60, 0x00, 0x00, HLT]); // lss esp, [0x6000]
    b.run();
    expect(b.m.state.reg32(4)).toBe(0x8800);
    expect(b.m.state.segSelector(Seg.SS)).toBe(0x10);
  });

  it('ARPL raises the RPL and sets ZF; VERR/VERW and LSL report through ZF', () => {
    const b = new Box();
    // mov ax, 0x10; mov bx, 0x1b; arpl ax, bx; pushfd
    b.code([0x66, 0xb8, 0x10, 0x00, 0x66, 0xbb, 0x1b, 0x00, 0x66, 0x63, 0xd8, 0x9c, HLT]);
    b.run();
    expect(b.m.state.reg32(0) & 0xffff).toBe(0x13);
    expect(b.stack(0) & ZF).toBe(ZF);
    const v = new Box();
    // mov ax, 0x08; verw ax; pushfd; verr ax; pushfd; lsl ecx, ax; hlt
    v.code([0x66, 0xb8, 0x08, 0x00, 0x0f, 0x00, 0xe8, 0x9c, 0x0f, 0x00, 0xe0, 0x9c, 0x0f, 0x03, 0xc8, HLT]);
    v.run();
    expect(v.stack(1) & ZF).toBe(0); // code segment: not writable
    expect(v.stack(0) & ZF).toBe(ZF); // readable code
    expect(v.m.state.reg32(1) >>> 0).toBe(0xffffffff);
  });
});

describe('MSRs', () => {
  it('WRMSR to the TSC sets what RDTSC and RDMSR read back', () => {
    const b = new Box();
    // mov ecx, 0x10; xor eax, eax; mov edx, 5; wrmsr; rdtsc; mov esi, edx; rdmsr; hlt
    b.code([0xb9, 0x10, 0, 0, 0, 0x31, 0xc0, 0xba, 5, 0, 0, 0, 0x0f, 0x30, 0x0f, 0x31, 0x89, 0xd6, 0x0f, 0x32, HLT]);
    b.run();
    const st = b.m.state;
    expect(st.reg32(6)).toBe(5);
    expect(st.reg32(2)).toBe(5);
    // RDTSC ran 1 instruction after WRMSR, RDMSR 3 after: the counter advanced in between.
    expect(st.reg32(0)).toBe(3);
  });

  it('an unknown MSR is #GP(0)', () => {
    const b = new Box();
    b.code([0xb9, 0x78, 0x56, 0, 0, 0x0f, 0x32, HLT]);
    b.run();
    expect([b.vector, b.stack(0), b.stack(1)]).toEqual([13, 0, CODE + 5]);
  });
});
