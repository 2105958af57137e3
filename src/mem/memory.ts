// Guest memory seen through linear addresses: the software TLB (linear page ->
// physical frame + access bits), guest RAM, and the code-page tracking that
// keeps cached decoded code coherent with writes (self-modifying code).
//
// Reads return 8/16-bit values zero-extended and 32-bit values as signed i32.
// Physical addresses outside RAM read as all ones and ignore writes (DESIGN
// decision 10: a guest can never write outside its RAM), unless a device
// claims them (`mmio`, the local APIC's page): accesses that stay in one page
// then go to the device.
import * as L from '../cpu/layout.js';
import { fault, Vector } from '../cpu/exceptions.js';
import { Access, type PageWalker } from './page-walker.js';
import type { MmioDevice } from './mmio.js';
import { PAGE_MASK, PAGE_SHIFT, T_ALL_ACCESS, T_CODE, T_READ, T_USER_READ, T_USER_WRITE, T_WRITE } from './tlb-entry.js';

/** Above this many filled entries a flush clears the whole TLB instead of the list. */
const FILLED_CAP = 8192;

export class GuestMemory {
  readonly ramBytes: number;
  readonly ram: Uint8Array;
  readonly ram16: Uint16Array;
  readonly ram32: Int32Array;
  readonly tlb: Int32Array;
  /** Page-table walker used when paging is enabled (set by the system layer). */
  walker: PageWalker | null = null;
  /** True when CR0.PG is set: translations go through `walker`. */
  paging = false;
  /** TLB bit a read needs at the current CPL (T_READ or T_USER_READ). */
  readBit = T_READ;
  /** TLB bit a write needs at the current CPL (T_WRITE or T_USER_WRITE). */
  writeBit = T_WRITE;
  /** Per RAM frame: 1 when cached code was built from it. */
  readonly codeFrames: Uint8Array;
  /** Called with a frame number when a write hits a code frame (before the write lands). */
  onCodeWrite: (frame: number) => void = () => {};
  /**
   * Per RAM frame: 1 when a VMM traces writes to it (it holds a guest
   * descriptor table it shadows). Like code frames, writes take the slow path;
   * unlike them, the frame stays traced after a write.
   */
  readonly tracedFrames: Uint8Array;
  /** Called with the frame and linear address of every write to a traced frame (before the write lands). */
  onTracedWrite: (frame: number, linear: number) => void = () => {};
  /** The device that answers physical addresses outside RAM, if any (mmio.ts). */
  mmio: MmioDevice | null = null;
  /** Physical address of the last translation that fell outside RAM (translateRead/Write then return -1). */
  private outside = 0;
  /** Linear page numbers with a filled TLB entry, so flushes stay cheap. */
  private filled: Int32Array = new Int32Array(FILLED_CAP);
  private filledCount = 0;
  /** TLB hits (data accesses and translations that found their entry), fills (misses) and flushes, for statistics. */
  tlbHits = 0;
  tlbFills = 0;
  tlbFlushes = 0;

  constructor(buffer: ArrayBuffer | SharedArrayBuffer, ramBytes: number) {
    if ((ramBytes & PAGE_MASK) !== 0) throw new Error(`guest RAM size ${ramBytes} is not a multiple of 4 KiB`);
    this.ramBytes = ramBytes;
    this.ram = new Uint8Array(buffer, L.RAM_BASE, ramBytes);
    this.ram16 = new Uint16Array(buffer, L.RAM_BASE, ramBytes >> 1);
    this.ram32 = new Int32Array(buffer, L.RAM_BASE, ramBytes >> 2);
    this.tlb = new Int32Array(buffer, L.TLB_BASE, L.TLB_ENTRIES);
    this.codeFrames = new Uint8Array(ramBytes >>> PAGE_SHIFT);
    this.tracedFrames = new Uint8Array(ramBytes >>> PAGE_SHIFT);
  }

  /** Selects the access bits for a privilege level (CPL 3 = user). */
  setUser(user: boolean): void {
    this.readBit = user ? T_USER_READ : T_READ;
    this.writeBit = user ? T_USER_WRITE : T_WRITE;
  }

  /** Empties the TLB (CR3 load, CR0.PG change, INVLPG of everything). */
  flushTlb(): void {
    this.tlbFlushes++;
    if (this.filledCount >= FILLED_CAP) this.tlb.fill(0);
    else for (let k = 0; k < this.filledCount; k++) this.tlb[this.filled[k]] = 0;
    this.filledCount = 0;
  }

  /** Drops one page's entry (INVLPG). */
  invalidatePage(linear: number): void {
    this.tlb[linear >>> PAGE_SHIFT] = 0;
  }

  /**
   * Fills the TLB entry for `linear` for an access of `kind`, raising #PF
   * through the walker when paging denies it. Returns the entry.
   */
  fill(linear: number, kind: Access): number {
    const page = linear >>> PAGE_SHIFT;
    const user = this.readBit === T_USER_READ;
    let e: number;
    if (this.paging && this.walker !== null) {
      e = this.walker.walk(linear, kind, user);
    } else {
      e = (linear & ~PAGE_MASK) | T_ALL_ACCESS;
    }
    const frame = e >>> PAGE_SHIFT;
    if (frame >= this.codeFrames.length) {
      e &= ~PAGE_MASK; // outside RAM: no fast-path access at all
    } else if (this.codeFrames[frame] !== 0 || this.tracedFrames[frame] !== 0) {
      e |= T_CODE;
    }
    this.tlbFills++;
    if (this.tlb[page] === 0) {
      if (this.filledCount < FILLED_CAP) this.filled[this.filledCount] = page;
      this.filledCount++;
    }
    this.tlb[page] = e;
    return e;
  }

  /** Physical address of `linear` for a read (or an instruction fetch); -1 outside RAM. */
  translateRead(linear: number, kind: Access = Access.READ): number {
    let e = this.tlb[linear >>> PAGE_SHIFT];
    if ((e & this.readBit) === 0) {
      e = this.fill(linear, kind);
      if ((e >>> PAGE_SHIFT) >= this.codeFrames.length) return this.outsideRam(e, linear);
    } else this.tlbHits++;
    return (e & ~PAGE_MASK) | (linear & PAGE_MASK);
  }

  /**
   * Physical address of `linear` for a write, after invalidating cached code
   * in its frame; -1 outside RAM. Raises #PF through the walker if denied.
   */
  translateWrite(linear: number): number {
    const page = linear >>> PAGE_SHIFT;
    let e = this.tlb[page];
    if ((e & this.writeBit) !== 0) this.tlbHits++;
    if ((e & (this.writeBit | T_CODE)) !== this.writeBit) {
      if ((e & this.writeBit) === 0) e = this.fill(linear, Access.WRITE);
      const frame = e >>> PAGE_SHIFT;
      if (frame >= this.codeFrames.length) return this.outsideRam(e, linear);
      if ((e & T_CODE) !== 0) {
        if (this.codeFrames[frame] !== 0) {
          this.codeFrames[frame] = 0;
          this.onCodeWrite(frame);
        }
        if (this.tracedFrames[frame] !== 0) {
          this.onTracedWrite(frame, linear);
        } else {
          e &= ~T_CODE;
          this.tlb[page] = e;
        }
      }
    }
    return (e & ~PAGE_MASK) | (linear & PAGE_MASK);
  }

  private outsideRam(e: number, linear: number): number {
    this.outside = (e & ~PAGE_MASK) | (linear & PAGE_MASK);
    return -1;
  }

  /** A read of `size` bytes at the address outside RAM just translated: the device's answer, else all ones. */
  private outsideRead(size: number): number {
    const m = this.mmio;
    if (m !== null && m.claims(this.outside)) return m.read(this.outside >>> 0, size);
    return size === 4 ? -1 : size === 2 ? 0xffff : 0xff;
  }

  private outsideWrite(size: number, v: number): void {
    const m = this.mmio;
    if (m !== null && m.claims(this.outside)) m.write(this.outside >>> 0, size, v);
  }

  /** Marks a RAM frame as holding cached code: later writes to it take the slow path. */
  markCode(frame: number): void {
    if (this.codeFrames[frame] !== 0) return;
    this.codeFrames[frame] = 1;
    this.slowWrites(frame);
  }

  /** Starts tracing writes to a RAM frame (a VMM's trace: onTracedWrite sees each one). */
  markTraced(frame: number): void {
    if (frame >= this.tracedFrames.length || this.tracedFrames[frame] !== 0) return;
    this.tracedFrames[frame] = 1;
    this.slowWrites(frame);
  }

  /** Stops tracing a frame (its TLB entries drop the slow-write bit at their next write). */
  unmarkTraced(frame: number): void {
    if (frame < this.tracedFrames.length) this.tracedFrames[frame] = 0;
  }

  /** Sends later writes through every TLB entry that maps `frame` to the slow path. */
  private slowWrites(frame: number): void {
    const tlb = this.tlb;
    if (this.filledCount >= FILLED_CAP) {
      for (let p = 0; p < tlb.length; p++) if (tlb[p] !== 0 && tlb[p] >>> PAGE_SHIFT === frame) tlb[p] |= T_CODE;
    } else {
      for (let k = 0; k < this.filledCount; k++) {
        const p = this.filled[k];
        if (tlb[p] !== 0 && tlb[p] >>> PAGE_SHIFT === frame) tlb[p] |= T_CODE;
      }
    }
  }

  // ---- linear reads ----

  read8(lin: number): number {
    const e = this.tlb[lin >>> PAGE_SHIFT];
    if ((e & this.readBit) !== 0) {
      this.tlbHits++;
      return this.ram[(e & ~PAGE_MASK) | (lin & PAGE_MASK)];
    }
    const p = this.translateRead(lin);
    return p < 0 ? this.outsideRead(1) : this.ram[p];
  }

  read16(lin: number): number {
    const e = this.tlb[lin >>> PAGE_SHIFT];
    const o = lin & PAGE_MASK;
    if ((e & this.readBit) !== 0 && o !== PAGE_MASK) {
      this.tlbHits++;
      const p = (e & ~PAGE_MASK) | o;
      return (p & 1) === 0 ? this.ram16[p >> 1] : this.ram[p] | (this.ram[p + 1] << 8);
    }
    return this.read16Slow(lin);
  }

  read32(lin: number): number {
    const e = this.tlb[lin >>> PAGE_SHIFT];
    const o = lin & PAGE_MASK;
    if ((e & this.readBit) !== 0 && o <= PAGE_MASK - 3) {
      this.tlbHits++;
      const p = (e & ~PAGE_MASK) | o;
      if ((p & 3) === 0) return this.ram32[p >> 2];
      const r = this.ram;
      return r[p] | (r[p + 1] << 8) | (r[p + 2] << 16) | (r[p + 3] << 24);
    }
    return this.read32Slow(lin);
  }

  private read16Slow(lin: number): number {
    if ((lin & PAGE_MASK) !== PAGE_MASK) {
      const p = this.translateRead(lin);
      return p < 0 ? this.outsideRead(2) : this.readPhys16(p);
    }
    const lo = this.readPhys8(this.translateRead(lin));
    return lo | (this.readPhys8(this.translateRead((lin + 1) | 0)) << 8);
  }

  private read32Slow(lin: number): number {
    if ((lin & PAGE_MASK) <= PAGE_MASK - 3) {
      const p = this.translateRead(lin);
      return p < 0 ? this.outsideRead(4) : this.readPhys32(p);
    }
    // Split across two pages: translate both before reading.
    const next = ((lin | PAGE_MASK) + 1) | 0;
    const p0 = this.translateRead(lin);
    const p1 = this.translateRead(next);
    let v = 0;
    const n0 = PAGE_MASK + 1 - (lin & PAGE_MASK);
    for (let k = 0; k < 4; k++) {
      const b = k < n0 ? this.readPhys8(p0 < 0 ? -1 : p0 + k) : this.readPhys8(p1 < 0 ? -1 : p1 + k - n0);
      v |= b << (8 * k);
    }
    return v;
  }

  // ---- linear writes ----

  write8(lin: number, v: number): void {
    const e = this.tlb[lin >>> PAGE_SHIFT];
    if ((e & (this.writeBit | T_CODE)) === this.writeBit) {
      this.tlbHits++;
      this.ram[(e & ~PAGE_MASK) | (lin & PAGE_MASK)] = v;
      return;
    }
    const p = this.translateWrite(lin);
    if (p < 0) this.outsideWrite(1, v);
    else this.ram[p] = v;
  }

  write16(lin: number, v: number): void {
    const e = this.tlb[lin >>> PAGE_SHIFT];
    const o = lin & PAGE_MASK;
    if ((e & (this.writeBit | T_CODE)) === this.writeBit && o !== PAGE_MASK) {
      this.tlbHits++;
      const p = (e & ~PAGE_MASK) | o;
      if ((p & 1) === 0) this.ram16[p >> 1] = v;
      else {
        this.ram[p] = v;
        this.ram[p + 1] = v >> 8;
      }
      return;
    }
    this.writeSlow(lin, v, 2);
  }

  write32(lin: number, v: number): void {
    const e = this.tlb[lin >>> PAGE_SHIFT];
    const o = lin & PAGE_MASK;
    if ((e & (this.writeBit | T_CODE)) === this.writeBit && o <= PAGE_MASK - 3) {
      this.tlbHits++;
      const p = (e & ~PAGE_MASK) | o;
      if ((p & 3) === 0) this.ram32[p >> 2] = v;
      else {
        const r = this.ram;
        r[p] = v;
        r[p + 1] = v >> 8;
        r[p + 2] = v >> 16;
        r[p + 3] = v >> 24;
      }
      return;
    }
    this.writeSlow(lin, v, 4);
  }

  /** Checks that `size` bytes at `lin` can be written (TLB filled, code invalidated) without writing. */
  probeWrite(lin: number, size: number): void {
    this.translateWrite(lin);
    const last = (lin + size - 1) | 0;
    // The second page is checked at its first byte: that is the address a #PF reports in CR2.
    if (last >>> PAGE_SHIFT !== lin >>> PAGE_SHIFT) this.translateWrite(((lin | PAGE_MASK) + 1) | 0);
  }

  /** Checks that `size` bytes at `lin` can be read. */
  probeRead(lin: number, size: number): void {
    this.translateRead(lin);
    const last = (lin + size - 1) | 0;
    if (last >>> PAGE_SHIFT !== lin >>> PAGE_SHIFT) this.translateRead(((lin | PAGE_MASK) + 1) | 0);
  }

  private writeSlow(lin: number, v: number, size: number): void {
    const n0 = PAGE_MASK + 1 - (lin & PAGE_MASK);
    if (n0 >= size) {
      const p = this.translateWrite(lin);
      if (p < 0) this.outsideWrite(size, v);
      else if (size === 2) this.writePhys16(p, v);
      else this.writePhys32(p, v);
      return;
    }
    // Split: both pages must be writable before any byte lands.
    const p0 = this.translateWrite(lin);
    const p1 = this.translateWrite(((lin | PAGE_MASK) + 1) | 0);
    for (let k = 0; k < size; k++) {
      const b = (v >> (8 * k)) & 0xff;
      if (k < n0) this.writePhys8(p0 < 0 ? -1 : p0 + k, b);
      else this.writePhys8(p1 < 0 ? -1 : p1 + k - n0, b);
    }
  }

  // ---- physical access (no TLB); out-of-RAM reads all ones, writes dropped ----

  readPhys8(p: number): number {
    return p >= 0 && p < this.ramBytes ? this.ram[p] : 0xff;
  }
  readPhys16(p: number): number {
    return this.readPhys8(p) | (this.readPhys8(p < 0 ? -1 : p + 1) << 8);
  }
  readPhys32(p: number): number {
    if (p >= 0 && p + 3 < this.ramBytes) {
      const r = this.ram;
      return r[p] | (r[p + 1] << 8) | (r[p + 2] << 16) | (r[p + 3] << 24);
    }
    return p < 0 ? -1 : this.readPhys16(p) | (this.readPhys16(p + 2) << 16);
  }
  writePhys8(p: number, v: number): void {
    if (p >= 0 && p < this.ramBytes) this.ram[p] = v;
  }
  writePhys16(p: number, v: number): void {
    if (p < 0) return;
    this.writePhys8(p, v);
    this.writePhys8(p + 1, v >> 8);
  }
  writePhys32(p: number, v: number): void {
    if (p < 0) return;
    this.writePhys16(p, v);
    this.writePhys16(p + 2, v >> 16);
  }

  /** Raises the fault an access outside a segment would: #SS(0) for the stack segment, else #GP(0). */
  static segmentFault(isStack: boolean): never {
    throw fault(isStack ? Vector.SS : Vector.GP, 0);
  }
}
