// Replays recorded real-CPU cases (test/support/cpu-fixture.ts) on the
// interpreter's flat user context and reports the differences.
import { FlatUserContext } from '../../src/interp/flat.js';
import {
  CODE_BASE,
  CODE_SIZE,
  compareRun,
  type CpuCase,
  DATA_BASE,
  DATA_SIZE,
  initialDataArea,
  NO_FAULT,
} from '../support/cpu-fixture.js';

export class FixtureReplayer {
  readonly ctx = new FlatUserContext([
    { linear: CODE_BASE, size: CODE_SIZE },
    { linear: DATA_BASE, size: DATA_SIZE },
  ]);
  private readonly int3 = new Uint8Array(CODE_SIZE).fill(0xcc);

  constructor() {
    this.ctx.writeBytes(CODE_BASE, this.int3);
  }

  /** Differences between the interpreter's run of `c` and the recording (empty = match). */
  replay(c: CpuCase): string[] {
    const ctx = this.ctx;
    ctx.reset();
    ctx.writeBytes(CODE_BASE, c.code);
    ctx.writeBytes(DATA_BASE, initialDataArea(c));
    ctx.setRegs(c.input.regs);
    ctx.setEflags(c.input.eflags);
    const r = ctx.run(CODE_BASE, CODE_BASE + c.code.length, 10_000);
    // Restore the INT3 filler over this case's code (and anything it wrote there).
    ctx.writeBytes(CODE_BASE, this.int3);
    const diffs = compareRun(c, {
      regs: ctx.regs(),
      eflags: ctx.eflags(),
      data: ctx.readBytes(DATA_BASE, DATA_SIZE),
      vector: r.vector === -1 ? NO_FAULT : r.vector,
      eip: r.eip,
      errorCode: r.errorCode,
      faultAddress: r.faultAddress,
    });
    if (r.vector !== c.vector) diffs.push(`(stopped: ${r.reason})`);
    return diffs;
  }
}
