// Builds one x87 oracle case: the FRSTOR image that sets the starting FPU
// state, operands in the data area, instruction bytes with absolute memory
// operands, and the closing FNSAVE (layout in test/x87/x87-fixture.ts).
import { f64ToF80 } from '../../src/semantics/x87/float-bits.js';
import { DATA_BASE, INIT, OPERANDS, RESULTS, SAVE, type StoredX87Case } from '../../test/x87/x87-fixture.js';
import { bytesToHex } from '../../test/support/cpu-fixture.js';

/** Control word: all exceptions masked, precision control 53 bits (PC = 10b), rounding `rc`. */
export function controlWord(rc: number, unmask = 0): number {
  return (0x027f | (rc << 10)) & ~unmask;
}

export interface FpuStart {
  cw: number;
  /** Register values by ST index (undefined = empty). */
  st: (number | undefined)[];
  top?: number;
  /** Status word bits other than TOP (exception flags, condition codes). */
  sw?: number;
}

export class CaseBuilder {
  readonly code: number[] = [];
  private readonly mem = new Map<number, Uint8Array>();
  skip: [number, number][] = [];
  swMask = 0;
  approx: number[] = [];
  eflags = 0x202;
  regs = [0, 0, 0, 0, 0x8000 + 0x3800, 0, 0, 0];

  constructor(readonly name: string, start: FpuStart) {
    const img = new Uint8Array(108);
    const top = start.top ?? 0;
    const view = new DataView(img.buffer);
    view.setUint32(0, start.cw, true);
    // Only masked exception flags and no ES: a pending unmasked exception would
    // raise #MF at the next waiting instruction (not modeled) and stay pending.
    const sw = (start.sw ?? 0) & ~0xb880 & ~(0x3f & ~start.cw);
    view.setUint32(4, sw | (top << 11), true);
    let tag = 0;
    for (let k = 0; k < 8; k++) {
      const v = start.st[k];
      const phys = (top + k) & 7;
      if (v === undefined) tag |= 3 << (2 * phys);
      f64ToF80(v ?? 0, img, 28 + 10 * k);
    }
    view.setUint32(8, tag, true);
    this.put(INIT, img);
    this.bytes(0xdd, 0x25, ...abs(INIT)); // FRSTOR [INIT]
  }

  put(offset: number, bytes: Uint8Array): void {
    this.mem.set(offset, bytes);
  }
  bytes(...b: number[]): this {
    this.code.push(...b);
    return this;
  }
  /** An x87 memory form: opcode, /digit, absolute address of a data-area offset; optional 66 prefix. */
  mem32(opcode: number, digit: number, offset: number, prefix66 = false): this {
    if (prefix66) this.code.push(0x66);
    return this.bytes(opcode, (digit << 3) | 5, ...abs(offset));
  }
  /** Finishes with FNSAVE [SAVE] and returns the stored case (outputs filled in by the native run). */
  finish(): StoredX87Case {
    this.mem32(0xdd, 6, SAVE);
    const mem: [number, string][] = [...this.mem.entries()].sort((a, b) => a[0] - b[0]).map(([o, b]) => [o, bytesToHex(b)]);
    const c: StoredX87Case = { n: this.name, code: bytesToHex(this.code), mem, in: [...this.regs, this.eflags], out: [], memOut: [], vec: -1 };
    if (this.skip.length > 0) c.skip = this.skip;
    if (this.swMask !== 0) c.swMask = this.swMask;
    if (this.approx.length > 0) c.approx = this.approx;
    return c;
  }
}

export function abs(offset: number): number[] {
  const a = DATA_BASE + offset;
  return [a & 0xff, (a >>> 8) & 0xff, (a >>> 16) & 0xff, a >>> 24];
}

export function f64Bytes(v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return b;
}
export function u32Bytes(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}
export function intBytes(v: number, n: 2 | 4 | 8): Uint8Array {
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, BigInt(v), true);
  return b.slice(0, n);
}
export function f80Bytes(v: number): Uint8Array {
  const b = new Uint8Array(10);
  f64ToF80(v, b, 0);
  return b;
}

export { OPERANDS, RESULTS, SAVE };
