// How hot a block must run before the dbt dispatcher translates it (DESIGN
// decision 9), and the counts that tell: executions per (frame, offset, code
// size), bounded; raised thresholds for frames whose code keeps being
// rewritten and while the translation cache is too small (issue 10).
import { PAGE_SHIFT } from '../mem/tlb-entry.js';

/** Code-invalidating writes a frame takes before its blocks must run hotter to be translated (thresholdFor). */
const SMC_TOLERANCE = 4;
/** Least hotness threshold of a frame past SMC_TOLERANCE, before doubling. */
const SMC_BASE_HOT = 64;
/** Instructions without blocks dropped for room after which cache pressure halves the hotness again. */
const PRESSURE_DECAY_INSNS = 1 << 22;
/** Blocks whose executions are counted at most (docs/limits.md). */
const MAX_HOT_ENTRIES = 1 << 18;
/** Count of a block that cannot be translated (straddles a page, has a form without semantics). */
const UNTRANSLATABLE = -1;

export class Hotness {
  /** frame -> (offset << 1 | code32) -> executions so far, or UNTRANSLATABLE. */
  private counts = new Map<number, Map<number, number>>();
  /** Entries in `counts` (bounded by MAX_HOT_ENTRIES). */
  private entries = 0;
  /** Per RAM frame: writes that invalidated its code so far (saturating). */
  private readonly codeWrites: Uint8Array;
  /** Doublings of the threshold for cache pressure (notePressure), and the retired count at the last change. */
  private pressure = 0;
  private pressureAt = 0;

  constructor(
    /** The configured threshold (--hot). */
    private readonly hot: number,
    ramBytes: number,
    private readonly retired: () => number,
  ) {
    this.codeWrites = new Uint8Array(ramBytes >>> PAGE_SHIFT);
  }

  /**
   * Counts one execution of block `key` of `frame`: true once it has run
   * hot enough to be translated, null if it cannot be.
   */
  touch(frame: number, key: number): boolean | null {
    let counts = this.counts.get(frame);
    if (counts === undefined) {
      counts = new Map();
      this.counts.set(frame, counts);
    }
    const n = counts.get(key) ?? 0;
    if (n === UNTRANSLATABLE) return null;
    if (n >= this.thresholdFor(frame)) return true;
    if (n === 0 && ++this.entries > MAX_HOT_ENTRIES) {
      // Code run once at ever new addresses: start counting afresh rather than grow.
      this.counts.clear();
      this.entries = 1;
      counts = new Map();
      this.counts.set(frame, counts);
    }
    counts.set(key, n + 1);
    return false;
  }

  markUntranslatable(frame: number, key: number): void {
    this.counts.get(frame)?.set(key, UNTRANSLATABLE);
  }

  /** The blocks of `frame` that ran at least half as often as the setting asks, the hottest first. */
  warm(frame: number): number[] {
    const counts = this.counts.get(frame);
    if (counts === undefined) return [];
    const warm = [...counts].filter(([, n]) => n * 2 >= this.hot);
    warm.sort((x, y) => y[1] - x[1]);
    return warm.map(([key]) => key);
  }

  /** A write invalidated the code of `frame`: its counts start again, and it counts towards the SMC threshold. */
  codeWritten(frame: number): void {
    if (frame < this.codeWrites.length && this.codeWrites[frame] < 255) this.codeWrites[frame]++;
    this.dropFrame(frame);
  }

  dropFrame(frame: number): void {
    this.entries -= this.counts.get(frame)?.size ?? 0;
    this.counts.delete(frame);
  }

  clear(): void {
    this.counts.clear();
    this.entries = 0;
  }

  /**
   * Executions before a block of `frame` is translated. Code that keeps being
   * rewritten (self-modifying loops, a stack that runs over code) would be
   * translated again after every write, each translation costing more than
   * interpreting it: past SMC_TOLERANCE invalidations a frame's threshold
   * doubles with each further one (issue 10).
   */
  private thresholdFor(frame: number): number {
    const writes = frame < this.codeWrites.length ? this.codeWrites[frame] : 0;
    let hot = this.hot;
    if (writes > SMC_TOLERANCE) hot = Math.max(hot, SMC_BASE_HOT) * 2 ** Math.min(writes - SMC_TOLERANCE, 16);
    if (this.pressure > 0) {
      // Cache pressure eases off once enough instructions ran without blocks dropped for room.
      const now = this.retired();
      if (now - this.pressureAt > PRESSURE_DECAY_INSNS) {
        this.pressure--;
        this.pressureAt = now;
      }
      hot = Math.max(hot, 1) * 2 ** this.pressure;
    }
    return hot;
  }

  /**
   * Live blocks were dropped to make room: a cache too small for the code
   * that runs would otherwise retranslate at every turn (--tc-size 1 spent
   * its whole run compiling, issue 10). Each such drop doubles the hotness
   * every block needs, up to 2^16 times the setting.
   */
  notePressure(): void {
    if (this.pressure < 16) this.pressure++;
    this.pressureAt = this.retired();
  }
}
