// Flat 32-bit user-context execution: every segment base 0, limit 4 GiB, CPL
// 3, paging on with only the caller's regions mapped (user, writable), so a
// stray access raises #PF as it would in a user process. Used by the CPU
// fixture replay tests and the random-sequence checker.
import * as L from '../cpu/layout.js';
import { CpuState } from '../cpu/state.js';
import { peekEflags, W_FLAGS, W_MASK } from '../cpu/lazy-flags.js';
import { fault, Vector } from '../cpu/exceptions.js';
import { ATTR_DB, ATTR_G, ATTR_P, ATTR_RW, ATTR_S, ATTR_CODE, ATTR_ACCESSED } from '../mem/segmentation.js';
import { Access, type PageWalker } from '../mem/page-walker.js';
import { PAGE_MASK, PAGE_SHIFT, PAGE_SIZE, T_ALL_ACCESS } from '../mem/tlb-entry.js';
import { Interpreter, StopReason } from './interpreter.js';
import { MODE_CODE32, MODE_PROTECTED, MODE_STACK32 } from '../cpu/context.js';
import { UnconnectedPorts, type PortIO } from '../cpu/port-io.js';

export interface FlatRegion {
  /** Linear start (4 KiB aligned). */
  linear: number;
  /** Size in bytes (rounded up to whole pages). */
  size: number;
}

export interface FlatResult {
  /** STOP: EIP reached the end; FAULT / TRAP: `vector`; BUDGET: maxInsns ran out; UNHANDLED: a system form. */
  reason: StopReason;
  /** Exception or trap vector, or -1. */
  vector: number;
  errorCode: number;
  /** For #PF: the faulting linear address (what CR2 would hold), else 0. */
  faultAddress: number;
  eip: number;
  retired: number;
}

/** A page table in a Map: linear page -> frame; unmapped pages fault like a user process would. */
class RegionWalker implements PageWalker {
  readonly pages = new Map<number, number>();
  walk(linear: number, kind: Access, user: boolean): number {
    const frame = this.pages.get(linear >>> PAGE_SHIFT);
    if (frame === undefined) {
      // #PF error code: P=0, W/R, U/S (SDM Vol. 3, 4.7).
      throw fault(Vector.PF, (kind === Access.WRITE ? 2 : 0) | (user ? 4 : 0), linear >>> 0);
    }
    return (frame << PAGE_SHIFT) | T_ALL_ACCESS;
  }
}

const USER_DPL = 3 << 5;
const DATA_ATTRS = ATTR_P | ATTR_S | ATTR_RW | ATTR_ACCESSED | ATTR_DB | ATTR_G | USER_DPL;
const CODE_ATTRS = ATTR_P | ATTR_S | ATTR_CODE | ATTR_RW | ATTR_ACCESSED | ATTR_DB | ATTR_G | USER_DPL;

export class FlatUserContext {
  /**
   * Vectors whose IDT gates have DPL 3 in the modeled user process (as under
   * Linux: INT3, INTO, INT 80h). INT n to any other vector from CPL 3 raises
   * #GP(vector * 8 + 2) (SDM INT n: gate DPL < CPL; error code with IDT bit).
   */
  userGates: ReadonlySet<number> = new Set([3, 4, 0x80]);
  readonly state: CpuState;
  readonly interp: Interpreter;
  private readonly walker = new RegionWalker();

  constructor(regions: readonly FlatRegion[], io: PortIO = new UnconnectedPorts()) {
    let frames = 0;
    for (const r of regions) {
      if ((r.linear & PAGE_MASK) !== 0) throw new Error(`flat region at ${r.linear.toString(16)} is not page aligned`);
      const n = Math.ceil(r.size / PAGE_SIZE);
      for (let p = 0; p < n; p++) this.walker.pages.set((r.linear >>> PAGE_SHIFT) + p, frames++);
    }
    this.state = CpuState.allocate(frames * PAGE_SIZE);
    this.interp = new Interpreter(this.state, frames * PAGE_SIZE, io);
    this.interp.cpu.mem.walker = this.walker;
    this.interp.cpu.mem.paging = true;
    this.reset();
  }

  /** Flat user state: selectors with RPL 3, CPL 3, EFLAGS = 0x202, registers 0. */
  reset(): void {
    const st = this.state;
    st.clearState();
    for (let s = 0; s < 6; s++) st.setSeg(s, s === 1 ? 0x1b : 0x23, 0, 0xffffffff, s === 1 ? CODE_ATTRS : DATA_ATTRS);
    st.u32[L.MODE >> 2] = MODE_PROTECTED | MODE_CODE32 | MODE_STACK32;
    st.cpl = 3;
    st.u32[W_FLAGS] = 0x202;
    st.u32[W_MASK] = 0;
    st.setCr(0, 0x80000011);
    this.interp.cpu.mem.flushTlb();
    this.interp.cpu.syncMode();
  }

  /** Physical address of a mapped linear address (throws on unmapped). */
  private phys(linear: number): number {
    const frame = this.walker.pages.get(linear >>> PAGE_SHIFT);
    if (frame === undefined) throw new Error(`flat: ${(linear >>> 0).toString(16)} is not mapped`);
    return (frame << PAGE_SHIFT) | (linear & PAGE_MASK);
  }

  /** Host-side write (no faults); keeps the decoded-code cache coherent. */
  writeBytes(linear: number, bytes: Uint8Array): void {
    const mem = this.interp.cpu.mem;
    let k = 0;
    while (k < bytes.length) {
      const at = (linear + k) >>> 0;
      const n = Math.min(bytes.length - k, PAGE_SIZE - (at & PAGE_MASK));
      const p = this.phys(at);
      mem.ram.set(bytes.subarray(k, k + n), p);
      const frame = p >>> PAGE_SHIFT;
      if (mem.codeFrames[frame] !== 0) {
        mem.codeFrames[frame] = 0;
        this.interp.cache.invalidateFrame(frame);
      }
      k += n;
    }
  }

  /** Fills `size` bytes at `linear` with `value`. */
  fill(linear: number, size: number, value: number): void {
    this.writeBytes(linear, new Uint8Array(size).fill(value));
  }

  readBytes(linear: number, size: number): Uint8Array {
    const out = new Uint8Array(size);
    const ram = this.interp.cpu.mem.ram;
    let k = 0;
    while (k < size) {
      const at = (linear + k) >>> 0;
      const n = Math.min(size - k, PAGE_SIZE - (at & PAGE_MASK));
      const p = this.phys(at);
      out.set(ram.subarray(p, p + n), k);
      k += n;
    }
    return out;
  }

  setRegs(regs: readonly number[]): void {
    for (let r = 0; r < 8; r++) this.state.setReg32(r, regs[r] >>> 0);
  }
  regs(): number[] {
    const out: number[] = [];
    for (let r = 0; r < 8; r++) out.push(this.state.reg32(r));
    return out;
  }
  setEflags(v: number): void {
    this.state.u32[W_FLAGS] = (v | 2) >>> 0;
    this.state.u32[W_MASK] = 0;
  }
  eflags(): number {
    return peekEflags(this.state.u32);
  }

  /**
   * Runs from `start` until EIP equals `end`, a fault or trap, or `maxInsns`
   * instructions (then reason BUDGET). Runs by single steps so it stops exactly at `end`.
   */
  run(start: number, end: number, maxInsns = 100_000): FlatResult {
    const st = this.state;
    st.eip = start;
    const before = st.insnsRetired;
    let reason: StopReason = StopReason.BUDGET;
    let at = start;
    for (let n = 0; n < maxInsns && st.eip !== end >>> 0; n++) {
      at = st.eip;
      reason = this.interp.step();
      if (reason !== StopReason.BLOCK_END) break;
    }
    if (reason === StopReason.BLOCK_END) reason = StopReason.BUDGET;
    if (st.eip === end >>> 0 && reason === StopReason.BUDGET) reason = StopReason.STOP;
    const f = this.interp.fault;
    let vector = reason === StopReason.FAULT && f ? f.vector : reason === StopReason.TRAP ? this.interp.trapVector : -1;
    let errorCode = reason === StopReason.FAULT && f && f.errorCode >= 0 ? f.errorCode : 0;
    if (reason === StopReason.TRAP && this.interp.trapSoftware && !this.userGates.has(vector)) {
      // Delivery fails the gate DPL check: #GP at the INT instruction, nothing retired.
      errorCode = (vector << 3) | 2;
      vector = Vector.GP;
      reason = StopReason.FAULT;
      st.eip = at;
      st.insnsRetired -= 1;
    }
    const faultAddress = vector === Vector.PF && f ? f.address : 0;
    return { reason, vector, errorCode, faultAddress, eip: st.eip, retired: st.insnsRetired - before };
  }
}
