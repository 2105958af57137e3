// The virtual CPU: what the guest believes its processor holds while a
// software VMM runs it deprivileged (DESIGN, "The VMM model"). It lives in
// VMM memory, apart from the real state the engines execute with.
//
// Only what ring compression changes is kept here: EFLAGS.IF and IOPL, the
// descriptor-table registers (GDTR, IDTR, LDTR and TR with their caches) and
// CR0-CR4. The virtual CPL and the RPL of the selectors the guest loaded
// follow from the real state by decompression (real CPL 1 is guest CPL 0;
// see ring-compression.ts), so guest rings 1 and 2 are not modeled. The VMM
// uses no debug registers and no MSRs of its own, so DR0-DR7 and the MSRs
// the guest sees are the real ones (their instructions still trap and are
// emulated, at virtual CPL 0).
import { IF, IOPL, IOPL_SHIFT } from '../arch/flags.js';
import { VCPU, type VmmMemory } from './vmm-memory.js';

const W = VCPU >> 2;
const FLAGS = W + 0;
const GDTR_BASE = W + 1;
const GDTR_LIMIT = W + 2;
const IDTR_BASE = W + 3;
const IDTR_LIMIT = W + 4;
/** LDTR and TR: selector, base, limit, attributes (the state block's segment record shape). */
const LDTR = W + 5;
const TR = W + 9;
const CR = W + 13;
/** The guest's CPL as last captured (CR0-CR4 take W + 13 .. W + 17). */
const CPL = W + 18;

/** A system segment register as the guest loaded it. */
export interface SystemSegment {
  selector: number;
  base: number;
  limit: number;
  attrs: number;
}

export class VirtualCpu {
  private readonly u32: Uint32Array;

  constructor(mem: VmmMemory) {
    this.u32 = mem.u32;
  }

  /** EFLAGS bits the VMM keeps virtual (IF, IOPL); the rest are the real ones. */
  get flags(): number {
    return this.u32[FLAGS];
  }
  set flags(v: number) {
    this.u32[FLAGS] = v & (IF | IOPL);
  }
  get interruptsEnabled(): boolean {
    return (this.u32[FLAGS] & IF) !== 0;
  }
  set interruptsEnabled(on: boolean) {
    this.u32[FLAGS] = on ? this.u32[FLAGS] | IF : this.u32[FLAGS] & ~IF;
  }
  get iopl(): number {
    return (this.u32[FLAGS] & IOPL) >>> IOPL_SHIFT;
  }

  get gdtBase(): number {
    return this.u32[GDTR_BASE];
  }
  get gdtLimit(): number {
    return this.u32[GDTR_LIMIT];
  }
  setGdtr(base: number, limit: number): void {
    this.u32[GDTR_BASE] = base;
    this.u32[GDTR_LIMIT] = limit;
  }
  get idtBase(): number {
    return this.u32[IDTR_BASE];
  }
  get idtLimit(): number {
    return this.u32[IDTR_LIMIT];
  }
  setIdtr(base: number, limit: number): void {
    this.u32[IDTR_BASE] = base;
    this.u32[IDTR_LIMIT] = limit;
  }

  get ldtr(): SystemSegment {
    return this.segment(LDTR);
  }
  setLdtr(s: SystemSegment): void {
    this.setSegment(LDTR, s);
  }
  get tr(): SystemSegment {
    return this.segment(TR);
  }
  setTr(s: SystemSegment): void {
    this.setSegment(TR, s);
  }

  /**
   * The guest's CPL when the VMM last held the guest's view. Rings 0 and 1 both
   * run at real ring 1, so only a VMM that sees every privilege change (binary
   * translation) can tell them apart by it.
   */
  get cpl(): number {
    return this.u32[CPL];
  }
  set cpl(v: number) {
    this.u32[CPL] = v & 3;
  }

  cr(n: number): number {
    return this.u32[CR + n];
  }
  setCr(n: number, v: number): void {
    this.u32[CR + n] = v;
  }

  private segment(w: number): SystemSegment {
    const u = this.u32;
    return { selector: u[w], base: u[w + 1], limit: u[w + 2], attrs: u[w + 3] };
  }
  private setSegment(w: number, s: SystemSegment): void {
    const u = this.u32;
    u[w] = s.selector;
    u[w + 1] = s.base;
    u[w + 2] = s.limit;
    u[w + 3] = s.attrs;
  }
}
