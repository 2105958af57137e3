// What a block being compiled holds in wasm locals rather than in memory:
// the guest registers (loaded on first use, stored back when dirty) and the
// lazy-flag record (compile-time op, size and mask; values in locals), with
// the statements that write them back before a callout, a slow path or an
// exit, and the flag expressions built on them (translator/flag-exprs.ts).
import * as L from '../cpu/layout.js';
import { ARITH, CF } from '../arch/flags.js';
import type { LazyOp } from '../cpu/lazy-flags.js';
import { Callout, REG_LOCAL } from './abi.js';
import { eagerCondition, FIRST_TEMP, type FlagRecord, LOC_DST, LOC_RES, LOC_SRC, memoryArithFlags, memoryCF, recordAll, recordCF, recordCondition } from './flag-exprs.js';
import type { Expr, WasmBuilder } from './wasm.js';

export const W_REG = (r: number): number => L.REGS + 4 * r;

export const enum RegState {
  UNLOADED = 0,
  CLEAN = 1,
  DIRTY = 2,
}

/** Locals of a function that runs several guest blocks (a loop or a superblock). */
export interface RunLocals {
  /** Budget at the start of the current guest block. */
  budget: number;
  /** Guest blocks finished in this call (blocks run, for the statistics). */
  blocks: number;
}

/** A function that loops back to its first block. */
export interface LoopState {
  /** 1 once an iteration finished: the flag locals then hold its record. */
  flagsValid: number;
  /** The flags at the loop head come from memory: the record goes there at every back edge. */
  syncFlags: boolean;
}

export function sizeMaskOf(size: number): number {
  return size === 32 ? -1 : (1 << size) - 1;
}

export abstract class BlockState {
  readonly w: WasmBuilder;
  /** Statements of the function body, in order. */
  protected stmts: Expr[] = [];
  protected readonly regs = new Uint8Array(8);
  /** Flags held in locals (null: memory holds them). */
  flags: FlagRecord | null = null;
  protected flagsDirty = false;
  /** With `flags` null: memory holds every arithmetic flag concretely (LAZY_MASK 0), as shifts and IMUL leave them. */
  protected eager = false;
  private nextTemp = FIRST_TEMP;
  /** Set while this function runs as a wasm loop (a direct exit re-enters its first block). */
  protected loop: LoopState | null = null;
  /** Budget and block count in locals (null: in memory). */
  protected run: RunLocals | null = null;
  /** The flag locals hold a record only from the second iteration on: write-backs test loop.flagsValid. */
  protected flagsMaybe = false;
  /** No flag-setting form compiled yet (the flags are the block's entry flags). */
  private entryFlags = true;
  /**
   * The flags the current instruction leaves are never observed (flag-liveness.ts):
   * its eager flag stores are left out, and the compile-time flag state stays as it was.
   */
  flagsDead = false;
  /** Whether the entry flags were read, and which registers the code touched (for the loop form). */
  protected entryFlagsRead = false;
  protected usedRegs = 0;

  constructor(w: WasmBuilder) {
    this.w = w;
  }

  /** Local count so far. */
  protected get locals(): number {
    return this.nextTemp;
  }

  // ---- statements and temporaries ----

  push(e: Expr): void {
    this.stmts.push(e);
  }
  temp(): number {
    return this.nextTemp++;
  }

  /**
   * The statements `emit` pushes, for one arm of a branch. `emit` must leave
   * the compile-time state as it found it (load the registers it reads first).
   */
  captured(emit: () => void): Expr[] {
    const saved = this.stmts;
    this.stmts = [];
    try {
      emit();
      return this.stmts;
    } finally {
      this.stmts = saved;
    }
  }

  // ---- registers ----

  protected ensure(r: number): void {
    this.usedRegs |= 1 << r;
    if (this.regs[r] === RegState.UNLOADED) {
      this.push(this.w.set(REG_LOCAL(r), this.w.load32(this.w.c(W_REG(r)))));
      this.regs[r] = RegState.CLEAN;
    }
  }
  /** Loads register `r` into its local now (before a branch that reads it). */
  preload(r: number): void {
    this.ensure(r);
  }
  reg32(r: number): Expr {
    this.ensure(r);
    return this.w.get(REG_LOCAL(r));
  }
  setReg32(r: number, v: Expr): void {
    this.usedRegs |= 1 << r;
    this.push(this.w.set(REG_LOCAL(r), v));
    this.regs[r] = RegState.DIRTY;
  }
  /** Register `n` of width `size`, zero-extended (AL..BH for 8-bit n = 0..7). */
  getReg(size: number, n: number): Expr {
    const w = this.w;
    if (size === 32) return this.reg32(n);
    if (size === 16) return w.and(this.reg32(n), w.c(0xffff));
    if (n < 4) return w.and(this.reg32(n), w.c(0xff));
    return w.and(w.shrU(this.reg32(n - 4), w.c(8)), w.c(0xff));
  }
  setReg(size: number, n: number, v: Expr): void {
    const w = this.w;
    if (size === 32) {
      this.setReg32(n, v);
      return;
    }
    if (size === 16) {
      this.setReg32(n, w.or(w.and(this.reg32(n), w.c(~0xffff)), w.and(v, w.c(0xffff))));
      return;
    }
    if (n < 4) this.setReg32(n, w.or(w.and(this.reg32(n), w.c(~0xff)), w.and(v, w.c(0xff))));
    else this.setReg32(n - 4, w.or(w.and(this.reg32(n - 4), w.c(~0xff00)), w.shl(w.and(v, w.c(0xff)), w.c(8))));
  }

  // ---- write-back ----

  /**
   * Stores of every dirty register and the flag record (compile-time state
   * unchanged), and of the budget unless `budget` is false (a hand-off to
   * another block passes it as an argument).
   */
  protected writeBackStatements(budget = true): Expr[] {
    const w = this.w;
    const out: Expr[] = [];
    for (let r = 0; r < 8; r++) if (this.regs[r] === RegState.DIRTY) out.push(w.store32(w.c(W_REG(r)), w.get(REG_LOCAL(r))));
    if (this.flags !== null && this.flagsDirty) out.push(...this.flagStores());
    // The budget may live in a local: memory must have it before a slow path (the retired count derives from it).
    if (budget && this.run !== null) out.push(w.store32(w.c(L.BUDGET), w.get(this.run.budget)));
    return out;
  }
  /** The flag record's stores (only once an iteration has filled the locals, in a loop's first stretch). */
  protected flagStores(): Expr[] {
    const stores = this.flagWriteBack();
    return this.flagsMaybe ? [this.w.if(this.w.get(this.loop!.flagsValid), stores)] : stores;
  }
  private flagWriteBack(): Expr[] {
    const w = this.w;
    const f = this.flags!;
    return [
      w.store32(w.c(L.LAZY_OP), w.c(f.op)),
      w.store32(w.c(L.LAZY_SIZE), w.c(f.size)),
      w.store32(w.c(L.LAZY_DST), w.get(LOC_DST)),
      w.store32(w.c(L.LAZY_SRC), w.get(LOC_SRC)),
      w.store32(w.c(L.LAZY_RES), w.get(LOC_RES)),
      w.store32(w.c(L.LAZY_MASK), w.c(f.mask)),
    ];
  }
  /** Writes everything back in the main line: memory is then the truth, locals stay valid. */
  protected syncAll(): void {
    for (const e of this.writeBackStatements()) this.push(e);
    for (let r = 0; r < 8; r++) if (this.regs[r] === RegState.DIRTY) this.regs[r] = RegState.CLEAN;
    this.flagsDirty = false;
  }
  /** After a handler ran: registers and flags must be re-read from memory. */
  protected invalidateLocals(): void {
    this.regs.fill(RegState.UNLOADED);
    this.flags = null;
    this.flagsDirty = false;
    this.eager = false;
  }
  // ---- flags ----

  /** Records a lazily evaluated operation in the flag locals; values are masked to `size`. */
  setFlags(op: LazyOp, size: number, mask: number, dst: Expr, src: Expr, res: Expr): void {
    const w = this.w;
    const m = sizeMaskOf(size);
    const msk = (e: Expr): Expr => (size === 32 ? e : w.and(e, w.c(m)));
    this.push(w.set(LOC_DST, msk(dst)));
    this.push(w.set(LOC_SRC, msk(src)));
    this.push(w.set(LOC_RES, msk(res)));
    this.flags = { op, size, mask };
    this.flagsDirty = true;
    this.flagsMaybe = false;
    this.entryFlags = false;
    this.eager = false;
  }

  /**
   * Sets all six arithmetic flags eagerly to `values` (EFLAGS bits; AF and
   * any bit not given are 0), as lazy-flags.ts setEager(ARITH, ...) does: the
   * previous record, lazy or not, is simply replaced.
   */
  setEagerFlags(values: Expr): void {
    if (this.flagsDead) return;
    for (const e of this.eagerFlagStores(values)) this.push(e);
    this.flags = null;
    this.flagsDirty = false;
    this.flagsMaybe = false;
    this.entryFlags = false;
    this.eager = true;
  }
  /** The stores of setEagerFlags, for a branch that may not run (compile-time state untouched). */
  eagerFlagStores(values: Expr): Expr[] {
    if (this.flagsDead) return [];
    const w = this.w;
    return [w.store32(w.c(L.FLAGS), w.or(w.and(w.load32(w.c(L.FLAGS)), w.c(~ARITH)), values)), w.store32(w.c(L.LAZY_MASK), w.c(0))];
  }
  /**
   * Puts the flags in memory before a form that may or may not set them
   * (a shift by CL of 0 leaves them alone): its eager stores then run in a
   * branch and memory stays the truth either way.
   */
  flagsToMemory(): void {
    if (this.flags === null) return;
    if (this.flagsDirty) for (const e of this.flagStores()) this.push(e);
    this.flags = null;
    this.flagsDirty = false;
    this.flagsMaybe = false;
  }

  /**
   * The six arithmetic flags as they stand, concrete (EFLAGS bits), for a
   * form that sets only some of them (lazy-flags.ts setEager keeps the others);
   * `materializes` when the interpreter would materialize a lazy record
   * (which also sets EFLAGS bit 1): some lazily recorded flag outside
   * `defined` (the flags the form sets) survives.
   */
  arithFlagsNow(defined: number): { value: Expr; materializes: boolean } {
    const w = this.w;
    const f = this.flags;
    if (this.entryFlags) this.entryFlagsRead = true;
    if (f !== null) {
      const kept = w.and(w.load32(w.c(L.FLAGS)), w.c(ARITH & ~f.mask));
      return { value: w.or(w.and(recordAll(w, f), w.c(f.mask)), kept), materializes: (f.mask & ~defined & ARITH) !== 0 };
    }
    if (this.eager) return { value: w.and(w.load32(w.c(L.FLAGS)), w.c(ARITH)), materializes: false };
    // Only memory knows them: derived at run time (the value carries bit 1 itself when setEager would force it).
    return { value: memoryArithFlags(w, defined, [this.temp(), this.temp(), this.temp(), this.temp()]), materializes: false };
  }

  /** SF, ZF and PF of a `size`-bit result (zero-extended), as EFLAGS bits. */
  szp(res: Expr, size: number): Expr {
    const w = this.w;
    const t = this.temp();
    this.push(w.set(t, res));
    const sf = w.shl(w.and(w.shrU(w.get(t), w.c(size - 1)), w.c(1)), w.c(7));
    const zf = w.shl(w.eqz(w.get(t)), w.c(6));
    const pf = w.shl(w.eqz(w.and(w.popcnt8(w.get(t)), w.c(1))), w.c(2));
    return w.or(w.or(sf, zf), pf);
  }
  /** The result local of the current record (masked). */
  flagRes(): Expr {
    return this.w.get(LOC_RES);
  }

  /** Makes CF concrete in FLAGS (memory) before INC/DEC replace the record (SDM INC/DEC keep CF). */
  concretizeCF(): void {
    const w = this.w;
    if (this.entryFlags) this.entryFlagsRead = true;
    const f = this.flags;
    if (f === null) {
      if (!this.eager) this.push(w.callVoid(Callout.CONCRETIZE_CF, []));
      return;
    }
    if ((f.mask & CF) === 0) return;
    const cf = recordCF(w, f);
    this.push(w.store32(w.c(L.FLAGS), w.or(w.and(w.load32(w.c(L.FLAGS)), w.c(~CF)), cf)));
    f.mask &= ~CF;
    // Memory now has the concrete CF; the record in locals still differs from memory.
    this.flagsDirty = true;
  }

  /** CF (0/1) as the flags stand now (the carry-in of ADC/SBB). */
  carryIn(): Expr {
    const w = this.w;
    if (this.entryFlags) this.entryFlagsRead = true;
    const f = this.flags;
    if (f !== null) return (f.mask & CF) !== 0 ? recordCF(w, f) : w.and(w.load32(w.c(L.FLAGS)), w.c(CF));
    if (this.eager) return w.and(w.load32(w.c(L.FLAGS)), w.c(CF));
    return memoryCF(w);
  }

  /** Condition code `cc` (SDM Vol. 1, appendix B) as 0/1; fused with the record when it is in locals. */
  condition(cc: number): Expr {
    const w = this.w;
    if (this.entryFlags) this.entryFlagsRead = true;
    const f = this.flags;
    if (f === null && this.eager) {
      const t = this.temp();
      this.push(w.set(t, w.load32(w.c(L.FLAGS))));
      return eagerCondition(w, t, cc);
    }
    if (f === null) {
      this.syncAll();
      return w.callI32(Callout.COND, [w.c(cc)]);
    }
    return recordCondition(w, f, cc);
  }
}
