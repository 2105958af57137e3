// The software VMM under `dbt` (binary translation on the virtual CPU): every
// sensitive and privileged form is a callout that runs on the virtual CPU, so
// the guest sees what interp leaves on bare metal — where te's deprivileged
// execution differs — and nothing traps; events are delivered on the virtual
// CPU, so their frames hold the guest's CS.
import { describe, expect, it } from 'vitest';
import { asm } from '../interp/asm.js';
import { guestView, world } from './guest-view.js';
import { Box, CODE, GDT, KCODE, UCODE, UDATA, USTACK_TOP, descriptor } from '../system/box.js';

const SENSITIVE_AND_PRIVILEGED: [string, string][] = [
  ['mov from cs and ss', 'mov eax, cs\nmov ebx, ss'],
  ['push cs', 'push cs\npop eax'],
  ['pushfd after popfd clears IF and sets IOPL 3', 'sti\npushfd\nand dword [esp], ~0x200\nor dword [esp], 0x3000\npopfd\npushfd\npop eax'],
  ['sgdt and sidt', 'sgdt [0x8000]\nsidt [0x8010]\nmov eax, [0x8002]\nmov ebx, [0x8012]'],
  ['sldt, str, smsw', 'sldt ax\nstr bx\nsmsw cx'],
  ['lar, lsl, verr, verw on a kernel descriptor', 'mov ecx, 0x10\nlar eax, ecx\nlsl ebx, ecx\nverr cx\nsetz dl\nverw cx\nsetz dh'],
  ['far call pushes cs', `call ${KCODE}:${CODE + 0x40}`],
  ['far jmp to the own selector', `jmp ${KCODE}:${CODE + 0x40}`],
  ['pop ds', 'push ds\npop ds\nmov eax, ds'],
  ['cli, in, out, mov cr0', 'cli\nin al, 0x21\nmov al, 0xff\nout 0x21, al\nmov ebx, cr0'],
  ['lgdt and lidt', `mov word [0x8000], 0x7f\nmov dword [0x8002], ${GDT}\nlgdt [0x8000]\nsidt [0x8010]\nlidt [0x8010]`],
];

function both(source: string, enter?: (b: Box) => void): { interp: Box; bt: Box } {
  const code = Array.from(asm(source + '\nhlt', 32, CODE));
  const make = (engine: string): Box => {
    const b = new Box(engine);
    b.code(code);
    b.code([0xf4], CODE + 0x40); // the far transfers' target: hlt
    enter?.(b);
    b.run(CODE, 100_000);
    return b;
  };
  return { interp: make('interp'), bt: make('dbt') };
}

describe('dbt: sensitive and privileged instructions as callouts on the virtual CPU', () => {
  for (const [what, source] of SENSITIVE_AND_PRIVILEGED) {
    it(`${what}: the guest sees what interp shows, and nothing trapped`, () => {
      const { interp, bt } = both(source);
      expect(bt.m.state.insnsRetired).toBe(interp.m.state.insnsRetired);
      const a = guestView(interp);
      const b = guestView(bt);
      b.cr[0] = (b.cr[0] & ~0x20) | (a.cr[0] & 0x20); // the VMM's NE
      expect(b).toEqual(a);
      expect(bt.r32(bt.m.state.reg32(4) >>> 0)).toBe(interp.r32(interp.m.state.reg32(4) >>> 0));
      expect([bt.r32(0x8000), bt.r32(0x8004), bt.r32(0x8010), bt.r32(0x8014)]).toEqual([interp.r32(0x8000), interp.r32(0x8004), interp.r32(0x8010), interp.r32(0x8014)]);
      const w = world(bt);
      expect(w.emulated.size, 'no instruction trapped to be emulated').toBe(0);
      expect(bt.m.state.cpl, 'still deprivileged').toBe(1);
    });
  }

  it('an exception from virtual CPL 0 pushes the guest CS (RPL 0), as bare metal', () => {
    const { interp, bt } = both('xor ecx, ecx\ndiv ecx');
    expect(bt.vector).toBe(0);
    expect(bt.stack(1)).toBe(interp.stack(1));
    expect(bt.stack(1) & 3).toBe(0);
  });

  it('user code granted IOPL 3 by iret runs cli and in without a fault, and pushfd shows IOPL 3', () => {
    const toUser = (b: Box): void => {
      // An iret frame to CPL 3 with IOPL 3 and IF set; the user code at CODE + 0x80.
      b.code(Array.from(asm('cli\nin al, 0x21\npushfd\npop eax\nmov ebx, cs\nhlt', 32, CODE + 0x80)), CODE + 0x80);
    };
    const source = [`push ${UDATA | 3}`, `push ${USTACK_TOP}`, 'push 0x3202', `push ${UCODE | 3}`, `push ${CODE + 0x80}`, 'iretd'].join('\n');
    const { interp, bt } = both(source, toUser);
    const a = guestView(interp);
    const b = guestView(bt);
    expect(interp.vector).toBe(13); // the user-mode hlt
    expect(bt.vector).toBe(13);
    expect(b.regs[0] & 0x3200).toBe(0x3000); // IOPL 3, IF cleared by the cli
    expect(b.regs[0]).toBe(a.regs[0]);
    expect(b.regs[3] & 0xffff).toBe(UCODE | 3);
    expect(bt.stack(0)).toBe(interp.stack(0)); // the #GP error code
    expect(bt.stack(2)).toBe(interp.stack(2)); // the pushed CS: the user's
  });

  it('counts its callouts by instruction', () => {
    const { bt } = both('cli\nsti\nmov eax, cs');
    const section = (title: string): Map<string, number> =>
      new Map((bt.m.stats().find((s) => s.title === title)?.rows ?? []).map((r) => [r.name, Number(r.value)]));
    const onCpu = section('VMM callouts on the virtual CPU');
    const inPlace = section('VMM callouts served in place');
    // Flag and segment-read forms are served in place, on the compressed state, without a switch.
    const total = (name: string): number => (onCpu.get(name) ?? 0) + (inPlace.get(name) ?? 0);
    expect(total('CLI')).toBe(1);
    expect(total('STI')).toBe(1);
    expect(total('MOV r/m16, Sreg')).toBe(1);
    expect(inPlace.get('CLI')).toBe(1);
    expect(bt.m.stats().some((s) => s.title === 'silent misbehaviours')).toBe(false);
  });
});

describe('dbt: guest rings 1 and 2', () => {
  it('a call gate from CPL 3 into DPL-1 code runs at virtual CPL 1 on the TSS ring-1 stack, told apart from CPL 0', () => {
    const setup = (b: Box): void => {
      b.setGdt(8, descriptor(0, 0xfffff, 0xbb, 0xc)); // 0x40: code DPL 1
      b.setGdt(9, descriptor(0, 0xfffff, 0xb3, 0xc)); // 0x48: data DPL 1
      // Call gate (selector 0x50) to 0x41:CODE+0x40, DPL 3.
      b.setGdt(10, [(((0x41 << 16) | ((CODE + 0x40) & 0xffff)) >>> 0), ((((CODE + 0x40) & 0xffff0000) | 0xec00) >>> 0)]);
      b.w32(0x3000 + 12, 0x7800); // TSS ESP1
      b.w32(0x3000 + 16, 0x49); // TSS SS1
      b.code(Array.from(asm('mov eax, cs\nmov ebx, ss\nmov ecx, esp\nhlt', 32, CODE + 0x40)), CODE + 0x40);
      b.enterRing(3);
    };
    const { interp, bt } = both('call 0x53:0', setup);
    const a = guestView(interp);
    const b = guestView(bt);
    // What the ring-1 code saw before its hlt raised #GP: its own cs and ss, the ring-1 stack.
    expect([a.regs[0] & 0xffff, a.regs[3] & 0xffff]).toEqual([0x41, 0x49]);
    expect(b.regs.slice(0, 4)).toEqual(a.regs.slice(0, 4));
    expect(bt.vector).toBe(13);
    expect(bt.stack(2)).toBe(interp.stack(2)); // the CS the #GP pushed: 0x41
  });
});
