// The bulk REP path (src/semantics/string-bulk.ts) against the element loop:
// the same random string instruction runs once with 32-bit addressing (bulk)
// and once with the 67 prefix (16-bit addressing, which always takes the
// element loop) on addresses below 64 KiB, so both must end in the same
// registers, flags, memory and fault. Plus self-modification by REP STOSB.
import { describe, expect, it } from 'vitest';
import { FlatUserContext } from '../../src/interp/flat.js';
import { StopReason } from '../../src/interp/interpreter.js';
import { Rng } from '../../scripts/cpu-oracle/rng.js';
import { asm } from '../interp/asm.js';

const CODE = 0x1000;
const DATA = 0x4000;
const DATA_SIZE = 0x8000;
const ARITH = 0x8d5;

const KINDS = ['movs', 'stos', 'cmps', 'scas'] as const;
const SIZES = ['b', 'w', 'd'] as const;

interface Case {
  text: string;
  regs: number[];
  df: boolean;
  data: Uint8Array;
}

function randomCase(rng: Rng): Case {
  const kind = KINDS[rng.below(KINDS.length)];
  const size = SIZES[rng.below(SIZES.length)];
  const prefix = kind === 'cmps' || kind === 'scas' ? (rng.below(2) === 0 ? 'repe' : 'repne') : 'rep';
  const text = `${prefix} ${kind}${size}`;
  const data = new Uint8Array(DATA_SIZE);
  // Mostly a few distinct byte values, so compares find both equal and unequal runs.
  const palette = [0, 0x41, rng.below(256), rng.below(256)];
  for (let k = 0; k < DATA_SIZE; k++) data[k] = rng.below(8) === 0 ? rng.below(256) : palette[rng.below(rng.below(3) + 1)];
  if (rng.below(3) === 0) data.fill(palette[0], rng.below(DATA_SIZE), rng.below(DATA_SIZE));
  const near = (): number => {
    // Page ends, unaligned starts and the region's edges are where the bulk path cuts runs.
    const page = DATA + 0x1000 * rng.below(DATA_SIZE / 0x1000);
    const pick = rng.below(4);
    if (pick === 0) return page + 0x1000 - rng.below(9);
    if (pick === 1) return page + rng.below(9);
    if (pick === 2) return DATA + DATA_SIZE - rng.below(64);
    return DATA + rng.below(DATA_SIZE);
  };
  const esi = near();
  // Overlapping moves in both directions, and far-apart ones.
  const edi = rng.below(3) === 0 ? esi + rng.below(17) - 8 : near();
  const ecx = [0, 1, 2, 3, 5, 64, 4095, 4097, 9000][rng.below(9)] + rng.below(3);
  const regs = [rng.u32(), ecx, rng.u32(), 0, DATA + 0x7ff0, 0, esi, edi];
  if (kind === 'scas' && rng.below(2) === 0) regs[0] = data[(edi - DATA) & (DATA_SIZE - 1)] | (rng.u32() & ~0xff);
  return { text, regs, df: rng.below(3) === 0, data };
}

interface Outcome {
  reason: StopReason;
  vector: number;
  errorCode: number;
  regs: number[];
  flags: number;
  data: Uint8Array;
}

function run(ctx: FlatUserContext, code: Uint8Array, c: Case): Outcome {
  ctx.reset();
  ctx.fill(CODE, 0x1000, 0xcc);
  ctx.writeBytes(CODE, code);
  ctx.writeBytes(DATA, c.data);
  ctx.setRegs(c.regs);
  ctx.setEflags(c.df ? 0x602 : 0x202);
  const r = ctx.run(CODE, CODE + code.length);
  return { reason: r.reason, vector: r.vector, errorCode: r.errorCode, regs: ctx.regs(), flags: ctx.eflags() & ARITH, data: ctx.readBytes(DATA, DATA_SIZE) };
}

describe('REP string bulk path', () => {
  const ctx = new FlatUserContext([
    { linear: CODE, size: 0x1000 },
    { linear: DATA, size: DATA_SIZE },
  ]);
  const encoded = new Map<string, [Uint8Array, Uint8Array]>();
  const encode = (text: string): [Uint8Array, Uint8Array] => {
    let e = encoded.get(text);
    if (e === undefined) {
      e = [asm(text, 32, CODE), asm(`a16 ${text}`, 32, CODE)];
      encoded.set(text, e);
    }
    return e;
  };

  it('ends exactly as the element loop in 1,500 random cases', () => {
    const rng = new Rng(20261203);
    const failures: string[] = [];
    let faults = 0;
    let stoppedEarly = 0;
    for (let n = 0; n < 1500; n++) {
      const c = randomCase(rng);
      const [bulk, element] = encode(c.text);
      const a = run(ctx, bulk, c);
      const b = run(ctx, element, c);
      if (a.reason === StopReason.FAULT) faults++;
      if (a.reason === StopReason.STOP && a.regs[1] !== 0) stoppedEarly++;
      const what = `case ${n}: ${c.text} esi=${c.regs[6].toString(16)} edi=${c.regs[7].toString(16)} ecx=${c.regs[1]} df=${c.df}`;
      try {
        expect(a.reason).toBe(b.reason);
        expect(a.vector).toBe(b.vector);
        expect(a.errorCode).toBe(b.errorCode);
        expect(a.regs).toEqual(b.regs);
        expect(a.flags).toBe(b.flags);
        expect(Buffer.compare(a.data, b.data)).toBe(0);
      } catch (e) {
        failures.push(`${what}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    // The slice must reach page faults off the region and REPE/REPNE ending before ECX runs out.
    expect(faults).toBeGreaterThan(50);
    expect(stoppedEarly).toBeGreaterThan(50);
  });

  it('REP STOSB over the instructions that follow runs the new code', () => {
    const code = asm(
      `
      mov edi, patch
      mov ecx, 4
      mov al, 0x40          ; inc eax
      xor ebx, ebx
      rep stosb
    patch:
      nop
      nop
      nop
      nop
    `,
      32,
      CODE,
    );
    ctx.reset();
    ctx.writeBytes(CODE, code);
    ctx.setRegs([0, 0, 0, 0, DATA + 0x100, 0, 0, 0]);
    const r = ctx.run(CODE, CODE + code.length);
    expect(r.reason).toBe(StopReason.STOP);
    expect(ctx.regs()[0]).toBe(0x40 + 4);
  });
});
