// Pushes and pops on a stack described by a segment cache that may not be
// loaded yet (the inner stack of a privilege change, the outer stack of a
// return). Nothing is committed until the caller installs the new ESP, so a
// fault part-way leaves the architectural state untouched (SDM Vol. 3, 6.12.1).
import { fault, Vector } from '../cpu/exceptions.js';
import type { Cpu } from '../cpu/context.js';
import { ATTR_CODE, ATTR_DB, ATTR_EC } from '../mem/segmentation.js';
import { asSupervisor } from './descriptors.js';

export class StackFrame {
  /** Stack pointer after the pushes/pops so far (wrapped to the stack width). */
  sp: number;
  private readonly is32: boolean;

  constructor(
    private readonly c: Cpu,
    private readonly base: number,
    private readonly limit: number,
    private readonly attrs: number,
    sp: number,
    /** Error code of the #SS raised when an access falls outside the segment. */
    private readonly ssErrorCode: number,
    /** CPL the accesses are made at (paging U/S check). */
    private readonly cpl: number,
  ) {
    this.is32 = (attrs & ATTR_DB) !== 0;
    this.sp = this.is32 ? sp >>> 0 : sp & 0xffff;
  }

  private linear(off: number, size: number): number {
    const last = off + size - 1;
    if ((this.attrs & (ATTR_CODE | ATTR_EC)) === ATTR_EC) {
      const upper = this.is32 ? 0xffffffff : 0xffff;
      if (off <= this.limit || last > upper) throw fault(Vector.SS, this.ssErrorCode);
    } else if (last > this.limit) {
      throw fault(Vector.SS, this.ssErrorCode);
    }
    return (this.base + off) | 0;
  }

  private wrap(v: number): number {
    return this.is32 ? v >>> 0 : v & 0xffff;
  }

  private access<T>(f: () => T): T {
    return this.cpl < 3 ? asSupervisor(this.c, f) : f();
  }

  push(size: number, v: number): void {
    const sp = this.wrap(this.sp - size);
    const lin = this.linear(sp, size);
    this.access(() => (size === 4 ? this.c.mem.write32(lin, v) : this.c.mem.write16(lin, v)));
    this.sp = sp;
  }

  pop(size: number): number {
    const lin = this.linear(this.sp, size);
    const v = this.access(() => (size === 4 ? this.c.mem.read32(lin) >>> 0 : this.c.mem.read16(lin)));
    this.sp = this.wrap(this.sp + size);
    return v;
  }

  /** Skips `bytes` (RET imm16 releasing parameters). */
  release(bytes: number): void {
    this.sp = this.wrap(this.sp + bytes);
  }

  /** Writes the final stack pointer to ESP (keeping ESP's upper half on a 16-bit stack). */
  commitEsp(): void {
    const r = this.c.r;
    r[4] = this.is32 ? this.sp | 0 : (r[4] & ~0xffff) | this.sp;
  }
}
