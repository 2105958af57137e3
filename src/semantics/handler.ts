// The shape of one instruction form's semantics (DESIGN decision 3: one
// semantics per form, run by the interpreter and called by translated code).
import type { Cpu } from '../cpu/context.js';
import type { Insn } from '../decoder/insn.js';
import type { InsnForm } from '../arch/types.js';

/**
 * Executes one decoded instruction; a handler that faults throws CpuFault
 * before committing any architectural state. EIP contract: for forms where
 * `readsEip(form)` holds, EIP must hold the address of the next instruction on
 * entry (control transfers overwrite it, a chunked REP puts it back on the
 * instruction); the other handlers never read or write EIP, so a caller may
 * store EIP once after a run of them. RDTSC reads INSNS_RETIRED plus
 * `Cpu.retiredInBlock(i)`: callers that are not the interpreter keep
 * INSNS_RETIRED exact before calling it.
 */
export type Handler = (c: Cpu, i: Insn) => void;

/** Forms whose handlers read or write EIP (see Handler). */
export function readsEip(form: InsnForm): boolean {
  return form.cls !== 'innocuous' || form.rep !== 'none' || form.endsBlock;
}

/** Registers a handler under the SDM instruction text of its form, e.g. "ADD r/m32, r32". */
export type Define = (instruction: string, handler: Handler) => void;

/** Operand widths in bits, with their SDM operand suffixes. */
export const SIZES = [8, 16, 32] as const;
export type Size = (typeof SIZES)[number];

export function sizeMask(size: number): number {
  return size === 32 ? 0xffffffff : (1 << size) - 1;
}

/** Sign-extends the low `size` bits of `v` to 32 bits. */
export function sext(v: number, size: number): number {
  return size === 32 ? v | 0 : (v << (32 - size)) >> (32 - size);
}

/** SDM accumulator name for a width. */
export function acc(size: number): string {
  return size === 8 ? 'AL' : size === 16 ? 'AX' : 'EAX';
}
