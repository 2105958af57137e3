// The translation cache through the dbt engine: capacity and both eviction
// policies, chaining and linking, the jump cache, invalidation of a page the
// guest writes — each checked against the interpreter and by its counters.
import { describe, expect, it } from 'vitest';
import { asm } from '../interp/asm.js';
import { CODE, DiffPair } from '../translator/harness.js';
import type { DbtOptions } from '../../src/engines/dbt-dispatcher.js';
import { jumpCacheIndex } from '../../src/translator/abi.js';

/** 12 small blocks called in turn, 50 times: more blocks than a tiny cache holds. */
const MANY_BLOCKS = `
  mov esi, 50
outer:
${Array.from({ length: 12 }, (_, k) => `  call f${k}`).join('\n')}
  dec esi
  jnz outer
  int3
${Array.from({ length: 12 }, (_, k) => `f${k}:\n  add eax, ${k + 1}\n  xor ebx, eax\n  ret`).join('\n')}
`;

/** A loop that rewrites the immediate of an instruction inside itself. */
const SELF_MODIFYING = `
  mov ecx, 20
top:
  mov [patch + 1], ecx
patch:
  mov eax, 0
  add edx, eax
  dec ecx
  jnz top
  int3
`;

/**
 * The dispatch of a compiled bytecode interpreter (issue 10): a loop on the
 * first page calls handlers on the second through a table (call [reg*4 +
 * table]), alternating between two whose EIPs share a jump-cache entry, so
 * every call misses the jump cache and comes back to the dispatcher.
 */
const HANDLER_0 = 0x1000;
const HANDLER_1 = 0x1401;
const CROSS_PAGE_DISPATCH = `
  mov esi, 3000
  xor ebx, ebx
top:
  mov eax, esi
  and eax, 1
  call [table + eax * 4]
  dec esi
  jnz top
  int3
align 4
table:
  dd $$ + ${HANDLER_0}, $$ + ${HANDLER_1}
  times ${HANDLER_0} - ($ - $$) db 0xcc
  add ebx, 3
  ret
  times ${HANDLER_1} - ($ - $$) db 0xcc
  xor ebx, esi
  rol ebx, 1
  ret
`;

function run(source: string, options: Partial<DbtOptions>): { diff: string | null; pair: DiffPair } {
  const pair = new DiffPair(options);
  pair.load(asm(source, 32, CODE));
  return { diff: pair.compareBySlices(1000, 1_000_000), pair };
}

describe('translation cache', () => {
  it('chains blocks and fills the jump cache for returns', () => {
    const { diff, pair } = run(MANY_BLOCKS, { hot: 0 });
    expect(diff).toBeNull();
    const s = pair.dbt.tcache.stats;
    expect(s.links).toBeGreaterThan(0);
    expect(s.jumpCacheFills).toBeGreaterThan(0);
    expect(pair.dbt.blocksRun).toBeGreaterThan(pair.dbt.wasmEntries * 5);
  });

  it('gathers a page whose returns miss the jump cache into one module', () => {
    const { diff, pair } = run(MANY_BLOCKS, { hot: 0 });
    expect(diff).toBeNull();
    expect(pair.dbt.tcache.stats.retired).toBeGreaterThan(0);
    const off = run(MANY_BLOCKS, { hot: 0, pageModules: false });
    expect(off.diff).toBeNull();
    expect(off.pair.dbt.tcache.stats.retired).toBe(0);
  });

  it('retires whole modules when a page module takes only some of their blocks', () => {
    // Small modules and a page module too small for the page: blocks left out
    // of it must not survive next to retired blocks of their own module.
    const { diff, pair } = run(MANY_BLOCKS, { hot: 0, batch: 3, pageBatch: 4 });
    expect(diff).toBeNull();
    expect(pair.dbt.tcache.stats.retired).toBeGreaterThan(0);
  });

  it('leaves branches from another page to the jump cache: no page-module rebuilds for them (issue 10)', () => {
    expect(jumpCacheIndex(CODE + HANDLER_0)).toBe(jumpCacheIndex(CODE + HANDLER_1));
    // A page module may hold one block: a page that keeps being rebuilt for
    // branches no module can absorb never stops missing.
    for (const pageBatch of [64, 1]) {
      const { diff, pair } = run(CROSS_PAGE_DISPATCH, { hot: 0, pageBatch });
      expect(diff).toBeNull();
      const s = pair.dbt.tcache.stats;
      // The handlers' calls keep missing the jump cache ...
      expect(s.jumpCacheFills).toBeGreaterThan(2000);
      // ... yet neither page is gathered again: the calls come from the
      // loop's page and the returns from the handlers' page.
      expect(s.retired).toBe(0);
      expect(s.modules).toBeLessThanOrEqual(4);
    }
  });

  it('evicts whole modules first-in first-out when full', () => {
    const { diff, pair } = run(MANY_BLOCKS, { hot: 0, tcSize: 8, policy: 'fifo', batch: 2 });
    expect(diff).toBeNull();
    expect(pair.dbt.tcache.stats.evictions).toBeGreaterThan(0);
    expect(pair.dbt.tcache.size).toBeLessThanOrEqual(8);
  });

  it('flushes everything when full under the flush policy', () => {
    const { diff, pair } = run(MANY_BLOCKS, { hot: 0, tcSize: 8, policy: 'flush', batch: 2 });
    expect(diff).toBeNull();
    // One flush comes from loading the program.
    expect(pair.dbt.tcache.stats.flushes).toBeGreaterThan(1);
    expect(pair.dbt.tcache.size).toBeLessThanOrEqual(8);
  });

  it('runs every block through the dispatcher without chaining', () => {
    const { diff, pair } = run(MANY_BLOCKS, { hot: 0, chain: false });
    expect(diff).toBeNull();
    expect(pair.dbt.tcache.stats.links).toBe(0);
    expect(pair.dbt.blocksRun).toBe(pair.dbt.wasmEntries);
  });

  it('interprets blocks until they are hot', () => {
    const { diff, pair } = run(MANY_BLOCKS, { hot: 10 });
    expect(diff).toBeNull();
    expect(pair.dbt.interpretedInsns).toBeGreaterThan(0);
    expect(pair.dbt.translatedBlocks).toBeGreaterThan(0);
  });

  it('invalidates the blocks of a page the guest writes, retranslates, and stops retranslating a page rewritten again and again', () => {
    const { diff, pair } = run(SELF_MODIFYING, { hot: 0 });
    expect(diff).toBeNull();
    const s = pair.dbt.tcache.stats;
    // Translated again after each of the first writes (SMC_TOLERANCE), then interpreted until it turns hot again.
    expect(s.invalidations).toBeGreaterThanOrEqual(5);
    expect(s.invalidations).toBeLessThan(19);
    expect(pair.dbt.interpretedInsns).toBeGreaterThan(0);
    expect(s.invalidatedBlocks).toBeGreaterThan(0);
    expect(pair.dut.regs()[2]).toBe(((20 * 21) / 2) >>> 0);
  });
});
