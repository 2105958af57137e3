// The shape of one instruction form's semantics (DESIGN decision 3: one
// semantics per form, run by the interpreter and called by translated code).
import type { Cpu } from '../interp/cpu.js';
import type { Insn } from '../decoder/insn.js';

/**
 * Executes one decoded instruction. On entry EIP already holds the address of
 * the next instruction (control transfers overwrite it); a handler that
 * faults throws CpuFault before committing any architectural state.
 */
export type Handler = (c: Cpu, i: Insn) => void;

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
