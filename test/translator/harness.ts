// Differential harness: the same code in two flat user contexts, one run by
// the interpreter and one by the dbt dispatcher, compared block by block
// (EIP, registers, EFLAGS, retired count, stop reason) and by memory at the end.
import { FlatUserContext } from '../../src/interp/flat.js';
import { StopReason } from '../../src/interp/interpreter.js';
import { DbtDispatcher, type DbtOptions } from '../../src/engines/dbt-dispatcher.js';
import { PAGE_SHIFT } from '../../src/mem/tlb-entry.js';

export const CODE = 0x10000000;
export const CODE_SIZE = 0x2000;
export const DATA = 0x20000000;
export const DATA_SIZE = 0x4000;

export interface Snapshot {
  reason: StopReason;
  vector: number;
  eip: number;
  regs: number[];
  eflags: number;
  retired: number;
}

interface Runner {
  run(n: number): StopReason;
  fault: { vector: number } | null;
  trapVector: number;
}

function makeContext(): FlatUserContext {
  return new FlatUserContext([
    { linear: CODE, size: CODE_SIZE },
    { linear: DATA, size: DATA_SIZE },
  ]);
}

export class DiffPair {
  readonly ref = makeContext();
  readonly dut = makeContext();
  readonly dbt: DbtDispatcher;

  constructor(options: Partial<DbtOptions> = {}) {
    this.dbt = new DbtDispatcher(this.dut.interp, { hot: 0, ...options });
  }

  /** Loads `code` at CODE (the rest of the code region is INT3) and zeroed data into both contexts. */
  load(code: Uint8Array, setup?: (c: FlatUserContext) => void): void {
    for (const c of [this.ref, this.dut]) {
      c.reset();
      c.fill(CODE, CODE_SIZE, 0xcc);
      c.writeBytes(CODE, code);
      c.fill(DATA, DATA_SIZE, 0);
      c.state.setReg32(4, DATA + 0x2000);
      c.state.eip = CODE;
      setup?.(c);
    }
    // Host writes bypass the guest write path: drop stale translations.
    this.dbt.flush();
  }

  private snap(c: FlatUserContext, r: Runner, reason: StopReason): Snapshot {
    return {
      reason,
      vector: reason === StopReason.FAULT ? (r.fault?.vector ?? -1) : reason === StopReason.TRAP ? r.trapVector : -1,
      eip: c.state.eip,
      regs: c.regs(),
      eflags: c.eflags(),
      retired: c.state.insnsRetired,
    };
  }

  /**
   * Runs both engines block by block (run(1) runs one block) until a
   * non-budget stop or `maxBlocks`; returns the first difference, or null.
   */
  compareByBlock(maxBlocks = 10_000): string | null {
    for (let n = 0; n < maxBlocks; n++) {
      const a = this.snap(this.ref, this.ref.interp, this.ref.interp.run(1));
      const b = this.snap(this.dut, this.dbt, this.dbt.run(1));
      const diff = diffSnapshots(a, b);
      if (diff !== null) return `block ${n}: ${diff}`;
      if (a.reason !== StopReason.BUDGET) return this.compareMemory();
    }
    return this.compareMemory();
  }

  /** Runs both engines in slices of `slice` instructions; compares at every stop. */
  compareBySlices(slice: number, maxInsns: number): string | null {
    while (this.ref.state.insnsRetired < maxInsns) {
      const a = this.snap(this.ref, this.ref.interp, this.ref.interp.run(slice));
      const b = this.snap(this.dut, this.dbt, this.dbt.run(slice));
      const diff = diffSnapshots(a, b);
      if (diff !== null) return `at ${a.retired}: ${diff}`;
      if (a.reason !== StopReason.BUDGET) break;
    }
    return this.compareMemory();
  }

  compareMemory(): string | null {
    for (const [base, size] of [
      [DATA, DATA_SIZE],
      [CODE, CODE_SIZE],
    ]) {
      const a = this.ref.readBytes(base, size);
      const b = this.dut.readBytes(base, size);
      for (let k = 0; k < size; k++) {
        if (a[k] !== b[k]) return `memory at ${(base + k).toString(16)}: interp ${a[k]} dbt ${b[k]}`;
      }
    }
    return null;
  }

  /** Tells the dbt engine a host write changed a page (as the guest write path would). */
  invalidate(linear: number): void {
    const p = this.dut.interp.cpu.mem.translateRead(linear);
    this.dbt.invalidateFrame(p >>> PAGE_SHIFT);
  }
}

function hex(v: number): string {
  return (v >>> 0).toString(16);
}

export function diffSnapshots(a: Snapshot, b: Snapshot): string | null {
  if (a.reason !== b.reason || a.vector !== b.vector) return `stop ${a.reason}/${a.vector} vs ${b.reason}/${b.vector}`;
  if (a.eip !== b.eip) return `eip ${hex(a.eip)} vs ${hex(b.eip)}`;
  if (a.retired !== b.retired) return `retired ${a.retired} vs ${b.retired}`;
  for (let r = 0; r < 8; r++) if (a.regs[r] !== b.regs[r]) return `reg ${r}: ${hex(a.regs[r])} vs ${hex(b.regs[r])}`;
  if (a.eflags !== b.eflags) return `eflags ${hex(a.eflags)} vs ${hex(b.eflags)}`;
  return null;
}
