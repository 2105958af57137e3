// Which blocks a block's function continues into (a superblock): a direct
// exit to another block of the same module can be compiled as straight-line
// code in the same function, so registers and flags stay in locals across the
// block boundary (where the budget is still checked, as at a chained exit).
// A conditional branch continues on its likely side only: a backward target
// is taken (a loop), a forward one is not. An exit back to the function's
// first block is a loop back edge instead (codegen.ts), and the way out of
// such a loop is not followed (a callout there would keep the loop from
// keeping its state in locals).
import { ExitKind, type GuestBlock } from './block.js';

/** Blocks per function at most (each is also compiled as its own function). */
export const SUPERBLOCK_BLOCKS = 4;

/** The module's blocks as the translator planned them. */
export interface Region {
  /** Table slots and direct-call names of a block's exits (as in BlockCompiler). */
  plan(g: GuestBlock): { exitSlots: readonly number[]; exitDirect: readonly (string | null)[] };
  /** The block compiled under a function name of this module. */
  named(name: string): GuestBlock | undefined;
  /** The module has a dispatch function (translator/module-dispatch.ts) for indirect branches. */
  dispatch: boolean;
}

/**
 * The exit of `g` to continue into, or -1: `cond` says whether the block
 * ends in a two-way branch; `head` is the function's first block.
 */
export function continuationExit(region: Region, g: GuestBlock, twoWay: boolean, head: GuestBlock, visited: ReadonlySet<GuestBlock>): number {
  if (visited.size >= SUPERBLOCK_BLOCKS) return -1;
  const ex = g.exits;
  const { exitDirect } = region.plan(g);
  const target = (k: number): GuestBlock | undefined => {
    const name = k < ex.length && ex[k].kind === ExitKind.DIRECT ? exitDirect[k] : null;
    return name ? region.named(name) : undefined;
  };
  const ok = (k: number): boolean => {
    const t = target(k);
    return t !== undefined && t !== head && !visited.has(t);
  };
  if (!twoWay) return ok(0) ? 0 : -1;
  const likely = ex[0].target <= g.eip ? 0 : 1;
  return ok(likely) ? likely : -1;
}

/** The blocks one function compiles, in order, as far as the exits tell (callouts may cut it shorter). */
export function superblockPath(region: Region, head: GuestBlock): GuestBlock[] {
  const path = [head];
  const visited = new Set(path);
  for (let g = head; ; ) {
    const k = continuationExit(region, g, g.exits.length > 1, head, visited);
    if (k < 0) return path;
    g = region.named(region.plan(g).exitDirect[k]!)!;
    path.push(g);
    visited.add(g);
  }
}

/** True when a block on the path has a direct exit back to the head (the function can loop). */
export function pathLoops(region: Region, head: GuestBlock): boolean {
  return superblockPath(region, head).some((g) => {
    const { exitDirect } = region.plan(g);
    return g.exits.some((e, k) => e.kind === ExitKind.DIRECT && exitDirect[k] !== null && region.named(exitDirect[k]!) === head);
  });
}
