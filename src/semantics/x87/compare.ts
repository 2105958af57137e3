// Comparisons and classification: FCOM/FCOMP/FCOMPP, FUCOM*, FICOM*, FTST
// (C3 C2 C0 = 000 greater, 001 less, 100 equal, 111 unordered; SDM FCOM),
// FCOMI/FUCOMI(P) (ZF PF CF the same way, OF SF AF cleared; SDM FCOMI) and
// FXAM (SDM FXAM's class table). FCOM-type compares signal IE on any NaN,
// FUCOM-type only on an SNaN.
import type { Define, Handler } from '../handler.js';
import type { Cpu } from '../../cpu/context.js';
import type { Insn } from '../../decoder/insn.js';
import { AF, CF, OF, PF, SF as EF_SF, ZF } from '../../arch/flags.js';
import { isSignaling, signBit } from './float-bits.js';
import { C0, C1, C2, C3, checkFpu, IE, isEmpty, pop, raise, setCC, st, underflow } from './fpu.js';
import { readArithOperand, signalDenormal } from './operands.js';

const enum Rel {
  GT = 0,
  LT = 1,
  EQ = 2,
  UN = 3,
}

/**
 * Orders a against b; NaNs raise IE (always for ordered compares, SNaN only
 * for unordered ones). The processor reports "unordered" even when IE is
 * unmasked (observed on the real CPU; the SDM leaves it open).
 */
function relate(c: Cpu, a: number, b: number, unorderedOk: boolean): Rel {
  if (a !== a || b !== b) {
    if (!unorderedOk || isSignaling(a) || isSignaling(b)) raise(c, IE);
    return Rel.UN;
  }
  return a > b ? Rel.GT : a < b ? Rel.LT : Rel.EQ;
}

const CC_OF: readonly number[] = [0, C0, C3, C3 | C2 | C0];
const EFLAGS_OF: readonly number[] = [0, CF, ZF, ZF | PF | CF];

/** Sets C3 C2 C0 (C1 cleared) from a comparison of ST(0) with `b` read by `operand`, then pops `pops` times. */
function fcom(operand: (c: Cpu, i: Insn) => number, srcReg: (i: Insn) => number, unorderedOk: boolean, pops: number): Handler {
  return (c, i) => {
    checkFpu(c);
    const b = operand(c, i);
    const r = srcReg(i);
    let rel: Rel;
    // A stack underflow reports "unordered" whether or not IE is masked (observed on the real CPU).
    if (isEmpty(c, 0) || (r >= 0 && isEmpty(c, r))) {
      underflow(c);
      rel = Rel.UN;
    } else {
      signalDenormal(c, st(c, 0));
      rel = relate(c, st(c, 0), r >= 0 ? st(c, r) : b, unorderedOk);
    }
    setCC(c, C0 | C1 | C2 | C3, CC_OF[rel]);
    for (let k = 0; k < pops; k++) pop(c);
  };
}

function fcomi(unorderedOk: boolean, popAfter: boolean): Handler {
  return (c, i) => {
    checkFpu(c);
    let rel: Rel;
    if (isEmpty(c, 0) || isEmpty(c, i.rm)) {
      underflow(c);
      rel = Rel.UN;
    } else rel = relate(c, st(c, 0), st(c, i.rm), unorderedOk);
    c.setFlagsMasked(EFLAGS_OF[rel], ZF | PF | CF | OF | EF_SF | AF);
    if (popAfter) pop(c);
  };
}

const none = (): number => 0;
const noReg = (): number => -1;
const stI = (i: Insn): number => i.rm;
const st1 = (): number => 1;

/** FXAM's class in C3 C2 C0 with the sign in C1 (SDM FXAM). */
function examine(c: Cpu): number {
  const v = st(c, 0);
  const sign = signBit(v) ? C1 : 0;
  if (isEmpty(c, 0)) return sign | C3 | C0;
  if (v !== v) return sign | C0;
  if (!Number.isFinite(v)) return sign | C2 | C0;
  if (v === 0) return sign | C3;
  // Every non-zero double is a normal number in the extended format.
  return sign | C2;
}

export function registerCompare(def: Define): void {
  const mem = (kind: 'm32fp' | 'm64fp' | 'm32int' | 'm16int') => (c: Cpu, i: Insn) => readArithOperand(c, i, kind);
  def('FCOM m32fp', fcom(mem('m32fp'), noReg, false, 0));
  def('FCOM m64fp', fcom(mem('m64fp'), noReg, false, 0));
  def('FCOMP m32fp', fcom(mem('m32fp'), noReg, false, 1));
  def('FCOMP m64fp', fcom(mem('m64fp'), noReg, false, 1));
  def('FICOM m32int', fcom(mem('m32int'), noReg, false, 0));
  def('FICOM m16int', fcom(mem('m16int'), noReg, false, 0));
  def('FICOMP m32int', fcom(mem('m32int'), noReg, false, 1));
  def('FICOMP m16int', fcom(mem('m16int'), noReg, false, 1));
  def('FCOM ST(i)', fcom(none, stI, false, 0));
  def('FCOMP ST(i)', fcom(none, stI, false, 1));
  def('FCOMPP', fcom(none, st1, false, 2));
  def('FUCOM ST(i)', fcom(none, stI, true, 0));
  def('FUCOMP ST(i)', fcom(none, stI, true, 1));
  def('FUCOMPP', fcom(none, st1, true, 2));
  def('FTST', fcom(none, noReg, false, 0));
  def('FCOMI ST, ST(i)', fcomi(false, false));
  def('FCOMIP ST, ST(i)', fcomi(false, true));
  def('FUCOMI ST, ST(i)', fcomi(true, false));
  def('FUCOMIP ST, ST(i)', fcomi(true, true));
  def('FXAM', (c) => {
    checkFpu(c);
    setCC(c, C0 | C1 | C2 | C3, examine(c));
  });
}
