// Indirect branches out of a block: the per-module dispatch function and the
// jump-cache lookup. A module whose blocks share a page (a page module, or
// any module: its blocks are one page's) gets one function, `dispatch(t,
// left, blocks)`, that every indirect exit of its blocks tail-calls with the
// target EIP, the budget left and the blocks run: a br_table over the EIPs
// its blocks start at hands off to the block directly (same page, mode and
// CS, so the EIP alone names the block); anything else leaves the way every
// indirect exit does, through the jump cache or back to the dispatcher.
import * as L from '../cpu/layout.js';
import { PAGE_MASK, PAGE_SHIFT } from '../mem/tlb-entry.js';
import { BLOCKS_RUN, EXIT_FRAME, EXIT_INDIRECT, EXIT_SLOT, JUMP_CACHE, JUMP_CACHE_BITS, JUMP_CACHE_ENTRIES } from './abi.js';
import type { Expr, WasmBuilder } from './wasm.js';

export const DISPATCH_FUNCTION = 'dispatch';
/** Parameters of the dispatch function: target EIP, budget left, blocks run before the exiting block. */
export const DISPATCH_PARAMS = 3;
/** Widest EIP range of a module's blocks one br_table covers (a page). */
export const MAX_DISPATCH_SPAN = 4096;

/**
 * Looks EIP `t` up in the jump cache and tail-calls the block on a hit
 * (falls through on a miss). Entries are {eip, frame|readBit, mode key, slot}
 * at JUMP_CACHE + index * 16, valid while the TLB still maps the page there.
 */
export function jumpCacheLookup(w: WasmBuilder, t: () => Expr, at: number, modeKey: number, readBit: number): Expr[] {
  const idx = w.and(w.xor(t(), w.shrU(t(), w.c(JUMP_CACHE_BITS))), w.c(JUMP_CACHE_ENTRIES - 1));
  const hit = w.and(
    w.and(w.eq(w.load32(w.get(at), JUMP_CACHE), t()), w.eq(w.load32(w.get(at), JUMP_CACHE + 8), w.c(modeKey))),
    w.eq(w.and(w.load32(w.shl(w.shrU(t(), w.c(12)), w.c(2)), L.TLB_BASE), w.c(~PAGE_MASK | readBit)), w.load32(w.get(at), JUMP_CACHE + 4)),
  );
  return [w.set(at, w.shl(idx, w.c(4))), w.if(hit, [w.chain(w.load32(w.get(at), JUMP_CACHE + 12))])];
}

/** The EIPs a module's dispatch covers, ascending; null when they span more than a br_table should. */
export function dispatchable(entries: readonly { eip: number; name: string }[]): readonly { eip: number; name: string }[] | null {
  if (entries.length === 0) return null;
  const span = entries[entries.length - 1].eip - entries[0].eip + 1;
  return span <= MAX_DISPATCH_SPAN ? entries : null;
}

/**
 * Body of `dispatch(t, left, blocks)` for blocks `entries` (ascending EIPs)
 * of physical page `phys`, compiled under `modeKey` with TLB read bit
 * `readBit`. The caller has written registers and flags back. Returns the
 * body and its local count.
 */
export function dispatchBody(w: WasmBuilder, entries: readonly { eip: number; name: string }[], phys: number, modeKey: number, readBit: number): { body: Expr[]; locals: number } {
  const T = 0;
  const LEFT = 1;
  const BLOCKS = 2;
  const AT = 3;
  const min = entries[0].eip;
  const span = entries[entries.length - 1].eip - min + 1;
  const labels = new Array<string>(span).fill('miss');
  entries.forEach((e, k) => (labels[e.eip - min] = `c${k}`));
  let inner: Expr[] = [w.brTable(labels, 'miss', w.sub(w.get(T), w.c(min)))];
  entries.forEach((e, k) => {
    inner = [w.labeled(`c${k}`, inner), w.chainDirect(e.name, [w.get(LEFT), w.add(w.get(BLOCKS), w.c(1))])];
  });
  const body: Expr[] = [
    w.if(w.gtS(w.get(LEFT), w.c(0)), [w.labeled('miss', inner)]),
    // Not a block of this module: leave as every indirect exit does.
    w.store32(w.c(L.EIP), w.get(T)),
    w.store32(w.c(BLOCKS_RUN), w.add(w.load32(w.c(BLOCKS_RUN)), w.add(w.get(BLOCKS), w.c(1)))),
    w.store32(w.c(L.BUDGET), w.get(LEFT)),
    w.store32(w.c(EXIT_SLOT), w.c(EXIT_INDIRECT)),
    w.if(w.gtS(w.get(LEFT), w.c(0)), jumpCacheLookup(w, () => w.get(T), AT, modeKey, readBit)),
    // A miss: the branch came from this page (DbtDispatcher.onIndirect).
    w.store32(w.c(EXIT_FRAME), w.c(phys >>> PAGE_SHIFT)),
    w.ret(),
  ];
  return { body, locals: AT + 1 };
}
