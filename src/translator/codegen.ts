// Code generation for one block: a `() -> ()` wasm function. Guest registers
// and the lazy-flag record live in wasm locals while the block runs
// (translator/block-state.ts) and are written back at every exit and before
// every callout (so a handler, a slow path or a fault sees exactly the
// interpreter's state). Forms with an inline emitter (translator/inline-*.ts)
// become wasm; every other form calls its semantics handler, and
// sensitive/privileged ones go through the VMM callout. A block that jumps
// back to itself becomes a wasm loop.
import * as L from '../cpu/layout.js';
import { FORMS } from '../arch/table.js';
import type { CachedInsn } from '../interp/cached-insn.js';
import { FORM_GP, FORM_UD } from '../interp/code-cache.js';
import { PAGE_MASK, PAGE_SHIFT, T_CODE } from '../mem/tlb-entry.js';
import { BLOCKS_RUN, Callout, PARAM_BLOCKS, PARAM_BUDGET, REG_LOCAL, EXIT_FRAME, EXIT_INDIRECT, EXIT_PLAIN, EXIT_SLOT, SLOT_JUMP_CACHE } from './abi.js';
import { ExitKind, type GuestBlock } from './block.js';
import { tlbBitsOf } from './mode.js';
import type { Expr, WasmBuilder } from './wasm.js';
import type { FlagRecord } from './flag-exprs.js';
import { BlockState, RegState, W_REG } from './block-state.js';
import { continuationExit, pathLoops, type Region } from './superblock.js';
import { flagsDeadAfter } from './flag-liveness.js';
import { DISPATCH_FUNCTION, jumpCacheLookup } from './module-dispatch.js';

const LOOP_LABEL = 'again';

export type { FlagRecord } from './flag-exprs.js';

/** Emits one instruction inline; returns false (having emitted nothing) to fall back to a callout. */
export type InlineEmitter = (g: BlockCompiler, i: CachedInsn) => boolean;

export interface CompileHooks {
  /** Registry index of an instruction (the callout argument). */
  insnId(i: CachedInsn): number;
  /** Inline emitter of a form, if any. */
  inline(formId: number): InlineEmitter | undefined;
  /** True when a form must go through the VMM callout (sensitive / privileged). */
  viaVmm(formId: number): boolean;
  /** A callout of this form may chain through a direct exit when it did not ask to exit. */
  chainsAfter(formId: number): boolean;
}


export class BlockCompiler extends BlockState {
  /** The block being compiled (the function's first block, then those it continues into). */
  block: GuestBlock;
  readonly head: GuestBlock;
  readonly modeKey: number;
  /** Set once a VMM callout ran in this block: segment state may have changed, stop inlining memory. */
  modeUncertain = false;
  /** The instruction being compiled and the EIP after it. */
  cur: CachedInsn | null = null;
  nextEip = 0;
  private pos = 0;
  /** Local holding "a slow-path write invalidated code: end the block after this instruction". */
  private exitReq = -1;
  private exitReqUsed = false;
  readonly readBit: number;
  readonly writeBit: number;
  /** Inline emitters used / callouts emitted, for statistics. */
  inlined = 0;
  callouts = 0;
  // What a probe compilation (the body compiled once, then thrown away) learns for the loop form.
  private probing = false;
  private backEdges: { flags: FlagRecord | null }[] = [];
  /** Blocks compiled into this function so far, and the next one (superblock.ts). */
  private readonly visited = new Set<GuestBlock>();
  private continuation: GuestBlock | null = null;
  private exitSlots: readonly number[];
  private exitDirect: readonly (string | null)[];

  constructor(
    w: WasmBuilder,
    block: GuestBlock,
    private readonly hooks: CompileHooks,
    /** Table slot per block exit (parallel to block.exits), -1 when the exit is never chained through the table. */
    exitSlots: readonly number[],
    /** Function name per exit whose target is compiled in the same module (a direct tail call), else null. */
    exitDirect: readonly (string | null)[] = [],
    /** The module's other blocks (none: this block only, no superblock). */
    private readonly region?: Region,
  ) {
    super(w);
    this.block = block;
    this.head = block;
    this.exitSlots = exitSlots;
    this.exitDirect = exitDirect;
    this.modeKey = block.modeKey;
    ({ read: this.readBit, write: this.writeBit } = tlbBitsOf(block.modeKey));
  }

  /** Compiles the block into a function body; returns it with the local count. */
  compile(): { body: Expr[]; locals: number } {
    const w = this.w;
    // The budget and the blocks-run count arrive as parameters (translator/abi.ts).
    this.run = { budget: PARAM_BUDGET, blocks: PARAM_BLOCKS };
    this.exitReq = this.temp();
    const pre = this.probing ? [] : this.tryLoop();
    for (let g: GuestBlock | null = this.head; g !== null; g = this.continuation) {
      this.continuation = null;
      if (g !== this.head) {
        this.block = g;
        ({ exitSlots: this.exitSlots, exitDirect: this.exitDirect } = this.region!.plan(g));
      }
      this.visited.add(g);
      this.terminated = false;
      this.compileInsns();
    }
    if (this.loop !== null) return { body: [...pre, w.loop(LOOP_LABEL, this.stmts)], locals: this.locals };
    return { body: this.stmts, locals: this.locals };
  }

  private compileInsns(): void {
    const w = this.w;
    const insns = this.block.insns;
    let eip = this.block.eip;
    const ipMask = this.block.endEip === ((this.block.eip + this.block.bytes) >>> 0) ? 0xffffffff : 0xffff;
    for (let k = 0; k < insns.length; k++) {
      const i = insns[k];
      this.cur = i;
      this.pos = k;
      this.nextEip = ((eip + i.length) & ipMask) >>> 0;
      this.exitReqUsed = false;
      this.flagsDead = flagsDeadAfter(insns, k);
      const last = k === insns.length - 1;
      const emit = i.form < FORMS.length && !this.modeUncertain ? this.hooks.inline(i.form) : undefined;
      if (emit !== undefined && emit(this, i)) {
        this.inlined++;
        if (this.exitReqUsed && !last) {
          this.push(w.if(w.get(this.exitReq), this.exitStatements(k + 1, w.c(this.nextEip), null)));
        }
        if (last && !this.terminated) this.emitFallThroughOrExit(k + 1);
      } else {
        this.emitCallout(i, k, last);
      }
      eip = this.nextEip;
    }
  }

  // ---- loops ----

  /**
   * A function whose blocks jump back to its first block (a counted or
   * scanning loop) runs as a wasm loop: registers and the flag record stay
   * in locals across iterations, and the budget and the blocks-run count are
   * kept in locals and stored only when the function leaves (or before a slow
   * path, which may fault). Only bodies compiled without callouts qualify: a
   * first, thrown away compilation tells the flag records at its back edges
   * and whether it reads the flags it entered with (registers, budget and
   * count are the function's parameters, in locals already). Returns the
   * statements to run before the loop.
   */
  private tryLoop(): Expr[] {
    const w = this.w;
    const region = this.region;
    if (region === undefined || !pathLoops(region, this.head)) return [];
    const probe = new BlockCompiler(w, this.head, this.hooks, this.exitSlots, this.exitDirect, region);
    probe.probing = true;
    probe.compile();
    const ends = probe.backEdges;
    if (probe.callouts > 0 || ends.length === 0) return [];
    // The registers the body touches are loaded before the loop (and written back when it leaves).
    const pre: Expr[] = [];
    for (let r = 0; r < 8; r++) {
      if ((probe.usedRegs & (1 << r)) === 0) continue;
      pre.push(w.set(REG_LOCAL(r), w.load32(w.c(W_REG(r)))));
      this.regs[r] = RegState.DIRTY;
    }
    // The head's flags stay in locals when every back edge leaves the same record and the body sets it before reading it.
    const r0 = ends[0].flags;
    const same = r0 !== null && ends.every((e) => e.flags !== null && e.flags.op === r0.op && e.flags.size === r0.size && e.flags.mask === r0.mask);
    const inLocals = same && !probe.entryFlagsRead;
    this.loop = { flagsValid: this.temp(), syncFlags: !inLocals };
    if (inLocals) {
      this.flags = { ...r0 };
      this.flagsDirty = true;
      this.flagsMaybe = true;
    }
    return pre;
  }

  /** Before a direct exit: the back edge to the function's first block, taken while the budget lasts. */
  private backEdgeStatements(retired: number, c: number | null): void {
    const w = this.w;
    const ex = this.block.exits;
    const back = ex.map((e, k) => e.kind === ExitKind.DIRECT && this.exitDirect[k] !== null && this.region?.named(this.exitDirect[k]!) === this.head);
    if (!back.includes(true)) return;
    if (this.probing) {
      this.backEdges.push({ flags: this.flags === null ? null : { ...this.flags } });
    }
    const lp = this.loop;
    const run = this.run;
    if (lp === null || run === null) return;
    const taken = c === null || (back[0] && back[1]) ? w.c(1) : back[0] ? w.get(c) : w.eqz(w.get(c));
    const left = this.temp();
    this.push(w.set(left, this.budgetLeft(retired)));
    const again = [
      ...(lp.syncFlags && this.flags !== null && this.flagsDirty ? this.flagStores() : []),
      w.set(run.budget, w.get(left)),
      w.set(run.blocks, w.add(w.get(run.blocks), w.c(1))),
      w.set(lp.flagsValid, w.c(1)),
      w.br(LOOP_LABEL),
    ];
    // A slow-path write that invalidated code ends the block instead.
    this.push(w.if(w.and(w.and(taken, w.gtS(w.get(left), w.c(0))), w.eqz(w.get(this.exitReq))), again));
  }

  /**
   * Continues into the block behind exit `j` in this function (superblock.ts):
   * the other exit leaves when `c` says so; at the boundary the budget (or
   * code invalidated by a slow-path write) may still end the run there.
   */
  private continueInto(retired: number, c: number | null, j: number): void {
    const w = this.w;
    if (c !== null) this.push(w.if(j === 0 ? w.eqz(w.get(c)) : w.get(c), this.exitCode(retired, null, 1 - j)));
    const left = this.temp();
    this.push(w.set(left, this.budgetLeft(retired)));
    this.push(w.if(w.or(w.leS(w.get(left), w.c(0)), w.get(this.exitReq)), this.exitCode(retired, null, j)));
    if (this.run === null) this.run = { budget: this.temp(), blocks: this.temp() };
    this.push(w.set(this.run.budget, w.get(left)));
    this.push(w.set(this.run.blocks, w.add(w.get(this.run.blocks), w.c(1))));
    this.continuation = this.region!.named(this.exitDirect[j]!)!;
  }

  /** True once the last instruction's emitter emitted the block's exits itself. */
  terminated = false;

  /**
   * Statements calling the current instruction's handler on a cold path (a
   * fault to raise precisely): state written back as for any callout; the
   * registers in `reloads` are read back into locals `into` afterwards.
   */
  coldHandler(reloads: readonly number[], into: readonly number[]): Expr[] {
    const w = this.w;
    const out = [...this.slowPathPrologue(), w.drop(w.callI32(Callout.EXEC, [w.c(this.hooks.insnId(this.cur!))]))];
    reloads.forEach((r, k) => out.push(w.set(into[k], w.load32(w.c(W_REG(r))))));
    return out;
  }
  /** State for a slow-path call that may fault: written back, EIP at the next instruction (the host rewinds it). */
  private slowPathPrologue(): Expr[] {
    const w = this.w;
    return [...this.writeBackStatements(), w.store32(w.c(L.EIP), w.c(this.nextEip))];
  }


  // ---- memory ----

  /** Effective address (offset in the segment) of the memory operand. */
  ea(i: CachedInsn): Expr {
    const w = this.w;
    let a: Expr = w.c(i.disp);
    if (i.base >= 0) a = i.disp === 0 ? this.reg32(i.base) : w.add(this.reg32(i.base), a);
    if (i.index >= 0) a = w.add(a, i.scale === 0 ? this.reg32(i.index) : w.shl(this.reg32(i.index), w.c(i.scale)));
    return i.addrSize === 32 ? a : w.and(a, w.c(0xffff));
  }

  /** TLB entry of linear address in local `lin`. */
  private tlbEntry(lin: number): Expr {
    const w = this.w;
    return w.load32(w.shl(w.shrU(w.get(lin), w.c(12)), w.c(2)), L.TLB_BASE);
  }
  private inPage(lin: number, bytes: number): Expr {
    const w = this.w;
    return w.leU(w.and(w.get(lin), w.c(PAGE_MASK)), w.c(PAGE_MASK + 1 - bytes));
  }
  /** Host address (minus RAM_BASE) of the physical byte for TLB entry `e` and linear `lin`. */
  private physAddr(e: number, lin: number): Expr {
    const w = this.w;
    return w.or(w.and(w.get(e), w.c(~PAGE_MASK)), w.and(w.get(lin), w.c(PAGE_MASK)));
  }

  /**
   * Reads `bytes` at linear `linExpr` (segment already known flat): the inline
   * TLB fast path, else the slow-path callout (fills, page crossings, faults).
   */
  read(bytes: number, linExpr: Expr): Expr {
    const w = this.w;
    const lin = this.temp();
    const e = this.temp();
    this.push(w.set(lin, linExpr));
    this.push(w.set(e, this.tlbEntry(lin)));
    let fast = w.and(w.get(e), w.c(this.readBit));
    if (bytes > 1) fast = w.and(w.ne(fast, w.c(0)), this.inPage(lin, bytes));
    const slow = w.blockValue(this.slowPathPrologue(), w.callI32(Callout.READ, [w.get(lin), w.c(bytes), w.c(this.hooks.insnId(this.cur!))]));
    const v = this.temp();
    this.push(w.set(v, w.ifValue(fast, w.loadN(bytes, this.physAddr(e, lin), L.RAM_BASE), slow)));
    return w.get(v);
  }

  /** Writes `bytes` of `value` at linear `linExpr`; call before changing any register of the instruction. */
  write(bytes: number, linExpr: Expr, value: Expr): void {
    const w = this.w;
    const lin = this.temp();
    const e = this.temp();
    const v = this.temp();
    this.push(w.set(lin, linExpr));
    this.push(w.set(v, value));
    this.push(w.set(e, this.tlbEntry(lin)));
    let fast = w.eq(w.and(w.get(e), w.c(this.writeBit | T_CODE)), w.c(this.writeBit));
    if (bytes > 1) fast = w.and(fast, this.inPage(lin, bytes));
    this.exitReqUsed = true;
    this.push(
      w.if(
        fast,
        [w.storeN(bytes, this.physAddr(e, lin), w.get(v), L.RAM_BASE)],
        [...this.slowPathPrologue(), w.set(this.exitReq, w.callI32(Callout.WRITE, [w.get(lin), w.c(bytes), w.get(v), w.c(this.hooks.insnId(this.cur!))]))],
      ),
    );
  }

  /**
   * Begins a read-modify-write (SDM: the destination is checked for writing
   * before it is read). Returns the value and a `finish(result)` that stores.
   */
  rmw(bytes: number, seg: number, offExpr: Expr): { value: Expr; finish: (v: Expr) => void } {
    const w = this.w;
    const lin = this.temp();
    const e = this.temp();
    const p = this.temp();
    const v = this.temp();
    this.push(w.set(lin, offExpr));
    this.push(w.set(e, this.tlbEntry(lin)));
    let fast = w.eq(w.and(w.get(e), w.c(this.writeBit | T_CODE)), w.c(this.writeBit));
    if (bytes > 1) fast = w.and(fast, this.inPage(lin, bytes));
    this.push(
      w.if(
        fast,
        [w.set(p, this.physAddr(e, lin)), w.set(v, w.loadN(bytes, w.get(p), L.RAM_BASE))],
        [
          w.set(p, w.c(-1)),
          ...this.slowPathPrologue(),
          w.set(v, w.callI32(Callout.RMW_BEGIN, [w.c(seg), w.get(lin), w.c(bytes), w.c(this.hooks.insnId(this.cur!))])),
        ],
      ),
    );
    const finish = (result: Expr): void => {
      const r = this.temp();
      this.exitReqUsed = true;
      this.push(w.set(r, result));
      this.push(
        w.if(
          w.geS(w.get(p), w.c(0)),
          [w.storeN(bytes, w.get(p), w.get(r), L.RAM_BASE)],
          [w.set(this.exitReq, w.callI32(Callout.RMW_END, [w.c(bytes), w.get(r)]))],
        ),
      );
    };
    return { value: w.get(v), finish };
  }

  // ---- exits ----

  /**
   * The statements leaving the block: write-back, EIP and budget (the
   * retired count is the budget consumed: the dispatcher and the callouts
   * derive INSNS_RETIRED from it), then a chain through `slot` (an i32 expression, or null for a
   * plain return) while the budget lasts.
   */
  exitStatements(retired: number, eip: Expr | null, slot: Expr | null): Expr[] {
    const w = this.w;
    const out = this.writeBackStatements();
    if (eip !== null) out.push(w.store32(w.c(L.EIP), eip));
    out.push(this.countBlock());
    const b = this.temp();
    out.push(w.store32(w.c(L.BUDGET), w.tee(b, this.budgetLeft(retired))));
    if (slot === null) {
      out.push(w.store32(w.c(EXIT_SLOT), w.c(EXIT_PLAIN)), w.ret());
      return out;
    }
    // Stored before the tail call too: an unlinked slot holds the stub, which
    // returns to the dispatcher, and the dispatcher then links this slot.
    const s = this.temp();
    out.push(w.store32(w.c(EXIT_SLOT), w.tee(s, slot)));
    out.push(w.if(w.and(w.gtS(w.get(b), w.c(0)), w.geS(w.get(s), w.c(0))), [w.chain(w.get(s))]));
    out.push(this.exitFrameStore(), w.ret());
    return out;
  }

  /**
   * Before returning to the dispatcher with an exit that may be
   * EXIT_INDIRECT: this block's physical frame, where the branch came from
   * (DbtDispatcher.onIndirect). Only the returning block stores it, so a
   * chained exit does not pay for it.
   */
  private exitFrameStore(): Expr {
    return this.w.store32(this.w.c(EXIT_FRAME), this.w.c(this.block.phys >>> PAGE_SHIFT));
  }

  /** The budget once this block's `retired` instructions are charged. */
  private budgetLeft(retired: number): Expr {
    const w = this.w;
    return w.sub(this.run !== null ? w.get(this.run.budget) : w.load32(w.c(L.BUDGET)), w.c(retired));
  }

  private countBlock(): Expr {
    const w = this.w;
    const n = this.run !== null ? w.add(w.get(this.run.blocks), w.c(1)) : w.c(1);
    return w.store32(w.c(BLOCKS_RUN), w.add(w.load32(w.c(BLOCKS_RUN)), n));
  }

  /** Exit for a direct target `exitIndex` of the block. */
  private slotExpr(exitIndex: number): Expr {
    return this.w.c(this.exitSlots[exitIndex] ?? -1);
  }

  /**
   * Leaves through the block's direct exits (exit 1 when local `c` is 0):
   * while the budget lasts, a direct tail call to a block of this module or
   * a tail call through the exit's table slot; otherwise EIP and the slot to
   * link go to the dispatcher. A direct tail call skips storing EIP: no
   * block reads it before storing it.
   */
  private chainExits(retired: number, c: number | null): void {
    this.backEdgeStatements(retired, c);
    const j = this.region !== undefined && !this.modeUncertain ? continuationExit(this.region, this.block, c !== null, this.head, this.visited) : -1;
    if (j >= 0) {
      this.continueInto(retired, c, j);
      return;
    }
    for (const e of this.exitCode(retired, c, 0)) this.push(e);
  }

  /** The exit statements for exit `a` (when local `c` is non-zero or absent) or exit 1 - a. */
  private exitCode(retired: number, c: number | null, a: number): Expr[] {
    const w = this.w;
    const ex = this.block.exits;
    const z = 1 - a;
    const out: Expr[] = [];
    const b = this.temp();
    out.push(w.set(b, this.budgetLeft(retired)));
    // A block of this module is tail-called directly, budget in hand (unless the
    // budget ran out, or a write invalidated code: then the dispatcher decides).
    const direct = (k: number): string | null => (k < ex.length ? this.exitDirect[k] : null);
    if (direct(a) !== null || (c !== null && direct(z) !== null)) {
      const hand = (k: number): Expr[] => (direct(k) !== null ? this.handOff(direct(k)!, b) : []);
      out.push(w.if(w.and(w.gtS(w.get(b), w.c(0)), w.eqz(w.get(this.exitReq))), c === null ? hand(a) : [w.if(w.get(c), hand(a), hand(z))]));
    }
    out.push(...this.writeBackStatements());
    out.push(this.countBlock());
    out.push(w.store32(w.c(L.BUDGET), w.get(b)));
    const slot = (k: number): number => (this.exitDirect[k] ? -1 : (this.exitSlots[k] ?? -1));
    const chainTo = (k: number): Expr[] => {
      if (direct(k) !== null) return [];
      const s = slot(k);
      if (s === SLOT_JUMP_CACHE) return this.jumpCacheChain(() => w.c(ex[k].target));
      // EIP and the slot are stored before the tail call: an unlinked slot
      // holds the stub, which returns to the dispatcher (which links the slot).
      return s >= 0 ? [w.store32(w.c(L.EIP), w.c(ex[k].target)), w.store32(w.c(EXIT_SLOT), w.c(s)), w.chain(w.c(s))] : [];
    };
    out.push(w.if(w.gtS(w.get(b), w.c(0)), c === null ? chainTo(a) : [w.if(w.get(c), chainTo(a), chainTo(z))]));
    const pick = (x: number, y: number): Expr => (c === null ? w.c(x) : w.select(w.get(c), w.c(x), w.c(y)));
    out.push(w.store32(w.c(L.EIP), pick(ex[a].target, ex.length > 1 ? ex[z].target : 0)));
    out.push(w.store32(w.c(EXIT_SLOT), pick(slot(a), ex.length > 1 ? slot(z) : -1)), this.exitFrameStore(), w.ret());
    return out;
  }

  /**
   * Tail-calls block function `name` of this module with the budget left in
   * local `left` and one more block run; dirty registers and the flags go to
   * memory first, where every block finds them.
   */
  private handOff(name: string, left: number): Expr[] {
    return [...this.writeBackStatements(false), this.handOffCall(name, left)];
  }
  private handOffCall(name: string, left: number): Expr {
    const w = this.w;
    return w.chainDirect(name, [w.get(left), w.add(w.get(this.run!.blocks), w.c(1))]);
  }

  /**
   * An indirect branch (local `t` holds the target EIP) leaves through the
   * module's dispatch function (translator/module-dispatch.ts), which hands
   * off to a block of this module directly. Falls through after a write that
   * invalidated code (the dispatcher decides), or without a dispatch function.
   */
  private moduleDispatch(t: number, retired: number): void {
    if (this.region?.dispatch !== true || this.modeUncertain) return;
    const w = this.w;
    const left = this.temp();
    this.push(w.set(left, this.budgetLeft(retired)));
    const call = w.chainDirect(DISPATCH_FUNCTION, [w.get(t), w.get(left), w.get(this.run!.blocks)]);
    this.push(w.if(w.eqz(w.get(this.exitReq)), [...this.writeBackStatements(false), call]));
  }

  /** Ends the block at its natural end: the fall-through exit (the block's single direct exit). */
  private emitFallThroughOrExit(retired: number): void {
    const ex = this.block.exits;
    if (ex.length === 1 && ex[0].kind === ExitKind.DIRECT) {
      this.chainExits(retired, null);
    } else {
      for (const e of this.exitStatements(retired, this.w.c(this.nextEip), null)) this.push(e);
    }
    this.terminated = true;
  }

  /** Direct control transfer ending the block: exit `exitIndex` when `cond` (or always). */
  emitBranchExit(cond: Expr | null): void {
    const w = this.w;
    const n = this.pos + 1;
    const ex = this.block.exits;
    if (cond === null || ex.length < 2) {
      this.chainExits(n, null);
    } else {
      const c = this.temp();
      this.push(w.set(c, cond));
      this.chainExits(n, c);
    }
    this.terminated = true;
  }

  /** Indirect transfer ending the block: look the target up in the jump cache, else return to the dispatcher. */
  emitIndirectExit(target: Expr): void {
    const w = this.w;
    const n = this.pos + 1;
    const t = this.temp();
    this.push(w.set(t, target));
    this.moduleDispatch(t, n);
    const out = this.writeBackStatements();
    out.push(w.store32(w.c(L.EIP), w.get(t)));
    out.push(this.countBlock());
    const b = this.temp();
    out.push(w.store32(w.c(L.BUDGET), w.tee(b, this.budgetLeft(n))));
    out.push(w.store32(w.c(EXIT_SLOT), w.c(EXIT_INDIRECT)));
    out.push(w.if(w.gtS(w.get(b), w.c(0)), this.jumpCacheChain(() => w.get(t))));
    out.push(this.exitFrameStore(), w.ret());
    for (const e of out) this.push(e);
    this.terminated = true;
  }

  /** Looks EIP `t` up in the jump cache and tail-calls the block on a hit (falls through on a miss). */
  private jumpCacheChain(t: () => Expr): Expr[] {
    return jumpCacheLookup(this.w, t, this.temp(), this.modeKey, this.readBit);
  }

  // ---- callouts ----

  private emitCallout(i: CachedInsn, k: number, last: boolean): void {
    const w = this.w;
    this.callouts++;
    const vmm = i.form < FORMS.length && this.hooks.viaVmm(i.form);
    const ud = i.form === FORM_UD || i.form === FORM_GP;
    this.syncAll();
    this.push(w.store32(w.c(L.EIP), w.c(this.nextEip)));
    const x = this.temp();
    this.push(w.set(x, w.callI32(vmm ? Callout.VMM : Callout.EXEC, [w.c(this.hooks.insnId(i))])));
    this.invalidateLocals();
    // The handler may have zeroed the budget (a stop request): reload a budget kept in a local.
    if (this.run !== null) this.push(w.set(this.run.budget, w.load32(w.c(L.BUDGET))));
    if (vmm || ud) this.modeUncertain = true;
    if (!last) {
      this.push(w.if(w.get(x), this.exitStatements(k + 1, null, null)));
      return;
    }
    // The handler left the next EIP in memory.
    const ex = this.block.exits;
    const isControl = i.form < FORMS.length && FORMS[i.form].cls === 'control';
    if (!isControl || vmm || ud) {
      // A callout named by chainsAfter reports through its result whatever endsBlock guards against.
      const mayChain = vmm ? this.hooks.chainsAfter(i.form) : !ud && !FORMS[i.form].endsBlock;
      const chainable = mayChain && !ud && ex.length === 1 && ex[0].kind === ExitKind.DIRECT;
      const direct = chainable ? this.exitDirect[0] : null;
      if (direct !== null && this.run !== null) {
        // The successor is in this module: a direct tail call when the callout did not ask to exit.
        const left = this.temp();
        this.push(w.set(left, this.budgetLeft(k + 1)));
        this.push(w.if(w.and(w.and(w.eqz(w.get(x)), w.gtS(w.get(left), w.c(0))), w.eqz(w.get(this.exitReq))), this.handOff(direct, left)));
      }
      const slot = chainable ? w.select(w.get(x), w.c(-1), this.slotExpr(0)) : null;
      for (const e of this.exitStatements(k + 1, null, slot)) this.push(e);
    } else if (ex[0].kind === ExitKind.INDIRECT) {
      this.pos = k;
      this.emitIndirectExit(w.load32(w.c(L.EIP)));
    } else {
      const eip = w.load32(w.c(L.EIP));
      let slot: Expr = this.slotExpr(0);
      if (ex.length === 2) slot = w.select(w.eq(eip, w.c(ex[0].target)), this.slotExpr(0), this.slotExpr(1));
      // A trap or invalidation during the handler forbids chaining.
      slot = w.select(w.get(x), w.c(-1), slot);
      for (const e of this.exitStatements(k + 1, null, slot)) this.push(e);
    }
    this.terminated = true;
  }
}
