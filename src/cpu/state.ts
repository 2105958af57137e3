// Typed views of the CPU state block. Every offset comes from cpu/layout.ts.
// The wasm memory never grows (its size is fixed when the machine is built),
// so these views stay valid for the machine's lifetime.
import * as L from './layout.js';

export const enum Reg {
  EAX = 0,
  ECX = 1,
  EDX = 2,
  EBX = 3,
  ESP = 4,
  EBP = 5,
  ESI = 6,
  EDI = 7,
}

/** Segment registers in SDM sreg encoding order. */
export const enum Seg {
  ES = 0,
  CS = 1,
  SS = 2,
  DS = 3,
  FS = 4,
  GS = 5,
}

export class CpuState {
  readonly memory: WebAssembly.Memory;
  /** Whole memory as bytes / words; index = byte offset (>> 2 for u32). */
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly f64: Float64Array;
  readonly view: DataView;

  constructor(memory: WebAssembly.Memory) {
    this.memory = memory;
    const buf = memory.buffer;
    this.u8 = new Uint8Array(buf);
    this.u16 = new Uint16Array(buf);
    this.i32 = new Int32Array(buf);
    this.u32 = new Uint32Array(buf);
    this.f64 = new Float64Array(buf);
    this.view = new DataView(buf);
  }

  /** A fresh, fixed-size memory for `ramBytes` of guest RAM. */
  static allocate(ramBytes: number): CpuState {
    const pages = L.memoryPagesFor(ramBytes);
    return new CpuState(new WebAssembly.Memory({ initial: pages, maximum: pages }));
  }

  reg32(r: number): number {
    return this.u32[(L.REGS >> 2) + r];
  }
  setReg32(r: number, v: number): void {
    this.u32[(L.REGS >> 2) + r] = v;
  }

  get eip(): number {
    return this.u32[L.EIP >> 2];
  }
  set eip(v: number) {
    this.u32[L.EIP >> 2] = v;
  }

  segSelector(s: number): number {
    return this.u32[(L.SEGS + s * L.SEG_STRIDE + L.SEG_SELECTOR) >> 2];
  }
  segBase(s: number): number {
    return this.u32[(L.SEGS + s * L.SEG_STRIDE + L.SEG_BASE) >> 2];
  }
  segLimit(s: number): number {
    return this.u32[(L.SEGS + s * L.SEG_STRIDE + L.SEG_LIMIT) >> 2];
  }
  segAttrs(s: number): number {
    return this.u32[(L.SEGS + s * L.SEG_STRIDE + L.SEG_ATTRS) >> 2];
  }
  /** Loads a segment register and its hidden cache as one unit. */
  setSeg(s: number, selector: number, base: number, limit: number, attrs: number): void {
    const w = (L.SEGS + s * L.SEG_STRIDE) >> 2;
    this.u32[w] = selector & 0xffff;
    this.u32[w + 1] = base;
    this.u32[w + 2] = limit;
    this.u32[w + 3] = attrs;
  }

  cr(n: number): number {
    return this.u32[(L.CR >> 2) + n];
  }
  setCr(n: number, v: number): void {
    this.u32[(L.CR >> 2) + n] = v;
  }

  get cpl(): number {
    return this.u32[L.CPL >> 2];
  }
  set cpl(v: number) {
    this.u32[L.CPL >> 2] = v;
  }

  get insnsRetired(): number {
    return this.f64[L.INSNS_RETIRED >> 3];
  }
  set insnsRetired(v: number) {
    this.f64[L.INSNS_RETIRED >> 3] = v;
  }

  /** Clears the state block (not RAM). */
  clearState(): void {
    this.u8.fill(0, L.STATE_BASE, L.STATE_BASE + L.STATE_SIZE);
  }
}
