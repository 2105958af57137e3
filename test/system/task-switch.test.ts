// Hardware task switches with 32-bit TSSs (SDM Vol. 3, 7.3): CALL to a TSS
// and IRET back through the back link, a double fault through a task gate,
// and the busy-bit rule.
import { describe, expect, it } from 'vitest';
import * as L from '../../src/cpu/layout.js';
import { Box, CODE, GDT, IDT, KCODE, KDATA, STUBS, TSS_SEL, descriptor } from './box.js';

const TSS2 = 0x6000;
const TSS2_SEL = 0x30;
const HLT = 0xf4;

/** A second task: its TSS at TSS2 starts at `eip` with ring-0 flat segments and EAX = 0x1234. */
function twoTasks(eip: number): Box {
  const b = new Box();
  b.setGdt(6, descriptor(TSS2, 0x67, 0x89, 0));
  b.w32(TSS2 + 0x20, eip);
  b.w32(TSS2 + 0x24, 2);
  b.w32(TSS2 + 0x28, 0x1234);
  b.w32(TSS2 + 0x38, 0x8000); // ESP
  for (let s = 0; s < 6; s++) b.w16(TSS2 + 0x48 + 4 * s, s === 1 ? KCODE : KDATA);
  return b;
}

const busy = (b: Box, index: number): boolean => ((b.r32(GDT + index * 8 + 4) >> 8) & 2) !== 0;

describe('task switches', () => {
  it('CALL to a TSS runs the task with NT and a back link; IRET returns to the caller', () => {
    const b = twoTasks(CODE + 0x100);
    b.code([0x9a, 0, 0, 0, 0, TSS2_SEL, 0x00, HLT]); // call far 0x30:0; hlt
    b.code([0xa3, 0x00, 0x68, 0, 0, 0x9c, 0x5b, 0xcf], CODE + 0x100); // mov [0x6800], eax; pushfd; pop ebx; iretd
    b.m.state.setReg32(0, 0x55);
    b.run();
    const st = b.m.state;
    expect(b.r32(0x6800)).toBe(0x1234);
    expect(b.r32(TSS2 + 0x2c + 8) & 0x4000).toBe(0x4000); // task 2 saw NT in EFLAGS (EBX saved at IRET)
    expect(b.r32(TSS2) & 0xffff).toBe(TSS_SEL);
    expect(st.u32[L.TR >> 2]).toBe(TSS_SEL);
    expect(st.eip).toBe(CODE + 8);
    expect(st.reg32(0)).toBe(0x55); // the caller's registers came back from its TSS
    expect(busy(b, 5)).toBe(true);
    expect(busy(b, 6)).toBe(false);
    expect(st.cr(0) & 8).toBe(8); // CR0.TS
  });

  it('a double fault through a task gate switches task and pushes the error code there', () => {
    const b = twoTasks(STUBS + 8 * 16);
    b.setGate(13, KCODE, STUBS, 0xe, 0, false);
    // IDT[8]: task gate (type 5) to TSS2.
    b.w32(IDT + 8 * 8, (TSS2_SEL << 16) >>> 0);
    b.w32(IDT + 8 * 8 + 4, (0x85 << 8) >>> 0);
    b.code([0x66, 0xb8, 0x00, 0x10, 0x8e, 0xd8, HLT]); // mov ds, 0x1000: #GP -> #NP -> #DF
    b.run();
    const st = b.m.state;
    expect(st.u32[L.TR >> 2]).toBe(TSS2_SEL);
    expect(st.reg32(4)).toBe(0x8000 - 4);
    expect(b.stack(0)).toBe(0);
    expect(b.vector).toBe(8);
    // The faulting task's EIP was saved in its TSS.
    expect(b.r32(0x3000 + 0x20)).toBe(CODE + 4);
  });

  it('JMP to a busy TSS is #GP(selector)', () => {
    const b = twoTasks(CODE);
    b.code([0xea, 0, 0, 0, 0, TSS_SEL, 0x00, HLT]);
    b.run();
    expect([b.vector, b.stack(0)]).toEqual([13, TSS_SEL]);
  });
});
