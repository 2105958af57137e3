// Judging one case: x86dbt against capstone on the same bytes. The verdict is
// agreement, one of the named non-failure classes (out of model, legacy
// meaning, SDM-reserved, allow-listed capstone error), or a failure kind.

import { FORMS } from '../../src/arch/table.js';
import type { InsnForm } from '../../src/arch/types.js';
import { decode } from '../../src/decoder/decode.js';
import { formatInsn } from '../../src/decoder/format.js';
import { DecodeStatus, Insn, P_LOCK, P_REP, P_REPNE } from '../../src/decoder/insn.js';
import { ALLOW_LIST, type CaseView } from './allow-list.js';
import type { CapstoneReference, CapstoneResult } from './capstone.js';
import { viewEncoding } from './encoding.js';
import { CASE_BYTES } from './generator.js';
import { capstoneMnemonic, oursMnemonic } from './mnemonics.js';
import { compareOperands, type OperandContext } from './operands.js';
import { legacyMeaningCategory, outOfModelCategory } from './out-of-model.js';
import { reservedPrefixCategory } from './reserved.js';

export type MismatchKind =
  | 'x86dbt-invalid' | 'capstone-invalid' | 'length' | 'mnemonic' | 'operands' | 'repeat-prefix' | 'extension-accepted'
  | 'lock-accepted';

export type Verdict =
  | { outcome: 'agree-valid' | 'agree-invalid' }
  | { outcome: 'out-of-model' | 'legacy' | 'reserved' | 'allowed'; key: string }
  | { outcome: 'fail'; kind: MismatchKind };

const AGREE_VALID: Verdict = { outcome: 'agree-valid' };
const AGREE_INVALID: Verdict = { outcome: 'agree-invalid' };
const STATUS_NAME = ['OK', 'INVALID', 'TOO_LONG', 'TRUNCATED'];
const CONDITIONAL_REPEAT = /^(?:cmps|scas)[bwd]$/;
/** SDM LOCK: the instructions LOCK may prefix (with a memory destination). */
const LOCKABLE = new Set([
  'add', 'adc', 'and', 'btc', 'btr', 'bts', 'cmpxchg', 'cmpxchg8b', 'dec', 'inc', 'neg', 'not', 'or', 'sbb', 'sub', 'xor', 'xadd', 'xchg',
]);

export class Judge {
  private readonly insn = new Insn();
  private readonly unlocked = new Uint8Array(CASE_BYTES);
  private readonly unlockedInsn = new Insn();
  private status = DecodeStatus.OK;
  private cs: CapstoneResult | null = null;
  private oursName = '';

  constructor(
    private readonly ref: CapstoneReference,
    private readonly code32: boolean,
  ) {}

  /** Decodes `bytes` (CASE_BYTES long) both ways and judges the pair. */
  judge(bytes: Uint8Array): Verdict {
    const insn = this.insn;
    this.status = decode(bytes, 0, CASE_BYTES, this.code32, insn);
    const cs = (this.cs = this.ref.decode(bytes, this.code32));
    const oursValid = this.status === DecodeStatus.OK;
    const form = oursValid ? FORMS[insn.form] : undefined;
    const oursName = (this.oursName = form ? oursMnemonic(form, insn) : '');
    const csName = cs ? capstoneMnemonic(cs.mnemonic) : '';

    if (!oursValid) {
      if (cs === null) return AGREE_INVALID;
      const category = outOfModelCategory(bytes, cs, csName);
      if (category !== null) return { outcome: 'out-of-model', key: category };
      return this.explain(bytes, 'x86dbt-invalid', null, csName);
    }
    // LOCK on anything but the SDM's list with a memory destination is #UD, whatever capstone thinks
    if (insn.prefixes & P_LOCK && !(lockableBySdm(form!, oursName) && insn.hasMem)) return { outcome: 'fail', kind: 'lock-accepted' };
    const operands = operandText(insn);
    let kind: MismatchKind | null = null;
    if (cs !== null && insn.length === cs.size && oursName === csName) {
      const repeatDiffers = repeatWordOurs(oursName, insn.prefixes) !== repeatWordCapstone(oursName, cs.mnemonic);
      if (!repeatDiffers && compareOperands(operands, cs.opStr, this.operandContext(form!)) === null) return AGREE_VALID;
      kind = repeatDiffers ? 'repeat-prefix' : 'operands';
    }
    // capstone's later meaning, or its own operand list, for an encoding whose legacy meaning x86dbt decodes
    const legacy = legacyMeaningCategory(bytes, cs, csName, { length: insn.length, mnemonic: oursName });
    if (legacy !== null) return { outcome: 'legacy', key: legacy };
    if (kind === null) {
      if (cs === null) kind = 'capstone-invalid';
      else if (outOfModelCategory(bytes, cs, csName) !== null) kind = 'extension-accepted';
      else kind = insn.length !== cs.size ? 'length' : 'mnemonic';
    }
    return this.explain(bytes, kind, { form: form!, operands }, csName);
  }

  /** A disagreement: a listed capstone error, an SDM-reserved encoding, or a failure. */
  private explain(bytes: Uint8Array, kind: MismatchKind, ours: { form: InsnForm; operands: string } | null, csName: string): Verdict {
    const insn = this.insn;
    const cs = this.cs;
    const ctx = ours ? this.operandContext(ours.form) : null;
    const view: CaseView = {
      bytes, code32: this.code32,
      ours: ours
        ? { length: insn.length, mnemonic: this.oursName, operands: ours.operands, relative: ours.form.operands.some((o) => o.startsWith('rel')), opSize: insn.opSize }
        : null,
      cs, csMnemonic: csName,
      operandsAgreeOnLow16: kind === 'operands' && compareOperands(ours!.operands, cs!.opStr, { ...ctx!, lowSixteen: true }) === null,
      oursUnlocked: ours || cs === null ? null : this.decodeWithoutLock(bytes),
      capstone: (b, address) => this.ref.decode(b, this.code32, address),
    };
    const entry = ALLOW_LIST.find((e) => e.matches(view));
    if (entry) return { outcome: 'allowed', key: entry.id };
    if (ours && (kind === 'capstone-invalid' || kind === 'operands')) {
      const reserved = reservedPrefixCategory(bytes, view.ours!, view.capstone, (r, stripped) => {
        if (compareOperands(ours.operands, r.opStr, ctx!) === null) return true;
        // capstone's prefix-free decoding may still differ from x86dbt by a listed capstone error
        const again: CaseView = {
          ...view, bytes: stripped, cs: r, csMnemonic: capstoneMnemonic(r.mnemonic), ours: { ...view.ours!, length: r.size },
          operandsAgreeOnLow16: compareOperands(ours.operands, r.opStr, { ...ctx!, lowSixteen: true }) === null,
        };
        return ALLOW_LIST.some((e) => e.matches(again));
      });
      if (reserved !== null) return { outcome: 'reserved', key: reserved };
    }
    return { outcome: 'fail', kind };
  }

  private operandContext(form: InsnForm): OperandContext {
    return { form, mnemonic: this.oursName, opSize: this.insn.opSize, lowSixteen: false };
  }

  /** x86dbt's decoding of `bytes` with every LOCK prefix replaced by DS (3E), when there was a LOCK. */
  private decodeWithoutLock(bytes: Uint8Array): CaseView['oursUnlocked'] {
    const { prefixes } = viewEncoding(bytes);
    if (!prefixes.includes(0xf0)) return null;
    const scratch = this.unlocked;
    scratch.set(bytes);
    for (let i = 0; i < prefixes.length; i++) if (scratch[i] === 0xf0) scratch[i] = 0x3e;
    const insn = this.unlockedInsn;
    if (decode(scratch, 0, CASE_BYTES, this.code32, insn) !== DecodeStatus.OK) return null;
    const form = FORMS[insn.form]!;
    const mnemonic = oursMnemonic(form, insn);
    return { bytes: scratch, length: insn.length, mnemonic, lockable: lockableBySdm(form, mnemonic), memoryOperand: insn.hasMem };
  }

  /** The table form x86dbt decoded in the last judged case, or -1 when it reported the bytes invalid. */
  lastForm(): number {
    return this.status === DecodeStatus.OK ? this.insn.form : -1;
  }

  /** x86dbt's answer for the last judged case, for reports. */
  describeOurs(): string {
    if (this.status !== DecodeStatus.OK) return STATUS_NAME[this.status] ?? `status ${this.status}`;
    let text: string;
    try {
      text = formatInsn(this.insn, 0);
    } catch (e) {
      text = `<formatInsn failed: ${(e as Error).message}>`;
    }
    return `${text} [len ${this.insn.length}, ${this.oursName}, form ${this.insn.form} "${FORMS[this.insn.form]?.instruction}"]`;
  }

  /** Capstone's answer for the last judged case, for reports. */
  describeCapstone(): string {
    const cs = this.cs;
    return cs === null ? 'invalid' : `${cs.mnemonic} ${cs.opStr} [len ${cs.size}]`.replace('  ', ' ');
  }
}

/**
 * Whether the SDM's LOCK page lists the instruction with a destination that
 * can be memory. Judged from the list, not from the table's own lock flag, so
 * that a wrong flag shows up as a failure.
 */
function lockableBySdm(form: InsnForm, mnemonic: string): boolean {
  return LOCKABLE.has(mnemonic) && (mnemonic === 'xchg' || /^(?:r\/)?m/.test(form.operands[0] ?? ''));
}

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
  const words = formatInsn(insn, 0).split(' ');
  let i = 0;
  while (i < words.length - 1 && /^(?:lock|rep|repe|repne|repz|repnz)$/.test(words[i]!)) i++;
  return words.slice(i + 1).join(' ');
}
