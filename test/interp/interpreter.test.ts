// Interpreter behaviour the real-CPU fixtures cannot show: self-modifying
// code, faults in the middle of REP and of stack writes, page-crossing
// accesses, 16-bit code, segment limits, port I/O and IOPL, HLT, RDTSC's
// virtual time, budgets and unhandled system forms.
import { describe, expect, it } from 'vitest';
import { CpuState } from '../../src/cpu/state.js';
import * as L from '../../src/cpu/layout.js';
import { FlatUserContext } from '../../src/interp/flat.js';
import { Interpreter, StopReason } from '../../src/interp/interpreter.js';
import type { PortIO } from '../../src/cpu/port-io.js';
import { GuestMemory } from '../../src/mem/memory.js';
import { ATTRS_DATA32, ATTR_EC, ATTR_DB, ATTR_G } from '../../src/mem/segmentation.js';
import { asm, CODE, DATA, DATA_SIZE, flat, runAsm } from './asm.js';

describe('self-modifying code', () => {
  it('sees a write to the very next instruction', () => {
    const { c, r } = runAsm(`
      mov byte [next + 1], 0x42
    next:
      mov al, 0
    `);
    expect(r.reason).toBe(StopReason.STOP);
    expect(c.regs()[0] & 0xff).toBe(0x42);
  });

  it('re-decodes a cached loop body after it is patched', () => {
    const { c } = runAsm(`
      xor ebx, ebx
      mov ecx, 3
    again:
      call body
      mov byte [body + 2], 5      ; add ebx, 1 -> add ebx, 5
      dec ecx
      jnz again
      jmp done
    body:
      add ebx, strict byte 1
      ret
    done:
    `);
    expect(c.regs()[3]).toBe(1 + 5 + 5);
  });
});

describe('faults leave the architectural state consistent', () => {
  it('REP MOVSB faulting mid-way keeps ECX/ESI/EDI and EIP at the instruction', () => {
    const { c, r } = runAsm(
      `
      mov esi, ${DATA}
      mov edi, ${DATA + DATA_SIZE - 2}
      mov ecx, 5
    here:
      rep movsb
    `,
      (ctx) => ctx.writeBytes(DATA, Uint8Array.of(1, 2, 3)),
    );
    expect(r.vector).toBe(14);
    expect(r.errorCode).toBe(4 | 2);
    const regs = c.regs();
    expect(regs[1]).toBe(3);
    expect(regs[6]).toBe(DATA + 2);
    expect(regs[7]).toBe(DATA + DATA_SIZE);
    expect(c.readBytes(DATA + DATA_SIZE - 2, 2)).toEqual(Uint8Array.of(1, 2));
    expect(r.eip).toBe(CODE + 15);
  });

  it('a PUSH that faults leaves ESP unchanged', () => {
    const { c, r } = runAsm(`
      mov esp, ${DATA + 2}
      push eax
    `);
    expect(r.vector).toBe(14);
    expect(c.regs()[4]).toBe(DATA + 2);
  });

  it('DIV by zero and quotient overflow raise #DE with registers untouched', () => {
    for (const src of ['mov edx, 0\n mov ecx, 0\n div ecx', 'mov edx, 5\n mov ecx, 2\n div ecx', 'mov edx, 0\n mov eax, 0x80000000\n mov ecx, -1\n cdq\n idiv ecx']) {
      const { c, r } = runAsm(`mov eax, 7\n ${src}`);
      expect(r.vector).toBe(0);
      expect(c.regs()[2] === 0 || c.regs()[2] === 5 || c.regs()[2] === 0xffffffff).toBe(true);
    }
  });
});

describe('long REP', () => {
  it('runs in chunks that return to the dispatcher and finish with the right state', () => {
    const big = 0x30000;
    const ctx = new FlatUserContext([
      { linear: CODE, size: 0x1000 },
      { linear: DATA, size: big },
    ]);
    const code = asm(`mov edi, ${DATA}\n mov ecx, ${big - 4}\n mov al, 0x5a\n rep stosb\n hlt`, 32, CODE);
    ctx.writeBytes(CODE, code);
    ctx.state.eip = CODE;
    const reasons: StopReason[] = [];
    for (let n = 0; n < 20 && ctx.state.eip !== CODE + code.length - 1; n++) reasons.push(ctx.interp.runBlock());
    // mov, mov, mov + the first chunk; then two more chunks, each a block of its own.
    expect(reasons.length).toBe(3);
    expect(ctx.regs()[1]).toBe(0);
    expect(ctx.regs()[7]).toBe(DATA + big - 4);
    const filled = ctx.readBytes(DATA, big);
    expect(filled[0]).toBe(0x5a);
    expect(filled[big - 5]).toBe(0x5a);
    expect(filled[big - 4]).toBe(0);
  });

  it('counts REP iterations against the run budget', () => {
    const code = asm('l: mov edi, ' + DATA + '\n mov ecx, 0x4000\n rep stosb\n jmp l', 32, CODE);
    const ctx = flat();
    ctx.writeBytes(CODE, code);
    ctx.state.eip = CODE;
    expect(ctx.interp.run(50_000)).toBe(StopReason.BUDGET);
    // Each pass is 4 instructions and 0x4000 iterations: a 50k budget ends within the fourth pass.
    expect(ctx.interp.retired).toBeLessThanOrEqual(16);
  });
});

describe('memory', () => {
  it('splits accesses that cross a page boundary onto non-adjacent frames', () => {
    // DATA+0x1000 gets frame 0 and DATA frame 1: the linear pages are adjacent, the frames are not.
    const ctx = new FlatUserContext([
      { linear: CODE, size: 0x1000 },
      { linear: DATA + 0x1000, size: 0x1000 },
      { linear: DATA, size: 0x1000 },
    ]);
    const code = asm(`mov dword [${DATA + 0xffe}], 0x11223344\n mov ebx, [${DATA + 0xffd}]\n add word [${DATA + 0xfff}], 0x0101`, 32, CODE);
    ctx.writeBytes(CODE, code);
    const r = ctx.run(CODE, CODE + code.length);
    expect(r.reason).toBe(StopReason.STOP);
    expect(ctx.readBytes(DATA + 0xffe, 4)).toEqual(Uint8Array.of(0x44, 0x34, 0x23, 0x11));
    expect(ctx.regs()[3] >>> 0).toBe(0x22334400);
  });

  it('reads all ones outside RAM and never writes there', () => {
    const st = CpuState.allocate(0x10000);
    const mem = new GuestMemory(st.memory.buffer, 0x10000);
    mem.write32(0x10000, 0x12345678);
    expect(mem.read32(0x10000)).toBe(-1);
    expect(mem.read16(0xffff)).toBe(0xff00 | mem.read8(0xffff));
    mem.write16(0xffff, 0xabcd);
    expect(mem.read8(0xffff)).toBe(0xcd);
    expect(mem.read32(0xfffe)).toBe(0xffffcd00 | 0);
  });
});

/** A CPL-0 context with a 16-bit code segment based at CODE and 16-bit data/stack segments based at DATA. */
function real16(code: Uint8Array): FlatUserContext {
  const ctx = flat();
  const st = ctx.state;
  st.cpl = 0;
  st.setSeg(1, 0x8, CODE, 0xffff, 0x9b);
  for (const s of [0, 2, 3]) st.setSeg(s, 0x10, DATA, 0x3fff, 0x93);
  st.u32[L.MODE >> 2] = 1;
  ctx.interp.cpu.syncMode();
  ctx.writeBytes(CODE, code);
  return ctx;
}

describe('16-bit code and segmentation', () => {
  it('runs 16-bit code with 16-bit addressing, SP stack and IP wrap rules', () => {
    const code = asm(`
      mov bx, 0x10
      mov si, 0x20
      mov word [bx+si], 0x1234
      mov ax, [bx+si]
      mov sp, 0x100
      push ax
      pop cx
      add ax, 0xf000
      call sub1
      jmp done
    sub1:
      mov dx, 7
      ret
    done:
    `, 16);
    const ctx = real16(code);
    const r = ctx.run(0, code.length);
    expect(r.reason).toBe(StopReason.STOP);
    const regs = ctx.regs();
    expect(regs[1] & 0xffff).toBe(0x1234);
    expect(regs[0] & 0xffff).toBe(0x0234);
    expect(regs[2] & 0xffff).toBe(7);
    expect(ctx.readBytes(DATA + 0x30, 2)).toEqual(Uint8Array.of(0x34, 0x12));
    expect(ctx.eflags() & 1).toBe(1);
  });

  it('PUSHA/POPA, ENTER/LEAVE and LOOP use SP and CX on a 16-bit stack and address size', () => {
    const code = asm(`
      mov esp, 0xabcd0200
      mov ax, 1
      mov cx, 2
      mov bp, 0x1111
      pusha
      mov ax, 0
      popa
      enter 4, 2
      mov dx, sp
      mov si, bp
      leave
      mov ecx, 0x10003
    l: inc bx
      loop l
    `, 16);
    const ctx = real16(code);
    const r = ctx.run(0, code.length);
    expect(r.reason).toBe(StopReason.STOP);
    const regs = ctx.regs();
    expect(regs[0] & 0xffff).toBe(1);
    expect(regs[4] >>> 0).toBe(0xabcd0200);
    expect(regs[5] & 0xffff).toBe(0x1111);
    // ENTER 4,2: push BP (1fe), copy one frame pointer from [BP-2] (1fc), push frame (1fa), SP = 1fa - 4.
    expect(regs[6] & 0xffff).toBe(0x1fe);
    expect(regs[2] & 0xffff).toBe(0x1f6);
    expect(ctx.readBytes(DATA + 0x1fa, 2)).toEqual(Uint8Array.of(0xfe, 0x01));
    // LOOP counts CX only: 3 iterations, ECX's upper half kept.
    expect(regs[1] >>> 0).toBe(0x10000);
  });

  it('raises #GP(0) past a data segment limit and #SS(0) past the stack limit', () => {
    const gp = asm('mov ax, [0x3fff]', 16);
    let ctx = real16(gp);
    expect(ctx.run(0, gp.length).vector).toBe(13);
    const ss = asm('mov sp, 0x4002\n push ax\n push ax', 16);
    ctx = real16(ss);
    const r = ctx.run(0, ss.length);
    expect(r.vector).toBe(12);
    expect(ctx.regs()[4] & 0xffff).toBe(0x4002);
  });

  it('checks expand-down segments against limit+1 .. upper bound', () => {
    const code = asm('mov eax, [0x800]\n mov eax, [0x7fe]', 32, 0);
    const ctx = flat();
    ctx.writeBytes(CODE, code);
    ctx.state.cpl = 0;
    ctx.state.setSeg(3, 0x10, DATA, 0x7ff, (ATTRS_DATA32 | ATTR_EC) & ~ATTR_G);
    ctx.state.setSeg(1, 0x8, CODE, 0xffff, 0x9b | ATTR_DB);
    ctx.interp.cpu.syncMode();
    const r = ctx.run(0, code.length);
    expect(r.vector).toBe(13);
    expect(r.eip).toBe(5);
  });
});

class RecordingPorts implements PortIO {
  writes: string[] = [];
  in8(port: number): number {
    return port & 0xff;
  }
  in16(): number {
    return 0xbeef;
  }
  in32(): number {
    return 0xcafebabe;
  }
  out8(port: number, v: number): void {
    this.writes.push(`${port.toString(16)}:${v.toString(16)}`);
  }
  out16(port: number, v: number): void {
    this.writes.push(`${port.toString(16)}:${v.toString(16)}`);
  }
  out32(port: number, v: number): void {
    this.writes.push(`${port.toString(16)}:${v.toString(16)}`);
  }
}

describe('port I/O, privilege, HLT, virtual time', () => {
  it('IN/OUT go through the PortIO at CPL <= IOPL and raise #GP(0) above it', () => {
    const ports = new RecordingPorts();
    const ctx = new FlatUserContext([{ linear: CODE, size: 0x1000 }, { linear: DATA, size: 0x4000 }], ports);
    const code = asm(`mov al, 0x41\n out 0xe9, al\n mov dx, 0x3f8\n in ax, dx\n mov edi, ${DATA}\n mov ecx, 2\n rep insb`, 32, CODE);
    ctx.writeBytes(CODE, code);
    ctx.setEflags(0x3202); // IOPL 3
    let r = ctx.run(CODE, CODE + code.length);
    expect(r.reason).toBe(StopReason.STOP);
    expect(ports.writes).toEqual(['e9:41']);
    expect(ctx.regs()[0] & 0xffff).toBe(0xbeef);
    expect(ctx.readBytes(DATA, 2)).toEqual(Uint8Array.of(0xf8, 0xf8));
    ctx.reset();
    r = ctx.run(CODE, CODE + code.length);
    expect(r.vector).toBe(13);
    expect(r.eip).toBe(CODE + 2);
  });

  it('HLT stops the run at CPL 0 and faults at CPL 3', () => {
    const code = asm('nop\n hlt\n nop', 32, CODE);
    const ctx = flat();
    ctx.writeBytes(CODE, code);
    expect(ctx.run(CODE, CODE + code.length).vector).toBe(13);
    ctx.reset();
    ctx.state.cpl = 0;
    ctx.state.eip = CODE;
    expect(ctx.interp.run(100)).toBe(StopReason.HALT);
    expect(ctx.state.eip).toBe(CODE + 2);
  });

  it('STI holds interrupts off for exactly one more instruction', () => {
    const code = asm('cli\n sti\n nop\n nop', 32, CODE);
    const ctx = flat();
    ctx.writeBytes(CODE, code);
    ctx.state.cpl = 0;
    ctx.state.eip = CODE;
    const shadow = (): number => ctx.state.u32[L.INT_SHADOW >> 2];
    // CLI and STI are privileged forms: each ends its block.
    expect(ctx.interp.runBlock()).toBe(StopReason.BLOCK_END);
    expect(ctx.state.eip).toBe(CODE + 1);
    expect(ctx.interp.runBlock()).toBe(StopReason.BLOCK_END);
    expect(ctx.state.eip).toBe(CODE + 2);
    expect(shadow()).toBe(1);
    expect(ctx.eflags() & 0x200).toBe(0x200);
    ctx.interp.step();
    expect(shadow()).toBe(0);
  });

  it('POPF at CPL 3 keeps IF and IOPL, at CPL 0 changes both', () => {
    const code = asm('push dword 0x3cd5\n popfd\n pushfd\n pop eax', 32, CODE);
    const ctx = flat();
    ctx.writeBytes(CODE, code);
    ctx.setEflags(0x202);
    ctx.state.setReg32(4, DATA + 0x100);
    ctx.run(CODE, CODE + code.length);
    expect(ctx.regs()[0]).toBe(0x0ed7);
    ctx.reset();
    ctx.state.cpl = 0;
    ctx.interp.cpu.syncMode();
    ctx.setEflags(0x202);
    ctx.state.setReg32(4, DATA + 0x100);
    ctx.run(CODE, CODE + code.length);
    expect(ctx.regs()[0]).toBe(0x3cd7);
  });

  it('RDTSC returns retired instructions plus TSC_OFFSET', () => {
    const { c } = runAsm('nop\n nop\n nop\n rdtsc', (ctx) => {
      ctx.state.f64[L.TSC_OFFSET >> 3] = 2 ** 32 + 10;
    });
    const regs = c.regs();
    expect(regs[0]).toBe(13);
    expect(regs[2]).toBe(1);
  });

  it('run() honours the budget at block boundaries and counts every instruction', () => {
    const code = asm('l: inc eax\n jmp l', 32, CODE);
    const ctx = flat();
    ctx.writeBytes(CODE, code);
    ctx.state.eip = CODE;
    expect(ctx.interp.run(1001)).toBe(StopReason.BUDGET);
    expect(ctx.interp.retired).toBe(1002);
    expect(ctx.regs()[0]).toBe(501);
  });

  it('stops at a form left to the system layer with EIP on it', () => {
    const { r, c } = runAsm('inc eax\n mov ss, ax\n inc eax');
    expect(r.reason).toBe(StopReason.UNHANDLED);
    expect(c.interp.unhandled?.instruction).toBe('MOV Sreg, r/m16');
    expect(r.eip).toBe(CODE + 1);
    expect(c.regs()[0]).toBe(1);
  });

  it('CPUID reports the modeled P6 processor', () => {
    const { c } = runAsm('xor eax, eax\n cpuid\n mov esi, ebx\n mov edi, edx\n mov ebp, ecx\n mov eax, 1\n cpuid');
    const regs = c.regs();
    const vendor = Buffer.alloc(12);
    vendor.writeUInt32LE(regs[6], 0);
    vendor.writeUInt32LE(regs[7], 4);
    vendor.writeUInt32LE(regs[5], 8);
    expect(vendor.toString('latin1')).toBe('GenuineIntel');
    expect(regs[0]).toBe(0x619);
    expect(regs[2]).toBe(0x8339);
  });
});

describe('Interpreter over a bare state', () => {
  it('runs with paging off (identity) in RAM', () => {
    const st = CpuState.allocate(0x20000);
    const interp = new Interpreter(st, 0x20000, new RecordingPorts());
    for (let s = 0; s < 6; s++) st.setSeg(s, 0, 0, 0xffffffff, s === 1 ? 0xc09b : 0xc093);
    st.u32[L.MODE >> 2] = 7;
    st.u32[L.FLAGS >> 2] = 2;
    const code = asm('mov esp, 0x8000\n push 5\n pop eax\n hlt', 32, 0x1000);
    st.u8.set(code, L.RAM_BASE + 0x1000);
    st.eip = 0x1000;
    expect(interp.run(100)).toBe(StopReason.HALT);
    expect(st.reg32(0)).toBe(5);
  });
});
