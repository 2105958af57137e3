// Translates a batch of blocks into one wasm module (DESIGN decision 9:
// module creation is expensive, so several blocks share one), instantiates it
// against the shared memory and table, and returns the block functions with
// the table slots they were compiled against.
import { FORMS } from '../arch/table.js';
import type { CachedInsn } from '../interp/cached-insn.js';
import { Vmm } from '../vmm/vmm.js';
import * as L from '../cpu/layout.js';
import { BLOCK_PARAMS, Callout, SLOT_JUMP_CACHE } from './abi.js';
import { dispatchable, dispatchBody, DISPATCH_FUNCTION, DISPATCH_PARAMS } from './module-dispatch.js';
import { tlbBitsOf } from './mode.js';
import { ExitKind, type GuestBlock } from './block.js';
import { BlockCompiler } from './codegen.js';
import type { Region } from './superblock.js';
import type { CalloutHost } from './host.js';
import { INLINE_EMITTERS } from './inline.js';
import { instantiate, WasmBuilder } from './wasm.js';

export interface TranslatedBlock {
  guest: GuestBlock;
  fn: () => void;
  entrySlot: number;
  exitSlots: number[];
}

export interface BatchResult {
  blocks: TranslatedBlock[];
  wasmBytes: number;
  inlinedInsns: number;
  calloutInsns: number;
}

export interface TranslateOptions {
  memory: WebAssembly.Memory;
  table: WebAssembly.Table;
  host: CalloutHost;
  hostFunctions: Record<string, (...args: number[]) => number | void>;
  allocSlot: () => number;
  /** Allocate exit slots (chaining on). */
  chain: boolean;
  /** By form id, 1 where a callout's direct exit may chain (see DbtOptions.chainAfterCallouts). */
  chainAfter?: Uint8Array;
  /** Inline hot forms (off: every instruction calls its handler — the always-correct path). */
  inline: boolean;
  optimize: boolean;
  /** Compile with V8's optimizing tier only (translator/wasm.ts). */
  optimizingTier: boolean;
}

/** Parameter count and result of every callout (translator/abi.ts). */
const CALLOUT_SIGNATURES: readonly [string, number, boolean][] = [
  [Callout.EXEC, 1, true],
  [Callout.VMM, 1, true],
  [Callout.READ, 3, true],
  [Callout.WRITE, 4, true],
  [Callout.RMW_BEGIN, 4, true],
  [Callout.RMW_END, 2, true],
  [Callout.COND, 1, true],
  [Callout.CONCRETIZE_CF, 0, false],
];

const VIA_VMM = Uint8Array.from(FORMS, (_f, id) => (Vmm.isSensitive(id) ? 1 : 0));

export function translateBatch(guests: readonly GuestBlock[], o: TranslateOptions): BatchResult {
  const pages = o.memory.buffer.byteLength / 65536;
  const w = new WasmBuilder(pages, 2);
  for (const [name, params, returnsI32] of CALLOUT_SIGNATURES) w.importFunc(name, params, returnsI32);
  let inlinedInsns = 0;
  let calloutInsns = 0;
  const planned: { guest: GuestBlock; entrySlot: number; exitSlots: number[] }[] = [];
  const ids = new Map<CachedInsn, number>();
  const hooks = {
    insnId: (i: CachedInsn): number => {
      let id = ids.get(i);
      if (id === undefined) {
        id = o.host.register(i);
        ids.set(i, id);
      }
      return id;
    },
    inline: (formId: number) => (o.inline ? INLINE_EMITTERS[formId] : undefined),
    viaVmm: (formId: number) => VIA_VMM[formId] !== 0,
    chainsAfter: (formId: number) => o.chainAfter !== undefined && o.chainAfter[formId] !== 0,
  };
  // Blocks of this module by (EIP, physical address): their exits become direct tail calls.
  const inModule = new Map<number, string>();
  guests.forEach((g, n) => inModule.set(g.eip * 4096 + (g.phys & 0xfff), `b${n}`));
  try {
    const plans = new Map<GuestBlock, { exitSlots: number[]; exitDirect: (string | null)[]; entrySlot: number }>();
    const byName = new Map<string, GuestBlock>();
    for (const [n, guest] of guests.entries()) {
      const exitDirect = guest.exits.map((e) =>
        o.chain && e.kind === ExitKind.DIRECT && e.samePage ? (inModule.get(e.target * 4096 + ((guest.phys + e.target - guest.eip) & 0xfff)) ?? null) : null,
      );
      const exitSlots = guest.exits.map((e, k) => {
        if (!o.chain || e.kind !== ExitKind.DIRECT || exitDirect[k] !== null) return -1;
        return e.samePage ? o.allocSlot() : SLOT_JUMP_CACHE;
      });
      plans.set(guest, { exitSlots, exitDirect, entrySlot: o.allocSlot() });
      byName.set(`b${n}`, guest);
    }
    // Indirect branches to the module's own blocks: its dispatch function (chaining on only).
    const entries = dispatchable(guests.map((g, n) => ({ eip: g.eip, name: `b${n}` })).sort((x, y) => x.eip - y.eip));
    const dispatch = o.chain && entries !== null;
    if (dispatch) {
      const { body, locals } = dispatchBody(w, entries, guests[0].phys, guests[0].modeKey, tlbBitsOf(guests[0].modeKey).read);
      w.addBlockFunction(DISPATCH_FUNCTION, DISPATCH_PARAMS, locals, body);
    }
    // Superblocks only with chaining on (off, every block must return to the dispatcher).
    const region: Region | undefined = o.chain ? { plan: (g) => plans.get(g)!, named: (name) => byName.get(name), dispatch } : undefined;
    for (const [n, guest] of guests.entries()) {
      const { exitSlots, exitDirect, entrySlot } = plans.get(guest)!;
      const g = new BlockCompiler(w, guest, hooks, exitSlots, exitDirect, region);
      const { body, locals } = g.compile();
      w.addBlockFunction(`b${n}`, BLOCK_PARAMS, locals, body);
      // The entry the dispatcher and the table call: parameters from the state block.
      const args = [w.load32(w.c(L.BUDGET)), w.c(0)];
      w.addExportedFunction(`e${n}`, 0, [w.chainDirect(`b${n}`, args)]);
      inlinedInsns += g.inlined;
      calloutInsns += g.callouts;
      planned.push({ guest, entrySlot, exitSlots });
    }
  } catch (e) {
    w.dispose();
    throw e;
  }
  const binary = w.finish(o.optimize);
  const exports = instantiate(binary, o.memory, o.table, o.hostFunctions, o.optimizingTier);
  const blocks = planned.map((p, n) => ({ ...p, fn: exports[`e${n}`] as () => void }));
  return { blocks, wasmBytes: binary.length, inlinedInsns, calloutInsns };
}
