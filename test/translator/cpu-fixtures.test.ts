// Every real-CPU integer fixture (test/fixtures/cpu) and the committed random
// sequences, run as translated code: the dbt dispatcher with hot = 0
// translates each case's block at first sight, and the end state must be the
// recorded one, exactly as the interpreter replay (test/interp/fixtures.test.ts).
import { describe, expect, it } from 'vitest';
import { Vector } from '../../src/cpu/exceptions.js';
import { DbtDispatcher } from '../../src/engines/dbt-dispatcher.js';
import { FlatUserContext } from '../../src/interp/flat.js';
import { StopReason } from '../../src/interp/interpreter.js';
import {
  CODE_BASE,
  CODE_SIZE,
  compareRun,
  type CpuCase,
  DATA_BASE,
  DATA_SIZE,
  type FlatRunResult,
  initialDataArea,
  loadCpuFixtures,
  loadRandomSequences,
  NO_FAULT,
  readIndex,
} from '../support/cpu-fixture.js';

const ctx = new FlatUserContext([
  { linear: CODE_BASE, size: CODE_SIZE },
  { linear: DATA_BASE, size: DATA_SIZE },
]);
const dbt = new DbtDispatcher(ctx.interp, { hot: 0 });
const int3 = new Uint8Array(CODE_SIZE).fill(0xcc);

/** Runs a case under dbt; the INT3 filler after its code ends it (as EIP reaching the end does in the interpreter replay). */
function runUnderDbt(c: CpuCase): FlatRunResult {
  ctx.reset();
  ctx.writeBytes(CODE_BASE, int3);
  ctx.writeBytes(CODE_BASE, c.code);
  ctx.writeBytes(DATA_BASE, initialDataArea(c));
  ctx.setRegs(c.input.regs);
  ctx.setEflags(c.input.eflags);
  ctx.state.eip = CODE_BASE;
  // Host-side code writes bypass the guest write path: drop the translations by hand.
  dbt.flush();
  const end = CODE_BASE + c.code.length;
  const reason = dbt.run(10_000);
  let eip = ctx.state.eip;
  let vector = NO_FAULT;
  let errorCode = 0;
  let faultAddress = 0;
  if (reason === StopReason.FAULT && dbt.fault !== null) {
    vector = dbt.fault.vector;
    errorCode = dbt.fault.errorCode >= 0 ? dbt.fault.errorCode : 0;
    faultAddress = vector === Vector.PF ? dbt.fault.address : 0;
  } else if (reason === StopReason.TRAP) {
    const at = (eip - dbt.trapInsnLength) >>> 0;
    if (at === end && dbt.trapVector === Vector.BP) eip = end;
    else if (dbt.trapSoftware && !ctx.userGates.has(dbt.trapVector)) {
      // Delivery fails the gate DPL check: #GP at the INT instruction (as FlatUserContext.run).
      errorCode = (dbt.trapVector << 3) | 2;
      vector = Vector.GP;
      eip = at;
    } else vector = dbt.trapVector;
  }
  return { regs: ctx.regs(), eflags: ctx.eflags(), data: ctx.readBytes(DATA_BASE, DATA_SIZE), vector, eip, errorCode, faultAddress };
}

function mismatches(cases: readonly CpuCase[]): string[] {
  const out: string[] = [];
  for (const c of cases) {
    const d = compareRun(c, runUnderDbt(c));
    if (d.length > 0) out.push(`${c.name} [${c.forms.join('; ')}]: ${d.join(', ')}`);
  }
  return out;
}

describe('real-CPU fixtures under dbt (every block translated)', () => {
  for (const shard of readIndex().shards) {
    it(`${shard.family}: ${shard.cases} cases match`, { timeout: 300_000 }, () => {
      expect(mismatches(loadCpuFixtures([shard.family])).slice(0, 20)).toEqual([]);
    });
  }

  it('random instruction sequences match', { timeout: 300_000 }, () => {
    expect(mismatches(loadRandomSequences()).slice(0, 20)).toEqual([]);
  });
});
