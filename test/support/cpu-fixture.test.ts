// Consistency of the committed real-CPU fixtures (test/fixtures/cpu) with
// their index, their own invariants and the current decoder and table: every
// case's code decodes, and the forms it claims to test appear in it in order.
// A failure after a table change means: run scripts/cpu-oracle/regenerate.sh.
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/decoder/decode.js';
import { DecodeStatus, Insn } from '../../src/decoder/insn.js';
import { FORMS } from '../../src/arch/table.js';
import {
  CODE_BASE,
  COMPARED_FLAGS,
  DATA_SIZE,
  NO_FAULT,
  expectedDataArea,
  fillDataArea,
  initialDataArea,
  loadCpuFixtures,
  loadRandomSequences,
  readIndex,
  sequenceShards,
  type CpuCase,
} from './cpu-fixture.js';

const index = readIndex();
const cases = loadCpuFixtures();
const sequences = loadRandomSequences();

/** Decodes the case's code front to back; returns the form keys, or a reason it cannot. */
function decodeAll(c: CpuCase): string[] | string {
  const insn = new Insn();
  const keys: string[] = [];
  let pos = 0;
  while (pos < c.code.length) {
    insn.clear();
    const status = decode(c.code, pos, c.code.length, true, insn);
    if (status !== DecodeStatus.OK) {
      // LOCK on a register operand is deliberately invalid; the CPU raised #UD there.
      if (c.vector === 6 && c.eip === CODE_BASE + pos) return keys;
      return `status ${status} at ${pos}`;
    }
    const f = FORMS[insn.form];
    keys.push(`${f.opcode}|${f.instruction}`);
    pos += insn.length;
  }
  return keys;
}

function containsInOrder(haystack: readonly string[], needles: readonly string[]): boolean {
  let i = 0;
  for (const k of haystack) if (i < needles.length && k === needles[i]) i++;
  return i === needles.length;
}

describe('CPU fixtures', () => {
  it('match their index', () => {
    const perShard = new Map<string, number>();
    for (const c of cases) perShard.set(c.family, (perShard.get(c.family) ?? 0) + 1);
    for (const s of index.shards) expect(perShard.get(s.family), s.family).toBe(s.cases);
    expect(sequences.length).toBe(sequenceShards(index).reduce((n, s) => n + s.count, 0));
    expect(cases.length).toBeGreaterThanOrEqual(20_000);
  });

  it('have unique names and well-formed states', () => {
    const names = new Set<string>();
    const bad: string[] = [];
    for (const c of [...cases, ...sequences]) {
      const problems: string[] = [];
      if (names.has(c.name)) problems.push('duplicate name');
      names.add(c.name);
      if (c.input.regs.length !== 8 || c.output.regs.length !== 8) problems.push('register count');
      if (c.undefFlags & ~COMPARED_FLAGS) problems.push('undefined flags outside the compared set');
      if (c.vector === NO_FAULT ? c.eip !== CODE_BASE + c.code.length : c.eip - CODE_BASE > c.code.length) {
        problems.push(`end EIP ${c.eip.toString(16)}`);
      }
      if ([...c.memIn, ...c.memOut].some((r) => r.offset + r.bytes.length > DATA_SIZE)) problems.push('memory run outside the data area');
      if (problems.length) bad.push(`${c.name}: ${problems.join(', ')}`);
      if (bad.length > 10) break;
    }
    expect(bad).toEqual([]);
  });

  it('record memory as changes from a reproducible initial image', () => {
    const c = cases.find((x) => x.memOut.length > 0);
    expect(c).toBeDefined();
    if (!c) return;
    expect(fillDataArea(c.memSeed)).toEqual(fillDataArea(c.memSeed));
    const before = initialDataArea(c);
    const after = expectedDataArea(c);
    const changed = after.some((b, i) => b !== before[i]);
    expect(changed).toBe(true);
  });

  it('decode with our decoder to the forms they test', () => {
    const bad: string[] = [];
    for (const c of [...cases, ...sequences]) {
      const keys = decodeAll(c);
      if (typeof keys === 'string') bad.push(`${c.name}: ${keys}`);
      else if (!containsInOrder(keys, c.vector === 6 ? c.forms.slice(0, -1) : c.forms)) {
        bad.push(`${c.name}: decodes as ${keys.join(' ; ')}`);
      }
      if (bad.length > 10) break;
    }
    expect(bad).toEqual([]);
  });
});
