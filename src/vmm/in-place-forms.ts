// Callouts served in place: the frequent sensitive forms whose effect on the
// compressed real state equals their effect on the virtual CPU, once the few
// virtual bits they read or write are swapped in. They skip the full
// decompress / run / compress round trip of a callout on the virtual CPU
// (virtualizing-callouts.ts) — VMware's translator did the same for them
// with short inline sequences on its virtual CPU state.
//
// - Flag forms (cli, sti, pushf, popf): their only virtualized inputs and
//   outputs are EFLAGS.IF, EFLAGS.IOPL and the CPL. They run on the real
//   state with the guest's IF, IOPL and CPL swapped in and back out.
// - Data-segment forms (push, pop and mov of DS, ES, FS, GS): the real GDT and
//   LDT are the guest's with DPL 0 compressed to 1, and at guest CPL 0 (real
//   CPL 1) or CPL 3 a load passes or fails there exactly as it would on the
//   guest's own tables — except for a selector with RPL 1 naming a DPL-0
//   descriptor (only the virtual CPU tells it from CPL 0), and for a
//   descriptor whose accessed bit is still clear (bare metal sets it in the
//   guest's table, not the shadow). Those take the full callout.
import type { Cpu } from '../cpu/context.js';
import { W_FLAGS } from '../cpu/lazy-flags.js';
import { Seg } from '../cpu/state.js';
import type { Insn } from '../decoder/insn.js';
import { IF, IOPL, TF, VM } from '../arch/flags.js';
import { ATTR_ACCESSED } from '../mem/segmentation.js';
import { fetchDescriptor } from '../system/descriptors.js';
import * as L from '../cpu/layout.js';

const W_INT_SHADOW = L.INT_SHADOW >> 2;

export const enum InPlaceKind {
  NONE,
  FLAGS,
  SEGMENT_STORE,
  SEGMENT_LOAD,
}

const FLAG_FORMS = new Set(['CLI', 'STI', 'PUSHF', 'PUSHFD', 'POPF', 'POPFD']);
const SEGMENT_STORES = new Set(['PUSH ES', 'PUSH DS', 'PUSH FS', 'PUSH GS', 'MOV r/m16, Sreg']);
const SEGMENT_LOADS = new Set(['POP ES', 'POP DS', 'POP FS', 'POP GS', 'MOV Sreg, r/m16']);

/**
 * Forms whose callouts report through the block-exit flag every change that
 * matters to the next block (mode key, TF, an interrupt to take), so that a
 * translated block ending in one may chain straight to its successor.
 */
export const CHAINS_AFTER_CALLOUT: readonly string[] = [...FLAG_FORMS, ...SEGMENT_STORES, ...SEGMENT_LOADS];

/** How a form may be served in place (by instruction text). */
export function inPlaceKind(text: string): InPlaceKind {
  if (FLAG_FORMS.has(text)) return InPlaceKind.FLAGS;
  if (SEGMENT_STORES.has(text)) return InPlaceKind.SEGMENT_STORE;
  if (SEGMENT_LOADS.has(text)) return InPlaceKind.SEGMENT_LOAD;
  return InPlaceKind.NONE;
}

/** What the in-place forms need of the VMM. */
export interface VirtualFlags {
  /** EFLAGS.IF and IOPL of the virtual CPU. */
  flags: number;
  /** The guest's CPL now (the tracked one under binary translation). */
  readonly guestCpl: number;
}

/** The segment register a MOV to or from Sreg names (ModRM.reg), or the one PUSH/POP names. */
function segmentOf(text: string, i: Insn): number {
  if (text.startsWith('MOV')) return i.reg;
  const name = text.slice(text.indexOf(' ') + 1);
  return name === 'ES' ? Seg.ES : name === 'DS' ? Seg.DS : name === 'FS' ? Seg.FS : Seg.GS;
}

/** Whether the instruction can run in place now (see the header). */
export function canRunInPlace(kind: InPlaceKind, text: string, c: Cpu, i: Insn, guestCpl: number): boolean {
  if ((c.s[W_FLAGS] & VM) !== 0) return false;
  if (kind === InPlaceKind.FLAGS) return true;
  const seg = segmentOf(text, i);
  if (seg === Seg.CS || seg === Seg.SS || seg > Seg.GS) return false;
  if (kind === InPlaceKind.SEGMENT_STORE) return true;
  if (guestCpl !== 0 && guestCpl !== 3) return false;
  const selector = (text.startsWith('POP') ? c.peek(i.opSize >> 3, 0) : c.readRM(i, 16)) & 0xffff;
  if ((selector & 0xfffc) === 0) return true;
  if ((selector & 3) === 1) return false;
  const d = fetchDescriptor(c, selector);
  return d !== null && (d.attrs & ATTR_ACCESSED) !== 0;
}

/**
 * Runs a flag form on the real state with the guest's IF, IOPL and CPL
 * swapped in. Returns whether the run must end after it: TF set, an
 * interrupt shadow begun (sti), or IF raised while an interrupt waits.
 */
export function runFlagFormInPlace(c: Cpu, v: VirtualFlags, run: () => void, interruptPending: () => boolean): boolean {
  const s = c.s;
  const st = c.state;
  const real = st.cpl;
  const ifBefore = v.flags & IF;
  const shadowBefore = s[W_INT_SHADOW];
  s[W_FLAGS] = ((s[W_FLAGS] & ~(IF | IOPL)) | v.flags) >>> 0;
  st.cpl = v.guestCpl;
  try {
    run();
  } finally {
    v.flags = s[W_FLAGS] & (IF | IOPL);
    s[W_FLAGS] = ((s[W_FLAGS] & ~(IF | IOPL)) | IF) >>> 0;
    st.cpl = real;
  }
  const raised = ifBefore === 0 && (v.flags & IF) !== 0;
  return (s[W_FLAGS] & TF) !== 0 || (s[W_INT_SHADOW] !== 0 && shadowBefore === 0) || (raised && interruptPending());
}
