// The core of the `dbt` engine: a dispatcher over the translation cache. For each
// (physical EIP, EIP, mode key) it runs the translated block if there is one
// (which may chain through many blocks before returning), else counts the
// block's hotness and interprets it until it is hot, then translates it with
// its same-page successors as one module. Interrupts and device events stay
// between blocks, at the same boundaries as the interpreter (the blocks are
// the interpreter's decoded blocks), and the budget stops a run at the first
// block boundary at or past its target — so guests see identical virtual time
// under both engines (DESIGN decision 5).
import * as L from '../cpu/layout.js';
import { CpuFault, fault, Vector } from '../cpu/exceptions.js';
import { FORMS } from '../arch/table.js';
import { TF } from '../arch/flags.js';
import type { Insn } from '../decoder/insn.js';
import type { InsnForm } from '../arch/types.js';
import type { CachedInsn } from '../interp/cached-insn.js';
import { FORM_GP, FORM_UD } from '../interp/code-cache.js';
import type { Cpu } from '../cpu/context.js';
import { type Interpreter, StopReason } from '../interp/interpreter.js';
import { Access } from '../mem/page-walker.js';
import { PAGE_MASK, PAGE_SHIFT } from '../mem/tlb-entry.js';
import type { Handler } from '../semantics/handler.js';
import { resolveHandlers } from '../semantics/registry.js';
import { Hotness } from './dbt-hotness.js';
import { type EvictionPolicy, type ModuleRecord, type TBlock, TranslationCache } from '../tcache/tcache.js';
import { BLOCKS_RUN, EXIT_FRAME, EXIT_INDIRECT, EXIT_PLAIN, EXIT_SLOT } from '../translator/abi.js';
import { buildBlock, ExitKind, type GuestBlock } from '../translator/block.js';
import { CalloutHost } from '../translator/host.js';
import { MK_CODE32, modeKeyOf } from '../translator/mode.js';
import { translateBatch } from '../translator/translate.js';
import { instantiate, WasmBuilder } from '../translator/wasm.js';
import { Vmm } from '../vmm/vmm.js';
import type { StatsReport } from '../stats/report.js';

export interface DbtOptions {
  /** Chain blocks through table slots (off: every block returns to the dispatcher). */
  chain: boolean;
  /** Executions of a block before it is translated (0: translate at first sight). */
  hot: number;
  /** Translation cache capacity in blocks. */
  tcSize: number;
  policy: EvictionPolicy;
  /** Emit hot forms inline (off: every instruction calls its handler). */
  inline: boolean;
  /** Run binaryen's optimizer on each module. */
  optimize: boolean;
  /** Blocks per module at most (a hot block plus its same-page successors). */
  batch: number;
  /**
   * Switch V8's baseline wasm tier off when the first module is compiled
   * (process-wide; translator/wasm.ts). Off for runs of thousands of tiny
   * modules that each run once (the fuzzer), where compile time dominates.
   */
  optimizingTier: boolean;
  /** Gather a page's blocks into one module once indirect branches land there (translateRegion). */
  pageModules: boolean;
  /** Blocks per module at most when a page's known blocks are gathered into one. */
  pageBatch: number;
  /**
   * Instruction texts whose callouts report every change that matters to the
   * next block through the block-exit flag: a block ending in one may chain.
   * Empty by default (a callout returns to the dispatcher); the software VMM
   * names its callouts that keep the promise.
   */
  chainAfterCallouts: readonly string[];
}

export const DEFAULT_DBT_OPTIONS: DbtOptions = {
  chain: true,
  chainAfterCallouts: [],
  // Translating a block costs about a millisecond, the time to interpret some
  // tens of thousands of instructions: a block must earn it (bench/RESULTS.md).
  hot: 256,
  tcSize: 16384,
  policy: 'flush',
  inline: true,
  // binaryen's passes cost more (hundreds of ms while they warm up) than
  // they save: V8's optimizing tier already forwards locals and folds constants.
  optimize: false,
  batch: 16,
  pageModules: true,
  optimizingTier: true,
  pageBatch: 64,
};

const W_EIP = L.EIP >> 2;
const W_HALTED = L.HALTED >> 2;
const W_FLAGS = L.FLAGS >> 2;
const W_BUDGET = L.BUDGET >> 2;
const W_EXIT = EXIT_SLOT >> 2;
const W_EXIT_FRAME = EXIT_FRAME >> 2;
const W_BLOCKS_RUN = BLOCKS_RUN >> 2;
const W_RETIRED = L.INSNS_RETIRED >> 3;
const W_CS_BASE = (L.SEGS + 1 * L.SEG_STRIDE + L.SEG_BASE) >> 2;
const W_CS_LIMIT = (L.SEGS + 1 * L.SEG_STRIDE + L.SEG_LIMIT) >> 2;
/**
 * Largest budget handed to generated code (an i32 counting down). Kept
 * small enough that a loop block returns every few milliseconds: V8 swaps
 * in a function's optimized code only at its next call (no on-stack replacement).
 */
const MAX_BUDGET = 1 << 24;
/** Dispatcher visits between two looks at the wall clock (mask: a power of two less one). */
const DEADLINE_CHECK_VISITS = 255;

/** What the dispatcher knows of a code page for its page modules (onIndirect). */
interface PageRecord {
  /** Blocks in the page's newest page module. */
  built: number;
  /** Jump-cache misses landing in the page since that module was built. */
  indirect: number;
  /** Page modules built for the page so far. */
  rebuilds: number;
  module: ModuleRecord | null;
}

export class DbtDispatcher {
  readonly interp: Interpreter;
  readonly cpu: Cpu;
  readonly tcache: TranslationCache;
  readonly host: CalloutHost;
  readonly vmm: Vmm;
  readonly options: DbtOptions;
  fault: CpuFault | null = null;
  trapVector = -1;
  /** The trap came from INT n / INT3 / INTO (delivery checks the gate DPL). */
  trapSoftware = false;
  /** Length of the instruction that raised the trap. */
  trapInsnLength = 0;
  unhandled: InsnForm | null = null;
  unhandledInsn: Insn | null = null;
  private stopRequested = false;
  /** While translated code runs: INSNS_RETIRED = runBase + (budget0 - BUDGET). */
  private inWasm = false;
  private runBase = 0;
  private budget0 = 0;
  private readonly hostFunctions: Record<string, (...args: number[]) => number | void>;
  /** Forms with semantics here; a block with any other form is interpreted. */
  private readonly hasHandler: Uint8Array;
  private readonly chainAfter: Uint8Array;
  /** frame << 1 | code32 -> the page's page-module record. */
  private pages = new Map<number, PageRecord>();
  /** Executions counted per block, and the thresholds they must reach. */
  private readonly hotness: Hotness;
  // statistics
  interpretedInsns = 0;
  /** Blocks the dispatcher had the interpreter run (cold, or untranslatable). */
  interpretedBlocks = 0;
  dispatches = 0;
  /** Calls from the dispatcher into translated code. */
  wasmEntries = 0;
  blocksRun = 0;
  translatedBlocks = 0;
  translatedInsns = 0;
  translatedBytes = 0;
  wasmBytes = 0;
  inlinedInsns = 0;
  calloutInsns = 0;
  translateMs = 0;
  private readonly state: { u32: Uint32Array; i32: Int32Array; f64: Float64Array };

  constructor(interp: Interpreter, options: Partial<DbtOptions> = {}, extraHandlers?: ReadonlyMap<string, Handler>) {
    this.options = { ...DEFAULT_DBT_OPTIONS, ...options };
    this.interp = interp;
    this.cpu = interp.cpu;
    const st = this.cpu.state;
    this.state = { u32: st.u32, i32: st.i32, f64: st.f64 };
    this.hotness = new Hotness(this.options.hot, this.cpu.mem.ram.length, () => this.retired);
    const resolved = resolveHandlers(FORMS);
    const chainAfter = new Set(this.options.chainAfterCallouts);
    this.chainAfter = Uint8Array.from(FORMS, (f) => (chainAfter.has(f.instruction) ? 1 : 0));
    this.hasHandler = new Uint8Array(FORMS.length + 2);
    const handlers: Handler[] = resolved.map((h, id) => {
      const chosen = extraHandlers?.get(FORMS[id].instruction) ?? h;
      if (chosen !== undefined) this.hasHandler[id] = 1;
      return chosen ?? (() => {
        throw new Error(`dbt: form ${FORMS[id].instruction} has no handler`);
      });
    });
    handlers[FORM_UD] = () => {
      throw fault(Vector.UD);
    };
    handlers[FORM_GP] = () => {
      throw fault(Vector.GP, 0);
    };
    this.hasHandler[FORM_UD] = 1;
    this.hasHandler[FORM_GP] = 1;
    this.vmm = new Vmm(handlers);
    this.host = new CalloutHost(this.cpu, handlers, this.vmm);
    this.hostFunctions = this.host.functions();
    this.host.syncTime = () => this.syncRetired();
    // REP work spends the budget as instructions do, without being retired (Cpu.repWork).
    this.host.chargeWork = (iterations) => {
      if (!this.inWasm) return;
      this.budget0 -= iterations;
      this.state.i32[W_BUDGET] -= iterations;
    };
    this.tcache = new TranslationCache(st.memory, makeStub(st.memory), this.options.tcSize, this.options.policy);
    this.tcache.onFlush = () => this.host.reset();
    // Self-modifying code: the write that hits a code frame drops the
    // interpreter's decoded blocks and ours (the same notification).
    const mem = this.cpu.mem;
    const previous = mem.onCodeWrite;
    mem.onCodeWrite = (frame: number) => {
      previous(frame);
      this.hotness.codeWritten(frame);
      this.invalidateFrame(frame);
    };
  }

  /** Drops translations of a physical frame (host writes to guest code must call this too). */
  invalidateFrame(frame: number): void {
    this.tcache.invalidateFrame(frame);
    this.hotness.dropFrame(frame);
    this.pages.delete(frame * 2);
    this.pages.delete(frame * 2 + 1);
  }

  /** Drops every translation (e.g. after the system layer rewrote memory behind the TLB). */
  flush(): void {
    this.tcache.flush();
    this.hotness.clear();
    this.pages.clear();
  }

  get retired(): number {
    return this.state.f64[W_RETIRED];
  }

  requestStop(): void {
    this.stopRequested = true;
    // Keep runBase + (budget0 - BUDGET) invariant while zeroing the budget.
    if (this.inWasm) this.budget0 -= this.state.i32[W_BUDGET];
    this.state.i32[W_BUDGET] = 0;
  }

  /** Derives the retired count from the budget translated code consumed. */
  private syncRetired(): void {
    if (this.inWasm) this.state.f64[W_RETIRED] = this.runBase + (this.budget0 - this.state.i32[W_BUDGET]);
  }

  /** Runs one basic block. */
  runBlock(): StopReason {
    const r = this.run(1);
    return r === StopReason.BUDGET ? StopReason.BLOCK_END : r;
  }

  /**
   * Runs whole blocks until at least `maxInsns` instructions retired (REP
   * iterations count too), or another stop (as Interpreter.run); past
   * `deadline` (performance.now()), at the next block boundary.
   */
  run(maxInsns: number, deadline = Infinity): StopReason {
    const c = this.cpu;
    const s = this.state.u32;
    const i32 = this.state.i32;
    const f64 = this.state.f64;
    const mem = c.mem;
    const tc = this.tcache;
    const chain = this.options.chain;
    this.stopRequested = false;
    c.syncMode();
    this.fault = null;
    this.unhandled = null;
    this.unhandledInsn = null;
    this.trapVector = -1;
    c.trapVector = -1;
    if (s[W_HALTED] !== 0) return StopReason.HALT;
    // The budget counts retired instructions plus REP iterations, as the interpreter's.
    const target = f64[W_RETIRED] + c.repWork + maxInsns;
    let prevExit = EXIT_PLAIN;
    let visits = 0;
    const translations = this.translatedBlocks;
    const host = this.host;
    try {
      for (;;) {
        const eip = s[W_EIP];
        if (c.seg.fast[1] === 0 && eip > s[W_CS_LIMIT]) throw fault(Vector.GP, 0);
        const lin = (s[W_CS_BASE] + eip) | 0;
        let e = mem.tlb[lin >>> PAGE_SHIFT];
        let phys: number;
        if ((e & mem.readBit) !== 0) phys = (e & ~PAGE_MASK) | (lin & PAGE_MASK);
        else {
          phys = mem.translateRead(lin, Access.EXEC);
          e = mem.tlb[lin >>> PAGE_SHIFT];
        }
        const mode = modeKeyOf(c);
        this.dispatches++;
        let b = phys >= 0 ? tc.find(phys, eip, mode) : null;
        const deaths = tc.deaths;
        if (b === null && phys >= 0) b = this.onMiss(phys, lin, eip, mode);
        if (b !== null && prevExit === EXIT_INDIRECT && chain) b = this.onIndirect(b, phys, lin, eip, mode, i32[W_EXIT_FRAME]);
        // The block that just ran may have died (evicted or retired to make
        // room), its exit slot freed and handed out again: do not link it.
        if (tc.deaths !== deaths) prevExit = EXIT_PLAIN;
        if (b !== null) {
          if (prevExit > 0) {
            if (chain) tc.link(prevExit, b);
          } else if (prevExit === EXIT_INDIRECT && chain && lin === eip) {
            tc.fillJumpCache(eip, e, mem.readBit, mode, b);
          }
          const left = target - f64[W_RETIRED] - c.repWork;
          const budget = this.stopRequested ? 0 : left > MAX_BUDGET ? MAX_BUDGET : left;
          i32[W_BUDGET] = budget;
          this.budget0 = budget;
          this.runBase = f64[W_RETIRED];
          c.blockExit = false;
          host.cur = null;
          this.wasmEntries++;
          this.inWasm = true;
          b.fn();
          this.syncRetired();
          this.inWasm = false;
          const lastCallout = host.cur as CachedInsn | null;
          host.cur = null;
          prevExit = i32[W_EXIT];
          this.blocksRun += i32[W_BLOCKS_RUN];
          i32[W_BLOCKS_RUN] = 0;
          if (c.blockExit) {
            if (c.trapVector >= 0) {
              this.trapVector = c.trapVector;
              this.trapSoftware = c.trapSoftware;
              this.trapInsnLength = lastCallout === null ? 0 : lastCallout.length;
              return StopReason.TRAP;
            }
            if (s[W_HALTED] !== 0) return StopReason.HALT;
            c.syncMode();
            // EFLAGS.TF set (POPF, IRET): the machine single-steps from here.
            if ((s[W_FLAGS] & TF) !== 0) return StopReason.BLOCK_END;
            prevExit = EXIT_PLAIN;
          }
          // A plain exit may follow a mode change (VMM callouts, segment loads).
          if (prevExit === EXIT_PLAIN) c.syncMode();
        } else {
          const before = f64[W_RETIRED];
          const r = this.interp.runBlock();
          this.interpretedInsns += f64[W_RETIRED] - before;
          this.interpretedBlocks++;
          prevExit = EXIT_PLAIN;
          if (r !== StopReason.BLOCK_END) return this.fromInterp(r);
          // EFLAGS.TF set (POPF, IRET): the machine single-steps from here.
          if ((s[W_FLAGS] & TF) !== 0) return StopReason.BLOCK_END;
        }
        if (this.stopRequested) return StopReason.STOP;
        if (f64[W_RETIRED] + c.repWork >= target) return StopReason.BUDGET;
        // The wall clock, every few hundred visits and after each translation (which may take milliseconds).
        if (((++visits & DEADLINE_CHECK_VISITS) === 0 || this.translatedBlocks !== translations) && performance.now() > deadline) return StopReason.BUDGET;
      }
    } catch (err) {
      this.syncRetired();
      this.inWasm = false;
      const cur = host.cur;
      host.cur = null;
      if (cur !== null) {
        // Undo the EIP advance: the faulting instruction has not retired.
        s[W_EIP] = (s[W_EIP] - cur.length) & c.ipMask;
        f64[W_RETIRED] += cur.pos;
      }
      i32[W_BLOCKS_RUN] = 0;
      if (err instanceof CpuFault) {
        this.fault = err;
        s[L.FAULT_PENDING >> 2] = 1;
        s[L.FAULT_VECTOR >> 2] = err.vector;
        s[L.FAULT_ERROR_CODE >> 2] = err.errorCode;
        s[L.FAULT_EIP >> 2] = s[W_EIP];
        return StopReason.FAULT;
      }
      throw err;
    }
  }

  private fromInterp(r: StopReason): StopReason {
    const it = this.interp;
    this.fault = it.fault;
    this.trapVector = it.trapVector;
    this.trapSoftware = it.trapSoftware;
    this.trapInsnLength = it.trapInsnLength;
    this.unhandled = it.unhandled;
    this.unhandledInsn = it.unhandledInsn;
    return r;
  }

  /** A block without a translation: count it; once hot, translate it with its region. */
  private onMiss(phys: number, lin: number, eip: number, mode: number): TBlock | null {
    const frame = phys >>> PAGE_SHIFT;
    const key = ((phys & PAGE_MASK) << 1) | (mode & MK_CODE32);
    if (this.hotness.touch(frame, key) !== true) return null;
    const first = this.translateRegion(phys, lin, eip, mode);
    if (first === null) this.hotness.markUntranslatable(frame, key);
    return first;
  }

  /**
   * A branch from a block of physical frame `from` (an indirect one, or a
   * direct one into another page) missed the jump cache and landed on
   * translated block `b`. Once such landings in a page have grown by half
   * the page module's size, the page's blocks are gathered into one module
   * (translateRegion), so these branches stay inside it from then on.
   *
   * Only landings a rebuild of the page can absorb count: branches from the
   * page itself (a module's dispatch covers its own page's EIPs only, so a
   * branch from another page leaves through the jump cache whatever either
   * page's module holds) onto a block outside the page's newest module.
   * Counting branches from other pages made compiled bytecode interpreters
   * all but stop (issue 10): the switch's `jmp [reg*4 + table]` or the
   * handler-table call sits on one page and the handlers on others; two hot
   * handlers whose EIPs share a jump-cache entry evict each other, so each
   * dispatch to either came back as a landing, every few landings rebuilt a
   * handler page, and each rebuild emptied the jump cache
   * (TranslationCache.retire), which brought more landings: the run spent
   * its time compiling the same pages again. Each rebuild also doubles the
   * landings the next one waits for, so code whose branches no module
   * absorbs (wild code) cannot keep the translator compiling one page either.
   */
  private onIndirect(b: TBlock, phys: number, lin: number, eip: number, mode: number, from: number): TBlock {
    if (!this.options.pageModules || from !== phys >>> PAGE_SHIFT) return b;
    const page = this.pageOf(phys, mode);
    if (b.module === page.module) return b;
    page.indirect++;
    const wait = Math.max(2, page.built / 2) * 2 ** Math.min(page.rebuilds, 20);
    if (page.indirect < wait) return b;
    return this.translateRegion(phys, lin, eip, mode, true) ?? b;
  }

  private pageOf(phys: number, mode: number): PageRecord {
    const key = (phys >>> PAGE_SHIFT) * 2 + (mode & MK_CODE32);
    let page = this.pages.get(key);
    if (page === undefined) {
      page = { built: 0, indirect: 0, rebuilds: 0, module: null };
      this.pages.set(key, page);
    }
    return page;
  }

  /** The decoded block at (phys, lin) if it can be translated. */
  private guestBlock(phys: number, lin: number, eip: number, mode: number): GuestBlock | null {
    const decoded = this.interp.cache.lookup(phys, lin, (mode & MK_CODE32) !== 0);
    if (!decoded.cached) return null;
    for (const i of decoded.insns) if (this.hasHandler[i.form] === 0) return null;
    return buildBlock(phys, eip, mode, decoded.insns);
  }

  /**
   * Translates the block at `phys` as one module with its same-page direct
   * successors (up to `batch` blocks) — or, for a `rebuild` (onIndirect), with
   * the page's known blocks (up to `pageBatch`: those translated before, then
   * those about to turn hot), retiring their old translations: indirect
   * branches and direct exits between them then stay inside the module
   * (translator/codegen.ts).
   */
  private translateRegion(phys: number, lin: number, eip: number, mode: number, rebuild = false): TBlock | null {
    const head = this.guestBlock(phys, lin, eip, mode);
    if (head === null) return null;
    const t0 = performance.now();
    const frame = phys >>> PAGE_SHIFT;
    // Blocks of this page under the same mode and the same EIP-to-frame relation.
    const related = (b: TBlock): boolean => b.guest.modeKey === mode && b.guest.eip - eip === b.guest.phys - phys;
    const live = rebuild ? this.tcache.blocksOfFrame(frame).filter(related) : [];
    // A module never holds more blocks than the cache.
    const limit = Math.min(rebuild ? this.options.pageBatch : this.options.batch, this.tcache.capacity);
    const batch: GuestBlock[] = [head];
    const seen = new Set<number>([eip]);
    const ipMask = (mode & MK_CODE32) !== 0 ? 0xffffffff : 0xffff;
    const add = (at: number): void => {
      if (seen.has(at) || batch.length >= limit || at > ipMask) return;
      seen.add(at);
      const tPhys = phys + (at - eip);
      if (!rebuild && this.tcache.find(tPhys, at, mode) !== null) return;
      const next = this.guestBlock(tPhys, (lin + (at - eip)) | 0, at, mode);
      if (next !== null) batch.push(next);
    };
    const successors = (): void => {
      for (let k = 0; k < batch.length && batch.length < limit; k++) {
        for (const x of batch[k].exits) if (x.kind === ExitKind.DIRECT && x.samePage) add(x.target);
      }
    };
    if (!rebuild) successors();
    else {
      // The page's translated blocks first (they ran hot), then those about to, then successors.
      for (const b of live) add(b.guest.eip);
      const pageBase = eip - (phys & PAGE_MASK);
      // Blocks about to turn hot too, the hottest first.
      for (const key of this.hotness.warm(frame)) if ((key & 1) === (mode & MK_CODE32)) add((pageBase + (key >> 1)) >>> 0);
      successors();
      // Only the blocks the new module translates again give way to it.
      const again = new Set(batch.map((g) => g.eip));
      this.tcache.retire(live.filter((b) => again.has(b.guest.eip)));
    }
    if (this.tcache.makeRoom(batch.length)) this.hotness.notePressure();
    const result = translateBatch(batch, {
      memory: this.cpu.state.memory,
      table: this.tcache.table,
      host: this.host,
      hostFunctions: this.hostFunctions,
      allocSlot: () => this.tcache.allocSlot(),
      chain: this.options.chain,
      chainAfter: this.chainAfter,
      inline: this.options.inline,
      optimize: this.options.optimize,
      optimizingTier: this.options.optimizingTier,
    });
    const blocks = this.tcache.insertModule(result.blocks, result.wasmBytes);
    if (rebuild) {
      const page = this.pageOf(phys, mode);
      Object.assign(page, { built: batch.length, indirect: 0, rebuilds: page.rebuilds + 1, module: blocks[0].module });
    }
    if (this.options.chain) {
      for (const b of blocks) {
        b.guest.exits.forEach((x, k) => {
          const slot = b.exitSlots[k];
          if (slot <= 0) return;
          const t = this.tcache.find(b.guest.phys + (x.target - b.guest.eip), x.target, mode);
          if (t !== null) this.tcache.link(slot, t);
        });
      }
    }
    for (const g of batch) {
      this.translatedInsns += g.insns.length;
      this.translatedBytes += g.bytes;
    }
    this.translatedBlocks += batch.length;
    this.wasmBytes += result.wasmBytes;
    this.inlinedInsns += result.inlinedInsns;
    this.calloutInsns += result.calloutInsns;
    this.translateMs += performance.now() - t0;
    return blocks[0];
  }

  /** Statistics sections (DESIGN "Every run can print its statistics"). */
  statsReport(): StatsReport {
    const t = this.tcache.stats;
    const retired = this.retired;
    const pct = (a: number, b: number): number => (b === 0 ? 0 : (100 * a) / b);
    const dispatcherReturns = this.wasmEntries;
    const chained = this.blocksRun - this.wasmEntries;
    const callouts = [...this.host.counts().map((x) => ({ ...x, via: 'handler' })), ...this.vmm.counts().map((x) => ({ ...x, via: 'vmm' }))]
      .sort((a, b) => b.count - a.count)
      .slice(0, 12);
    return [
      {
        title: 'dbt translation cache',
        rows: [
          { name: 'lookups', value: t.lookups },
          { name: 'hits', value: t.hits },
          { name: 'misses', value: t.misses },
          { name: 'hit rate', value: pct(t.hits, t.lookups), unit: '%' },
          { name: 'chained transitions', value: chained },
          { name: 'returns to dispatcher', value: dispatcherReturns },
          { name: 'dispatcher visits', value: this.dispatches },
          { name: 'chained share', value: pct(chained, chained + dispatcherReturns), unit: '%' },
          { name: 'links made', value: t.links },
          { name: 'jump cache fills', value: t.jumpCacheFills },
          { name: 'live blocks', value: this.tcache.size },
          { name: 'modules compiled', value: t.modules },
          { name: 'blocks retired into page modules', value: t.retired },
          { name: 'evictions', value: t.evictions },
          { name: 'flushes', value: t.flushes },
          { name: 'invalidations (frames)', value: t.invalidations },
          { name: 'invalidated blocks', value: t.invalidatedBlocks },
        ],
      },
      {
        title: 'dbt translation',
        rows: [
          { name: 'blocks translated', value: this.translatedBlocks },
          { name: 'guest instructions translated', value: this.translatedInsns },
          { name: 'guest bytes translated', value: this.translatedBytes },
          { name: 'average block length', value: this.translatedBlocks === 0 ? 0 : this.translatedInsns / this.translatedBlocks, unit: 'insns' },
          { name: 'wasm bytes', value: this.wasmBytes },
          { name: 'expansion ratio', value: this.translatedBytes === 0 ? 0 : this.wasmBytes / this.translatedBytes, unit: 'x' },
          { name: 'inlined instructions', value: this.inlinedInsns },
          { name: 'callout instructions', value: this.calloutInsns },
          { name: 'translation time', value: this.translateMs, unit: 'ms' },
        ],
      },
      {
        title: 'dbt execution',
        rows: [
          { name: 'instructions interpreted', value: this.interpretedInsns },
          { name: 'instructions translated', value: Math.max(0, retired - this.interpretedInsns) },
          { name: 'translated blocks run', value: this.blocksRun },
          { name: 'slow-path reads', value: this.host.slowReads },
          { name: 'slow-path writes', value: this.host.slowWrites },
        ],
      },
      {
        title: 'dbt callouts by instruction',
        rows: callouts.map((x) => ({ name: `${x.instruction} (${x.via})`, value: x.count })),
      },
    ];
  }
}

/** The function every unlinked table slot holds: returns straight to the dispatcher. */
function makeStub(memory: WebAssembly.Memory): () => void {
  const w = new WasmBuilder(memory.buffer.byteLength / 65536, 0);
  w.addExportedFunction('stub', 0, [w.ret()]);
  const table = new WebAssembly.Table({ initial: 1, element: 'anyfunc' });
  return instantiate(w.finish(false), memory, table, {}).stub as () => void;
}
