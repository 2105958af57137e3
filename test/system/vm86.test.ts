// Virtual-8086 mode (SDM Vol. 3, chapter 20): IRET at CPL 0 with VM set
// enters it; INT n with IOPL 3 reaches a ring-0 handler through a 32-bit
// gate with the segment registers pushed and nulled; with IOPL < 3 INT n is
// #GP(0); IRET inside returns real-mode style.
import { describe, expect, it } from 'vitest';
import { Seg } from '../../src/cpu/state.js';
import { Box, KCODE, KSTACK_TOP, STUBS } from './box.js';

const VM = 1 << 17;
const HLT = 0xf4;

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
}
const push32 = (v: number): number[] => [0x68, ...le32(v)];

/** Ring-0 code that IRETs into virtual-8086 mode at 2000:0000 with SS:SP = 3000:0100 and the given IOPL. */
function enterVm86(b: Box, iopl: number, code: number[]): void {
  b.ram.set(code, 0x20000);
  const frame = [0x5555, 0x4444, 0x3333, 0x1111, 0x3000, 0x100, VM | (iopl << 12) | 2, 0x2000, 0];
  b.code([...frame.flatMap(push32), 0xcf]); // pushes GS FS DS ES SS ESP EFLAGS CS EIP; iretd
}

describe('virtual-8086 mode', () => {
  it('IRET with VM enters it; INT n with IOPL 3 goes to ring 0 with the segments pushed', () => {
    const b = new Box();
    b.setGate(0x30, KCODE, STUBS + 0x30 * 16, 0xe, 3);
    enterVm86(b, 3, [0xb8, 0x34, 0x12, 0xcd, 0x30, HLT]); // mov ax, 0x1234; int 0x30
    b.run();
    const st = b.m.state;
    expect(b.vector).toBe(0x30);
    expect(st.reg32(0) & 0xffff).toBe(0x1234);
    expect(st.reg32(4)).toBe(KSTACK_TOP - 36);
    expect([b.stack(0), b.stack(1)]).toEqual([5, 0x2000]);
    expect(b.stack(2) & VM).toBe(VM);
    expect([b.stack(3), b.stack(4), b.stack(5), b.stack(6), b.stack(7), b.stack(8)]).toEqual([0x100, 0x3000, 0x1111, 0x3333, 0x4444, 0x5555]);
    expect(st.segSelector(Seg.DS)).toBe(0);
    expect(st.cpl).toBe(0);
  });

  it('uses real-mode addressing: DS:offset = DS * 16 + offset', () => {
    const b = new Box();
    b.setGate(0x30, KCODE, STUBS + 0x30 * 16, 0xe, 3);
    b.w32(0x33330 + 0x10, 0xbeef);
    enterVm86(b, 3, [0xa1, 0x10, 0x00, 0xcd, 0x30]); // mov ax, [0x10]; int 0x30
    b.run();
    expect(b.m.state.reg32(0) & 0xffff).toBe(0xbeef);
  });

  it('INT n with IOPL < 3 raises #GP(0) to ring 0, at the INT', () => {
    const b = new Box();
    enterVm86(b, 0, [0x90, 0xcd, 0x30, HLT]);
    b.run();
    expect([b.vector, b.stack(0), b.stack(1), b.stack(2)]).toEqual([13, 0, 1, 0x2000]);
  });

  it('HLT inside raises #GP(0) (virtual-8086 code runs at CPL 3)', () => {
    const b = new Box();
    enterVm86(b, 0, [HLT]);
    b.run();
    expect([b.vector, b.stack(0), b.stack(1)]).toEqual([13, 0, 0]);
  });
});
