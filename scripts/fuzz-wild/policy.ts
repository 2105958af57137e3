// The fuzz:wild rules (issue 10), shared by the parent, the workers and the tests.

/** Guest RAM of every case: small, so thousands of machines come and go quickly. */
export const CASE_MEM_MB = 16;
/** Wall-clock limit of every run: far beyond what any case needs to reach its instruction limit. */
export const CASE_TIMEOUT_S = 10;
/** A run may end at most this long after its limit (the promise). */
export const LIMIT_SLACK_S = 2;
/**
 * docs/limits.md: the process running a machine stays under its guest RAM
 * plus this much, whatever the guest does (binaryen and V8 included).
 */
export const RSS_OVER_RAM_MIB = 512;
