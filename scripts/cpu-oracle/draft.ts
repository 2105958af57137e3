// A test case under construction: the input registers, flags and memory, the
// code, the encodings to cross-check with the decoder, and the undefined masks.

import type { InsnForm } from '../../src/arch/types.js';
import { DATA_BASE, DATA_SIZE, DEFAULT_ESP, type MemRun } from '../../test/support/cpu-fixture.js';
import { encode, type EncodeChoice } from './encode.js';
import type { Rng } from './rng.js';
import { randomFlags, widthMask } from './values.js';

export const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;

/** An encoding placed in the case's code that must decode back to `form`. */
export interface EncodingCheck {
  at: number;
  length: number;
  form: InsnForm;
  /** The encoding is deliberately invalid (LOCK on a register operand): the decoder must reject it. */
  invalid?: boolean;
}

export class Draft {
  regs: number[];
  eflags: number;
  memSeed: number;
  code: number[] = [];
  checks: EncodingCheck[] = [];
  /** Forms under test, in order. */
  forms: InsnForm[] = [];
  undefFlags = 0;
  undefRegs = 0;
  private patches = new Map<number, number>();

  constructor(readonly rng: Rng) {
    this.regs = Array.from({ length: 8 }, () => rng.u32());
    this.regs[ESP] = DEFAULT_ESP;
    this.eflags = randomFlags(rng);
    this.memSeed = rng.u32();
  }

  /** Sets a register of `width` bits; 8-bit registers 4-7 are AH CH DH BH. */
  setReg(reg: number, width: number, value: number): void {
    if (width === 8) {
      const r = reg & 3;
      const shift = reg >= 4 ? 8 : 0;
      this.regs[r] = ((this.regs[r] & ~(0xff << shift)) | ((value & 0xff) << shift)) >>> 0;
    } else if (width === 16) {
      this.regs[reg] = ((this.regs[reg] & 0xffff0000) | (value & 0xffff)) >>> 0;
    } else {
      this.regs[reg] = value >>> 0;
    }
  }

  getReg(reg: number, width: number): number {
    if (width === 8) return (this.regs[reg & 3] >>> (reg >= 4 ? 8 : 0)) & 0xff;
    return (this.regs[reg] & widthMask(width)) >>> 0;
  }

  /** Writes `bytes` little-endian bytes of `value` at data-area offset `off`. */
  poke(off: number, bytes: number, value: number): void {
    for (let i = 0; i < bytes; i++) this.pokeByte(off + i, Math.floor(value / 2 ** (8 * i)) & 0xff);
  }

  /** Like poke, but bytes outside the data area are dropped (operands placed to straddle its edge). */
  pokeClipped(off: number, bytes: number, value: number): void {
    for (let i = 0; i < bytes; i++) {
      if (off + i >= 0 && off + i < DATA_SIZE) this.pokeByte(off + i, Math.floor(value / 2 ** (8 * i)) & 0xff);
    }
  }

  pokeByte(off: number, value: number): void {
    if (off < 0 || off >= DATA_SIZE) throw new Error(`data offset ${off} outside the data area`);
    this.patches.set(off, value & 0xff);
  }

  /** Appends an instruction and records it for the decoder cross-check. */
  emit(form: InsnForm, choice: EncodeChoice, underTest = true): number[] {
    const bytes = encode(form, choice);
    const lockedReg = Boolean(choice.prefixes?.includes(0xf0)) && choice.rm !== undefined && 'reg' in choice.rm;
    this.checks.push({ at: this.code.length, length: bytes.length, form, invalid: lockedReg });
    this.code.push(...bytes);
    if (underTest) this.forms.push(form);
    return bytes;
  }

  /** Appends raw bytes (layout glue such as markers and jumps; not a form under test). */
  raw(...bytes: number[]): void {
    this.code.push(...bytes);
  }

  setFlag(mask: number, on: boolean): void {
    this.eflags = on ? this.eflags | mask : this.eflags & ~mask;
  }

  memRuns(): MemRun[] {
    const offs = [...this.patches.keys()].sort((a, b) => a - b);
    const runs: MemRun[] = [];
    let i = 0;
    while (i < offs.length) {
      let j = i;
      while (j + 1 < offs.length && offs[j + 1] === offs[j] + 1) j++;
      runs.push({ offset: offs[i], bytes: Uint8Array.from(offs.slice(i, j + 1).map((o) => this.patches.get(o) ?? 0)) });
      i = j + 1;
    }
    return runs;
  }
}

/** Linear address of a data-area offset. */
export function dataAddr(off: number): number {
  return (DATA_BASE + off) >>> 0;
}
