// The contract between translated blocks and the host (the callout ABI):
// where the translator's own words live in the VMM scratch area of the state
// block (cpu/layout.ts reserves SCRATCH_BASE for the VMM), and the imported
// host functions generated code may call. Every translated block is a
// `() -> ()` wasm function; all guest state is in the shared memory.
import { SCRATCH_BASE, SCRATCH_SIZE } from '../cpu/layout.js';

/** The translator's sub-area of the VMM scratch space (it runs to the scratch area's end). */
export const DBT_BASE = SCRATCH_BASE + 0x8000;

/**
 * How the last translated block returned to the dispatcher: the table slot of
 * the direct exit it took (the dispatcher links it), EXIT_INDIRECT after an
 * indirect branch missed the jump cache, or EXIT_PLAIN (nothing to link).
 */
export const EXIT_SLOT = DBT_BASE;
export const EXIT_PLAIN = -1;
/** Blocks run since the dispatcher last read it (i32; the dispatcher harvests and clears it). */
export const BLOCKS_RUN = DBT_BASE + 4;
export const EXIT_INDIRECT = -2;
/**
 * Physical frame of the block that returned to the dispatcher (i32), stored
 * by every return that may be EXIT_INDIRECT: which page the branch that
 * missed the jump cache came from. Only a branch from the page it lands in
 * can be kept inside that page's module (DbtDispatcher.onIndirect).
 */
export const EXIT_FRAME = DBT_BASE + 8;
/**
 * Exit "slot" of a direct exit into another page: it is looked up in the
 * jump cache like an indirect target (whose entries are checked against the
 * TLB), so a chain never outlives the mapping it was made under.
 */
export const SLOT_JUMP_CACHE = EXIT_INDIRECT;

/**
 * Jump cache for indirect branches, looked up by generated code: entries of
 * four i32 words {eip, physical frame << 12 | 1, mode key, table slot}. An entry is
 * used only while the software TLB still maps the target page to that frame
 * with execute (read) permission, so page-table changes cannot misdirect it.
 */
export const JUMP_CACHE = DBT_BASE + 0x100;
export const JUMP_CACHE_BITS = 10;
export const JUMP_CACHE_ENTRIES = 1 << JUMP_CACHE_BITS;
export const JUMP_CACHE_ENTRY = 16;

if (JUMP_CACHE + JUMP_CACHE_ENTRIES * JUMP_CACHE_ENTRY > SCRATCH_BASE + SCRATCH_SIZE) {
  throw new Error('translator/abi: jump cache does not fit the scratch area');
}

/**
 * Parameters of every block function: the budget left and the blocks run so
 * far in this call chain. A block hands them straight to a block of its own
 * module (a direct tail call), so neither goes through memory there; each
 * block also has an exported `() -> ()` entry that reads the budget from the
 * state block, for the dispatcher and the table. (Passing the eight guest
 * registers too was measured slower: every block then keeps all of them
 * live, and writes all of them back when it leaves the module.)
 */
export const PARAM_BUDGET = 0;
export const PARAM_BLOCKS = 1;
export const BLOCK_PARAMS = 2;
/** Local holding guest register `r` (after the parameters). */
export const REG_LOCAL = (r: number): number => BLOCK_PARAMS + r;

/** Jump-cache index of an EIP (the same hash in wasm and in the dispatcher). */
export function jumpCacheIndex(eip: number): number {
  return (eip ^ (eip >>> JUMP_CACHE_BITS)) & (JUMP_CACHE_ENTRIES - 1);
}

/**
 * Imported host functions, by name. All arguments are i32. `insn` is the
 * index of the instruction in the engine's instruction registry: the host
 * records it as the current instruction so a fault is charged precisely.
 */
export const Callout = {
  /** exec(insn) -> exit: run the instruction's semantics handler; non-zero ends the block. */
  EXEC: 'exec',
  /** vmm(insn) -> exit: a sensitive or privileged instruction, through the VMM. */
  VMM: 'vmm',
  /** rd(lin, bytes, insn) -> value: slow-path read (TLB miss, page crossing, fault). */
  READ: 'rd',
  /** wr(lin, bytes, value, insn) -> exit: slow-path write; non-zero when code was invalidated. */
  WRITE: 'wr',
  /** rmw(seg, off, bytes, insn) -> value: slow-path read-modify-write begin (checks writability). */
  RMW_BEGIN: 'rmwb',
  /** rmwe(bytes, value) -> exit: completes the slow-path read-modify-write. */
  RMW_END: 'rmwe',
  /** cond(cc) -> 0/1: a condition code from the lazy flags in memory. */
  COND: 'cond',
  /** cfc(): makes CF concrete in FLAGS (INC/DEC keep CF). */
  CONCRETIZE_CF: 'cfc',
} as const;
