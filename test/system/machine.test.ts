// The machine loop: isa-debug-exit status, clean halts with a reason, the
// instruction limit, and the triple-fault diagnosis, on flat binaries.
import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/machine.js';

function run(code: number[], maxInsns = 100_000): ReturnType<Machine['run']> & { m: Machine } {
  const m = new Machine({ memMB: 2 });
  m.load(Uint8Array.from(code), { loadAddress: 0x10000 });
  return { ...m.run({ maxInsns }), m };
}

describe('machine run loop', () => {
  it('isa-debug-exit: status (value << 1) | 1', () => {
    const r = run([0xb0, 0x05, 0xe6, 0xf4, 0xfa, 0xf4]); // mov al, 5; out 0xf4, al; cli; hlt
    expect(r.kind).toBe('exit');
    expect(r.exitStatus).toBe(11);
    expect(r.instructions).toBe(2);
  });

  it('HLT with IF clear is a clean stop with its reason', () => {
    const r = run([0xfa, 0xf4]);
    expect(r.kind).toBe('halted');
    expect(r.reason).toMatch(/interrupts disabled at EIP 0x10002/);
  });

  it('HLT with IF set and nothing able to wake the CPU stops instead of spinning', () => {
    const r = run([0xfb, 0xf4]);
    expect(r.kind).toBe('halted');
  });

  it('the instruction limit stops an endless loop at a block boundary', () => {
    const r = run([0xeb, 0xfe], 5000); // jmp $
    expect(r.kind).toBe('insn-limit');
    expect(r.instructions).toBeGreaterThanOrEqual(5000);
    expect(r.instructions).toBeLessThan(5000 + 64);
  });

  it('a triple fault names the chain of events', () => {
    // lidt [0x10020] (limit 0), then UD2: #UD is benign, so its #GP (vector 6, EXT) is delivered
    // serially; that #GP's own #GP is contributory on contributory: #DF, whose #GP is a triple fault.
    const r = run([0x0f, 0x01, 0x1d, 0x20, 0x00, 0x01, 0x00, 0x0f, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(r.kind).toBe('triple-fault');
    expect(r.reason).toMatch(/^triple fault: #UD at EIP=0x10007 -> #GP\(0x33\) at EIP=0x10007 -> #GP\(0x6b\) .* -> #DF\(0x0\) .* -> #GP\(0x43\)/);
  });
});
