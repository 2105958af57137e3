// From drafts to recorded cases: builder choice per form, native execution,
// and the stored (compact JSON) form of each case.

import type { InsnForm } from '../../src/arch/types.js';
import { COMPARED_FLAGS, FIXED_INPUT_FLAGS, TIMEOUT, bytesToHex, type StoredCase } from '../../test/support/cpu-fixture.js';
import {
  buildBcd,
  buildBit,
  buildBswap,
  buildCmpxchg,
  buildGeneric,
  buildLea,
  buildMulDiv,
  buildShift,
  buildXlat,
  type Builder,
} from './build-data.js';
import { buildControl, buildPrivileged, buildStack, buildString, buildTrap } from './build-flow.js';
import { Draft } from './draft.js';
import { runNative, type NativeInput, type NativeResult } from './native.js';

/** Cases generated per form, by family. */
export const CASES_PER_FORM: Readonly<Record<string, number>> = {
  alu: 44,
  shift: 72,
  muldiv: 96,
  bcd: 384,
  bit: 72,
  string: 128,
  stack: 64,
  control: 48,
  flags: 48,
  cond: 32,
  xchg: 72,
  move: 48,
  trap: 16,
  privileged: 4,
};

export function builderFor(form: InsnForm, family: string): Builder {
  const mn = form.mnemonic;
  switch (family) {
    case 'shift':
      return buildShift;
    case 'muldiv':
      return buildMulDiv;
    case 'bcd':
      return buildBcd;
    case 'bit':
      return buildBit;
    case 'string':
      return buildString;
    case 'stack':
      return buildStack;
    case 'control':
      return buildControl;
    case 'trap':
      return buildTrap;
    case 'privileged':
      return buildPrivileged;
    case 'xchg':
      if (mn === 'CMPXCHG' || mn === 'CMPXCHG8B') return buildCmpxchg;
      if (mn === 'BSWAP') return buildBswap;
      return buildGeneric;
    default:
      if (mn === 'LEA') return buildLea;
      if (mn === 'XLATB' || mn === 'XLAT') return buildXlat;
      return buildGeneric;
  }
}

/** A draft with the facts needed to store it. */
export interface Pending {
  name: string;
  forms: string[];
  draft: Draft;
}

/** Runs a batch of cases on the real CPU (runNative, or long mode's runLongMode). */
export type NativeRunner = (cases: readonly NativeInput[]) => NativeResult[];

/** Runs drafts natively and returns their stored form; timeouts are dropped (and counted). */
export function record(
  pending: readonly Pending[],
  run: NativeRunner = runNative,
): { cases: StoredCase[]; timeouts: string[] } {
  const results = run(
    pending.map((p) => ({
      code: Uint8Array.from(p.draft.code),
      memSeed: p.draft.memSeed,
      memIn: p.draft.memRuns(),
      regs: p.draft.regs,
      eflags: p.draft.eflags,
    })),
  );
  const cases: StoredCase[] = [];
  const timeouts: string[] = [];
  pending.forEach((p, i) => {
    const r = results[i];
    if (r.vector === TIMEOUT) {
      timeouts.push(p.name);
      return;
    }
    cases.push(store(p, r));
  });
  return { cases, timeouts };
}

function store(p: Pending, r: NativeResult): StoredCase {
  const d = p.draft;
  const s: StoredCase = {
    n: p.name,
    f: p.forms,
    code: bytesToHex(d.code),
    seed: d.memSeed,
    in: [...d.regs.map((v) => v >>> 0), ((d.eflags & COMPARED_FLAGS) | FIXED_INPUT_FLAGS) >>> 0],
    out: [...r.regs, r.eflags],
    vec: r.vector,
    eip: r.eip,
  };
  const mem = d.memRuns();
  if (mem.length) s.mem = mem.map((m) => [m.offset, bytesToHex(m.bytes)]);
  if (r.memOut.length) s.memOut = r.memOut.map((m) => [m.offset, bytesToHex(m.bytes)]);
  if (r.vector >= 0) s.err = r.errorCode;
  if (r.vector === 14) s.cr2 = r.faultAddress;
  // A fault leaves the state before the faulting instruction: nothing is undefined then.
  const undefFlags = r.vector >= 0 ? 0 : d.undefFlags & COMPARED_FLAGS;
  const undefRegs = r.vector >= 0 ? 0 : d.undefRegs;
  if (undefFlags) s.uf = undefFlags;
  if (undefRegs) s.ur = undefRegs;
  return s;
}

/** One JSON document per shard, one case per line so diffs stay readable. */
export function shardJson(family: string, cases: readonly StoredCase[]): string {
  return `{"family":${JSON.stringify(family)},"cases":[\n${cases.map((c) => JSON.stringify(c)).join(',\n')}\n]}\n`;
}
