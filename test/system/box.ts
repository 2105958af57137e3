// A small protected-mode machine for system-layer tests: a GDT with flat
// ring-0 and ring-3 segments and a TSS, an IDT whose every vector points at
// its own `hlt` stub (so a test sees which vector arrived and its frame), and
// helpers to place code and inspect the stack. Code is written as bytes.
import * as L from '../../src/cpu/layout.js';
import { Seg } from '../../src/cpu/state.js';
import { W_FLAGS, W_MASK } from '../../src/cpu/lazy-flags.js';
import { Machine, type RunResult } from '../../src/machine.js';
import { MODE_CODE32, MODE_PROTECTED, MODE_STACK32 } from '../../src/cpu/context.js';
import { decodeDescriptor } from '../../src/system/descriptors.js';

export const GDT = 0x1000;
export const IDT = 0x2000;
export const TSS = 0x3000;
export const STUBS = 0x4000;
export const CODE = 0x10000;
export const KSTACK_TOP = 0x9000;
export const USTACK_TOP = 0xa000;
export const KCODE = 0x08;
export const KDATA = 0x10;
export const UCODE = 0x1b;
export const UDATA = 0x23;
export const TSS_SEL = 0x28;

/** Descriptor access byte + flags nibble (G, D/B) as the SDM draws them. */
export function descriptor(base: number, limit: number, access: number, flags: number): [number, number] {
  const lo = ((limit & 0xffff) | ((base & 0xffff) << 16)) >>> 0;
  const hi = (((base >>> 16) & 0xff) | (access << 8) | (limit & 0xf0000) | ((flags & 0xf) << 20) | (base & 0xff000000)) >>> 0;
  return [lo, hi];
}

export class Box {
  readonly m: Machine;
  readonly ram: Uint8Array;
  private readonly view: DataView;
  result: RunResult | null = null;
  private entered = false;

  /** `engine`: any registered engine; under a software VMM the state set here is the guest's, compressed on entry. */
  constructor(engine = 'dbt-bare') {
    this.m = new Machine({ memMB: 8, engine });
    this.ram = this.m.cpu.mem.ram;
    this.view = new DataView(this.ram.buffer, this.ram.byteOffset, this.ram.byteLength);
    const st = this.m.state;
    st.setCr(0, 0x11); // as a multiboot loader leaves it (a VMM's own CR0 bits are added on entry)
    this.setGdt(1, descriptor(0, 0xfffff, 0x9a, 0xc));
    this.setGdt(2, descriptor(0, 0xfffff, 0x92, 0xc));
    this.setGdt(3, descriptor(0, 0xfffff, 0xfa, 0xc));
    this.setGdt(4, descriptor(0, 0xfffff, 0xf2, 0xc));
    this.setGdt(5, descriptor(TSS, 0x67, 0x8b, 0));
    st.u32[L.GDTR_BASE >> 2] = GDT;
    st.u32[L.GDTR_LIMIT >> 2] = 16 * 8 - 1;
    for (let v = 0; v < 256; v++) {
      this.ram[STUBS + v * 16] = 0xf4; // hlt
      this.setGate(v, KCODE, STUBS + v * 16, 0xe, 0);
    }
    st.u32[L.IDTR_BASE >> 2] = IDT;
    st.u32[L.IDTR_LIMIT >> 2] = 256 * 8 - 1;
    // TSS: ESP0/SS0 for ring transitions; the cache as LTR would leave it.
    this.w32(TSS + 4, KSTACK_TOP);
    this.w32(TSS + 8, KDATA);
    this.w16(TSS + 0x66, 0x68);
    const tss = decodeDescriptor(GDT + 40, this.r32(GDT + 40), this.r32(GDT + 44));
    const trw = L.TR >> 2;
    st.u32[trw] = TSS_SEL;
    st.u32[trw + 1] = tss.base;
    st.u32[trw + 2] = tss.limit;
    st.u32[trw + 3] = tss.attrs;
    this.enterRing(0);
  }

  w32(a: number, v: number): void {
    this.view.setUint32(a, v >>> 0, true);
  }
  w16(a: number, v: number): void {
    this.view.setUint16(a, v, true);
  }
  r32(a: number): number {
    return this.view.getUint32(a, true);
  }

  setGdt(index: number, [lo, hi]: [number, number]): void {
    this.w32(GDT + index * 8, lo);
    this.w32(GDT + index * 8 + 4, hi);
  }

  /** An IDT gate: type 0xE interrupt, 0xF trap, 0x6/0x7 16-bit; present unless `present` is false. */
  setGate(vector: number, selector: number, offset: number, type: number, dpl: number, present = true): void {
    const at = IDT + vector * 8;
    this.w32(at, ((offset & 0xffff) | (selector << 16)) >>> 0);
    this.w32(at + 4, ((offset & 0xffff0000) | ((present ? 0x80 : 0) | (dpl << 5) | type) << 8) >>> 0);
  }

  /** Flat segments of ring 0 or 3 loaded straight into the caches, EFLAGS = 2. */
  enterRing(ring: 0 | 3, esp = ring === 0 ? KSTACK_TOP : USTACK_TOP): void {
    const st = this.m.state;
    const load = (seg: number, sel: number): void => {
      const d = decodeDescriptor(0, this.r32(GDT + (sel & ~7)), this.r32(GDT + (sel & ~7) + 4));
      st.setSeg(seg, sel, d.base, d.limit, d.attrs);
    };
    load(Seg.CS, ring === 0 ? KCODE : UCODE);
    for (const s of [Seg.SS, Seg.DS, Seg.ES, Seg.FS, Seg.GS]) load(s, ring === 0 ? KDATA : UDATA);
    st.cpl = ring;
    st.u32[L.MODE >> 2] = MODE_PROTECTED | MODE_CODE32 | MODE_STACK32;
    st.u32[W_FLAGS] = 2;
    st.u32[W_MASK] = 0;
    st.setReg32(4, esp);
    this.m.cpu.syncMode();
  }

  code(bytes: number[], at = CODE): void {
    this.ram.set(bytes, at);
    this.m.engine.invalidateAll();
  }

  /** Runs from `eip` until the CPU halts (a vector stub, or the code's own hlt). */
  run(eip = CODE, maxInsns = 10_000): RunResult {
    this.m.state.eip = eip;
    // A software VMM takes the state set up so far as the guest's and compresses it.
    if (this.m.engine.world !== undefined && !this.entered) {
      this.entered = true;
      this.m.engine.world.enter();
    }
    this.m.state.u32[L.HALTED >> 2] = 0;
    this.result = this.m.run({ maxInsns });
    return this.result;
  }

  /** The vector whose stub the CPU halted in, or -1. */
  get vector(): number {
    const eip = this.m.state.eip;
    if (eip <= STUBS || eip > STUBS + 256 * 16) return -1;
    return (eip - 1 - STUBS) / 16;
  }

  /** The n-th dword above ESP. */
  stack(n: number): number {
    return this.r32(((this.m.state.reg32(4) + 4 * n) >>> 0) % this.ram.length);
  }
}
