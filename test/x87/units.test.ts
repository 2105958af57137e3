// Unit tests of the x87 unit's building blocks: format conversions, rounding
// in the four RC modes (checked against exact rational arithmetic), and the
// register stack, tags, stack faults and #NM, run as guest code.
import { describe, expect, it } from 'vitest';
import * as L from '../../src/cpu/layout.js';
import { FlatUserContext } from '../../src/interp/flat.js';
import {
  f32ToF64, f64ToBcd, f64ToF32, f64ToF80, f80ToF64, fromWords, hiWord, INDEFINITE, loWord, nextDown, nextUp, propagateNaN, Rc, roundInt, bcdToF64,
} from '../../src/semantics/x87/float-bits.js';
import * as R from '../../src/semantics/x87/rounding.js';
import { Rng } from '../../scripts/cpu-oracle/rng.js';

function hex80(v: number): string {
  const b = new Uint8Array(10);
  f64ToF80(v, b, 0);
  return [...b].reverse().map((x) => x.toString(16).padStart(2, '0')).join('');
}
function from80(h: string): ReturnType<typeof f80ToF64> {
  const b = new Uint8Array(10);
  for (let k = 0; k < 10; k++) b[9 - k] = parseInt(h.substr(2 * k, 2), 16);
  return f80ToF64(b, 0);
}
function bits(v: number): string {
  return hiWord(v).toString(16).padStart(8, '0') + loWord(v).toString(16).padStart(8, '0');
}

describe('double-extended conversion', () => {
  it('writes sign, biased exponent and explicit integer bit', () => {
    expect(hex80(1)).toBe('3fff8000000000000000');
    expect(hex80(-2)).toBe('c0008000000000000000');
    expect(hex80(0.1)).toBe('3ffbccccccccccccd000');
    expect(hex80(-0)).toBe('80000000000000000000');
    expect(hex80(Infinity)).toBe('7fff8000000000000000');
    expect(hex80(INDEFINITE)).toBe('ffffc000000000000000');
  });
  it('normalizes double denormals (normal numbers in the extended format)', () => {
    expect(hex80(5e-324)).toBe('3bcd8000000000000000');
    expect(hex80(2 ** -1023)).toBe('3c008000000000000000');
  });
  it('round-trips every double, NaN payloads included', () => {
    const r = new Rng(5);
    for (let k = 0; k < 2000; k++) {
      const v = fromWords(r.u32(), r.u32());
      const b = new Uint8Array(10);
      f64ToF80(v, b, 0);
      const back = f80ToF64(b, 0);
      expect(bits(back.value)).toBe(bits(v));
      expect(back.inexact).toBe(false);
    }
  });
  it('rounds wider significands and flags unsupported encodings', () => {
    expect(from80('3fff8000000000000001')).toMatchObject({ value: 1, inexact: true, unsupported: false });
    // Unnormal (integer bit clear, exponent non-zero) and pseudo-infinity are invalid on P6.
    expect(from80('3fff0000000000000000').unsupported).toBe(true);
    expect(from80('7fff0000000000000000').unsupported).toBe(true);
    // Beyond the double range: infinity; an extended denormal: zero.
    expect(from80('7ffe8000000000000000').value).toBe(Infinity);
    expect(Object.is(from80('80000000000000000001').value, -0)).toBe(true);
    // A NaN whose payload lies only in the dropped bits stays a NaN.
    expect(Number.isNaN(from80('7fff8000000000000001').value)).toBe(true);
  });
});

describe('single precision and integers', () => {
  it('rounds to single in every mode', () => {
    expect(f64ToF32(0.1, Rc.NEAREST)).toMatchObject({ bits: 0x3dcccccd, inexact: true, up: true });
    expect(f64ToF32(0.1, Rc.DOWN)).toMatchObject({ bits: 0x3dcccccc, up: false });
    expect(f64ToF32(-0.1, Rc.DOWN)).toMatchObject({ bits: 0xbdcccccd, up: true });
    expect(f64ToF32(1e39, Rc.ZERO)).toMatchObject({ bits: 0x7f7fffff, overflow: true });
    expect(f64ToF32(1e39, Rc.NEAREST)).toMatchObject({ bits: 0x7f800000, overflow: true });
    // Just above the largest single but below 2^128: truncation is no overflow, rounding up is.
    expect(f64ToF32(3.4028235e38 + 1e30, Rc.ZERO)).toMatchObject({ bits: 0x7f7fffff, overflow: false, inexact: true });
    expect(f64ToF32(3.4028235e38 + 1e30, Rc.UP)).toMatchObject({ bits: 0x7f800000, overflow: true });
    expect(f64ToF32(1e-46, Rc.UP)).toMatchObject({ bits: 1, underflow: true });
    expect(f32ToF64(0x00000001)).toBe(2 ** -149);
    expect(bits(f32ToF64(0x7f800001))).toBe('7ff0000020000000');
  });
  it('rounds to integers by RC, ties to even', () => {
    expect([2.5, -2.5, 3.5, -0.4, 0.5].map((v) => roundInt(v, Rc.NEAREST))).toEqual([2, -2, 4, -0, 0]);
    expect([-0.5, 1.7].map((v) => roundInt(v, Rc.DOWN))).toEqual([-1, 1]);
    expect([0.1, -1.7].map((v) => roundInt(v, Rc.UP))).toEqual([1, -1]);
    expect([-1.7, 1.7].map((v) => roundInt(v, Rc.ZERO))).toEqual([-1, 1]);
  });
  it('packs BCD both ways', () => {
    const b = new Uint8Array(10);
    f64ToBcd(-1234567890123, b, 0);
    expect([...b].map((x) => x.toString(16))).toEqual(['23', '1', '89', '67', '45', '23', '1', '0', '0', '80']);
    expect(bcdToF64(b, 0)).toBe(-1234567890123);
  });
  it('chooses the NaN with the larger quieted significand', () => {
    const q = fromWords(0x7ff80000, 0x1234);
    const s = fromWords(0xfff40000, 5);
    expect(bits(propagateNaN(q, s))).toBe('fffc000000000005');
    expect(bits(propagateNaN(q, 1))).toBe('7ff8000000001234');
    // Equal significands: the positive NaN, whatever the order.
    const neg = fromWords(0xfff80000, 0x1234);
    expect(bits(propagateNaN(neg, q))).toBe('7ff8000000001234');
    expect(bits(propagateNaN(q, neg))).toBe('7ff8000000001234');
  });
});

// Exact rationals m * 2^e for checking directed rounding.
function rational(v: number): [bigint, number] {
  let e = 0;
  let x = v;
  while (!Number.isInteger(x)) {
    x *= 2;
    e--;
  }
  return [BigInt(x), e];
}
function cmp(a: [bigint, number], b: [bigint, number]): number {
  const e = Math.min(a[1], b[1]);
  const x = a[0] << BigInt(a[1] - e);
  const y = b[0] << BigInt(b[1] - e);
  return x < y ? -1 : x > y ? 1 : 0;
}
function mulExact(a: number, b: number): [bigint, number] {
  const [ma, ea] = rational(a);
  const [mb, eb] = rational(b);
  return [ma * mb, ea + eb];
}
function addExact(a: number, b: number): [bigint, number] {
  const x = rational(a);
  const y = rational(b);
  const e = Math.min(x[1], y[1]);
  return [(x[0] << BigInt(x[1] - e)) + (y[0] << BigInt(y[1] - e)), e];
}

describe('directed rounding (rounding.ts)', () => {
  const r = new Rng(11);
  const value = (): number => (r.chance(0.5) ? -1 : 1) * (1 + r.u32() / 2 ** 32 + r.u32() / 2 ** 64) * 2 ** (r.below(80) - 40);
  for (const [name, op, exactOf] of [
    ['add', R.add, addExact],
    ['mul', R.mul, mulExact],
  ] as const) {
    it(`${name}: DOWN <= exact <= UP, one step apart when inexact; NEAREST is one of them; C1 marks growth`, () => {
      for (let k = 0; k < 3000; k++) {
        const a = value();
        const b = value();
        const exact = exactOf(a, b);
        const down = op(a, b, Rc.DOWN);
        const up = op(a, b, Rc.UP);
        const near = op(a, b, Rc.NEAREST);
        const zero = op(a, b, Rc.ZERO);
        expect(cmp(rational(down.value), exact)).toBeLessThanOrEqual(0);
        expect(cmp(rational(up.value), exact)).toBeGreaterThanOrEqual(0);
        if (down.inexact) expect(up.value).toBe(nextUp(down.value));
        else expect(up.value).toBe(down.value);
        expect([down.value, up.value]).toContain(near.value);
        expect(Math.abs(zero.value)).toBe(Math.min(Math.abs(down.value), Math.abs(up.value)));
        if (near.inexact) expect(near.up).toBe(Math.abs(near.value) > Math.abs(near.value === up.value ? down.value : up.value));
      }
    });
  }
  it('div and sqrt bracket the exact result', () => {
    for (let k = 0; k < 3000; k++) {
      const a = Math.abs(value());
      const b = value();
      const dd = R.div(a, b, Rc.DOWN).value;
      const du = R.div(a, b, Rc.UP).value;
      // q is exact-or-bracketing when q*b lands on the right side of a.
      expect(cmp(mulExact(dd, b), rational(a)) * Math.sign(b)).toBeLessThanOrEqual(0);
      expect(cmp(mulExact(du, b), rational(a)) * Math.sign(b)).toBeGreaterThanOrEqual(0);
      const sd = R.sqrt(a, Rc.DOWN).value;
      const su = R.sqrt(a, Rc.UP).value;
      expect(cmp(mulExact(sd, sd), rational(a))).toBeLessThanOrEqual(0);
      expect(cmp(mulExact(su, su), rational(a))).toBeGreaterThanOrEqual(0);
      expect(su === sd || su === nextUp(sd)).toBe(true);
    }
  });
  it('mul, div and sqrt stay correct for operands far from 1 (the scaled path)', () => {
    const wide = (): number => (r.chance(0.5) ? -1 : 1) * (1 + r.u32() / 2 ** 32 + r.u32() / 2 ** 64) * 2 ** (r.below(1800) - 900);
    let checked = 0;
    while (checked < 1500) {
      const a = wide();
      const b = wide();
      const p = a * b;
      const q = Math.abs(a) / b;
      if (!(Math.abs(p) > 2 ** -1000 && Math.abs(p) < 2 ** 1000 && Math.abs(q) > 2 ** -1000 && Math.abs(q) < 2 ** 1000)) continue;
      checked++;
      const exact = mulExact(a, b);
      const down = R.mul(a, b, Rc.DOWN).value;
      const up = R.mul(a, b, Rc.UP).value;
      expect(cmp(rational(down), exact)).toBeLessThanOrEqual(0);
      expect(cmp(rational(up), exact)).toBeGreaterThanOrEqual(0);
      expect(up === down || up === nextUp(down)).toBe(true);
      const dd = R.div(Math.abs(a), b, Rc.DOWN).value;
      const du = R.div(Math.abs(a), b, Rc.UP).value;
      expect(cmp(mulExact(dd, b), rational(Math.abs(a))) * Math.sign(b)).toBeLessThanOrEqual(0);
      expect(cmp(mulExact(du, b), rational(Math.abs(a))) * Math.sign(b)).toBeGreaterThanOrEqual(0);
      const sd = R.sqrt(Math.abs(a), Rc.DOWN).value;
      const su = R.sqrt(Math.abs(a), Rc.UP).value;
      expect(cmp(mulExact(sd, sd), rational(Math.abs(a)))).toBeLessThanOrEqual(0);
      expect(cmp(mulExact(su, su), rational(Math.abs(a)))).toBeGreaterThanOrEqual(0);
    }
  });
  it('signs exact zero sums by the mode', () => {
    expect(Object.is(R.add(1, -1, Rc.NEAREST).value, 0)).toBe(true);
    expect(Object.is(R.add(1, -1, Rc.DOWN).value, -0)).toBe(true);
    expect(Object.is(R.add(-0, -0, Rc.NEAREST).value, -0)).toBe(true);
    expect(nextDown(0)).toBe(-5e-324);
  });
});

// Guest-code tests of the stack: code at 1 MiB, data at 32 KiB.
const CODE = 0x100000;
const DATA = 0x8000;
const W = (off: number): number => off >> 2;

function machine(): FlatUserContext {
  return new FlatUserContext([
    { linear: CODE, size: 0x1000 },
    { linear: DATA, size: 0x1000 },
  ]);
}
function run(ctx: FlatUserContext, code: number[]): number {
  ctx.writeBytes(CODE, new Uint8Array(code));
  return ctx.run(CODE, CODE + code.length, 100).vector;
}
const abs = (a: number): number[] => [a & 0xff, (a >> 8) & 0xff, (a >> 16) & 0xff, a >>> 24];
const FNINIT = [0xdb, 0xe3];
const FLD1 = [0xd9, 0xe8];
const FNSTSW_AX = [0xdf, 0xe0];

describe('register stack', () => {
  it('pushes into decreasing TOP and tags registers in use', () => {
    const ctx = machine();
    expect(run(ctx, [...FNINIT, ...FLD1, 0xd9, 0xee, ...FNSTSW_AX])).toBe(-1); // FLD1, FLDZ
    const s = ctx.state.u32;
    expect(s[W(L.FPU_TOP)]).toBe(6);
    expect(s[W(L.FPU_TAG)]).toBe(0x0fff);
    expect(ctx.regs()[0] & 0xffff).toBe(6 << 11);
    expect(ctx.state.f64[(L.FPU_ST >> 3) + 6]).toBe(0);
    expect(ctx.state.f64[(L.FPU_ST >> 3) + 7]).toBe(1);
  });
  it('stack overflow: IE, SF and C1, the indefinite pushed while IE is masked', () => {
    const ctx = machine();
    const code = [...FNINIT];
    for (let k = 0; k < 9; k++) code.push(...FLD1);
    expect(run(ctx, [...code, ...FNSTSW_AX])).toBe(-1);
    expect((ctx.regs()[0] & 0xffff).toString(16)).toBe((0x0200 | 0x41 | (7 << 11)).toString(16));
    expect(bits(ctx.state.f64[(L.FPU_ST >> 3) + 7])).toBe(bits(INDEFINITE));
  });
  it('stack underflow: IE and SF with C1 clear; unmasked, the destination is left alone and ES/B set', () => {
    const ctx = machine();
    // FSTP m64 from an empty ST(0) stores the indefinite and still pops (TOP 0 -> 1).
    expect(run(ctx, [...FNINIT, 0xdd, 0x1d, ...abs(DATA), ...FNSTSW_AX])).toBe(-1);
    expect(ctx.regs()[0] & 0xffff).toBe((1 << 11) | 0x41);
    expect([...ctx.readBytes(DATA, 8)]).toEqual([0, 0, 0, 0, 0, 0, 0xf8, 0xff]);
    // Unmasked IE (control word 037EH): nothing stored, TOP unchanged.
    ctx.writeBytes(DATA, new Uint8Array(8));
    ctx.writeBytes(DATA + 16, new Uint8Array([0x7e, 0x03]));
    expect(run(ctx, [...FNINIT, 0xd9, 0x2d, ...abs(DATA + 16), 0xdd, 0x1d, ...abs(DATA), ...FNSTSW_AX])).toBe(-1);
    expect((ctx.regs()[0] & 0xffff).toString(16)).toBe('80c1');
    expect([...ctx.readBytes(DATA, 8)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
  it('FNSTENV computes the tag classes from the contents (valid, zero, special, empty)', () => {
    const ctx = machine();
    // FLD1, FLDZ, FLD1 FCHS FSQRT (NaN), FNSTENV [DATA]
    expect(run(ctx, [...FNINIT, ...FLD1, 0xd9, 0xee, ...FLD1, 0xd9, 0xe0, 0xd9, 0xfa, 0xd9, 0x35, ...abs(DATA)])).toBe(-1);
    const tw = ctx.readBytes(DATA + 8, 2);
    // Physical 7: valid (00), 6: zero (01), 5: special (10), others empty (11).
    expect(((tw[1] << 8) | tw[0]).toString(2).padStart(16, '0')).toBe('0001101111111111');
  });
  it('a store that faults changes neither memory nor the stack', () => {
    const ctx = machine();
    // FSTP m80 straddling the end of the data region: #PF, TOP stays.
    const vector = run(ctx, [...FNINIT, ...FLD1, 0xdb, 0x3d, ...abs(DATA + 0xffa)]);
    expect(vector).toBe(14);
    expect(ctx.state.u32[W(L.FPU_TOP)]).toBe(7);
    expect([...ctx.readBytes(DATA + 0xffa, 6)]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('device-not-available (#NM, SDM Vol. 3, table 2-2)', () => {
  it('CR0.EM or CR0.TS faults every x87 instruction; WAIT only with TS and MP', () => {
    const ctx = machine();
    const cr0 = ctx.state.cr(0);
    ctx.state.setCr(0, cr0 | 4);
    expect(run(ctx, FLD1)).toBe(7);
    expect(run(ctx, [0x9b])).toBe(-1);
    ctx.state.setCr(0, cr0 | 8);
    expect(run(ctx, FNINIT)).toBe(7);
    expect(run(ctx, [0x9b])).toBe(-1);
    ctx.state.setCr(0, cr0 | 8 | 2);
    expect(run(ctx, [0x9b])).toBe(7);
    ctx.state.setCr(0, cr0);
    expect(run(ctx, [...FNINIT, ...FLD1, 0x9b])).toBe(-1);
  });
});

describe('environment images', () => {
  // Real-address-mode layouts (SDM Vol. 1, figures 8-10 and 8-12): the
  // instruction and operand pointers are split around the opcode.
  it('FLDENV then FNSTENV round-trips the 32- and 16-bit real-mode images', () => {
    const ctx = machine();
    ctx.state.u32[W(L.MODE)] = 2 | 4; // 32-bit code and stack, not protected: real-mode image layout
    ctx.interp.cpu.syncMode();
    const env32 = new Uint8Array(28);
    const dv = new DataView(env32.buffer);
    dv.setUint32(0, 0xffff0b7f, true); // control
    dv.setUint32(4, 0xffff4123, true); // status: C3, C0, TOP 0, PE UE... flags
    dv.setUint32(8, 0xffff3fff, true); // tags: physical 7 in use
    dv.setUint32(12, 0xffff5678, true); // FIP[15:0]
    dv.setUint32(16, (0x1234 << 12) | 0x5d9, true); // FIP[31:16], opcode
    dv.setUint32(20, 0xffff9abc, true); // FDP[15:0]
    dv.setUint32(24, 0xdef0 << 12, true); // FDP[31:16]
    ctx.writeBytes(DATA, env32);
    expect(run(ctx, [0xd9, 0x25, ...abs(DATA), 0xd9, 0x35, ...abs(DATA + 0x40)])).toBe(-1);
    expect(ctx.state.u32[W(L.FPU_IP)].toString(16)).toBe('12345678');
    expect(ctx.state.u32[W(L.FPU_DP)].toString(16)).toBe('def09abc');
    expect(ctx.state.u32[W(L.FPU_OPCODE)].toString(16)).toBe('5d9');
    const back = ctx.readBytes(DATA + 0x40, 28);
    // FNSTENV masks all exceptions after storing; the image itself is the loaded one
    // except the tag classes, recomputed from physical register 7's contents (0.0: zero, 01).
    const want = env32.slice();
    new DataView(want.buffer).setUint32(8, 0xffff7fff, true);
    expect([...back]).toEqual([...want]);
    expect(ctx.state.u32[W(L.FPU_CONTROL)] & 0x3f).toBe(0x3f);

    const env16 = new Uint8Array(14);
    const d16 = new DataView(env16.buffer);
    d16.setUint16(0, 0x037f, true);
    d16.setUint16(2, 0x3800, true); // TOP 7
    d16.setUint16(4, 0xffff, true);
    d16.setUint16(6, 0x5678, true);
    d16.setUint16(8, (0x9 << 12) | 0x123, true); // FIP[19:16], opcode
    d16.setUint16(10, 0x9abc, true);
    d16.setUint16(12, 0xd << 12, true);
    ctx.writeBytes(DATA, env16);
    expect(run(ctx, [0x66, 0xd9, 0x25, ...abs(DATA), 0x66, 0xd9, 0x35, ...abs(DATA + 0x40)])).toBe(-1);
    expect(ctx.state.u32[W(L.FPU_TOP)]).toBe(7);
    expect(ctx.state.u32[W(L.FPU_IP)].toString(16)).toBe('95678');
    expect([...ctx.readBytes(DATA + 0x40, 14)]).toEqual([...env16]);
  });
});
