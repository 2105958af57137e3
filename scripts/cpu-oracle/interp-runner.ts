// Runs a CPU fixture case through our interpreter in the flat user context of
// src/interp/flat.ts (FlatUserContext): the comparison side of random-seq.ts
// and a ready-made FlatRunner for replay tests.

import { FlatUserContext } from '../../src/interp/flat.js';
import {
  CODE_BASE,
  CODE_SIZE,
  DATA_BASE,
  DATA_SIZE,
  initialDataArea,
  type CpuCase,
  type FlatRunResult,
} from '../../test/support/cpu-fixture.js';

let ctx: FlatUserContext | null = null;
const codePage = new Uint8Array(CODE_SIZE);

export function runFlatCase(c: CpuCase): FlatRunResult {
  ctx ??= new FlatUserContext([
    { linear: CODE_BASE, size: CODE_SIZE },
    { linear: DATA_BASE, size: DATA_SIZE },
  ]);
  ctx.reset();
  // Like the native harness: everything past the case's code is INT3.
  codePage.fill(0xcc);
  codePage.set(c.code);
  ctx.writeBytes(CODE_BASE, codePage);
  ctx.writeBytes(DATA_BASE, initialDataArea(c));
  ctx.setRegs(c.input.regs);
  ctx.setEflags(c.input.eflags);
  const r = ctx.run(CODE_BASE, CODE_BASE + c.code.length, 10_000);
  const data = ctx.readBytes(DATA_BASE, DATA_SIZE);
  const faultAddress = r.vector === 14 ? (ctx.interp.fault?.address ?? 0) : undefined;
  return { regs: ctx.regs(), eflags: ctx.eflags(), data, vector: r.vector, eip: r.eip, errorCode: r.errorCode, faultAddress };
}
