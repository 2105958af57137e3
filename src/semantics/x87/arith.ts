// FADD/FSUB/FSUBR/FMUL/FDIV/FDIVR in all their forms (D8, DC, DE, DA, DE
// memory integer forms) and FSQRT: the operation itself with the x87 rules
// for NaNs, infinities and zeros (SDM Vol. 1, 4.8.3 and tables 8-10ff.), the
// masked responses (QNaN indefinite, signed infinity), and the flags.
import type { Define, Handler } from '../handler.js';
import type { Cpu } from '../../cpu/context.js';
import type { Insn } from '../../decoder/insn.js';
import { INDEFINITE, isSignaling, propagateNaN } from './float-bits.js';
import * as R from './rounding.js';
import { C1, checkFpu, invalid, isEmpty, masked, OE, PE, pop, raise, rc, setCC, setSt, st, UE, underflow, ZE } from './fpu.js';
import { readArithOperand, signalDenormal } from './operands.js';

export const enum Op {
  ADD,
  MUL,
  SUB,
  SUBR,
  DIV,
  DIVR,
}

const MAX = Number.MAX_VALUE;

/** Result of an overflow in mode `mode` (SDM Vol. 1, table 4-10). */
function overflowed(neg: boolean, mode: number): number {
  if (mode === 0) return neg ? -Infinity : Infinity;
  if (mode === 3) return neg ? -MAX : MAX;
  if (mode === 2) return neg ? -MAX : Infinity;
  return neg ? -Infinity : MAX;
}

/**
 * dst op src with flags; returns the value to store, or undefined when an
 * unmasked exception leaves the destination unchanged.
 */
export function compute(c: Cpu, op: Op, dst: number, src: number): number | undefined {
  const a = op === Op.SUBR || op === Op.DIVR ? src : dst;
  const b = op === Op.SUBR || op === Op.DIVR ? dst : src;
  setCC(c, C1, 0);
  if (a !== a || b !== b) {
    if ((isSignaling(a) || isSignaling(b)) && !invalid(c)) return undefined;
    return propagateNaN(a, b);
  }
  const mode = rc(c);
  let o: R.Outcome;
  switch (op) {
    case Op.ADD:
      if (a === -b && !Number.isFinite(a)) return invalid(c) ? INDEFINITE : undefined;
      o = R.add(a, b, mode);
      break;
    case Op.SUB:
    case Op.SUBR:
      if (a === b && !Number.isFinite(a)) return invalid(c) ? INDEFINITE : undefined;
      o = R.add(a, -b, mode);
      break;
    case Op.MUL:
      if ((a === 0 && !Number.isFinite(b)) || (b === 0 && !Number.isFinite(a))) return invalid(c) ? INDEFINITE : undefined;
      o = R.mul(a, b, mode);
      break;
    default:
      if ((a === 0 && b === 0) || (!Number.isFinite(a) && !Number.isFinite(b))) return invalid(c) ? INDEFINITE : undefined;
      if (b === 0 && Number.isFinite(a)) {
        raise(c, ZE);
        // The infinity's sign is the exclusive or of the operands' signs, as the host division gives.
        return masked(c, ZE) ? a / b : undefined;
      }
      o = R.div(a, b, mode);
  }
  return finish(c, o, Number.isFinite(a) && Number.isFinite(b));
}

/** Applies the precision/overflow/underflow outcome of a rounded result. */
export function finish(c: Cpu, o: R.Outcome, finiteOperands: boolean): number {
  let v = o.value;
  if (finiteOperands && !Number.isFinite(v)) {
    raise(c, OE | PE);
    v = overflowed(v < 0, rc(c));
    setCC(c, C1, Math.abs(v) === Infinity ? C1 : 0);
    return v;
  }
  if (o.inexact) {
    raise(c, Math.abs(v) < 2 ** -1022 ? UE | PE : PE);
    if (o.up) setCC(c, C1, C1);
  }
  return v;
}

type MemKind = 'm32fp' | 'm64fp' | 'm32int' | 'm16int';

/** ST(0) op memory. */
function memForm(op: Op, kind: MemKind): Handler {
  return (c, i) => {
    checkFpu(c);
    const m = readArithOperand(c, i, kind);
    if (isEmpty(c, 0)) {
      if (underflow(c)) setSt(c, 0, INDEFINITE);
      return;
    }
    signalDenormal(c, st(c, 0));
    const r = compute(c, op, st(c, 0), m);
    if (r !== undefined) setSt(c, 0, r);
  };
}

/** ST(dst) = ST(dst) op ST(src), with `dstIsI` naming which of ST(0)/ST(i) is written; `popAfter` for the P forms. */
function regForm(op: Op, dstIsI: boolean, popAfter: boolean): Handler {
  return (c: Cpu, i: Insn) => {
    checkFpu(c);
    const d = dstIsI ? i.rm : 0;
    const s = dstIsI ? 0 : i.rm;
    if (isEmpty(c, d) || isEmpty(c, s)) {
      if (!underflow(c)) return;
      setSt(c, d, INDEFINITE);
    } else {
      const r = compute(c, op, st(c, d), st(c, s));
      if (r === undefined) return;
      setSt(c, d, r);
    }
    if (popAfter) pop(c);
  };
}

const NAMES: readonly [Op, string, string][] = [
  [Op.ADD, 'FADD', 'FIADD'],
  [Op.MUL, 'FMUL', 'FIMUL'],
  [Op.SUB, 'FSUB', 'FISUB'],
  [Op.SUBR, 'FSUBR', 'FISUBR'],
  [Op.DIV, 'FDIV', 'FIDIV'],
  [Op.DIVR, 'FDIVR', 'FIDIVR'],
];

export function registerArith(def: Define): void {
  for (const [op, name, iname] of NAMES) {
    def(`${name} m32fp`, memForm(op, 'm32fp'));
    def(`${name} m64fp`, memForm(op, 'm64fp'));
    def(`${iname} m32int`, memForm(op, 'm32int'));
    def(`${iname} m16int`, memForm(op, 'm16int'));
    def(`${name} ST(0), ST(i)`, regForm(op, false, false));
    def(`${name} ST(i), ST(0)`, regForm(op, true, false));
    def(`${name}P ST(i), ST(0)`, regForm(op, true, true));
  }
  def('FSQRT', (c) => {
    checkFpu(c);
    if (isEmpty(c, 0)) {
      if (underflow(c)) setSt(c, 0, INDEFINITE);
      return;
    }
    const a = st(c, 0);
    setCC(c, C1, 0);
    if (a !== a) {
      if (isSignaling(a) && !invalid(c)) return;
      setSt(c, 0, propagateNaN(a, a));
      return;
    }
    // The square root of -0 is -0; of any other negative value, invalid (SDM FSQRT).
    if (a < 0) {
      if (invalid(c)) setSt(c, 0, INDEFINITE);
      return;
    }
    setSt(c, 0, finish(c, R.sqrt(a, rc(c)), Number.isFinite(a)));
  });
}
