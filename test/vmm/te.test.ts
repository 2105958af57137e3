// The software VMM under `te`: ring compression, the trap handler for every
// privileged form (each run differentially against `interp`), shadow
// descriptor tables and their traces, event reflection, virtual IF.
import { describe, expect, it } from 'vitest';
import * as L from '../../src/cpu/layout.js';
import { Seg } from '../../src/cpu/state.js';
import { W_FLAGS } from '../../src/cpu/lazy-flags.js';
import { VMM_LINEAR, SEL_VMM_TSS } from '../../src/vmm/vmm-memory.js';
import { asm } from '../interp/asm.js';
import { guestView, world } from './guest-view.js';
import { Box, CODE, GDT, IDT, KCODE, KDATA, STUBS, TSS_SEL, descriptor } from '../system/box.js';

const IF = 0x200;

/** Runs the same code at CPL 0 on a fresh box of each engine. */
function both(source: string, setup?: (b: Box) => void): { interp: Box; te: Box } {
  const code = Array.from(asm(source, 32, CODE));
  const make = (engine: string): Box => {
    const b = new Box(engine);
    setup?.(b);
    b.code(code);
    b.run(CODE, 100_000);
    return b;
  };
  return { interp: make('interp'), te: make('te') };
}

describe('ring compression', () => {
  it('runs guest CPL 0 at real CPL 1 with real IF 1, IOPL 0 and the VMM tables; the virtual CPU keeps the guest state', () => {
    const b = new Box('te');
    b.code([0xf4]);
    b.m.state.u32[W_FLAGS] = 0x3002; // IOPL 3, IF 0 as the guest has it
    b.run(CODE, 10);
    const st = b.m.state;
    const w = world(b);
    expect(st.cpl).toBe(1);
    expect(st.segSelector(Seg.CS)).toBe(KCODE | 1);
    expect(st.segSelector(Seg.SS)).toBe(KDATA | 1);
    expect(st.u32[W_FLAGS] & (IF | 0x3000)).toBe(IF);
    expect(st.u32[L.GDTR_BASE >> 2]).toBe(VMM_LINEAR >>> 0);
    expect(st.u32[L.TR >> 2]).toBe(SEL_VMM_TSS);
    expect(w.vcpu.gdtBase).toBe(GDT);
    expect(w.vcpu.idtBase).toBe(IDT);
    expect(w.vcpu.tr.selector).toBe(TSS_SEL);
    expect(w.vcpu.iopl).toBe(3);
    expect(w.vcpu.interruptsEnabled).toBe(false);
    const view = guestView(b);
    expect([view.cpl, view.cs, view.ss, view.gdtr[0], view.tr]).toEqual([0, KCODE, KDATA, GDT, TSS_SEL]);
    expect(view.flags & 0x3200).toBe(0x3000);
  });

  it('mov from cs and pushfd after popfd reveal the real state, and the meter counts each', () => {
    const { interp, te } = both('sti\nmov eax, cs\npushfd\nand dword [esp], ~0x200\npopfd\npushfd\npop ebx\nhlt');
    expect(interp.m.state.reg32(0) & 0xffff).toBe(KCODE);
    expect(te.m.state.reg32(0) & 0xffff).toBe(KCODE | 1);
    expect(interp.m.state.reg32(3) & IF).toBe(0);
    expect(te.m.state.reg32(3) & IF).toBe(IF);
    const silent = new Map(world(te).meter.list().map((m) => [m.instruction, m.count]));
    expect(silent.get('MOV r/m16, Sreg')).toBe(1);
    expect(silent.get('POPFD')).toBe(1);
    // Both PUSHFDs showed what the virtual CPU holds (IF 1): the popf is where the guest lost its IF.
    expect(silent.get('PUSHFD')).toBeUndefined();
    expect(world(te).vcpu.interruptsEnabled).toBe(true);
  });
});

describe('the trap handler: each privileged form at virtual CPL 0 is emulated, as interp runs it', () => {
  const forms: [string, string][] = [
    ['CLI', 'sti\ncli'],
    ['STI', 'sti'],
    ['IN AL, imm8', 'in al, 0x21'],
    ['OUT imm8, AL', 'mov al, 0xff\nout 0x21, al'],
    ['IN AL, DX', 'mov dx, 0x21\nin al, dx'],
    ['OUT DX, AL', 'mov dx, 0x80\nmov al, 1\nout dx, al'],
    ['INSB', `mov edi, ${0x8000}\nmov dx, 0x21\ninsb`],
    ['OUTSB', `mov esi, ${0x8000}\nmov dx, 0x80\noutsb`],
    ['LGDT m16&32', `mov word [0x8000], 0x7f\nmov dword [0x8002], ${GDT}\nlgdt [0x8000]`],
    ['LIDT m16&32', `mov word [0x8000], 0x7ff\nmov dword [0x8002], ${IDT}\nlidt [0x8000]`],
    ['LLDT r/m16', 'xor eax, eax\nlldt ax'],
    ['LTR r/m16', `mov eax, 0x30\nltr ax`],
    ['MOV r32, CR0-CR7', 'mov eax, cr0'],
    ['MOV CR0-CR7, r32', 'mov eax, cr0\nor eax, 2\nmov cr0, eax'],
    ['MOV CR0-CR7, r32', 'mov eax, 0\nmov cr3, eax\nmov ebx, cr3'],
    ['MOV DR0-DR7, r32', 'mov eax, 0x1234\nmov dr0, eax\nmov ebx, dr0'],
    ['INVLPG m', 'invlpg [0x1000]'],
    ['CLTS', 'clts'],
    ['LMSW r/m16', 'mov eax, 0x13\nlmsw ax'],
    ['WBINVD', 'wbinvd'],
    ['INVD', 'invd'],
    ['RDMSR', 'mov ecx, 0x10\nrdmsr'],
    ['WRMSR', 'mov ecx, 0x10\nrdmsr\nwrmsr'],
    ['HLT', 'nop'],
  ];
  for (const [form, source] of forms) {
    it(`${form}: ${source.replace(/\n/g, '; ')}`, () => {
      const setup = (b: Box): void => {
        // A second, available TSS for LTR.
        b.setGdt(6, descriptor(0x3100, 0x67, 0x89, 0));
      };
      const { interp, te } = both(`${source}\nhlt`, setup);
      expect(te.result?.kind).toBe(interp.result?.kind);
      expect(te.m.state.insnsRetired).toBe(interp.m.state.insnsRetired);
      const a = guestView(interp);
      const b = guestView(te);
      // The guest sees no difference: registers, flags, CPL, tables, control registers (CR0 less the VMM's NE).
      b.cr[0] = (b.cr[0] & ~0x20) | (a.cr[0] & 0x20);
      expect(b).toEqual(a);
      expect(world(te).emulated.get(form)).toBeGreaterThanOrEqual(1);
      // The guest never saw a fault: it halted in its own code, not in a vector stub.
      expect(te.vector).toBe(-1);
    });
  }

  it('at virtual CPL 3 with virtual IOPL 0, cli traps and is reflected as the guest\'s #GP(0)', () => {
    const b = new Box('te');
    b.enterRing(3);
    b.code([0xfa, 0xf4]);
    b.run();
    expect(b.vector).toBe(13);
    expect(b.stack(0)).toBe(0);
    expect(world(b).emulated.get('CLI')).toBe(1);
    expect(world(b).reflected.get('reflected exception #GP')).toBe(1);
  });
});

describe('shadow descriptor tables and their traces', () => {
  it('a guest that rewrites a GDT entry while running loads the new descriptor (the trace write updates the shadow)', () => {
    const source = [
      'mov ax, 0x38', 'mov ds, ax', 'mov ebx, [0]', // entry 7: base 0x5000
      `mov word [ss:${GDT + 7 * 8 + 2}], 0x6000`, // rewrite the low word of its base (through the flat SS)
      'mov ax, 0x38', 'mov ds, ax', 'mov ecx, [0]', 'hlt',
    ].join('\n');
    const setup = (b: Box): void => {
      b.setGdt(7, descriptor(0x5000, 0xfff, 0x92, 0));
      b.w32(0x5000, 0x11111111);
      b.w32(0x6000, 0x22222222);
    };
    const { interp, te } = both(source, setup);
    expect(interp.m.state.reg32(3) >>> 0).toBe(0x11111111);
    expect(interp.m.state.reg32(1) >>> 0).toBe(0x22222222);
    expect(guestView(te)).toEqual(guestView(interp));
    const w = world(te);
    expect(w.traces.writes[0]).toBeGreaterThanOrEqual(1);
    expect(w.shadows.rebuilds[0]).toBeGreaterThanOrEqual(2);
    // The accessed bit the load set reached the guest's own descriptor, as on bare metal.
    expect((te.r32(GDT + 7 * 8 + 4) >>> 8) & 1).toBe(1);
  });

  it('a write to data sharing the GDT page is a hidden fault counted as false sharing, and leaves the shadow as it is', () => {
    // The GDT is 16 entries at 0x1000; 0x1800 is on its page but outside it.
    const { interp, te } = both('mov dword [ss:0x1800], 5\nmov dword [ss:0x1804], 6\nmov eax, [ss:0x1800]\nhlt');
    expect(guestView(te)).toEqual(guestView(interp));
    const w = world(te);
    expect(w.traces.falseSharing[0]).toBe(2);
    expect(w.traces.writes[0]).toBe(0);
    const rebuilds = w.shadows.rebuilds[0];
    expect(te.m.state.reg32(0)).toBe(5);
    expect(w.shadows.rebuilds[0]).toBe(rebuilds);
  });

  it('shadow descriptors have DPL 0 compressed to 1; lar shows it', () => {
    const { interp, te } = both('mov ecx, 0x10\nlar eax, ecx\nhlt');
    expect((interp.m.state.reg32(0) >>> 13) & 3).toBe(0);
    expect((te.m.state.reg32(0) >>> 13) & 3).toBe(1);
  });
});

describe('event reflection', () => {
  it('#DE at CPL 0 reaches the guest handler through its IDT with the frame bare metal pushes (save CS RPL)', () => {
    const { interp, te } = both('xor ecx, ecx\ndiv ecx\nhlt');
    expect(interp.vector).toBe(0);
    expect(te.vector).toBe(0);
    expect(te.stack(0)).toBe(interp.stack(0));
    expect(te.stack(1)).toBe(interp.stack(1) | 1); // the real CS: RPL 1
    expect(world(te).reflected.get('reflected exception #DE')).toBe(1);
  });

  it('a fault on the stack switch from CPL 3 (SS0 null) cascades to a triple fault with the same chain under both', () => {
    const run = (engine: string): Box => {
      const b = new Box(engine);
      b.w32(0x3000 + 8, 0); // SS0 = null: #TS, whose delivery needs the same stack: #DF, then triple
      b.setGate(0x80, KCODE, STUBS + 0x80 * 16, 0xe, 3);
      b.enterRing(3);
      b.code([0xcd, 0x80, 0xf4]);
      b.run();
      return b;
    };
    const a = run('interp');
    const t = run('te');
    expect(a.result?.kind).toBe('triple-fault');
    expect(t.result?.kind).toBe('triple-fault');
    expect(t.result?.reason).toBe(a.result?.reason);
  });

  it('nested: a not-present #DE gate raises #NP while delivering #DE, a double fault for the guest', () => {
    const setup = (b: Box): void => b.setGate(0, KCODE, STUBS, 0xe, 0, false);
    const { interp, te } = both('xor ecx, ecx\ndiv ecx\nhlt', setup);
    expect(interp.vector).toBe(8);
    expect(te.vector).toBe(8);
    expect(te.stack(0)).toBe(interp.stack(0));
  });

  it('an interrupt gate clears the virtual IF (the real one stays set); sti sets it again', () => {
    const b = new Box('te');
    b.setGate(0x40, KCODE, CODE + 0x100, 0xe, 0);
    b.code(Array.from(asm('sti\nint 0x40\nhlt', 32, CODE)));
    b.code([0xf4], CODE + 0x100);
    b.run();
    const w = world(b);
    expect(w.interruptsEnabled()).toBe(false);
    expect(b.m.state.u32[W_FLAGS] & IF).toBe(IF);
    expect(b.result?.kind).toBe('halted');
  });
});
