// Case builders for data-processing forms: the generic operand-driven builder
// (ALU, moves, SETcc/CMOVcc, flag ops…), shifts and rotates, multiply and
// divide, BCD adjusts, bit instructions, CMPXCHG/CMPXCHG8B, LEA, BSWAP.
// Each one fills a Draft's inputs and emits the form; undefined-flag masks
// follow the SDM rule the comment names (see docs/cpu-fixtures.md).

import type { InsnForm } from '../../src/arch/types.js';
import { AF, CF, OF, PF, SF, ZF } from '../../src/arch/flags.js';
import { COMPARED_FLAGS, DATA_BASE, DATA_SIZE } from '../../test/support/cpu-fixture.js';
import { Draft, EAX, ECX, EDX, EBX } from './draft.js';
import { planMem16, planOperands, type Plan, type Slot } from './plan.js';
import { formWidth, parseOperands } from './operands.js';
import { edges, pairValue, randomValue, widthMask } from './values.js';

export type Builder = (d: Draft, form: InsnForm, k: number) => void;

/** Value slots (everything but rel/other/fixed-constant operands). */
function valueSlots(plan: Plan): Slot[] {
  return plan.slots.filter((s) => s.width > 0 && s.op.kind !== 'rel' && s.op.kind !== 'other');
}

/** Adds a LOCK prefix to some memory-destination forms that accept it, and to a few register ones (#UD). */
function maybeLock(d: Draft, plan: Plan): void {
  if (!plan.form.lock) return;
  const mem = plan.memOff >= 0;
  if (mem ? d.rng.chance(0.25) : d.rng.chance(0.03)) plan.choice.prefixes = [0xf0];
}

function tableUndef(form: InsnForm): number {
  return form.undef & COMPARED_FLAGS;
}

/**
 * Forms whose r/m or moffs operand really accesses memory, for page-fault cases.
 * ARPL is left out: it writes only conditionally, and whether its fault reports
 * a read or a write (error code bit 1) is not specified by the SDM (this CPU: read).
 */
function accessesMemory(form: InsnForm): boolean {
  if (['LEA', 'NOP', 'PAUSE', 'ARPL'].includes(form.mnemonic)) return false;
  return parseOperands(form).some((o) => (o.kind === 'rm' && form.modrmKind !== 'reg') || o.kind === 'moffs');
}

/**
 * A data-area offset for an operand of `bytes` bytes that crosses or lies
 * past an edge of the data area, so the access raises #PF (CR2 recorded).
 */
export function edgeOffset(k: number, bytes: number): number {
  const atEnd = (k >> 4) % 2 === 0;
  if (atEnd) return bytes > 1 ? DATA_SIZE - (bytes >> 1) : DATA_SIZE;
  return bytes > 1 ? -(bytes >> 1) : -1;
}

/**
 * Operand-driven: edge-value pairs into the first two value slots, random
 * values elsewhere. One case in 16 of a memory form puts the operand across
 * an edge of the data area: a page fault, nothing committed (SDM Vol. 3, 6.5).
 */
export const buildGeneric: Builder = (d, form, k) => {
  const faulting = k % 16 === 15 && accessesMemory(form);
  const width = formWidth(form);
  const plan = planOperands(d, form, faulting ? { rmIsReg: false, memOff: edgeOffset(k, Math.max(1, width >> 3)) } : {});
  valueSlots(plan).forEach((s, i) => s.set(i < 2 ? pairValue(d.rng, s.width, k, i) : randomValue(d.rng, s.width)));
  maybeLock(d, plan);
  d.undefFlags = tableUndef(form);
  d.emit(form, plan.choice);
};

const SHIFT_COUNTS = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 255];

/**
 * SAL/SAR/SHL/SHR, ROL/ROR/RCL/RCR, SHLD/SHRD. The count is masked to 5 bits;
 * a masked count of 0 changes no flag. Otherwise (SDM instruction pages):
 * OF is defined only for 1-bit shifts; shifts leave AF undefined (rotates do
 * not touch it); SHL/SHR leave CF undefined when the count >= the operand
 * width; SHLD/SHRD with a count > the operand width (16-bit forms) leave the
 * destination and every flag undefined.
 */
export const buildShift: Builder = (d, form, k) => {
  const mn = form.mnemonic;
  const plan = planOperands(d, form, { avoid: [ECX] });
  const width = formWidth(form);
  const slots = valueSlots(plan);
  const dest = slots[0];
  dest.set(pairValue(d.rng, width, k, 0));
  const countSlot = plan.slots.find((s) => (s.op.kind === 'fixed' && s.op.reg === ECX) || s.op.kind === 'imm');
  const one = plan.slots.some((s) => s.op.kind === 'one');
  const raw = one ? 1 : k < SHIFT_COUNTS.length ? SHIFT_COUNTS[k] : d.rng.chance(0.5) ? d.rng.below(width + 2) : d.rng.below(256);
  if (countSlot) countSlot.set(raw);
  const double = mn === 'SHLD' || mn === 'SHRD';
  if (double) slots[1].set(pairValue(d.rng, width, k + 7, 1));
  const count = raw & 31;
  let undef = 0;
  if (count !== 0) {
    if (count !== 1) undef |= OF;
    if (mn === 'SHL' || mn === 'SAL' || mn === 'SHR' || mn === 'SAR' || double) undef |= AF;
    if ((mn === 'SHL' || mn === 'SAL' || mn === 'SHR') && count >= width) undef |= CF;
    if (double && count > width) {
      undef |= OF | SF | ZF | AF | PF | CF;
      if (dest.reg >= 0) d.undefRegs |= 1 << dest.reg;
      else return buildShift(d, form, k + 1); // an undefined memory result cannot be masked
    }
  }
  d.undefFlags = undef;
  d.emit(form, plan.choice);
};

/** DIV/IDIV: dividends built to give a quotient that fits, plus divide-by-zero and quotient-overflow (#DE) cases. */
function buildDivide(d: Draft, form: InsnForm, k: number): void {
  const plan = planOperands(d, form, { avoid: [EAX, EDX] });
  const width = formWidth(form);
  const mask = widthMask(width);
  const signed = form.mnemonic === 'IDIV';
  const divisorSlot = valueSlots(plan)[0];
  let divisor = k % 16 === 0 ? 0 : pairValue(d.rng, width, k, 1) || 1;
  const kind = k % 16 === 0 ? 'zero' : k % 16 < 4 ? 'overflow' : 'normal';
  divisorSlot.set(divisor);
  divisor = divisorSlot.get() & mask;
  const sdiv = signed && width < 32 ? (divisor << (32 - width)) >> (32 - width) : signed ? divisor | 0 : divisor;
  let hi: bigint, lo: bigint;
  const w = BigInt(width);
  const m = (1n << w) - 1n;
  if (kind === 'normal' && sdiv !== 0) {
    // dividend = q * divisor + r with q in range.
    const qMax = signed ? (1n << (w - 1n)) - 1n : m;
    const qBits = BigInt(d.rng.below(width) + 1);
    let q = BigInt(d.rng.u32()) & ((1n << qBits) - 1n) & qMax;
    if (signed && d.rng.chance(0.5)) q = -q;
    const dv = BigInt(sdiv);
    const absD = dv < 0n ? -dv : dv;
    let r = absD > 1n ? BigInt(d.rng.u32()) % absD : 0n;
    // The remainder takes the dividend's sign (SDM IDIV), so it follows q * divisor.
    const prod = q * dv;
    if (signed && (prod < 0n || (prod === 0n && d.rng.chance(0.5)))) r = -r;
    const dividend = q * dv + r;
    const full = dividend & ((1n << (2n * w)) - 1n);
    hi = (full >> w) & m;
    lo = full & m;
  } else if (kind === 'overflow' && signed && k % 16 === 1) {
    // The one signed overflow with a representable dividend: -2^(2w-1) / -1.
    divisorSlot.set(mask);
    hi = m;
    lo = 1n << (w - 1n);
  } else {
    hi = BigInt(randomValue(d.rng, width)) & m;
    lo = BigInt(randomValue(d.rng, width)) & m;
    // Unsigned quotient overflow: the high half at least the divisor.
    if (kind === 'overflow' && !signed && hi < BigInt(divisor)) hi = BigInt(divisor);
  }
  if (width === 8) {
    d.setReg(EAX, 16, Number((hi << 8n) | lo));
  } else {
    d.setReg(EAX, width, Number(lo));
    d.setReg(EDX, width, Number(hi));
  }
  d.undefFlags = tableUndef(form);
  d.emit(form, plan.choice);
}

/** MUL/IMUL with an implicit accumulator, and the 2- and 3-operand IMUL forms. */
export const buildMulDiv: Builder = (d, form, k) => {
  if (form.mnemonic === 'DIV' || form.mnemonic === 'IDIV') return buildDivide(d, form, k);
  const explicit = form.operands.length;
  const plan = planOperands(d, form, { avoid: explicit === 1 ? [EAX, EDX] : [] });
  const width = formWidth(form);
  const slots = valueSlots(plan);
  if (explicit === 1) {
    d.setReg(EAX, width, pairValue(d.rng, width, k, 0));
    slots[0].set(pairValue(d.rng, width, k, 1));
  } else {
    slots.forEach((s, i) => s.set(pairValue(d.rng, s.width, k, Math.min(i, 1))));
    // r, r/m, imm: the value that matters is r/m times the immediate.
    if (slots.length === 3) slots[1].set(pairValue(d.rng, width, k, 0));
  }
  d.undefFlags = tableUndef(form);
  d.emit(form, plan.choice);
};

/** AAA AAS DAA DAS AAM AAD: every AL value with AF/CF in both states; AAM 0 raises #DE. */
export const buildBcd: Builder = (d, form, k) => {
  const plan = planOperands(d, form);
  const al = k < 256 ? (k * 97) & 0xff : d.rng.below(256);
  d.setReg(EAX, 8, al);
  d.setReg(4, 8, d.rng.chance(0.5) ? d.rng.below(10) : d.rng.below(256)); // AH
  d.setFlag(AF, (k >> 8) & 1 ? !(k & 1) : d.rng.chance(0.5));
  d.setFlag(CF, d.rng.chance(0.5));
  const imm = plan.slots.find((s) => s.op.kind === 'imm');
  if (imm) imm.set(k % 23 === 0 ? 0 : k % 5 === 0 ? d.rng.below(256) : k % 7 === 0 ? 16 : 10);
  d.undefFlags = tableUndef(form);
  d.emit(form, plan.choice);
};

/**
 * BT/BTS/BTR/BTC, BSF/BSR. Register bit offsets on a memory operand address a
 * bit string (SDM BT: the offset is signed, relative to the operand's address),
 * so the operand sits mid data area and offsets stay within +-3 KiB of it.
 * BSF/BSR of zero leave the destination undefined.
 */
export const buildBit: Builder = (d, form, k) => {
  const mn = form.mnemonic;
  const width = formWidth(form);
  if (mn === 'BSF' || mn === 'BSR') {
    const plan = planOperands(d, form);
    const src = valueSlots(plan)[1];
    const v = k % 8 === 0 ? 0 : k < 40 ? 2 ** (k % width) : randomValue(d.rng, width);
    src.set(v);
    d.undefFlags = tableUndef(form);
    if ((src.get() & widthMask(width)) === 0) d.undefRegs |= 1 << plan.slots[0].reg;
    d.emit(form, plan.choice);
    return;
  }
  // 16-bit addressing is kept out: how a bit offset combines with a 16-bit address is not what is tested here.
  const plan = planOperands(d, form, { memOff: 0x1800 + d.rng.below(0x100) * 4, noAddr16: true });
  maybeLock(d, plan);
  const [dest, offset] = valueSlots(plan);
  dest.set(pairValue(d.rng, width, k, 0));
  const isImm = offset.op.kind === 'imm';
  let off: number;
  if (isImm || plan.memOff < 0) off = k < 40 ? k : d.rng.u32() & widthMask(offset.width);
  else off = (d.rng.below(0x6000) - 0x3000) | 0; // signed bit offset, +-3 KiB of bytes
  offset.set(off);
  d.undefFlags = tableUndef(form);
  d.emit(form, plan.choice);
};

/** CMPXCHG: accumulator equal to the destination half the time. CMPXCHG8B likewise for EDX:EAX. */
export const buildCmpxchg: Builder = (d, form, k) => {
  const width = formWidth(form);
  if (form.mnemonic === 'CMPXCHG8B') {
    const plan = planOperands(d, form, { rmIsReg: false, avoid: [EAX, EDX, ECX, EBX] });
    maybeLock(d, plan);
    const lo = d.rng.u32(), hi = d.rng.u32();
    d.poke(plan.memOff, 4, lo);
    d.poke(plan.memOff + 4, 4, hi);
    const equal = k % 2 === 0;
    d.regs[EAX] = equal ? lo : k % 4 === 1 ? lo : d.rng.u32();
    d.regs[EDX] = equal ? hi : k % 4 === 3 ? hi : d.rng.u32();
    d.undefFlags = tableUndef(form);
    d.emit(form, plan.choice);
    return;
  }
  const plan = planOperands(d, form, { avoid: [EAX] });
  maybeLock(d, plan);
  const [dest, src] = valueSlots(plan);
  dest.set(pairValue(d.rng, width, k, 0));
  src.set(pairValue(d.rng, width, k, 1));
  const equal = k % 2 === 0;
  d.setReg(EAX, width, equal ? dest.get() : pairValue(d.rng, width, k + 3, 1));
  d.undefFlags = tableUndef(form);
  d.emit(form, plan.choice);
};

/** LEA: every 32-bit addressing mode with random registers, and 16-bit addressing (67) which wraps at 64 KiB. */
export const buildLea: Builder = (d, form) => {
  const plan = planOperands(d, form, { rmIsReg: false });
  if (d.rng.chance(0.35)) plan.choice.rm = { mem16: planMem16(d.rng) };
  // Random register values make the effective address arbitrary; LEA never touches memory.
  for (let r = 0; r < 8; r++) if (r !== 4 && d.rng.chance(0.5)) d.regs[r] = d.rng.pick(edges(32));
  d.undefFlags = 0;
  d.emit(form, plan.choice);
};

/** BSWAP: the 16-bit form's result is undefined (SDM BSWAP). */
export const buildBswap: Builder = (d, form, k) => {
  const plan = planOperands(d, form);
  valueSlots(plan)[0].set(pairValue(d.rng, 32, k, 0));
  if (form.opSize === 16) d.undefRegs |= 1 << plan.slots[0].reg;
  d.undefFlags = tableUndef(form);
  d.emit(form, plan.choice);
};

/** XLATB: EBX (or BX under 67, upper half random) points at a table in the data area. */
export const buildXlat: Builder = (d, form, k) => {
  const plan = planOperands(d, form);
  d.regs[EBX] = (DATA_BASE + 0x1000 + d.rng.below(0x1000)) >>> 0;
  if (k % 4 === 3) {
    plan.choice.addr16 = true;
    d.regs[EBX] = ((d.rng.u32() & 0xffff0000) | (d.regs[EBX] & 0xffff)) >>> 0;
  }
  d.setReg(EAX, 8, k < 256 ? k : d.rng.below(256));
  d.undefFlags = 0;
  d.emit(form, plan.choice);
};
