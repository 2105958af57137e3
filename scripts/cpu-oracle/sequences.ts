// Random straight-line instruction sequences for the oracle: which forms may
// appear, how each is encoded with operands that stay valid whatever the
// registers hold, and how undefined flags are tracked along the sequence.

import type { InsnForm } from '../../src/arch/types.js';
import { AF, CF, OF, PF, SF, ZF } from '../../src/arch/flags.js';
import { COMPARED_FLAGS, DATA_BASE } from '../../test/support/cpu-fixture.js';
import { familyOf, skipReason } from './classify.js';
import { Draft, ECX, EDI, ESI } from './draft.js';
import { parseOperands } from './operands.js';
import { planOperands } from './plan.js';
import type { Rng } from './rng.js';
import { edges, randomValue } from './values.js';

const SHIFTS = new Set(['SHL', 'SAL', 'SHR', 'SAR', 'SHLD', 'SHRD']);
const ROTATES = new Set(['ROL', 'ROR', 'RCL', 'RCR']);
/** Forms left out of sequences, and why (all are covered by the single-form fixtures). */
const EXCLUDED_MNEMONICS = new Set([
  'BSF', 'BSR', // destination undefined for a zero source, which registers cannot be steered away from
  'XLATB', 'XLAT', // EBX would have to point into the data area
  'POPF', 'POPFD', // could pop TF or AC from pattern memory
  'LEAVE', // ESP = EBP, arbitrary
  'BOUND', // needs a bounds pair chosen around the index register
]);
const EXCLUDED_FAMILIES = new Set(['control', 'trap', 'privileged']);

/** Forms that may appear in a sequence. */
export function sequenceForms(forms: readonly InsnForm[]): InsnForm[] {
  return forms.filter((f) => {
    if (skipReason(f) || EXCLUDED_FAMILIES.has(familyOf(f)) || EXCLUDED_MNEMONICS.has(f.mnemonic)) return false;
    if (f.mnemonic === 'BSWAP' && f.opSize === 16) return false; // undefined result
    // SHLD/SHRD r/m16 by CL: a runtime count above 16 leaves the destination undefined.
    if ((f.mnemonic === 'SHLD' || f.mnemonic === 'SHRD') && f.opSize === 16 && f.operands.includes('CL')) return false;
    return true;
  });
}

/** Effect of one instruction on the flags: which become defined, which undefined, which it reads. */
interface FlagEffect {
  reads: number;
  defines: number;
  undefines: number;
}

/**
 * The flag effect of a form given its (static) count. Shift counts from CL are
 * unknown here, so such shifts are assumed to possibly define nothing and leave
 * every flag they may leave undefined undefined (SDM SAL/SAR/SHL/SHR, ROL/ROR/RCL/RCR, SHLD/SHRD).
 */
function flagEffect(form: InsnForm, count: number | null): FlagEffect {
  const mn = form.mnemonic;
  const undefTable = form.undef & COMPARED_FLAGS;
  if (SHIFTS.has(mn) || ROTATES.has(mn)) {
    const reads = mn === 'RCL' || mn === 'RCR' ? CF : 0;
    const rotate = ROTATES.has(mn);
    const allWritten = rotate ? OF | CF : OF | SF | ZF | AF | PF | CF;
    const width = form.opSize || (form.operands[0]?.endsWith('8') ? 8 : 32);
    if (count === null) {
      let u = OF | (rotate ? 0 : AF);
      if (mn === 'SHL' || mn === 'SAL' || mn === 'SHR') u |= CF;
      return { reads, defines: 0, undefines: u };
    }
    const c = count & 31;
    if (c === 0) return { reads, defines: 0, undefines: 0 };
    let u = c === 1 ? 0 : OF;
    if (!rotate) u |= AF;
    if ((mn === 'SHL' || mn === 'SAL' || mn === 'SHR') && c >= width) u |= CF;
    return { reads, defines: allWritten & ~u, undefines: u };
  }
  return { reads: form.reads & COMPARED_FLAGS, defines: form.writes & ~form.undef & COMPARED_FLAGS, undefines: undefTable };
}

export interface SequencePlan {
  draft: Draft;
  /** Code offset where each instruction starts, and the undefined-flag set after it. */
  steps: { at: number; undefAfter: number }[];
}

/**
 * Builds one sequence of `length` instructions from `pool`. String forms get
 * MOV ESI/EDI/ECX set-up instructions (part of the sequence) first.
 * `noAddr16` leaves out 16-bit addressing (67), which long mode cannot express.
 */
export function buildSequence(
  rng: Rng,
  pool: readonly InsnForm[],
  movImm32: InsnForm,
  length: number,
  opts: { noAddr16?: boolean } = {},
): SequencePlan {
  const d = new Draft(rng);
  d.undefFlags = 0;
  const steps: SequencePlan['steps'] = [];
  let undef = 0;
  const emitStep = (form: InsnForm, choice: Parameters<Draft['emit']>[1], effect: FlagEffect): void => {
    const at = d.code.length;
    d.emit(form, choice);
    undef = (undef & ~effect.defines) | effect.undefines;
    steps.push({ at, undefAfter: undef });
  };
  let emitted = 0;
  let attempts = 0;
  while (emitted < length && attempts++ < length * 50) {
    const form = rng.pick(pool);
    const ops = parseOperands(form);
    // Register bit offsets on memory reach anywhere (SDM BT): BT* r/m, r run on registers only.
    const bitStringReg = /^BT/.test(form.mnemonic) && ops[1]?.kind === 'reg';
    const plan = planOperands(d, form, { stableMem: true, rmIsReg: bitStringReg ? true : undefined, noAddr16: opts.noAddr16 });
    let count: number | null = null;
    if (ops.some((o) => o.kind === 'one')) count = 1;
    for (const s of plan.slots) {
      if (s.op.kind !== 'imm') continue;
      let v = rng.chance(0.5) ? rng.pick(edges(s.width)) : randomValue(rng, s.width);
      if (SHIFTS.has(form.mnemonic) || ROTATES.has(form.mnemonic)) {
        v = rng.pick([0, 1, 2, 7, 8, 15, 16, 31, 32, rng.below(256)]);
        if ((form.mnemonic === 'SHLD' || form.mnemonic === 'SHRD') && form.opSize === 16) v = rng.below(17);
        count = v;
      }
      if (form.mnemonic === 'ENTER') v = s === plan.slots[0] ? rng.below(64) : 0; // level 0: no frame walk
      if (form.mnemonic === 'AAM' && rng.chance(0.9)) v = v || 10;
      s.set(v);
    }
    const effect = flagEffect(form, count);
    if (effect.reads & undef) continue; // would consume an undefined flag
    if (/^(MOVS|CMPS|STOS|LODS|SCAS)/.test(form.mnemonic)) {
      const down = (d.eflags >> 10) & 1;
      const base = DATA_BASE + 0x1000 + rng.below(0x1000);
      const none = { reads: 0, defines: 0, undefines: 0 };
      emitStep(movImm32, { reg: ESI, imms: [base + (down ? 0x100 : 0)] }, none);
      emitStep(movImm32, { reg: EDI, imms: [base + 0x800 + (down ? 0x100 : 0)] }, none);
      emitStep(movImm32, { reg: ECX, imms: [rng.below(9)] }, none);
      if (form.rep !== 'none' && rng.chance(0.6)) {
        plan.choice.prefixes = [form.rep === 'repe-repne' && rng.chance(0.5) ? 0xf2 : 0xf3];
        // With ECX = 0 a REP string instruction writes no flag.
        effect.defines = 0;
      }
    }
    emitStep(form, plan.choice, effect);
    emitted++;
  }
  d.undefFlags = undef;
  return { draft: d, steps };
}

/** The undefined flags at a given end EIP offset (a fault stops the sequence before the faulting step). */
export function undefAt(plan: SequencePlan, eipOffset: number): number {
  let undef = 0;
  for (const s of plan.steps) {
    if (s.at >= eipOffset) break;
    undef = s.undefAfter;
  }
  return undef;
}
