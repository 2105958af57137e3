// The translation cache (DESIGN decision 8): translated blocks keyed by
// physical address + EIP + mode key, indexed by physical frame for
// invalidation; chaining through slots of one shared WebAssembly.Table (a
// block's direct exit tail-calls whatever its slot holds: the successor once
// linked, else a stub that returns to the dispatcher); a capacity limit with
// two eviction policies; the jump cache for indirect branches.
import { JUMP_CACHE, JUMP_CACHE_ENTRIES, JUMP_CACHE_ENTRY, jumpCacheIndex } from '../translator/abi.js';
import type { GuestBlock } from '../translator/block.js';
import { PAGE_MASK, PAGE_SHIFT } from '../mem/tlb-entry.js';

export type EvictionPolicy = 'flush' | 'fifo';
export const EVICTION_POLICIES: readonly EvictionPolicy[] = ['flush', 'fifo'];

/** One compiled module: the unit of FIFO eviction. */
export interface ModuleRecord {
  id: number;
  blocks: TBlock[];
  wasmBytes: number;
}

export interface TBlock {
  guest: GuestBlock;
  fn: () => void;
  /** Table slot holding `fn` (jump-cache targets). */
  entrySlot: number;
  /** Table slot per exit (parallel to guest.exits), -1 when never chained. */
  exitSlots: number[];
  /** Slots currently linked to this block. */
  incoming: number[];
  module: ModuleRecord;
  dead: boolean;
  /** Other blocks at the same physical address (other EIP or mode). */
  next: TBlock | null;
}

export interface TcacheStats {
  lookups: number;
  hits: number;
  misses: number;
  blocks: number;
  modules: number;
  evictions: number;
  flushes: number;
  invalidations: number;
  invalidatedBlocks: number;
  links: number;
  jumpCacheFills: number;
  /** Blocks dropped because a page module translated them again. */
  retired: number;
}

const TABLE_GROW = 1024;
/**
 * V8 keeps every instance that imports a table alive as long as the table
 * (to update their dispatch tables), so a long run that keeps translating
 * would grow without bound: after this many modules the cache is flushed and
 * starts over on a fresh table, which frees the old instances.
 */
export const MODULES_PER_TABLE = 2048;
/**
 * Wasm bytes compiled against one table at most (V8 keeps their code alive
 * with it, as above): past it the cache flushes too. With MODULES_PER_TABLE
 * this bounds the translation cache's host memory whatever the guest runs
 * (docs/limits.md).
 */
export const WASM_BYTES_PER_TABLE = 48 * 1024 * 1024;
/** Largest --tc-size (blocks): the per-block records stay within tens of MiB. */
export const MAX_TC_BLOCKS = 1 << 20;

export class TranslationCache {
  table: WebAssembly.Table;
  /** Modules instantiated against the current table. */
  private modulesOnTable = 0;
  /** Wasm bytes of the modules instantiated against the current table. */
  private wasmBytesOnTable = 0;
  private readonly stub: () => void;
  /** frame -> (page offset -> first block at that address). */
  private frames = new Map<number, Map<number, TBlock>>();
  /** What each table slot is linked to (null: the stub). */
  private slotTarget: (TBlock | null)[] = [];
  private freeSlots: number[] = [];
  private modules: ModuleRecord[] = [];
  private nextModuleId = 0;
  private liveBlocks = 0;
  private readonly words: Int32Array;
  readonly stats: TcacheStats = {
    lookups: 0, hits: 0, misses: 0, blocks: 0, modules: 0, evictions: 0, flushes: 0,
    invalidations: 0, invalidatedBlocks: 0, links: 0, jumpCacheFills: 0, retired: 0,
  };
  /**
   * Blocks killed so far (evicted, invalidated, flushed or retired): when it
   * moves, slots handed out before may belong to new blocks now.
   */
  deaths = 0;
  /** Called after blocks die (the engine forgets hotness and registry entries if it wants). */
  onFlush: () => void = () => {};

  constructor(
    memory: WebAssembly.Memory,
    stub: () => void,
    /** Capacity in blocks. */
    readonly capacity: number,
    readonly policy: EvictionPolicy,
  ) {
    this.stub = stub;
    this.words = new Int32Array(memory.buffer);
    this.table = this.freshTable();
    this.clearJumpCache();
  }

  /** A new table of stubs; slot 0 stays the stub forever, the others are handed out. */
  private freshTable(): WebAssembly.Table {
    const table = new WebAssembly.Table({ initial: TABLE_GROW, element: 'anyfunc' });
    this.slotTarget = [];
    this.freeSlots = [];
    for (let k = 0; k < TABLE_GROW; k++) {
      table.set(k, this.stub);
      this.slotTarget.push(null);
    }
    for (let k = TABLE_GROW - 1; k >= 1; k--) this.freeSlots.push(k);
    this.modulesOnTable = 0;
    this.wasmBytesOnTable = 0;
    return table;
  }

  get size(): number {
    return this.liveBlocks;
  }

  allocSlot(): number {
    if (this.freeSlots.length === 0) {
      const base = this.table.length;
      this.table.grow(TABLE_GROW, this.stub);
      for (let k = 0; k < TABLE_GROW; k++) this.slotTarget.push(null);
      for (let k = TABLE_GROW - 1; k >= 0; k--) this.freeSlots.push(base + k);
    }
    return this.freeSlots.pop()!;
  }

  private freeSlot(slot: number): void {
    this.table.set(slot, this.stub);
    this.slotTarget[slot] = null;
    this.freeSlots.push(slot);
  }

  /** The block for (phys, eip, mode), or null. */
  find(phys: number, eip: number, modeKey: number): TBlock | null {
    this.stats.lookups++;
    const byOffset = this.frames.get(phys >>> PAGE_SHIFT);
    if (byOffset !== undefined) {
      for (let b = byOffset.get(phys & PAGE_MASK) ?? null; b !== null; b = b.next) {
        if (b.guest.eip === eip && b.guest.modeKey === modeKey) {
          this.stats.hits++;
          return b;
        }
      }
    }
    this.stats.misses++;
    return null;
  }

  /**
   * Makes room for `incoming` blocks according to the policy. Returns true
   * when live blocks had to go for want of capacity (not for the table's
   * own bounds): the cache is too small for the code that runs.
   */
  makeRoom(incoming: number): boolean {
    if (this.modulesOnTable >= MODULES_PER_TABLE || this.wasmBytesOnTable >= WASM_BYTES_PER_TABLE) {
      this.flush();
      return false;
    }
    if (this.liveBlocks + incoming <= this.capacity) return false;
    if (this.policy === 'flush') {
      this.flush();
      return true;
    }
    while (this.liveBlocks + incoming > this.capacity && this.modules.length > 0) {
      const m = this.modules.shift()!;
      this.stats.evictions += m.blocks.length;
      for (const b of m.blocks) this.kill(b);
    }
    this.clearJumpCache();
    return true;
  }

  /** Inserts the blocks of one freshly compiled module. */
  insertModule(blocks: Omit<TBlock, 'module' | 'incoming' | 'dead' | 'next'>[], wasmBytes: number): TBlock[] {
    const module: ModuleRecord = { id: this.nextModuleId++, blocks: [], wasmBytes };
    for (const spec of blocks) {
      const b: TBlock = { ...spec, module, incoming: [], dead: false, next: null };
      const g = b.guest;
      const frame = g.phys >>> PAGE_SHIFT;
      let byOffset = this.frames.get(frame);
      if (byOffset === undefined) {
        byOffset = new Map();
        this.frames.set(frame, byOffset);
      }
      b.next = byOffset.get(g.phys & PAGE_MASK) ?? null;
      byOffset.set(g.phys & PAGE_MASK, b);
      this.table.set(b.entrySlot, b.fn);
      this.slotTarget[b.entrySlot] = b;
      module.blocks.push(b);
      this.liveBlocks++;
      this.stats.blocks++;
    }
    this.modules.push(module);
    this.modulesOnTable++;
    this.wasmBytesOnTable += wasmBytes;
    this.stats.modules++;
    return module.blocks;
  }

  /** Links exit slot `slot` to `target` (a tail call from then on). */
  link(slot: number, target: TBlock): void {
    if (slot <= 0 || this.slotTarget[slot] === target || target.dead) return;
    this.table.set(slot, target.fn);
    this.slotTarget[slot] = target;
    target.incoming.push(slot);
    this.stats.links++;
  }

  isLinked(slot: number): boolean {
    return this.slotTarget[slot] !== null;
  }

  /** Records an indirect-branch target for generated code's jump-cache lookup. */
  fillJumpCache(eip: number, tlbEntry: number, readBit: number, modeKey: number, target: TBlock): void {
    const at = (JUMP_CACHE + jumpCacheIndex(eip) * JUMP_CACHE_ENTRY) >> 2;
    const w = this.words;
    w[at] = eip;
    w[at + 1] = (tlbEntry & ~PAGE_MASK) | readBit;
    w[at + 2] = modeKey;
    w[at + 3] = target.entrySlot;
    this.stats.jumpCacheFills++;
  }

  clearJumpCache(): void {
    const at = JUMP_CACHE >> 2;
    // Mode key -1 never matches a real key.
    for (let k = 0; k < JUMP_CACHE_ENTRIES; k++) {
      this.words[at + k * 4] = 0;
      this.words[at + k * 4 + 2] = -1;
    }
  }

  /** The live blocks built from physical `frame`. */
  blocksOfFrame(frame: number): TBlock[] {
    const out: TBlock[] = [];
    const byOffset = this.frames.get(frame);
    if (byOffset !== undefined) for (const first of byOffset.values()) for (let b: TBlock | null = first; b !== null; b = b.next) out.push(b);
    return out;
  }

  /**
   * Drops blocks that a new module translates again (a page's blocks
   * gathered into one module), with every other block of their modules:
   * blocks of one module tail-call each other directly, so a survivor could
   * still run a dropped block, whose exit slots are freed and handed out again.
   */
  retire(blocks: readonly TBlock[]): void {
    if (blocks.length === 0) return;
    for (const m of new Set(blocks.map((b) => b.module))) {
      for (const b of m.blocks) {
        if (b.dead) continue;
        this.kill(b);
        this.stats.retired++;
      }
    }
    this.clearJumpCache();
  }

  /** Drops every block built from physical `frame` (the guest wrote to it). */
  invalidateFrame(frame: number): void {
    const byOffset = this.frames.get(frame);
    if (byOffset === undefined) return;
    this.stats.invalidations++;
    for (const first of byOffset.values()) {
      for (let b: TBlock | null = first; b !== null; b = b.next) {
        this.stats.invalidatedBlocks++;
        this.kill(b);
      }
    }
    this.frames.delete(frame);
    this.clearJumpCache();
  }

  /** Drops everything (flush-all policy, or a mode of the machine the cache cannot track). */
  flush(): void {
    this.stats.flushes++;
    for (const m of this.modules) for (const b of m.blocks) this.kill(b);
    this.modules = [];
    this.frames.clear();
    // Every block is dead: start a fresh table so V8 can free the old instances.
    this.table = this.freshTable();
    this.clearJumpCache();
    this.onFlush();
  }

  /** Unlinks a block: chains into it go back to the stub; its slots are freed. */
  private kill(b: TBlock): void {
    if (b.dead) return;
    b.dead = true;
    this.deaths++;
    this.liveBlocks--;
    for (const s of b.incoming) if (this.slotTarget[s] === b) this.freeOrReset(s);
    b.incoming = [];
    this.freeSlot(b.entrySlot);
    for (const s of b.exitSlots) if (s > 0) this.freeSlot(s);
    const byOffset = this.frames.get(b.guest.phys >>> PAGE_SHIFT);
    if (byOffset !== undefined) {
      const off = b.guest.phys & PAGE_MASK;
      let head = byOffset.get(off) ?? null;
      if (head === b) head = b.next;
      else for (let p = head; p !== null; p = p.next) if (p.next === b) p.next = b.next;
      if (head === null) byOffset.delete(off);
      else byOffset.set(off, head);
    }
  }

  /** An exit slot of a live block that pointed at a dying one goes back to the stub. */
  private freeOrReset(slot: number): void {
    this.table.set(slot, this.stub);
    this.slotTarget[slot] = null;
  }
}
