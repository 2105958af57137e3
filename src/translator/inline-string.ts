// Inline emitters for the single (unrepeated) string moves MOVS, LODS and
// STOS with 32-bit addressing in flat segments — the same semantics as
// src/semantics/string.ts, checked by test/translator/inline-diff.test.ts.
// REP forms and everything else call the handler (its bulk path makes long
// repeats cheap there).
import * as L from '../cpu/layout.js';
import { DF } from '../arch/flags.js';
import { P_REP, P_REPNE } from '../decoder/insn.js';
import type { CachedInsn } from '../interp/cached-insn.js';
import type { BlockCompiler, InlineEmitter } from './codegen.js';
import { FAST_READ, FAST_WRITE, segFast } from './mode.js';
import type { Expr } from './wasm.js';

const ES = 0;
const ESI = 6;
const EDI = 7;

function plain(g: BlockCompiler, i: CachedInsn, readSeg: number, writes: boolean): boolean {
  if ((i.prefixes & (P_REP | P_REPNE)) !== 0 || i.addrSize !== 32) return false;
  if (readSeg >= 0 && (segFast(g.modeKey, readSeg) & FAST_READ) === 0) return false;
  return !writes || (segFast(g.modeKey, ES) & FAST_WRITE) !== 0;
}

/** The pointer step: -bytes with EFLAGS.DF set, else +bytes (DF lives in FLAGS, never lazy). */
function step(g: BlockCompiler, bytes: number): Expr {
  const w = g.w;
  const t = g.temp();
  g.push(w.set(t, w.select(w.and(w.load32(w.c(L.FLAGS)), w.c(DF)), w.c(-bytes), w.c(bytes))));
  return w.get(t);
}

function advance(g: BlockCompiler, reg: number, delta: Expr): void {
  g.setReg32(reg, g.w.add(g.reg32(reg), delta));
}

const lods = (size: number): InlineEmitter => (g, i) => {
  if (!plain(g, i, i.seg, false)) return false;
  const v = g.read(size >> 3, g.reg32(ESI));
  const d = step(g, size >> 3);
  g.setReg(size, 0, v);
  advance(g, ESI, d);
  return true;
};

const stos = (size: number): InlineEmitter => (g, i) => {
  if (!plain(g, i, -1, true)) return false;
  g.write(size >> 3, g.reg32(EDI), g.getReg(size, 0));
  advance(g, EDI, step(g, size >> 3));
  return true;
};

const movs = (size: number): InlineEmitter => (g, i) => {
  if (!plain(g, i, i.seg, true)) return false;
  const v = g.read(size >> 3, g.reg32(ESI));
  g.write(size >> 3, g.reg32(EDI), v);
  const d = step(g, size >> 3);
  advance(g, ESI, d);
  advance(g, EDI, d);
  return true;
};

export function registerInlineString(def: (instruction: string, e: InlineEmitter) => void): void {
  for (const [suffix, size] of [['B', 8], ['W', 16], ['D', 32]] as const) {
    def(`LODS${suffix}`, lods(size));
    def(`STOS${suffix}`, stos(size));
    def(`MOVS${suffix}`, movs(size));
  }
}
