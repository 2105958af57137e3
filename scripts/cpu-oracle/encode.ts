// Encodes one instruction from its InsnForm plus operand choices: prefixes,
// opcode bytes (+register), ModRM / SIB / displacement (SDM Vol. 2, 2.1 and
// tables 2-1 to 2-3), moffs and immediates.

import type { ImmCode, InsnForm } from '../../src/arch/types.js';

/** A 32-bit memory operand: base + index << scale + disp. -1 = absent. */
export interface Mem32 {
  base: number;
  index: number;
  scale: number;
  disp: number;
  /** Displacement bytes to encode: 0, 1 or 4 (forced up when the mode needs one). */
  dispSize: 0 | 1 | 4;
}

/** A 16-bit memory operand by its ModRM row: rm 0..7 = [BX+SI] [BX+DI] [BP+SI] [BP+DI] [SI] [DI] [BP] [BX]. */
export interface Mem16 {
  rm: number;
  /** 0 (no disp; rm 6 then means [disp16]), 1 (disp8) or 2 (disp16). */
  mod: 0 | 1 | 2;
  disp: number;
}

export type RmChoice = { reg: number } | { mem32: Mem32 } | { mem16: Mem16 };

export interface EncodeChoice {
  /** ModRM.reg for /r forms, or the register added to the opcode for +r forms. */
  reg: number;
  rm?: RmChoice;
  /** One value per form.imms entry, in order. */
  imms: number[];
  /** Address for a moffs operand. */
  moffs?: number;
  /** Prefixes placed first (F0, F2, F3, segment overrides), in order. */
  prefixes?: number[];
  /** Emit 67 (16-bit addressing); implied by a Mem16 operand and by form.addrSize 16. */
  addr16?: boolean;
}

const IMM_BYTES: Readonly<Record<ImmCode, number>> = { ib: 1, iw: 2, id: 4, cb: 1, cw: 2, cd: 4, cp: 6 };

function pushLE(out: number[], value: number, bytes: number): void {
  for (let i = 0; i < bytes; i++) out.push(Math.floor(value / 2 ** (8 * i)) & 0xff);
}

function fitsI8(v: number): boolean {
  return (v | 0) >= -128 && (v | 0) <= 127;
}

function modrmMem32(reg: number, m: Mem32, out: number[]): void {
  const r = (reg & 7) << 3;
  if (m.base < 0 && m.index < 0) {
    out.push(0x05 | r);
    pushLE(out, m.disp >>> 0, 4);
    return;
  }
  let dispSize = m.dispSize;
  if (dispSize === 1 && !fitsI8(m.disp)) dispSize = 4;
  if (dispSize === 0 && m.base === 5) dispSize = 1; // [EBP] needs mod 01 with disp8 0
  const needSib = m.index >= 0 || m.base === 4 || m.base < 0;
  if (needSib && m.index === 4) throw new Error('ESP cannot be an index register');
  let mod = dispSize === 0 ? 0 : dispSize === 1 ? 1 : 2;
  if (m.base < 0) {
    mod = 0; // SIB with base 101 and mod 00: disp32, no base
    dispSize = 4;
  }
  if (!needSib) {
    out.push((mod << 6) | r | m.base);
  } else {
    out.push((mod << 6) | r | 4);
    const index = m.index < 0 ? 4 : m.index;
    const base = m.base < 0 ? 5 : m.base;
    out.push(((m.scale & 3) << 6) | (index << 3) | base);
  }
  if (dispSize === 1) out.push(m.disp & 0xff);
  else if (dispSize === 4) pushLE(out, m.disp >>> 0, 4);
}

function modrmMem16(reg: number, m: Mem16, out: number[]): void {
  out.push((m.mod << 6) | ((reg & 7) << 3) | (m.rm & 7));
  if (m.mod === 1) out.push(m.disp & 0xff);
  else if (m.mod === 2 || (m.mod === 0 && m.rm === 6)) pushLE(out, m.disp & 0xffff, 2);
}

/** Whether the choice addresses memory with 16-bit addressing. */
export function usesAddr16(form: InsnForm, c: EncodeChoice): boolean {
  return Boolean(c.addr16) || form.addrSize === 16 || (c.rm !== undefined && 'mem16' in c.rm);
}

export function encode(form: InsnForm, c: EncodeChoice): number[] {
  const out: number[] = [...(c.prefixes ?? [])];
  if (form.opSize === 16) out.push(0x66);
  const addr16 = usesAddr16(form, c);
  if (addr16) out.push(0x67);
  if (form.mandatoryPrefix) out.push(form.mandatoryPrefix);
  const opcode = [...form.bytes];
  if (form.regInOpcode) opcode[opcode.length - 1] += c.reg & 7;
  out.push(...opcode);
  if (form.hasModrm) {
    const reg = form.modrmReg >= 0 ? form.modrmReg : c.reg;
    const rm = c.rm;
    if (!rm) throw new Error(`${form.instruction}: ModRM form needs an r/m choice`);
    if ('reg' in rm) out.push(0xc0 | ((reg & 7) << 3) | (rm.reg & 7));
    else if ('mem32' in rm) modrmMem32(reg, rm.mem32, out);
    else modrmMem16(reg, rm.mem16, out);
  }
  if (form.operands.some((o) => o.startsWith('moffs'))) {
    if (c.moffs === undefined) throw new Error(`${form.instruction}: moffs address missing`);
    pushLE(out, c.moffs >>> 0, addr16 ? 2 : 4);
  }
  form.imms.forEach((code, i) => {
    const v = c.imms[i];
    if (v === undefined) throw new Error(`${form.instruction}: immediate ${i} missing`);
    pushLE(out, v >>> 0, IMM_BYTES[code]);
  });
  return out;
}

/** Bytes an immediate code occupies. */
export function immBytes(code: ImmCode): number {
  return IMM_BYTES[code];
}
