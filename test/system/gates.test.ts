// Interrupt, trap and call gates; privilege changes through the TSS; IRET and
// far RET to an outer ring; double and triple faults (SDM Vol. 3, 5.8, 6.12, 6.15).
import { describe, expect, it } from 'vitest';
import * as L from '../../src/cpu/layout.js';
import { Seg } from '../../src/cpu/state.js';
import { Box, CODE, KCODE, KDATA, KSTACK_TOP, STUBS, UCODE, UDATA, USTACK_TOP, descriptor } from './box.js';

const HLT = 0xf4;

describe('interrupt and trap gates', () => {
  it('INT n from CPL 3 through a DPL-3 gate switches to the TSS stack and pushes SS, ESP, EFLAGS, CS, EIP', () => {
    const b = new Box();
    b.setGate(0x80, KCODE, STUBS + 0x80 * 16, 0xf, 3); // trap gate: IF kept
    b.enterRing(3);
    b.code([0x90, 0xcd, 0x80, HLT]); // nop; int 0x80
    b.run();
    const st = b.m.state;
    expect(b.vector).toBe(0x80);
    expect(st.cpl).toBe(0);
    expect(st.segSelector(Seg.CS)).toBe(KCODE);
    expect(st.segSelector(Seg.SS)).toBe(KDATA);
    expect(st.reg32(4)).toBe(KSTACK_TOP - 20);
    expect([b.stack(0), b.stack(1), b.stack(3), b.stack(4)]).toEqual([CODE + 3, UCODE, USTACK_TOP, UDATA]);
  });

  it('INT n through a DPL-0 gate from CPL 3 raises #GP(vector*8+2)', () => {
    const b = new Box();
    b.enterRing(3);
    b.code([0xcd, 0x31, HLT]);
    b.run();
    expect(b.vector).toBe(13);
    // The fault is the INT's: its EIP is the INT instruction.
    expect([b.stack(0), b.stack(1)]).toEqual([0x31 * 8 + 2, CODE]);
  });

  it('an interrupt gate clears IF, a trap gate keeps it', () => {
    for (const [type, ifAfter] of [[0xe, 0], [0xf, 0x200]]) {
      const b = new Box();
      b.setGate(0x40, KCODE, CODE + 0x100, type, 0);
      b.code([0xfb, 0xcd, 0x40]); // sti; int 0x40
      b.code([0x9c, HLT], CODE + 0x100); // pushfd; hlt
      b.run();
      expect(b.stack(0) & 0x200).toBe(ifAfter);
      // The frame kept the caller's IF.
      expect(b.stack(3) & 0x200).toBe(0x200);
    }
  });

  it('a not-present gate raises #NP(vector*8+2+EXT): EXT for an exception, not for INT3', () => {
    const b = new Box();
    b.setGate(6, KCODE, STUBS, 0xe, 0, false);
    b.code([0x0f, 0x0b, HLT]); // ud2: #UD is benign, so #NP is delivered serially
    b.run();
    expect([b.vector, b.stack(0), b.stack(1)]).toEqual([11, 6 * 8 + 2 + 1, CODE]);
    const c = new Box();
    c.setGate(3, KCODE, STUBS, 0xe, 0, false);
    c.code([0xcc, HLT]);
    c.run();
    expect([c.vector, c.stack(0), c.stack(1)]).toEqual([11, 3 * 8 + 2, CODE]);
  });

  it('#DE with its gate absent is a double fault (contributory, then #NP)', () => {
    const b = new Box();
    b.setGate(0, KCODE, STUBS, 0xe, 0, false);
    b.code([0x31, 0xc9, 0xf7, 0xf1, HLT]); // xor ecx,ecx; div ecx
    b.run();
    expect([b.vector, b.stack(0)]).toEqual([8, 0]);
  });

  it('#GP with its gate absent becomes #DF(0); a fault delivering #DF is a triple fault', () => {
    const b = new Box();
    b.setGate(13, KCODE, STUBS, 0xe, 0, false);
    b.code([0x66, 0xb8, 0x00, 0x10, 0x8e, 0xd8, HLT]); // mov ds, 0x1000 -> #GP -> #NP on gate 13 -> #DF
    b.run();
    expect([b.vector, b.stack(0)]).toEqual([8, 0]);
    expect(b.m.events.doubleFaults).toBe(1);

    const t = new Box();
    t.setGate(13, KCODE, STUBS, 0xe, 0, false);
    t.setGate(8, KCODE, STUBS, 0xe, 0, false);
    t.code([0x66, 0xb8, 0x00, 0x10, 0x8e, 0xd8, HLT]);
    const r = t.run();
    expect(r.kind).toBe('triple-fault');
    expect(r.reason).toContain('#GP(0x1000)');
    expect(r.reason).toContain('#DF(0x0)');
  });

  it('IRET to ring 3 loads SS:ESP from the frame and nulls DS if its DPL < 3', () => {
    const b = new Box();
    // push UDATA; push ESP; push EFLAGS(0x202); push UCODE; push target; iretd
    const target = CODE + 0x40;
    b.code([0x6a, UDATA, 0x68, ...le32(USTACK_TOP - 0x10), 0x68, ...le32(0x202), 0x6a, UCODE, 0x68, ...le32(target), 0xcf]);
    b.code([0xcd, 0x80], target); // back with int 0x80 (gate DPL 3)
    b.setGate(0x80, KCODE, STUBS + 0x80 * 16, 0xe, 3);
    b.run();
    const st = b.m.state;
    expect(b.vector).toBe(0x80);
    expect([b.stack(0), b.stack(1), b.stack(3), b.stack(4)]).toEqual([target + 2, UCODE, USTACK_TOP - 0x10, UDATA]);
    expect(b.stack(2) & 0x200).toBe(0x200);
    expect(st.segSelector(Seg.DS)).toBe(0);
  });

  it('IRET at CPL 3 cannot change IOPL, and IF only when CPL <= IOPL', () => {
    const b = new Box();
    b.enterRing(3);
    // push EFLAGS with IOPL=3 and IF; push cs; push target; iretd
    const target = CODE + 0x20;
    b.code([0x68, ...le32(0x3202), 0x6a, UCODE, 0x68, ...le32(target), 0xcf]);
    b.code([0x9c, 0x58, 0xcd, 0x80], target); // pushfd; pop eax; int 0x80
    b.setGate(0x80, KCODE, STUBS + 0x80 * 16, 0xe, 3);
    b.run();
    expect(b.m.state.reg32(0) & 0x3200).toBe(0);
  });
});

describe('call gates and far transfers', () => {
  it('far CALL through a call gate from CPL 3 to CPL 0 copies parameters, RETF n returns', () => {
    const b = new Box();
    const entry = CODE + 0x100;
    // GDT 6: call gate (type 0xC, DPL 3) to KCODE:entry with 2 dword parameters.
    b.setGdt(6, [((entry & 0xffff) | (KCODE << 16)) >>> 0, ((entry & 0xffff0000) | ((0x80 | (3 << 5) | 0xc) << 8) | 2) >>> 0]);
    b.enterRing(3);
    // push 0x11; push 0x22; call far 0x33:0; hlt-free: after return, int 0x80
    b.code([0x6a, 0x11, 0x6a, 0x22, 0x9a, 0, 0, 0, 0, 0x33, 0x00, 0xcd, 0x80]);
    // in ring 0: mov eax,[esp+8]; mov ebx,[esp+12]; mov ecx, cs; retf 8
    b.code([0x8b, 0x44, 0x24, 0x08, 0x8b, 0x5c, 0x24, 0x0c, 0x8c, 0xc9, 0xca, 0x08, 0x00], entry);
    b.setGate(0x80, KCODE, STUBS + 0x80 * 16, 0xe, 3);
    b.run();
    const st = b.m.state;
    expect(b.vector).toBe(0x80);
    expect(st.reg32(1) & 0xffff).toBe(KCODE);
    expect([st.reg32(0), st.reg32(3)]).toEqual([0x22, 0x11]);
    // Back at CPL 3 with the parameters released from the outer stack.
    expect(b.stack(1)).toBe(UCODE);
    expect(b.stack(3)).toBe(USTACK_TOP);
  });

  it('a far JMP to a non-conforming code segment of another DPL raises #GP(selector)', () => {
    const b = new Box();
    b.code([0xea, 0, 0, 0, 0, UCODE, 0x00]);
    b.run();
    expect([b.vector, b.stack(0)]).toEqual([13, UCODE & ~3]);
  });

  it('a far JMP reloads CS and its cache', () => {
    const b = new Box();
    b.setGdt(6, descriptor(0x1000, 0xfffff, 0x9a, 0xc));
    b.code([0xea, ...le32(CODE - 0x1000 + 7), 0x30, 0x00, HLT]);
    b.run();
    expect(b.m.state.segSelector(Seg.CS)).toBe(0x30);
    expect(b.m.state.segBase(Seg.CS)).toBe(0x1000);
    expect(b.m.state.eip).toBe(CODE - 0x1000 + 8);
  });
});

describe('privileged instructions', () => {
  it('raise #GP(0) at CPL 3: HLT, MOV CR0, LGDT, CLI with IOPL 0', () => {
    for (const code of [[HLT], [0x0f, 0x20, 0xc0], [0x0f, 0x01, 0x15, 0, 0, 0, 0], [0xfa]]) {
      const b = new Box();
      b.enterRing(3);
      b.code([...code, HLT]);
      b.run();
      expect([b.vector, b.stack(0), b.stack(1)]).toEqual([13, 0, CODE]);
    }
  });

  it('OUT at CPL 3 with IOPL 0 consults the TSS I/O bitmap', () => {
    const b = new Box();
    // Bitmap at TSS+0x68 covering ports 0..0xFF: 0x80..0x87 allowed (byte 0x10 = 0), others denied.
    const bitmap = 0x3000 + 0x68;
    b.m.cpu.mem.ram.fill(0xff, bitmap, bitmap + 0x21);
    b.m.cpu.mem.ram[bitmap + 0x10] = 0;
    const trw = L.TR >> 2;
    b.m.state.u32[trw + 2] = 0x68 + 0x20;
    b.enterRing(3);
    b.code([0xe6, 0x80, 0xe6, 0x88, HLT]); // out 0x80, al; out 0x88, al
    b.run();
    expect([b.vector, b.stack(1)]).toEqual([13, CODE + 2]);
  });
});

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
}
