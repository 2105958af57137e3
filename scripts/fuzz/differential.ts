// The differential loop shared by scripts/fuzz-decoder.ts and the vitest
// slice: generate cases, judge each (judge.ts), count the verdicts, keep
// examples and group the failures by likely root cause.

import { CapstoneReference } from './capstone.js';
import { hex, modrmRegAt, opcodeHex, viewEncoding } from './encoding.js';
import { CASE_BYTES, generateCase } from './generator.js';
import { Judge, type MismatchKind } from './judge.js';
import { Prng } from './prng.js';

export type { MismatchKind } from './judge.js';

export interface FuzzConfig {
  count: number;
  seed: number;
  code32: boolean;
  /** How many individual mismatches to keep for printing (all are counted). */
  keepMismatches?: number;
}

export interface Mismatch {
  hex: string;
  mode: 16 | 32;
  kind: MismatchKind;
  ours: string;
  capstone: string;
}

export interface MismatchGroup {
  /** mode, opcode bytes after prefixes, ModRM.reg and kind: one likely root cause. */
  key: string;
  count: number;
  example: Mismatch;
}

export interface FuzzResult {
  cases: number;
  passed: number;
  failed: number;
  /** Passed because both decoders report the same instruction (validity, length, mnemonic, operands). */
  bothValid: number;
  /** Table forms (ids) seen in agreed valid cases. */
  formsAgreed: Set<number>;
  /** Table forms (ids) x86dbt decoded in any passed case (agreed, legacy meaning, SDM-reserved, allow-listed). */
  formsPassed: Set<number>;
  /** Passed because both report the bytes invalid. */
  bothInvalid: number;
  /** Out-of-model encodings x86dbt correctly rejects, by category. */
  outOfModel: Map<string, number>;
  /** Later extensions capstone decodes where the modeled CPU has the legacy meaning x86dbt decodes, by category. */
  legacy: Map<string, number>;
  /** SDM-reserved encodings where x86dbt and capstone both conform, by category. */
  reserved: Map<string, number>;
  /** Cases explained by a capstone error (allow-list entry id → count). */
  allowed: Map<string, number>;
  mismatches: Mismatch[];
  /** Up to 3 example cases (hex, x86dbt, capstone) for each category and allow-list entry, for auditing. */
  samples: Map<string, string[]>;
  groups: Map<string, MismatchGroup>;
  milliseconds: number;
}

let sharedReference: Promise<CapstoneReference> | null = null;

/** One capstone instance per process (loading the wasm is the slow part). */
export function capstoneReference(): Promise<CapstoneReference> {
  sharedReference ??= CapstoneReference.open();
  return sharedReference;
}

export async function runDifferential(config: FuzzConfig): Promise<FuzzResult> {
  const judge = new Judge(await capstoneReference(), config.code32);
  const keep = config.keepMismatches ?? 50;
  const mode: 16 | 32 = config.code32 ? 32 : 16;
  const rng = new Prng(config.seed);
  const buf = new Uint8Array(CASE_BYTES);
  const result: FuzzResult = {
    cases: config.count, passed: 0, failed: 0, bothValid: 0, formsAgreed: new Set(), formsPassed: new Set(), bothInvalid: 0,
    outOfModel: new Map(), legacy: new Map(), reserved: new Map(), allowed: new Map(),
    mismatches: [], samples: new Map(), groups: new Map(), milliseconds: 0,
  };
  const byOutcome = { 'out-of-model': result.outOfModel, legacy: result.legacy, reserved: result.reserved, allowed: result.allowed };
  const started = performance.now();

  for (let i = 0; i < config.count; i++) {
    generateCase(rng, buf);
    const verdict = judge.judge(buf);
    switch (verdict.outcome) {
      case 'agree-valid':
        result.passed++;
        result.bothValid++;
        result.formsAgreed.add(judge.lastForm());
        result.formsPassed.add(judge.lastForm());
        break;
      case 'agree-invalid':
        result.passed++;
        result.bothInvalid++;
        break;
      case 'fail': {
        result.failed++;
        const mismatch: Mismatch = { hex: hex(buf), mode, kind: verdict.kind, ours: judge.describeOurs(), capstone: judge.describeCapstone() };
        if (result.mismatches.length < keep) result.mismatches.push(mismatch);
        const key = groupKey(buf, mode, verdict.kind);
        const group = result.groups.get(key);
        if (group) group.count++;
        else result.groups.set(key, { key, count: 1, example: mismatch });
        break;
      }
      default: {
        result.passed++;
        if (judge.lastForm() >= 0) result.formsPassed.add(judge.lastForm());
        const counts = byOutcome[verdict.outcome];
        counts.set(verdict.key, (counts.get(verdict.key) ?? 0) + 1);
        let list = result.samples.get(verdict.key);
        if (!list) result.samples.set(verdict.key, (list = []));
        if (list.length < 3) list.push(`${hex(buf)}: x86dbt ${judge.describeOurs()} | capstone ${judge.describeCapstone()}`);
      }
    }
  }
  result.milliseconds = performance.now() - started;
  return result;
}

function groupKey(bytes: Uint8Array, mode: number, kind: MismatchKind): string {
  const { opcodeAt } = viewEncoding(bytes);
  const op = opcodeHex(bytes, opcodeAt);
  const reg = modrmRegAt(bytes, opcodeAt + op.length / 2);
  return `${mode} ${op} /${reg} ${kind}`;
}

/** Lines for a human: the kept mismatches, then the groups by size. */
export function formatMismatches(result: FuzzResult, maxGroups = 40): string[] {
  const lines: string[] = [];
  for (const m of result.mismatches) {
    lines.push(`mismatch ${m.mode}-bit ${m.hex} ${m.kind}\n  x86dbt:   ${m.ours}\n  capstone: ${m.capstone}`);
  }
  if (result.failed > result.mismatches.length) {
    lines.push(`(${result.failed - result.mismatches.length} more mismatches not printed)`);
  }
  const groups = [...result.groups.values()].sort((a, b) => b.count - a.count);
  if (groups.length > 0) lines.push(`mismatch groups (mode, opcode, /reg, kind): ${groups.length}`);
  for (const g of groups.slice(0, maxGroups)) {
    lines.push(`  ${String(g.count).padStart(7)}  ${g.key}  e.g. ${g.example.hex}: x86dbt ${g.example.ours} | capstone ${g.example.capstone}`);
  }
  if (groups.length > maxGroups) lines.push(`  (${groups.length - maxGroups} more groups)`);
  return lines;
}
