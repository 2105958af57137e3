// The translator calls the same x87 handlers: a sample of the real-CPU x87
// fixtures runs under the dbt dispatcher (every block translated, hot = 0)
// and must end in the recorded state, like the interpreter replay.
import { describe, expect, it } from 'vitest';
import { DbtDispatcher } from '../../src/engines/dbt-dispatcher.js';
import { FlatUserContext } from '../../src/interp/flat.js';
import { hexToBytes } from '../support/cpu-fixture.js';
import { CODE_BASE, compareX87, DATA_BASE, DATA_SIZE, initialData, loadX87Shards, type StoredX87Case, type X87Run } from './x87-fixture.js';

const CODE_SIZE = 0x2000;
const ctx = new FlatUserContext([
  { linear: CODE_BASE, size: CODE_SIZE },
  { linear: DATA_BASE, size: DATA_SIZE },
]);
const dbt = new DbtDispatcher(ctx.interp, { hot: 0 });

function runUnderDbt(c: StoredX87Case): X87Run {
  ctx.reset();
  const code = hexToBytes(c.code);
  ctx.fill(CODE_BASE, CODE_SIZE, 0xcc);
  ctx.writeBytes(CODE_BASE, code);
  ctx.writeBytes(DATA_BASE, initialData(c));
  ctx.setRegs(c.in.slice(0, 8));
  ctx.setEflags(c.in[8]);
  ctx.state.eip = CODE_BASE;
  dbt.flush();
  dbt.run(1000);
  // The case ends where the INT3 filler starts: a trap there (vector 3) is the normal end.
  const end = CODE_BASE + code.length;
  const atEnd = ctx.state.eip === end || ctx.state.eip === end + 1;
  const vector = atEnd ? -1 : (dbt.fault?.vector ?? dbt.trapVector);
  return { regs: ctx.regs(), eflags: ctx.eflags(), data: ctx.readBytes(DATA_BASE, DATA_SIZE), vector };
}

describe('x87 fixtures under the dbt engine', () => {
  for (const shard of loadX87Shards()) {
    it(`${shard.family}: every 10th case`, () => {
      const failures: string[] = [];
      for (let k = 0; k < shard.cases.length; k += 10) {
        const c = shard.cases[k];
        const d = compareX87(c, runUnderDbt(c));
        if (d.length > 0) failures.push(`${c.n}: ${d.slice(0, 4).join('; ')}`);
      }
      expect(failures.slice(0, 10)).toEqual([]);
    });
  }
});
