// Issue 10: a limit is a promise. Each reproducer of the issue (test/fixtures/
// limits, assembled here) stops at its instruction limit or its timeout within
// LIMIT_SLACK_S, under every engine and every dbt switch; REP work counts
// toward the limit at the same points in every engine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Machine, type RunResult } from '../../src/machine.js';
import { asm } from '../interp/asm.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'limits');
const LIMIT_SLACK_S = 2;
const LOAD = 0x100000;

function image(name: string): Uint8Array {
  if (name.endsWith('.bin')) return new Uint8Array(readFileSync(join(FIXTURES, name)));
  // The sources carry their own `bits` and `org`.
  const src = readFileSync(join(FIXTURES, name), 'utf8').replace(/^\s*(bits|org)\b.*$/gm, '');
  return asm(src, 32, LOAD);
}

interface Ended extends RunResult {
  regs: number[];
}

function run(img: Uint8Array, engine: string, tuning: Record<string, number | boolean | string>, maxInsns: number, timeoutSeconds: number, memMB = 16): Ended {
  const m = new Machine({ memMB, engine, engineTuning: engine === 'interp' ? undefined : tuning });
  m.load(img, { loadAddress: LOAD });
  const r = m.run({ maxInsns, timeoutSeconds });
  const regs = m.editGuestState(() => [m.state.eip, ...Array.from({ length: 8 }, (_, k) => m.state.reg32(k))]);
  return { ...r, regs };
}

const SWITCHES: [string, Record<string, number | boolean | string>][] = [
  ['default', {}],
  ['no chain', { chain: false }],
  ['no page modules', { pageModules: false }],
  ['hot 0', { hot: 0 }],
  ['tc-size 1', { tcSize: 1 }],
];
const TRANSLATING = ['dbt', 'dbt-bare', 'te'];

describe('limits hold on the issue 10 reproducers', () => {
  for (const name of ['repstos.asm', 'repmovs.asm']) {
    it(`${name}: the REP yields at its limit, at the same point and with the same registers under every engine and switch`, { timeout: 120_000 }, () => {
      const img = image(name);
      const ref = run(img, 'interp', {}, 2_000_000, 60);
      expect(ref.kind).toBe('insn-limit');
      for (const engine of TRANSLATING) {
        for (const [label, tuning] of SWITCHES) {
          const r = run(img, engine, tuning, 2_000_000, 60);
          expect({ engine, label, kind: r.kind, instructions: r.instructions, regs: r.regs }).toEqual({ engine, label, kind: ref.kind, instructions: ref.instructions, regs: ref.regs });
        }
      }
    });
  }

  for (const [name, memMB, maxInsns] of [
    ['pure-003.bin', 128, 2_000_000],
    ['recurse.asm', 16, 3_000_000],
    ['smc3.asm', 16, 3_000_000],
  ] as const) {
    it(`${name}: every engine and switch stops by its instruction limit or within ${LIMIT_SLACK_S} s of its timeout`, { timeout: 300_000 }, () => {
      const img = image(name);
      const timeout = 3;
      // The reference has all the time it needs: it is what the others must match.
      const ref = run(img, 'interp', {}, maxInsns, 60, memMB);
      expect(ref.kind).toBe('insn-limit');
      // Every switch under dbt, the default under the other translating engines.
      const matrix = [...SWITCHES.map(([label, tuning]) => ['dbt', label, tuning] as const), ...TRANSLATING.filter((e) => e !== 'dbt').map((e) => [e, 'default', {}] as const)];
      {
        for (const [engine, label, tuning] of matrix) {
          const r = run(img, engine, tuning, maxInsns, timeout, memMB);
          expect({ engine, label, late: r.wallSeconds > timeout + LIMIT_SLACK_S }).toEqual({ engine, label, late: false });
          // Where the translator keeps up, it ends exactly as the interpreter does.
          if (r.kind !== 'timeout') expect({ engine, label, kind: r.kind, instructions: r.instructions, regs: r.regs }).toEqual({ engine, label, kind: ref.kind, instructions: ref.instructions, regs: ref.regs });
        }
      }
    });
  }

  it('the default settings reach the instruction limit on every reproducer (translation never starves the run)', { timeout: 120_000 }, () => {
    for (const [name, memMB] of [['pure-003.bin', 128], ['recurse.asm', 16], ['smc3.asm', 16], ['repstos.asm', 16]] as const) {
      const r = run(image(name), 'dbt', {}, 2_000_000, 10, memMB);
      expect({ name, kind: r.kind }).toEqual({ name, kind: 'insn-limit' });
    }
  });

  it('a tiny translation cache does not spend the run recompiling (cache pressure raises the hotness)', { timeout: 120_000 }, () => {
    const m = new Machine({ memMB: 16, engine: 'dbt-bare', engineTuning: { tcSize: 1 } });
    m.load(image('smc3.asm'), { loadAddress: LOAD });
    const r = m.run({ maxInsns: 3_000_000, timeoutSeconds: 20 });
    expect(r.kind).toBe('insn-limit');
    const translated = m.stats().find((s) => s.title === 'dbt translation')!.rows.find((x) => x.name === 'blocks translated')!.value as number;
    // Without the pressure rule every visit past the hot mark retranslated: thousands of modules.
    expect(translated).toBeLessThan(200);
  });
});
