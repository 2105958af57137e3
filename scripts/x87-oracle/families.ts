// The x87 oracle's case families, generated from a seed. Operands are f64
// values (so the 80-bit registers hold exactly what the model's f64 registers
// hold) and the control word sets 53-bit precision; results that would leave
// the f64 exponent range (overflow, or a result in the f64 denormal range)
// are not generated, because there the 80-bit register keeps a value the
// model cannot (docs/cpu-model.md).
import { Rng } from '../cpu-oracle/rng.js';
import { fromWords, isSignaling, signBit } from '../../src/semantics/x87/float-bits.js';
import type { StoredX87Case } from '../../test/x87/x87-fixture.js';
import { CaseBuilder, controlWord, f64Bytes, f80Bytes, intBytes, OPERANDS, RESULTS, SAVE, u32Bytes } from './builder.js';

// NaNs are built when picked: V8 canonicalizes NaNs kept in arrays of doubles.
const QNAN_BITS: readonly [number, number][] = [[0x7ff80000, 0x1234], [0xfffc0000, 0x5], [0xfff80000, 0], [0x7fff0000, 0xabc]];
const SNAN_BITS: readonly [number, number][] = [[0x7ff00000, 0x77], [0xfff40000, 0x5], [0x7ff7ffff, 0xffffffff]];
const QNAN = fromWords(0x7ff80000, 0x1234);
const NUMBERS = [0, -0, 1, -1, 2, 0.5, 3, -3, 10, 0.1, -0.1, 1 / 3, 1e10, -1e-10, 123456789.123, 2 ** 52 + 1, 1e300, -1e300, 1e-300, 5e-324, 2.2e-308, Infinity, -Infinity, 2.5, -3.5, 65535.5, -32768.5];
const SPECIAL = { pick: (r: Rng): number => (r.chance(0.2) ? fromWords(...r.pick(r.chance(0.5) ? QNAN_BITS : SNAN_BITS)) : r.pick(NUMBERS)) };

function randomDouble(r: Rng, expRange = 60): number {
  const e = r.below(2 * expRange) - expRange;
  const m = 1 + r.u32() / 2 ** 32 + r.u32() / 2 ** 52 / 2 ** 32 * 2 ** 20;
  const v = m * 2 ** e;
  return r.chance(0.5) ? -v : v;
}
function value(r: Rng): number {
  if (r.chance(0.4)) return SPECIAL.pick(r);
  if (r.chance(0.2)) return (r.u32() | 0) / (1 << r.below(8));
  return randomDouble(r);
}
function finiteValue(r: Rng, expRange = 30): number {
  return r.chance(0.2) ? r.pick([0, -0, 1, -1, 2, 0.5, 3, 10, 0.1]) : randomDouble(r, expRange);
}

const NORMAL_MIN = 2 ** -1022;
function inRange(v: number): boolean {
  return v !== v || v === 0 || (Math.abs(v) >= NORMAL_MIN && Math.abs(v) < 2 ** 1023);
}
/** True when every basic operation on a and b stays in f64's normal range (or involves a special operand). */
function arithSafe(a: number, b: number): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return true;
  if (a === 0 || b === 0) return inRange(a + b);
  return [a * b, a / b, b / a].every((v) => v !== 0 && inRange(v)) && inRange(a + b) && inRange(a - b);
}

function fill(r: Rng, n: number, first: number[]): (number | undefined)[] {
  const st: (number | undefined)[] = [...first];
  while (st.length < n) st.push(finiteValue(r));
  return st;
}

const ARITH_DIGITS = [0, 1, 4, 5, 6, 7];

function arith(r: Rng, count: number): StoredX87Case[] {
  const out: StoredX87Case[] = [];
  const forms = ['m32fp', 'm64fp', 'm32int', 'm16int', 'st0_sti', 'sti_st0', 'pop'] as const;
  while (out.length < count) {
    const form = r.pick(forms);
    const digit = r.pick(ARITH_DIGITS);
    const a = value(r);
    let b = form === 'm32int' ? r.u32() | 0 : form === 'm16int' ? (r.u32() << 16) >> 16 : value(r);
    if (form === 'm32fp') b = Number.isNaN(b) ? b : Math.fround(b);
    if (!arithSafe(a, b)) continue;
    const rc = r.below(4);
    const unmask = r.chance(0.1) ? r.pick([1, 4, 0x20, 5]) : 0;
    const i = 1 + r.below(3);
    const st = fill(r, 4, [a]);
    if (form !== 'm32fp' && form !== 'm64fp' && form !== 'm32int' && form !== 'm16int') st[i] = b;
    if (r.chance(0.05)) st[r.chance(0.5) ? 0 : i] = undefined;
    const c = new CaseBuilder(`arith/${form}/${digit}/${out.length}`, { cw: controlWord(rc, unmask), st, top: r.below(8) });
    if (form === 'm32fp') {
      c.put(OPERANDS, m32Bits(b));
      c.mem32(0xd8, digit, OPERANDS);
    } else if (form === 'm64fp') {
      c.put(OPERANDS, f64Bytes(b));
      c.mem32(0xdc, digit, OPERANDS);
    } else if (form === 'm32int') {
      c.put(OPERANDS, intBytes(b, 4));
      c.mem32(0xda, digit, OPERANDS);
    } else if (form === 'm16int') {
      c.put(OPERANDS, intBytes(b, 2));
      c.mem32(0xde, digit, OPERANDS);
    } else c.bytes(form === 'st0_sti' ? 0xd8 : form === 'sti_st0' ? 0xdc : 0xde, 0xc0 | (digit << 3) | i);
    out.push(c.finish());
  }
  return out;
}

function m32Bits(v: number): Uint8Array {
  if (v !== v) return u32Bytes(isSignaling(v) ? (signBit(v) ? 0xff800011 : 0x7f800011) : 0xffc00123);
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return b;
}

function loadStore(r: Rng, count: number): StoredX87Case[] {
  const out: StoredX87Case[] = [];
  const kinds = ['fld32', 'fld64', 'fld80', 'fst32', 'fst64', 'fstp80', 'fild16', 'fild32', 'fild64', 'fist16', 'fist32', 'fistp64', 'fbld', 'fbstp', 'fldi', 'fsti', 'fxch', 'ffree', 'fincstp', 'fdecstp'] as const;
  for (let n = 0; n < count; n++) {
    const kind = kinds[n % kinds.length];
    const rc = r.below(4);
    const top = r.below(8);
    const st: (number | undefined)[] = [];
    // A random mix of used and empty registers: loads may overflow, stores may underflow.
    for (let k = 0; k < 8; k++) st.push(r.chance(kind.startsWith('fld') || kind.startsWith('fild') || kind === 'fbld' ? 0.15 : 0.8) ? value(r) : undefined);
    const pop = r.chance(0.5);
    const c = new CaseBuilder(`load-store/${kind}/${n}`, { cw: controlWord(rc, r.chance(0.05) ? 1 : 0), st, top });
    const i = r.below(8);
    switch (kind) {
      case 'fld32': {
        const bits = r.chance(0.3) ? r.pick([0x7f800001, 0xffc00000, 0x00000001, 0x807fffff, 0x7f800000, 0x80000000]) : r.u32();
        c.put(OPERANDS, u32Bytes(bits));
        c.mem32(0xd9, 0, OPERANDS);
        break;
      }
      case 'fld64':
        c.put(OPERANDS, f64Bytes(value(r)));
        c.mem32(0xdd, 0, OPERANDS);
        break;
      case 'fld80':
        c.put(OPERANDS, f80Bytes(value(r)));
        c.mem32(0xdb, 5, OPERANDS);
        break;
      case 'fst32':
        if (r.chance(0.4)) st[0] = r.pick([1e39, -1e39, 3.4028235677973366e38, -3.4028235e38, 3.40282366e38, 2 ** 128, 1e-40, -1e-45, 1e-50, 0.1]);
        c.mem32(0xd9, pop ? 3 : 2, RESULTS);
        break;
      case 'fst64':
        c.mem32(0xdd, pop ? 3 : 2, RESULTS);
        break;
      case 'fstp80':
        c.mem32(0xdb, 7, RESULTS);
        break;
      case 'fild16':
        c.put(OPERANDS, intBytes((r.u32() << 16) >> 16, 2));
        c.mem32(0xdf, 0, OPERANDS);
        break;
      case 'fild32':
        c.put(OPERANDS, intBytes(r.u32() | 0, 4));
        c.mem32(0xdb, 0, OPERANDS);
        break;
      case 'fild64': {
        const v = (r.u32() % 2 ** 21) * 2 ** 32 + r.u32();
        c.put(OPERANDS, intBytes(r.chance(0.5) ? -v : v, 8));
        c.mem32(0xdf, 5, OPERANDS);
        break;
      }
      case 'fist16':
      case 'fist32':
      case 'fistp64': {
        const range = kind === 'fist16' ? 2 ** 15 : kind === 'fist32' ? 2 ** 31 : 2 ** 63;
        c.put(RESULTS, new Uint8Array(8));
        if (st[0] !== undefined && r.chance(0.7)) st[0] = r.pick([range - 0.5, -range - 0.5, -range, range, 2.5, -2.5, 3.5, 0.5, -0.5]) + (r.chance(0.5) ? 0 : (r.below(2000) - 1000) / 4);
        if (kind === 'fistp64') c.mem32(0xdf, 7, RESULTS);
        else c.mem32(kind === 'fist16' ? 0xdf : 0xdb, pop ? 3 : 2, RESULTS);
        break;
      }
      case 'fbld': {
        const b = new Uint8Array(10);
        // 15 digits: integers below 2^53 (the model's registers are doubles).
        for (let k = 0; k < 7; k++) b[k] = (r.below(10) << 4) | r.below(10);
        b[7] = r.below(10);
        b[9] = r.chance(0.5) ? 0x80 : 0;
        c.put(OPERANDS, b);
        c.mem32(0xdf, 4, OPERANDS);
        break;
      }
      case 'fbstp':
        if (st[0] !== undefined && r.chance(0.6)) st[0] = r.pick([1e18, -1e18 + 1024, 999999999999999, 12345.5, -0.5]) + r.below(3);
        c.mem32(0xdf, 6, RESULTS);
        break;
      case 'fldi':
        c.bytes(0xd9, 0xc0 | i);
        break;
      case 'fsti':
        c.bytes(0xdd, (pop ? 0xd8 : 0xd0) | i);
        break;
      case 'fxch':
        c.bytes(0xd9, 0xc8 | i);
        break;
      case 'ffree':
        c.bytes(0xdd, 0xc0 | i);
        break;
      case 'fincstp':
        c.bytes(0xd9, 0xf7);
        break;
      case 'fdecstp':
        c.bytes(0xd9, 0xf6);
        break;
    }
    out.push(c.finish());
  }
  return out;
}

function constants(): StoredX87Case[] {
  const out: StoredX87Case[] = [];
  for (let op = 0xe8; op <= 0xee; op++) {
    const c = new CaseBuilder(`constants/${op.toString(16)}`, { cw: controlWord(0), st: [] });
    c.bytes(0xd9, op);
    c.mem32(0xdd, 3, RESULTS); // FSTP m64fp
    // The processor's constants have 64-bit significands: their registers and the
    // precision flag / C1 of the rounding store differ from the model's doubles.
    c.skip = [[SAVE + 28, 80]];
    c.swMask = 0x220;
    out.push(c.finish());
  }
  return out;
}

function compare(r: Rng, count: number): StoredX87Case[] {
  const out: StoredX87Case[] = [];
  const kinds = ['fcom32', 'fcom64', 'ficom32', 'ficom16', 'fcomi', 'fcomst', 'fcompp', 'fucom', 'fucompp', 'ftst', 'fxam', 'fcomi_', 'fcmov'] as const;
  for (let n = 0; n < count; n++) {
    const kind = kinds[n % kinds.length];
    const a = value(r);
    let b = r.chance(0.3) ? a : value(r);
    const i = 1 + r.below(3);
    const st = fill(r, 4, [a]);
    st[i] = b;
    if (kind === 'fcompp' || kind === 'fucompp') st[1] = b;
    if (r.chance(0.08)) st[r.chance(0.5) ? 0 : i] = undefined;
    const c = new CaseBuilder(`compare/${kind}/${n}`, { cw: controlWord(0, r.chance(0.05) ? 1 : 0), st, top: r.below(8), sw: r.u32() & 0x4700 });
    c.eflags = 0x202 | (r.u32() & 0x8d5);
    const p = r.chance(0.5) ? 1 : 0;
    switch (kind) {
      case 'fcom32':
        b = Number.isNaN(b) ? b : Math.fround(b);
        c.put(OPERANDS, m32Bits(b));
        c.mem32(0xd8, 2 + p, OPERANDS);
        break;
      case 'fcom64':
        c.put(OPERANDS, f64Bytes(b));
        c.mem32(0xdc, 2 + p, OPERANDS);
        break;
      case 'ficom32':
        c.put(OPERANDS, intBytes(r.chance(0.5) && Number.isInteger(a) && Math.abs(a) < 2 ** 31 ? a : r.u32() | 0, 4));
        c.mem32(0xda, 2 + p, OPERANDS);
        break;
      case 'ficom16':
        c.put(OPERANDS, intBytes((r.u32() << 16) >> 16, 2));
        c.mem32(0xde, 2 + p, OPERANDS);
        break;
      case 'fcomst':
        c.bytes(0xd8, (p ? 0xd8 : 0xd0) | i);
        break;
      case 'fcompp':
        c.bytes(0xde, 0xd9);
        break;
      case 'fucom':
        c.bytes(0xdd, (p ? 0xe8 : 0xe0) | i);
        break;
      case 'fucompp':
        c.bytes(0xda, 0xe9);
        break;
      case 'ftst':
        c.bytes(0xd9, 0xe4);
        break;
      case 'fxam':
        c.bytes(0xd9, 0xe5);
        break;
      case 'fcomi':
        c.bytes(p ? 0xdf : 0xdb, 0xf0 | i);
        break;
      case 'fcomi_':
        c.bytes(p ? 0xdf : 0xdb, 0xe8 | i);
        break;
      case 'fcmov':
        c.bytes(r.chance(0.5) ? 0xda : 0xdb, 0xc0 | (r.below(4) << 3) | i);
        break;
    }
    c.bytes(0xdf, 0xe0); // FNSTSW AX
    out.push(c.finish());
  }
  return out;
}

function functions(r: Rng, count: number): StoredX87Case[] {
  const out: StoredX87Case[] = [];
  const ops: [string, number][] = [['fchs', 0xe0], ['fabs', 0xe1], ['frndint', 0xfc], ['fsqrt', 0xfa], ['fscale', 0xfd], ['fxtract', 0xf4], ['fprem', 0xf8], ['fprem1', 0xf5]];
  for (let n = 0; n < count; n++) {
    const [name, op] = ops[n % ops.length];
    let a = r.chance(0.15) ? SPECIAL.pick(r) : finiteValue(r);
    let b = r.chance(0.15) ? SPECIAL.pick(r) : finiteValue(r);
    if (name === 'fscale') b = r.chance(0.8) ? r.below(120) - 60 + (r.chance(0.3) ? 0.75 : 0) : b;
    if (name === 'frndint' && r.chance(0.5)) a = (r.below(40) - 20) / 2 + (r.chance(0.3) ? 0.25 : 0);
    if (name === 'fsqrt' && r.chance(0.7)) a = Math.abs(a);
    if (name === 'fscale' && Number.isFinite(a) && Number.isFinite(b) && !inRange(a * 2 ** Math.trunc(b))) continue;
    if ((name === 'fprem' || name === 'fprem1') && Number.isFinite(a) && Number.isFinite(b) && a !== 0 && b !== 0) {
      if (Math.abs(Math.log2(Math.abs(a)) - Math.log2(Math.abs(b))) > 60) continue;
    }
    if (name === 'fsqrt' && !inRange(a)) continue;
    const st = fill(r, 3, [a, b]);
    if (r.chance(0.05)) st[r.below(2)] = undefined;
    const c = new CaseBuilder(`functions/${name}/${n}`, { cw: controlWord(r.below(4)), st, top: r.below(8) });
    c.bytes(0xd9, op);
    c.bytes(0xdf, 0xe0);
    out.push(c.finish());
  }
  return out;
}

/** f64 approximations: results compared after an FSTP m64fp within a relative tolerance (see the replay test). */
function transcendental(r: Rng, count: number): StoredX87Case[] {
  const out: StoredX87Case[] = [];
  const ops: [string, number, number][] = [['fsin', 0xfe, 1], ['fcos', 0xff, 1], ['fsincos', 0xfb, 2], ['fptan', 0xf2, 2], ['fpatan', 0xf3, 1], ['f2xm1', 0xf0, 1], ['fyl2x', 0xf1, 1], ['fyl2xp1', 0xf9, 1]];
  for (let n = 0; n < count; n++) {
    const [name, op, results] = ops[n % ops.length];
    let a = randomDouble(r, 3);
    const b = randomDouble(r, 3);
    if (name === 'f2xm1' || name === 'fyl2xp1') a = (r.u32() / 2 ** 32 - 0.5) * (name === 'f2xm1' ? 2 : 0.5);
    if (name === 'fyl2x') a = Math.abs(a);
    if (r.chance(0.1)) a = r.pick([0, -0, Infinity, QNAN]);
    const c = new CaseBuilder(`transcendental/${name}/${n}`, { cw: controlWord(0), st: [a, b, 1.5] });
    c.bytes(0xd9, op);
    for (let k = 0; k < results; k++) c.mem32(0xdd, 3, RESULTS + 8 * k);
    c.skip = [[SAVE + 28, 80]];
    c.approx = Array.from({ length: results }, (_, k) => RESULTS + 8 * k);
    c.swMask = 0x220; // PE and C1 (round-up) depend on the last bits of the 64-bit result
    out.push(c.finish());
  }
  return out;
}

function control(r: Rng, count: number): StoredX87Case[] {
  const out: StoredX87Case[] = [];
  const kinds = ['fnstenv', 'fnstenv16', 'fldenv', 'fldenv16', 'fnstcw', 'fldcw', 'fnclex', 'fninit', 'fnstsw', 'fnsave16', 'frstor16', 'fnop', 'wait'] as const;
  for (let n = 0; n < count; n++) {
    const kind = kinds[n % kinds.length];
    const st: (number | undefined)[] = [];
    for (let k = 0; k < 8; k++) st.push(r.chance(0.6) ? value(r) : undefined);
    const c = new CaseBuilder(`control/${kind}/${n}`, { cw: controlWord(r.below(4), r.chance(0.2) ? 1 : 0), st, top: r.below(8), sw: r.u32() & 0x477f });
    switch (kind) {
      case 'fnstenv':
        c.mem32(0xd9, 6, RESULTS);
        c.skip = [[RESULTS + 12, 16]];
        break;
      case 'fnstenv16':
        c.mem32(0xd9, 6, RESULTS, true);
        c.skip = [[RESULTS + 6, 8]];
        break;
      case 'fldenv': {
        const env = new Uint8Array(28);
        const dv = new DataView(env.buffer);
        dv.setUint16(0, (r.u32() & 0x0f3f) | 0x0200, true);
        dv.setUint16(4, r.u32() & 0x7fff, true);
        dv.setUint16(8, r.u32(), true);
        c.put(OPERANDS, env);
        c.mem32(0xd9, 4, OPERANDS);
        break;
      }
      case 'fldenv16': {
        const env = new Uint8Array(14);
        const dv = new DataView(env.buffer);
        dv.setUint16(0, (r.u32() & 0x0f3f) | 0x0200, true);
        dv.setUint16(2, r.u32() & 0x7fff, true);
        dv.setUint16(4, r.u32(), true);
        c.put(OPERANDS, env);
        c.mem32(0xd9, 4, OPERANDS, true);
        break;
      }
      case 'fnstcw':
        c.mem32(0xd9, 7, RESULTS);
        break;
      case 'fldcw':
        c.put(OPERANDS, intBytes((r.u32() & 0x1f7f) | 0x0200, 2));
        c.mem32(0xd9, 5, OPERANDS);
        c.mem32(0xd9, 7, RESULTS);
        break;
      case 'fnclex':
        c.bytes(0xdb, 0xe2);
        break;
      case 'fninit':
        c.bytes(0xdb, 0xe3);
        break;
      case 'fnstsw':
        c.mem32(0xdd, 7, RESULTS);
        c.bytes(0xdf, 0xe0);
        break;
      case 'fnsave16':
        c.mem32(0xdd, 6, RESULTS, true);
        c.skip = [[RESULTS + 6, 8]];
        break;
      case 'frstor16': {
        const img = new Uint8Array(94);
        const dv = new DataView(img.buffer);
        dv.setUint16(0, 0x027f | (r.below(4) << 10), true);
        dv.setUint16(2, r.u32() & 0x7f7f, true);
        dv.setUint16(4, r.u32(), true);
        for (let k = 0; k < 8; k++) img.set(f80Bytes(value(r)), 14 + 10 * k);
        c.put(OPERANDS, img);
        c.mem32(0xdd, 4, OPERANDS, true);
        break;
      }
      case 'fnop':
        c.bytes(0xd9, 0xd0);
        break;
      case 'wait':
        c.bytes(0x9b);
        break;
    }
    out.push(c.finish());
  }
  return out;
}

/**
 * Short random programs over the exactly modeled forms (no transcendental
 * functions, no FPREM): TOP wrap-around, tags, stack faults and flags across
 * instructions. Values stay within 2^±30, but a program can still square its
 * way out of the f64 range; `keep` (the generator's model run) drops programs
 * whose run raised OE or UE, the documented f64 region.
 */
function sequences(r: Rng, count: number): StoredX87Case[] {
  const out: StoredX87Case[] = [];
  const regOps = [0xd8, 0xdc, 0xde];
  while (out.length < count) {
    const st: (number | undefined)[] = [];
    for (let k = 0; k < 8; k++) st.push(r.chance(0.5) ? finiteValue(r) : undefined);
    const c = new CaseBuilder(`sequences/${out.length}`, { cw: controlWord(r.below(4)), st, top: r.below(8) });
    c.eflags = 0x202 | (r.u32() & 0x8d5);
    const n = 3 + r.below(6);
    let res = 0;
    for (let k = 0; k < n; k++) {
      const i = r.below(8);
      switch (r.below(16)) {
        case 0:
          c.put(OPERANDS + 8 * k, f64Bytes(finiteValue(r)));
          c.mem32(0xdd, 0, OPERANDS + 8 * k);
          break;
        case 1:
          c.bytes(0xd9, r.pick([0xe8, 0xee, 0xe0, 0xe1, 0xfa, 0xfc, 0xf6, 0xf7, 0xe4, 0xe5]));
          break;
        case 2:
        case 3:
        case 4:
          c.bytes(r.pick(regOps), 0xc0 | (r.pick(ARITH_DIGITS) << 3) | i);
          break;
        case 5:
          c.bytes(0xd9, 0xc8 | i); // FXCH
          break;
        case 6:
          c.bytes(0xdd, r.pick([0xd0, 0xd8, 0xc0, 0xe0, 0xe8]) | i); // FST/FSTP/FFREE/FUCOM/FUCOMP
          break;
        case 7:
          c.bytes(0xd9, 0xc0 | i); // FLD ST(i)
          break;
        case 8:
          c.bytes(r.pick([0xdb, 0xdf]), r.pick([0xe8, 0xf0]) | i); // FUCOMI/FCOMI(P)
          break;
        case 9:
          c.bytes(r.pick([0xda, 0xdb]), 0xc0 | (r.below(4) << 3) | i); // FCMOVcc
          break;
        case 10:
          c.bytes(0xd8, 0xd0 | (r.below(2) << 3) | i); // FCOM/FCOMP
          break;
        case 11:
          c.bytes(0xdf, 0xe0); // FNSTSW AX
          break;
        case 12:
          if (res < 8) c.mem32(r.pick([0xdb, 0xdf]), r.pick([2, 3]), RESULTS + 8 * res++); // FIST(P) m32/m16
          break;
        case 13:
          if (res < 8) c.mem32(r.pick([0xdd, 0xd9]), r.pick([2, 3]), RESULTS + 8 * res++); // FST(P) m64/m32
          break;
        case 14:
          c.bytes(0xd9, 0xfd); // FSCALE
          break;
        default:
          c.bytes(r.pick([0xde, 0xda]), r.pick([0xd9, 0xe9])); // FCOMPP, FUCOMPP
      }
    }
    c.put(RESULTS, new Uint8Array(64));
    out.push(c.finish());
  }
  return out;
}

export interface Family {
  name: string;
  note?: string;
  build: (r: Rng) => StoredX87Case[];
  /** A filter on the model's own run (see sequences). */
  keep?: 'no-oe-ue';
}

export const FAMILIES: readonly Family[] = [
  { name: 'arith', build: (r) => arith(r, 1500) },
  { name: 'load-store', build: (r) => loadStore(r, 1000) },
  { name: 'constants', note: 'registers and PE/C1 masked: the 80-bit constants are wider than the model\'s doubles; the m64fp result is compared', build: () => constants() },
  { name: 'compare', build: (r) => compare(r, 800) },
  { name: 'functions', build: (r) => functions(r, 600) },
  { name: 'transcendental', note: 'f64 approximations: registers and PE/C1 masked, stored m64fp results compared within a relative tolerance', build: (r) => transcendental(r, 240) },
  { name: 'sequences', note: 'random programs; those whose model run raised OE or UE (outside the f64 range) are not kept', build: (r) => sequences(r, 1200), keep: 'no-oe-ue' },
  { name: 'control', note: 'FIP/FDP/FOP and selectors of stored environments masked (not recorded by the model)', build: (r) => control(r, 360) },
];
