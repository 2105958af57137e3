// Real-address mode and the switch to protected mode through CR0.PE (SDM
// Vol. 3, 9.9.1): IVT interrupts, LGDT, MOV CR0, a far JMP into 32-bit code.
import { describe, expect, it } from 'vitest';
import * as L from '../../src/cpu/layout.js';
import { Seg } from '../../src/cpu/state.js';
import { W_FLAGS, W_MASK } from '../../src/cpu/lazy-flags.js';
import { Box, GDT, KCODE, KDATA } from './box.js';

/** Puts the box's CPU in real-address mode: CR0.PE clear, 64 KiB segments at selector * 16. */
function realMode(b: Box): void {
  const st = b.m.state;
  for (let s = 0; s < 6; s++) st.setSeg(s, 0, 0, 0xffff, s === Seg.CS ? 0x9b : 0x93);
  st.setCr(0, 0x10);
  st.cpl = 0;
  st.u32[L.MODE >> 2] = 0;
  st.u32[L.IDTR_BASE >> 2] = 0;
  st.u32[L.IDTR_LIMIT >> 2] = 0x3ff;
  st.u32[W_FLAGS] = 2;
  st.u32[W_MASK] = 0;
  st.setReg32(4, 0x7000);
  b.m.cpu.syncMode();
}

describe('real-address mode', () => {
  it('INT n goes through the IVT and IRET returns', () => {
    const b = new Box();
    realMode(b);
    b.w32(0x20 * 4, 0x7e00); // vector 0x20 -> 0000:7E00
    b.code([0xbb, 0x99, 0x00, 0xcf], 0x7e00); // mov bx, 0x99; iret
    b.code([0xcd, 0x20, 0x89, 0xd9, 0xf4], 0x7c00); // int 0x20; mov cx, bx; hlt
    const r = b.run(0x7c00);
    expect(r.kind).toBe('halted');
    expect(b.m.state.reg32(1) & 0xffff).toBe(0x99);
    expect(b.m.state.eip).toBe(0x7c05);
    expect(b.m.state.reg32(4)).toBe(0x7000);
  });

  it('LGDT, MOV CR0 with PE, far JMP: protected mode with 32-bit code and checked segment loads', () => {
    const b = new Box();
    realMode(b);
    b.w16(0x600, 16 * 8 - 1);
    b.w32(0x602, GDT);
    const pm = 0x7c40;
    b.code(
      [
        0x0f, 0x01, 0x16, 0x00, 0x06, // lgdt [0x600]
        0x0f, 0x20, 0xc0, // mov eax, cr0
        0x0c, 0x01, // or al, 1
        0x0f, 0x22, 0xc0, // mov cr0, eax
        0xea, pm & 0xff, pm >> 8, KCODE, 0x00, // jmp far 0x08:pm
      ],
      0x7c00,
    );
    b.code([0x66, 0xb8, KDATA, 0x00, 0x8e, 0xd8, 0xb8, 0x78, 0x56, 0x34, 0x12, 0xf4], pm); // mov ax, 0x10; mov ds, ax; mov eax, 0x12345678; hlt
    b.run(0x7c00);
    const st = b.m.state;
    expect(st.cr(0) & 1).toBe(1);
    expect(st.segSelector(Seg.CS)).toBe(KCODE);
    expect(st.segLimit(Seg.DS)).toBe(0xffffffff);
    // The 5-byte MOV EAX, imm32 decoded as 32-bit code.
    expect(st.reg32(0)).toBe(0x12345678);
    expect(st.eip).toBe(pm + 12);
  });
});
