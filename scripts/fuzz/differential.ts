// The differential loop shared by scripts/fuzz-decoder.ts and the vitest
// slice: generate a case, decode it with x86dbt and with capstone, and judge
// validity, length and mnemonic.

import { FORMS } from '../../src/arch/table.js';
import type { InsnForm } from '../../src/arch/types.js';
import { decode } from '../../src/decoder/decode.js';
import { formatInsn } from '../../src/decoder/format.js';
import { DecodeStatus, Insn, P_REP, P_REPNE } from '../../src/decoder/insn.js';
import { ALLOW_LIST, type CaseView } from './allow-list.js';
import { CapstoneReference, type CapstoneResult } from './capstone.js';
import { hex, modrmRegAt, opcodeHex, viewEncoding } from './encoding.js';
import { CASE_BYTES, generateCase } from './generator.js';
import { capstoneMnemonic, oursMnemonic } from './mnemonics.js';
import { compareOperands, type OperandContext } from './operands.js';
import { legacyMeaningCategory, outOfModelCategory } from './out-of-model.js';
import { Prng } from './prng.js';
import { reservedPrefixCategory } from './reserved.js';

export interface FuzzConfig {
  count: number;
  seed: number;
  code32: boolean;
  /** How many individual mismatches to keep for printing (all are counted). */
  keepMismatches?: number;
}

export type MismatchKind = 'x86dbt-invalid' | 'capstone-invalid' | 'length' | 'mnemonic' | 'operands' | 'repeat-prefix' | 'extension-accepted';

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

const STATUS_NAME = ['OK', 'INVALID', 'TOO_LONG', 'TRUNCATED'];

let sharedReference: Promise<CapstoneReference> | null = null;

/** One capstone instance per process (loading the wasm is the slow part). */
export function capstoneReference(): Promise<CapstoneReference> {
  sharedReference ??= CapstoneReference.open();
  return sharedReference;
}

export async function runDifferential(config: FuzzConfig): Promise<FuzzResult> {
  const ref = await capstoneReference();
  const keep = config.keepMismatches ?? 50;
  const mode: 16 | 32 = config.code32 ? 32 : 16;
  const rng = new Prng(config.seed);
  const buf = new Uint8Array(CASE_BYTES);
  const insn = new Insn();
  const unlocked = new Uint8Array(CASE_BYTES);
  const unlockedInsn = new Insn();
  const result: FuzzResult = {
    cases: config.count, passed: 0, failed: 0, bothValid: 0, bothInvalid: 0, outOfModel: new Map(), legacy: new Map(), reserved: new Map(), allowed: new Map(),
    mismatches: [], samples: new Map(), groups: new Map(), milliseconds: 0,
  };
  const started = performance.now();

  for (let i = 0; i < config.count; i++) {
    generateCase(rng, buf);
    insn.clear();
    const status = decode(buf, 0, CASE_BYTES, config.code32, insn);
    const cs = ref.decode(buf, config.code32);
    const oursValid = status === DecodeStatus.OK;
    const form = oursValid ? FORMS[insn.form] : undefined;
    const oursName = form ? oursMnemonic(form, insn) : '';
    const csName = cs ? capstoneMnemonic(cs.mnemonic) : '';

    let operandsDiffer = false;
    let repeatDiffers = false;
    if (cs === null ? !oursValid : oursValid && insn.length === cs.size && oursName === csName) {
      if (cs === null) {
        result.passed++;
        result.bothInvalid++;
        continue;
      }
      repeatDiffers = repeatWordOurs(oursName, insn.prefixes) !== repeatWordCapstone(oursName, cs.mnemonic);
      if (!repeatDiffers && compareOperands(operandText(insn), cs.opStr, operandContext(config.code32, form!, oursName, insn)) === null) {
        result.passed++;
        result.bothValid++;
        continue;
      }
      operandsDiffer = !repeatDiffers;
    }
    let kind: MismatchKind;
    if (!oursValid) {
      const category = cs === null ? null : outOfModelCategory(buf, cs, csName);
      if (category !== null) {
        count(result.outOfModel, category);
        sample(result, category, buf, describeOurs(status, insn, oursName), describeCapstone(cs));
        result.passed++;
        continue;
      }
      kind = 'x86dbt-invalid';
    } else {
      const legacy = legacyMeaningCategory(buf, cs, csName, { length: insn.length, mnemonic: oursName });
      if (legacy !== null) {
        count(result.legacy, legacy);
        sample(result, legacy, buf, describeOurs(status, insn, oursName), describeCapstone(cs));
        result.passed++;
        continue;
      }
      if (cs === null) kind = 'capstone-invalid';
      else if (outOfModelCategory(buf, cs, csName) !== null) kind = 'extension-accepted';
      else kind = insn.length !== cs.size ? 'length' : repeatDiffers ? 'repeat-prefix' : operandsDiffer ? 'operands' : 'mnemonic';
    }

    const view: CaseView = {
      bytes: buf, code32: config.code32,
      ours: oursValid ? { length: insn.length, mnemonic: oursName, operands: operandText(insn), relative: form!.operands.some((o) => o.startsWith('rel')), opSize: insn.opSize } : null,
      cs, csMnemonic: csName,
      operandsAgreeOnLow16:
        kind === 'operands' &&
        compareOperands(operandText(insn), cs!.opStr, { ...operandContext(config.code32, form!, oursName, insn), lowSixteen: true }) === null,
      oursUnlocked: oursValid || cs === null ? null : decodeWithoutLock(buf, config.code32, unlocked, unlockedInsn),
      capstone: (bytes, address) => ref.decode(bytes, config.code32, address),
    };
    const entry = ALLOW_LIST.find((e) => e.matches(view));
    if (entry) {
      count(result.allowed, entry.id);
      sample(result, entry.id, buf, describeOurs(status, insn, oursName), describeCapstone(cs));
      result.passed++;
      continue;
    }
    const reserved =
      kind === 'capstone-invalid' || kind === 'operands'
        ? reservedPrefixCategory(buf, view.ours!, view.capstone, (r, stripped) => {
            const ctx = operandContext(config.code32, form!, oursName, insn);
            if (compareOperands(view.ours!.operands ?? '', r.opStr, ctx) === null) return true;
            // the prefix-free decoding may still differ from x86dbt by a listed capstone error
            const again: CaseView = {
              ...view, bytes: stripped, cs: r, csMnemonic: capstoneMnemonic(r.mnemonic), ours: { ...view.ours!, length: r.size },
              operandsAgreeOnLow16: compareOperands(view.ours!.operands ?? '', r.opStr, { ...ctx, lowSixteen: true }) === null,
            };
            return ALLOW_LIST.some((e) => e.matches(again));
          })
        : null;
    if (reserved !== null) {
      count(result.reserved, reserved);
      sample(result, reserved, buf, describeOurs(status, insn, oursName), describeCapstone(cs));
      result.passed++;
      continue;
    }

    result.failed++;
    const mismatch: Mismatch = {
      hex: hex(buf), mode, kind,
      ours: describeOurs(status, insn, oursName),
      capstone: describeCapstone(cs),
    };
    if (result.mismatches.length < keep) result.mismatches.push(mismatch);
    const key = groupKey(buf, mode, kind);
    const group = result.groups.get(key);
    if (group) group.count++;
    else result.groups.set(key, { key, count: 1, example: mismatch });
  }
  result.milliseconds = performance.now() - started;
  return result;
}

function sample(result: FuzzResult, key: string, bytes: Uint8Array, ours: string, theirs: string): void {
  let list = result.samples.get(key);
  if (!list) result.samples.set(key, (list = []));
  if (list.length < 3) list.push(`${hex(bytes)}: x86dbt ${ours} | capstone ${theirs}`);
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** x86dbt's decoding of `bytes` with every LOCK prefix replaced by DS (3E), when there was a LOCK. */
function decodeWithoutLock(bytes: Uint8Array, code32: boolean, scratch: Uint8Array, insn: Insn): CaseView['oursUnlocked'] {
  const { prefixes } = viewEncoding(bytes);
  if (!prefixes.includes(0xf0)) return null;
  scratch.set(bytes);
  for (let i = 0; i < prefixes.length; i++) if (scratch[i] === 0xf0) scratch[i] = 0x3e;
  insn.clear();
  if (decode(scratch, 0, CASE_BYTES, code32, insn) !== DecodeStatus.OK) return null;
  const form = FORMS[insn.form]!;
  return { bytes: scratch, length: insn.length, mnemonic: oursMnemonic(form, insn), lockable: form.lock, memoryOperand: insn.hasMem };
}

function operandContext(code32: boolean, form: InsnForm, mnemonic: string, insn: Insn): OperandContext {
  return { form, mnemonic, opSize: insn.opSize, lowSixteen: false };
}

const CONDITIONAL_REPEAT = /^(?:cmps|scas)[bwd]$/;

/** For CMPS/SCAS, whose REPE and REPNE differ: which one x86dbt applies (the last F2/F3 wins), else ''. */
function repeatWordOurs(mnemonic: string, prefixes: number): string {
  if (!CONDITIONAL_REPEAT.test(mnemonic)) return '';
  return prefixes & P_REP ? 'repe' : prefixes & P_REPNE ? 'repne' : '';
}

/** For CMPS/SCAS: the repeat word capstone writes into its mnemonic, else ''. */
function repeatWordCapstone(mnemonic: string, raw: string): string {
  if (!CONDITIONAL_REPEAT.test(mnemonic)) return '';
  const first = raw.split(' ')[0]!;
  return first === 'repe' || first === 'repz' || first === 'rep' ? 'repe' : first === 'repne' || first === 'repnz' ? 'repne' : '';
}

/** The operands part of x86dbt's disassembly (after prefix words and the mnemonic). */
function operandText(insn: Insn): string {
  const text = formatInsn(insn, 0);
  const words = text.split(' ');
  let i = 0;
  while (i < words.length - 1 && /^(?:lock|rep|repe|repne|repz|repnz)$/.test(words[i]!)) i++;
  return words.slice(i + 1).join(' ');
}

function describeOurs(status: DecodeStatus, insn: Insn, name: string): string {
  if (status !== DecodeStatus.OK) return STATUS_NAME[status] ?? `status ${status}`;
  let text: string;
  try {
    text = formatInsn(insn, 0);
  } catch (e) {
    text = `<formatInsn failed: ${(e as Error).message}>`;
  }
  return `${text} [len ${insn.length}, ${name}, form ${insn.form} "${FORMS[insn.form]?.instruction}"]`;
}

function describeCapstone(cs: CapstoneResult | null): string {
  return cs === null ? 'invalid' : `${cs.mnemonic} ${cs.opStr} [len ${cs.size}]`.replace('  ', ' ');
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
