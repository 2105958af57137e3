// Operand helpers for inline emitters: r/m operands and the stack, built on
// the block compiler's register locals and memory fast paths. Each helper has
// a `can…` check the emitter calls before emitting anything (a segment that is
// not flat, or a 16-bit stack, sends the instruction to its handler instead).
import type { CachedInsn } from '../interp/cached-insn.js';
import type { BlockCompiler } from './codegen.js';
import { FAST_READ, FAST_WRITE, MK_STACK32, segFast } from './mode.js';
import type { Expr } from './wasm.js';

const ESP = 4;
const SS = 2;

/** The r/m operand can be accessed inline (register, or memory in a flat segment). */
export function canRM(g: BlockCompiler, i: CachedInsn, write: boolean): boolean {
  if (!i.hasMem) return true;
  const f = segFast(g.modeKey, i.seg);
  return (f & FAST_READ) !== 0 && (!write || (f & FAST_WRITE) !== 0);
}

export function readRM(g: BlockCompiler, i: CachedInsn, size: number): Expr {
  if (!i.hasMem) return g.getReg(size, i.rm);
  return g.read(size >> 3, g.ea(i));
}

export function writeRM(g: BlockCompiler, i: CachedInsn, size: number, v: Expr): void {
  if (!i.hasMem) g.setReg(size, i.rm, v);
  else g.write(size >> 3, g.ea(i), v);
}

/** Replaces the 32-bit r/m operand with `apply(old value)`: a register, or a read-modify-write of memory. */
export function modifyRM32(g: BlockCompiler, i: CachedInsn, apply: (v: Expr) => Expr): void {
  if (!i.hasMem) {
    g.setReg32(i.rm, apply(g.reg32(i.rm)));
    return;
  }
  const m = g.rmw(4, i.seg, g.ea(i));
  m.finish(apply(m.value));
}

/** 32-bit pushes and pops can be inlined: 32-bit stack in a flat SS. */
export function canStack(g: BlockCompiler): boolean {
  return (g.modeKey & MK_STACK32) !== 0 && segFast(g.modeKey, SS) === (FAST_READ | FAST_WRITE);
}

/** PUSH of `bytes` (2 or 4): the write lands before ESP changes (a fault leaves ESP intact). */
export function push(g: BlockCompiler, bytes: number, v: Expr): void {
  const w = g.w;
  const sp = g.temp();
  // Evaluate the value first: PUSH ESP pushes the old value.
  const val = g.temp();
  g.push(w.set(val, v));
  g.push(w.set(sp, w.sub(g.reg32(ESP), w.c(bytes))));
  g.write(bytes, w.get(sp), w.get(val));
  g.setReg32(ESP, w.get(sp));
}

/** Reads the stack top (`bytes`); `commit` then moves ESP past it. */
export function peek(g: BlockCompiler, bytes: number): Expr {
  return g.read(bytes, g.reg32(ESP));
}

export function dropStack(g: BlockCompiler, bytes: number): void {
  g.setReg32(ESP, g.w.add(g.reg32(ESP), g.w.c(bytes)));
}
