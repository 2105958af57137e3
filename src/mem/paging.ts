// The 2-level IA-32 page walk (SDM Vol. 3, 4.3 "32-bit paging") behind the
// memory's PageWalker hook: 4 KiB pages through a page directory and page
// tables, 4 MiB pages when CR4.PSE and PDE.PS are set; U/S and R/W checks with
// CR0.WP (4.6); accessed and dirty bits (4.8); #PF with its error code (4.7).
//
// The returned TLB entry grants only what the tables allow *and* what needs
// no further bookkeeping: write permission is given only once the dirty bit is
// set, so a later write through the TLB fast path never skips setting D.
import * as L from '../cpu/layout.js';
import { fault, Vector } from '../cpu/exceptions.js';
import type { GuestMemory } from './memory.js';
import { Access, type PageWalker } from './page-walker.js';
import { PAGE_SHIFT, T_READ, T_USER_READ, T_USER_WRITE, T_WRITE } from './tlb-entry.js';

const P = 1 << 0;
const RW = 1 << 1;
const US = 1 << 2;
const A = 1 << 5;
const D = 1 << 6;
const PS = 1 << 7;

const PF_PRESENT = 1 << 0;
const PF_WRITE = 1 << 1;
const PF_USER = 1 << 2;
const CR0_WP = 1 << 16;
const CR4_PSE = 1 << 4;
const W_CR = L.CR >> 2;

export class TwoLevelPageWalker implements PageWalker {
  /** Walks performed (each a TLB miss), for statistics. */
  walks = 0;
  /** #PF raised by walks. */
  faults = 0;

  constructor(
    private readonly mem: GuestMemory,
    /** The state block as u32 words (CR0, CR3, CR4 are read from it on every walk). */
    private readonly s: Uint32Array,
  ) {}

  walk(linear: number, kind: Access, user: boolean): number {
    this.walks++;
    const mem = this.mem;
    const cr0 = this.s[W_CR];
    const cr3 = this.s[W_CR + 3];
    const pse = (this.s[W_CR + 4] & CR4_PSE) !== 0;
    const write = kind === Access.WRITE;
    const pdeAddr = (cr3 & 0xfffff000) + ((linear >>> 22) << 2);
    const pde = mem.readPhys32(pdeAddr);
    if ((pde & P) === 0) throw this.pageFault(linear, write, user, false);
    let entry: number;
    let entryAddr: number;
    let frameBase: number;
    let rights: number;
    if (pse && (pde & PS) !== 0) {
      entry = pde;
      entryAddr = pdeAddr;
      frameBase = ((pde & 0xffc00000) | (linear & 0x3ff000)) >>> 0;
      rights = pde;
    } else {
      const pteAddr = (pde & 0xfffff000) + (((linear >>> 12) & 0x3ff) << 2);
      const pte = mem.readPhys32(pteAddr);
      if ((pte & P) === 0) throw this.pageFault(linear, write, user, false);
      entry = pte;
      entryAddr = pteAddr;
      frameBase = (pte & 0xfffff000) >>> 0;
      // Effective rights are the AND of both levels (SDM 4.6.1).
      rights = pde & pte;
      if ((pde & A) === 0) mem.writePhys32(pdeAddr, pde | A);
    }
    const userOk = (rights & US) !== 0;
    const writable = (rights & RW) !== 0;
    if (user && !userOk) throw this.pageFault(linear, write, user, true);
    if (write && !writable && (user || (cr0 & CR0_WP) !== 0)) throw this.pageFault(linear, write, user, true);
    let updated = entry | A;
    if (write) updated |= D;
    if (updated !== entry) mem.writePhys32(entryAddr, updated);
    const dirty = (updated & D) !== 0;
    let bits = T_READ;
    if (dirty && (writable || (cr0 & CR0_WP) === 0)) bits |= T_WRITE;
    if (userOk) {
      bits |= T_USER_READ;
      if (dirty && writable) bits |= T_USER_WRITE;
    }
    return ((frameBase >>> PAGE_SHIFT) << PAGE_SHIFT) | bits;
  }

  private pageFault(linear: number, write: boolean, user: boolean, present: boolean): Error {
    this.faults++;
    const code = (present ? PF_PRESENT : 0) | (write ? PF_WRITE : 0) | (user ? PF_USER : 0);
    return fault(Vector.PF, code, linear >>> 0);
  }
}
