// The linear -> physical step, as a hook the system layer fills in. With
// paging off the memory uses the identity; with CR0.PG set it asks the
// PageWalker, which walks the guest page tables (2-level on this model), checks
// U/S and R/W, sets A/D bits and throws #PF (CpuFault with the linear address).

/** Kind of access being translated. */
export const enum Access {
  READ = 0,
  WRITE = 1,
  EXEC = 2,
}

export interface PageWalker {
  /**
   * Translates the page holding `linear` for an access of `kind` at privilege
   * `user` (CPL 3). Returns a TLB entry (mem/tlb-entry.ts): the physical frame
   * in bits 31..12 and the T_* access bits the page tables allow (at least the
   * one needed for this access), or throws a CpuFault(#PF).
   */
  walk(linear: number, kind: Access, user: boolean): number;
}
