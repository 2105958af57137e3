// Decoded-code cache: basic blocks of CachedInsn keyed by the physical
// address of their first instruction plus the code size (the only mode bit
// that changes decoding), indexed by physical frame so a write to a frame
// drops every block built from it (GuestMemory.onCodeWrite). A block never
// spans two frames: an instruction that straddles a page boundary is decoded
// on every execution instead of being cached.
import { FORMS } from '../arch/table.js';
import { decode, MAX_INSN_LENGTH } from '../decoder/decode.js';
import { DecodeStatus } from '../decoder/insn.js';
import type { GuestMemory } from '../mem/memory.js';
import { Access } from '../mem/page-walker.js';
import { PAGE_MASK, PAGE_SHIFT, PAGE_SIZE } from '../mem/tlb-entry.js';
import { CachedInsn } from './cached-insn.js';
import { type Handler, readsEip } from '../semantics/handler.js';

/** Pseudo form ids for encodings that fault when executed. */
export const FORM_UD = FORMS.length;
export const FORM_GP = FORMS.length + 1;

/** Instructions per block at most (keeps the budget overshoot small). */
export const MAX_BLOCK_INSNS = 32;
/**
 * Decoded instructions the cache holds at most (about 210 bytes each, so
 * some 55 MiB): code executed at ever new addresses (wild or generated code)
 * would otherwise grow it without bound. Past it every block is dropped and
 * decoding starts afresh (docs/limits.md).
 */
export const MAX_CACHED_INSNS = 1 << 18;

export class Block {
  /**
   * Links to the blocks that followed this one (two EIPs: fall-through and
   * taken), valid while `linkEpoch` equals the interpreter's chain epoch,
   * which moves on any code invalidation, TLB flush or mode change.
   */
  linkEpoch = -1;
  next0Eip = -1;
  next0: Block | null = null;
  next1Eip = -1;
  next1: Block | null = null;

  constructor(
    readonly insns: CachedInsn[],
    /** False for a single straddling instruction decoded on the fly. */
    readonly cached: boolean,
  ) {}
}

/** Forms after which a block must end: control transfers and mode/halt/trap forms. */
const ENDS_BLOCK = Uint8Array.from(FORMS, (f) => (f.endsBlock || f.cls === 'control' ? 1 : 0));
/** Forms that may change segments, CPL, mode or paging (see CachedInsn.syncAfter). */
const SYNC_AFTER = Uint8Array.from(FORMS, (f) => (f.cls === 'sensitive' || f.cls === 'privileged' ? 1 : 0));
/** Forms whose handlers see EIP (see CachedInsn.eipBefore). */
const EIP_BEFORE = Uint8Array.from(FORMS, (f) => (readsEip(f) ? 1 : 0));

export class CodeCache {
  /** Per RAM frame, its blocks by (offset << 1 | code32). Looked up only when block chaining misses. */
  private frames: (Map<number, Block> | undefined)[];
  blocksBuilt = 0;
  invalidations = 0;
  /** Times the cache was emptied for holding MAX_CACHED_INSNS. */
  overflows = 0;
  /** Decoded instructions held now. */
  private held = 0;
  private readonly fetchBuf = new Uint8Array(MAX_INSN_LENGTH);

  constructor(
    private readonly mem: GuestMemory,
    /** Form ids that have no handler: a block ends after them too. */
    private readonly stopsBlock: Uint8Array,
    /** Handlers by form id (FORM_UD and FORM_GP included). */
    private readonly handlers: readonly Handler[],
  ) {
    mem.onCodeWrite = (frame) => this.invalidateFrame(frame);
    this.frames = new Array<Map<number, Block> | undefined>(mem.codeFrames.length + 1).fill(undefined);
  }

  /** Drops every block built from a physical frame. */
  invalidateFrame(frame: number): void {
    const blocks = this.frames[frame];
    if (blocks !== undefined) {
      for (const b of blocks.values()) this.held -= b.insns.length;
      this.frames[frame] = undefined;
      this.invalidations++;
    }
    this.onInvalidate();
  }

  /** Called after an invalidation (the interpreter ends the running block). */
  onInvalidate: () => void = () => {};

  /** Drops everything (e.g. after the system layer rewrote memory behind the TLB). */
  clear(): void {
    this.frames.fill(undefined);
    this.held = 0;
    this.mem.codeFrames.fill(0);
  }

  /** The block starting at physical address `phys` (linear `lin`), decoding it on a miss. */
  lookup(phys: number, lin: number, code32: boolean): Block {
    if (phys < 0) return new Block([this.decodeLinear(lin, code32)], false);
    const frame = phys >>> PAGE_SHIFT;
    const key = ((phys & PAGE_MASK) << 1) | (code32 ? 1 : 0);
    const blocks = this.frames[frame];
    if (blocks !== undefined) {
      const b = blocks.get(key);
      if (b !== undefined) return b;
    }
    return this.build(phys, lin, code32, frame, key);
  }

  private build(phys: number, lin: number, code32: boolean, frame: number, key: number): Block {
    const mem = this.mem;
    const insns: CachedInsn[] = [];
    const inRam = frame < mem.codeFrames.length;
    const pageEnd = (frame + 1) * PAGE_SIZE;
    let pos = phys;
    for (;;) {
      const insn = new CachedInsn();
      insn.pos = insns.length;
      const status = inRam ? decode(mem.ram, pos, pageEnd, code32, insn) : DecodeStatus.TRUNCATED;
      if (status === DecodeStatus.TRUNCATED) {
        if (insns.length > 0) break;
        // First instruction straddles the frame end (or is outside RAM): decode from linear bytes.
        return new Block([this.decodeLinear(lin, code32)], false);
      }
      if (status !== DecodeStatus.OK) {
        insn.form = status === DecodeStatus.INVALID ? FORM_UD : FORM_GP;
        insn.fn = this.handlers[insn.form];
        insn.nextOff = pos - phys + insn.length;
        insns.push(insn);
        break;
      }
      insns.push(insn);
      pos += insn.length;
      insn.nextOff = pos - phys;
      insn.eipBefore = EIP_BEFORE[insn.form] !== 0;
      insn.fn = this.handlers[insn.form];
      insn.syncAfter = SYNC_AFTER[insn.form] !== 0;
      if (ENDS_BLOCK[insn.form] !== 0 || insn.syncAfter || this.stopsBlock[insn.form] !== 0) break;
      if (insns.length >= MAX_BLOCK_INSNS || pos >= pageEnd) break;
    }
    const block = new Block(insns, true);
    if (this.held + insns.length > MAX_CACHED_INSNS) {
      // Frames stay marked as code: the translator's blocks still need their writes noticed.
      this.frames.fill(undefined);
      this.held = 0;
      this.overflows++;
      this.onInvalidate();
    }
    this.held += insns.length;
    let blocks = this.frames[frame];
    if (blocks === undefined) {
      blocks = new Map();
      this.frames[frame] = blocks;
    }
    blocks.set(key, block);
    this.blocksBuilt++;
    mem.markCode(frame);
    return block;
  }

  /** Decodes one instruction at linear `lin`, fetching the next page only if the instruction needs it. */
  private decodeLinear(lin: number, code32: boolean): CachedInsn {
    const mem = this.mem;
    const buf = this.fetchBuf;
    const n0 = Math.min(PAGE_SIZE - (lin & PAGE_MASK), MAX_INSN_LENGTH);
    const p0 = mem.translateRead(lin, Access.EXEC);
    for (let k = 0; k < n0; k++) buf[k] = mem.readPhys8(p0 < 0 ? -1 : p0 + k);
    const insn = new CachedInsn();
    let status = decode(buf, 0, n0, code32, insn);
    if (status === DecodeStatus.TRUNCATED) {
      const next = ((lin | PAGE_MASK) + 1) | 0;
      const p1 = mem.translateRead(next, Access.EXEC);
      for (let k = n0; k < MAX_INSN_LENGTH; k++) buf[k] = mem.readPhys8(p1 < 0 ? -1 : p1 + k - n0);
      insn.clear();
      status = decode(buf, 0, MAX_INSN_LENGTH, code32, insn);
    }
    if (status !== DecodeStatus.OK) insn.form = status === DecodeStatus.INVALID ? FORM_UD : FORM_GP;
    else {
      insn.eipBefore = EIP_BEFORE[insn.form] !== 0;
      insn.syncAfter = SYNC_AFTER[insn.form] !== 0;
    }
    insn.fn = this.handlers[insn.form];
    insn.nextOff = insn.length;
    return insn;
  }
}
