// Shadow descriptor tables: the GDT, LDT and IDT the processor really uses
// while a guest runs under a software VMM. Each is the guest's table with
// DPL 0 compressed to 1 (segments, call gates, interrupt gates), kept in VMM
// memory; the shadow GDT also holds the VMM's own LDT and TSS descriptors in
// its top slots. The shadows are rebuilt from the guest's tables on first use
// after a trace (traces.ts) reported a guest write to them. The VMM's TSS
// gives the ring-1 stack: the guest TSS's ring-0 stack, read at each use.
//
// The processor's implicit accesses reach these tables through Cpu.tables;
// A and busy bits it sets in a shadow descriptor are set in the guest's
// descriptor too, as bare metal would have set them there.
import type { Cpu, TableMemory } from '../cpu/context.js';
import { CpuFault } from '../cpu/exceptions.js';
import { ATTR_ACCESSED, ATTR_DPL_SHIFT, ATTR_S } from '../mem/segmentation.js';
import { asSupervisor } from '../system/descriptors.js';
import { ATTRS_VMM_LDT, ATTRS_VMM_TSS, compressAttrs } from './ring-compression.js';
import type { VirtualCpu } from './virtual-cpu.js';
import {
  SEL_VMM_LDT,
  SEL_VMM_TSS,
  SHADOW_GDT,
  SHADOW_IDT,
  SHADOW_IDT_SIZE,
  SHADOW_LDT,
  SHADOW_LDT_SIZE,
  VMM_GDT_RESERVED,
  VMM_LINEAR,
  VMM_TSS,
  VMM_TSS_LIMIT,
  VmmMemory,
} from './vmm-memory.js';

export const enum Table {
  GDT = 0,
  LDT = 1,
  IDT = 2,
}
export const TABLE_NAMES = ['GDT', 'LDT', 'IDT'] as const;

/** Gate types whose DPL is compressed (call, interrupt, trap and task gates; SDM Vol. 3, table 3-2). */
const GATE_TYPES = new Set([4, 5, 6, 7, 12, 14, 15]);
/** A descriptor's DPL field in its high dword. */
const HI_DPL = 3 << (8 + ATTR_DPL_SHIFT);
/** TSS busy bit (type 9 -> 11) in the high dword. */
const HI_BUSY = 1 << 9;

/** The high dword of a descriptor with DPL 0 compressed to 1. */
export function compressDescriptorHi(hi: number): number {
  const attrs = (hi >>> 8) & 0xffff;
  if ((attrs & ATTR_S) !== 0) return ((hi & ~(0xffff << 8)) | (compressAttrs(attrs) << 8)) >>> 0;
  if (GATE_TYPES.has(attrs & 15) && (hi & HI_DPL) === 0) return (hi | (1 << (8 + ATTR_DPL_SHIFT))) >>> 0;
  return hi >>> 0;
}

export class ShadowTables implements TableMemory {
  /** Shadows that must be rebuilt from the guest's table before their next use. */
  readonly stale = [true, true, true];
  /** Rebuilds by table, and shadow entries written by them. */
  readonly rebuilds = [0, 0, 0];
  readonly entriesBuilt = [0, 0, 0];
  /** Guest descriptors that could not be read (unmapped): shadowed as not present. */
  unreadable = 0;
  /** Guest GDT descriptors in the VMM's reserved slots, which the guest cannot use under the VMM. */
  hiddenBySlots = 0;
  private builtTo = [0, 0, 0];

  constructor(
    private readonly c: Cpu,
    private readonly mem: VmmMemory,
    private readonly v: VirtualCpu,
  ) {}

  owns(lin: number): boolean {
    return VmmMemory.owns(lin);
  }
  read32(lin: number): number {
    const off = this.use(lin);
    return this.mem.view.getUint32(off, true) | 0;
  }
  read16(lin: number): number {
    const off = this.use(lin);
    return this.mem.view.getUint16(off, true);
  }
  write32(lin: number, value: number): void {
    const off = this.use(lin);
    const old = this.mem.view.getUint32(off, true);
    this.mem.view.setUint32(off, value >>> 0, true);
    if ((off & 7) === 4) this.propagate(off, (value & ~old) >>> 0);
  }
  write16(lin: number, value: number): void {
    const off = this.use(lin);
    this.mem.view.setUint16(off, value & 0xffff, true);
  }

  /** Marks every shadow stale (the guest's tables moved, or its address space changed). */
  invalidateAll(): void {
    this.stale[0] = this.stale[1] = this.stale[2] = true;
  }

  /** VMM memory offset of a window address, after bringing its shadow up to date. */
  private use(lin: number): number {
    const off = VmmMemory.offsetOf(lin);
    if (off < SHADOW_LDT) {
      if (this.stale[Table.GDT]) this.rebuild(Table.GDT);
    } else if (off < SHADOW_IDT) {
      if (this.stale[Table.LDT]) this.rebuild(Table.LDT);
    } else if (off < VMM_TSS) {
      if (this.stale[Table.IDT]) this.rebuild(Table.IDT);
    } else {
      this.refreshTss();
    }
    return off;
  }

  private where(t: Table): { guestBase: number; guestLimit: number; shadow: number; size: number } {
    const v = this.v;
    if (t === Table.GDT) return { guestBase: v.gdtBase, guestLimit: v.gdtLimit, shadow: SHADOW_GDT, size: VMM_GDT_RESERVED };
    if (t === Table.LDT) {
      const l = v.ldtr;
      const none = (l.selector & 0xfffc) === 0;
      return { guestBase: l.base, guestLimit: none ? -1 : l.limit, shadow: SHADOW_LDT, size: SHADOW_LDT_SIZE };
    }
    return { guestBase: v.idtBase, guestLimit: v.idtLimit, shadow: SHADOW_IDT, size: SHADOW_IDT_SIZE };
  }

  /** Copies the guest's table into its shadow, compressing each descriptor. */
  private rebuild(t: Table): void {
    this.stale[t] = false;
    this.rebuilds[t]++;
    const { guestBase, guestLimit, shadow, size } = this.where(t);
    const u32 = this.mem.u32;
    const entries = Math.min(size, guestLimit + 1) >> 3;
    for (let k = 0; k < entries; k++) {
      let lo = 0;
      let hi = 0;
      try {
        [lo, hi] = this.readGuest((guestBase + k * 8) | 0);
        hi = compressDescriptorHi(hi);
      } catch (e) {
        if (!(e instanceof CpuFault)) throw e;
        this.unreadable++;
      }
      u32[(shadow >> 2) + 2 * k] = lo;
      u32[(shadow >> 2) + 2 * k + 1] = hi;
    }
    this.entriesBuilt[t] += entries;
    // Entries past the guest's limit read as not present, as bare metal's limit check would refuse them.
    const oldEnd = this.builtTo[t];
    if (oldEnd > entries) u32.fill(0, (shadow >> 2) + 2 * entries, (shadow >> 2) + 2 * oldEnd);
    this.builtTo[t] = entries;
    if (t === Table.GDT) this.installVmmDescriptors(guestLimit);
  }

  private installVmmDescriptors(guestLimit: number): void {
    if (guestLimit >= VMM_GDT_RESERVED) this.hiddenBySlots = ((guestLimit + 1 - VMM_GDT_RESERVED) >> 3);
    const ldt = this.v.ldtr;
    this.writeDescriptor(SEL_VMM_LDT, (VMM_LINEAR + SHADOW_LDT) >>> 0, ldt.limit, ATTRS_VMM_LDT);
    this.writeDescriptor(SEL_VMM_TSS, (VMM_LINEAR + VMM_TSS) >>> 0, VMM_TSS_LIMIT, ATTRS_VMM_TSS);
  }

  private writeDescriptor(sel: number, base: number, limit: number, attrs: number): void {
    const w = (SHADOW_GDT + (sel & 0xfff8)) >> 2;
    this.mem.u32[w] = ((base & 0xffff) << 16) | (limit & 0xffff);
    this.mem.u32[w + 1] = ((base & 0xff000000) | ((limit & 0xf0000) | (attrs << 8)) | ((base >>> 16) & 0xff)) >>> 0;
  }

  /** The VMM TSS's ring-1 stack is the guest TSS's ring-0 stack, its SS compressed to RPL 1. */
  private refreshTss(): void {
    const tr = this.v.tr;
    const view = this.mem.view;
    view.setUint16(VMM_TSS + 0x66, VMM_TSS_LIMIT + 1, true); // I/O map base past the limit: no bitmap
    if ((tr.selector & 0xfffc) === 0) return;
    const is32 = (tr.attrs & 8) !== 0;
    try {
      const esp0 = is32 ? this.guest32((tr.base + 4) | 0) : this.guest16((tr.base + 2) | 0);
      const ss0 = this.guest16((tr.base + (is32 ? 8 : 4)) | 0);
      view.setUint32(VMM_TSS + 12, esp0 >>> 0, true);
      view.setUint16(VMM_TSS + 16, ss0 | 1, true);
    } catch (e) {
      if (!(e instanceof CpuFault)) throw e;
    }
  }

  /** An A or busy bit the processor set in a shadow descriptor, set in the guest's descriptor too. */
  private propagate(off: number, setBits: number): void {
    let t: Table;
    if (off < SHADOW_LDT) t = Table.GDT;
    else if (off < SHADOW_IDT) t = Table.LDT;
    else return;
    const bits = setBits & ((ATTR_ACCESSED << 8) | HI_BUSY);
    if (bits === 0) return;
    const { guestBase, guestLimit, shadow } = this.where(t);
    const rel = off - shadow;
    if (rel > guestLimit) return;
    const at = (guestBase + rel) | 0;
    try {
      asSupervisor(this.c, () => this.c.mem.write32(at, this.c.mem.read32(at) | bits));
    } catch (e) {
      if (!(e instanceof CpuFault)) throw e;
    }
  }

  private readGuest(lin: number): [number, number] {
    return [this.guest32(lin), this.guest32((lin + 4) | 0)];
  }
  private guest32(lin: number): number {
    return asSupervisor(this.c, () => this.c.mem.read32(lin)) >>> 0;
  }
  private guest16(lin: number): number {
    return asSupervisor(this.c, () => this.c.mem.read16(lin));
  }
}
