// Loads and stores: FLD/FST/FSTP in every format and register form, FILD,
// FIST/FISTP (rounded by the control word's RC), FBLD/FBSTP, the constants
// (FLD1 … FLDZ), FXCH, FCMOVcc and FFREE. Stores compute their bytes and
// flags first, write memory (which may fault), and only then touch the FPU.
import type { Define, Handler } from '../handler.js';
import type { Cpu } from '../../cpu/context.js';
import type { Insn } from '../../decoder/insn.js';
import { CF, PF, ZF } from '../../arch/flags.js';
import {
  bcdIndefinite, f64ToBcd, f64ToF32, f64ToF80, hiWord, INDEFINITE, intIndefinite, isSignaling, loWord, quiet, roundInt,
} from './float-bits.js';
import { C1, checkFpu, IE, isEmpty, masked, OE, PE, pop, push, raise, rc, setCC, setEmpty, setSt, st, UE, underflow } from './fpu.js';
import { putU32, readInt, signalDenormal, readM32fp, readM64fp, readM80bcd, readM80fp, scratchOut, writeBytes } from './operands.js';

/** Pushes a value read by `load` (memory is read before the stack changes). */
function loadForm(load: (c: Cpu, i: Insn) => number): Handler {
  return (c, i) => {
    checkFpu(c);
    const v = load(c, i);
    if (isEmpty(c, 7)) signalDenormal(c, v);
    push(c, v);
  };
}

/**
 * A store of ST(0): `encode` fills scratchOut and returns the flags to raise
 * (and C1), or -1 when an unmasked invalid operation suppresses the store.
 */
function storeForm(bytes: number, encode: (c: Cpu, v: number, empty: boolean) => number, popAfter: boolean): Handler {
  return (c, i) => {
    checkFpu(c);
    const empty = isEmpty(c, 0);
    const flags = encode(c, empty ? INDEFINITE : st(c, 0), empty);
    if (flags < 0) {
      raise(c, IE | (empty ? 0x40 : 0));
      if (empty) setCC(c, C1, 0);
      return;
    }
    writeBytes(c, i, scratchOut, bytes);
    setCC(c, C1, flags & C1);
    raise(c, flags & 0x7f);
    if (popAfter) pop(c);
  };
}

/** Stack-underflow flags of a store from an empty ST(0), or -1 when IE is unmasked. */
function emptyStore(c: Cpu): number {
  return masked(c, IE) ? IE | 0x40 : -1;
}

function encodeM32(c: Cpu, v: number, empty: boolean): number {
  if (empty) {
    putU32(scratchOut, 0, 0xffc00000);
    return emptyStore(c);
  }
  let flags = 0;
  if (isSignaling(v)) {
    if (!masked(c, IE)) return -1;
    flags |= IE;
    v = quiet(v);
  }
  const r = f64ToF32(v, rc(c));
  if (r.inexact) {
    flags |= PE | (r.up ? C1 : 0);
    if (r.overflow) flags |= OE;
    else if (r.underflow) flags |= UE;
  }
  putU32(scratchOut, 0, r.bits);
  return flags;
}

function encodeM64(c: Cpu, v: number, empty: boolean): number {
  let flags = empty ? emptyStore(c) : 0;
  if (!empty && isSignaling(v)) {
    if (!masked(c, IE)) return -1;
    flags |= IE;
    v = quiet(v);
  }
  putU32(scratchOut, 0, loWord(v));
  putU32(scratchOut, 4, hiWord(v));
  return flags;
}

function encodeM80(c: Cpu, v: number, empty: boolean): number {
  f64ToF80(v, scratchOut, 0);
  return empty ? emptyStore(c) : 0;
}

/** FIST/FISTP: round by RC; NaN, infinity or out of range is invalid and stores the integer indefinite. */
function encodeInt(bits: 16 | 32 | 64): (c: Cpu, v: number, empty: boolean) => number {
  const limit = 2 ** (bits - 1);
  return (c, v, empty) => {
    const r = roundInt(v, rc(c));
    let flags = empty ? emptyStore(c) : 0;
    let out = r;
    if (!empty && !(r >= -limit && r < limit)) {
      if (!masked(c, IE)) return -1;
      flags = IE;
    }
    if (empty || flags === IE) out = intIndefinite(bits);
    else if (r !== v) flags |= PE | (Math.abs(r) > Math.abs(v) ? C1 : 0);
    if (bits === 64) {
      const hi = Math.floor(out / 2 ** 32);
      putU32(scratchOut, 0, out - hi * 2 ** 32);
      putU32(scratchOut, 4, hi);
    } else putU32(scratchOut, 0, out);
    return flags;
  };
}

function encodeBcd(c: Cpu, v: number, empty: boolean): number {
  const r = roundInt(v, rc(c));
  if (empty || !(Math.abs(r) < 1e18)) {
    if (!masked(c, IE)) return -1;
    bcdIndefinite(scratchOut, 0);
    return empty ? IE | 0x40 : IE;
  }
  f64ToBcd(r, scratchOut, 0);
  return r !== v ? PE | (Math.abs(r) > Math.abs(v) ? C1 : 0) : 0;
}

// 80-bit constants rounded to the nearest double (SDM FLD1/FLDL2T/…, 8.3.8).
const CONSTANTS: readonly [string, number][] = [
  ['FLD1', 1],
  ['FLDL2T', Math.log2(10)],
  ['FLDL2E', Math.LOG2E],
  ['FLDPI', Math.PI],
  ['FLDLG2', Math.log10(2)],
  ['FLDLN2', Math.LN2],
  ['FLDZ', 0],
];

function fcmov(flagTest: (f: number) => boolean): Handler {
  return (c, i) => {
    checkFpu(c);
    if (isEmpty(c, 0) || isEmpty(c, i.rm)) {
      if (underflow(c)) setSt(c, 0, INDEFINITE);
      return;
    }
    if (flagTest(c.eflags())) setSt(c, 0, st(c, i.rm));
  };
}

export function registerLoadStore(def: Define): void {
  def('FLD m32fp', loadForm(readM32fp));
  def('FLD m64fp', loadForm(readM64fp));
  def('FLD m80fp', loadForm(readM80fp));
  def('FILD m16int', loadForm((c, i) => readInt(c, i, 16)));
  def('FILD m32int', loadForm((c, i) => readInt(c, i, 32)));
  def('FILD m64int', loadForm((c, i) => readInt(c, i, 64)));
  def('FBLD m80dec', loadForm(readM80bcd));
  def('FLD ST(i)', (c, i) => {
    checkFpu(c);
    if (isEmpty(c, i.rm)) {
      // Underflow on the source; masked, the indefinite is pushed (SDM FLD).
      if (!underflow(c)) return;
      push(c, INDEFINITE);
      setCC(c, C1, 0);
      return;
    }
    push(c, st(c, i.rm));
  });
  for (const [name, v] of CONSTANTS) def(name, (c) => {
    checkFpu(c);
    push(c, v);
  });

  def('FST m32fp', storeForm(4, encodeM32, false));
  def('FSTP m32fp', storeForm(4, encodeM32, true));
  def('FST m64fp', storeForm(8, encodeM64, false));
  def('FSTP m64fp', storeForm(8, encodeM64, true));
  def('FSTP m80fp', storeForm(10, encodeM80, true));
  def('FIST m16int', storeForm(2, encodeInt(16), false));
  def('FISTP m16int', storeForm(2, encodeInt(16), true));
  def('FIST m32int', storeForm(4, encodeInt(32), false));
  def('FISTP m32int', storeForm(4, encodeInt(32), true));
  def('FISTP m64int', storeForm(8, encodeInt(64), true));
  def('FBSTP m80bcd', storeForm(10, encodeBcd, true));

  const stReg = (popAfter: boolean): Handler => (c, i) => {
    checkFpu(c);
    if (isEmpty(c, 0)) {
      if (!underflow(c)) return;
      setSt(c, i.rm, INDEFINITE);
    } else {
      setCC(c, C1, 0);
      setSt(c, i.rm, st(c, 0));
    }
    if (popAfter) pop(c);
  };
  def('FST ST(i)', stReg(false));
  def('FSTP ST(i)', stReg(true));

  def('FXCH ST(i)', (c, i) => {
    checkFpu(c);
    let a = st(c, 0);
    let b = st(c, i.rm);
    if (isEmpty(c, 0) || isEmpty(c, i.rm)) {
      if (!underflow(c)) return;
      if (isEmpty(c, 0)) a = INDEFINITE;
      if (isEmpty(c, i.rm)) b = INDEFINITE;
    } else setCC(c, C1, 0);
    setSt(c, 0, b);
    setSt(c, i.rm, a);
  });
  // FFREE clears C1 (observed on the real CPU; the SDM calls C0-C3 undefined).
  def('FFREE ST(i)', (c, i) => {
    checkFpu(c);
    setCC(c, C1, 0);
    setEmpty(c, i.rm);
  });

  def('FCMOVB ST(0), ST(i)', fcmov((f) => (f & CF) !== 0));
  def('FCMOVE ST(0), ST(i)', fcmov((f) => (f & ZF) !== 0));
  def('FCMOVBE ST(0), ST(i)', fcmov((f) => (f & (CF | ZF)) !== 0));
  def('FCMOVU ST(0), ST(i)', fcmov((f) => (f & PF) !== 0));
  def('FCMOVNB ST(0), ST(i)', fcmov((f) => (f & CF) === 0));
  def('FCMOVNE ST(0), ST(i)', fcmov((f) => (f & ZF) === 0));
  def('FCMOVNBE ST(0), ST(i)', fcmov((f) => (f & (CF | ZF)) === 0));
  def('FCMOVNU ST(0), ST(i)', fcmov((f) => (f & PF) === 0));
}
