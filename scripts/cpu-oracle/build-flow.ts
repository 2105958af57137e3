// Case builders for forms that move EIP or ESP or walk memory: near control
// transfers (targets always inside the case's code), stack forms, string
// instructions with and without REP, traps and faults, privileged forms.

import type { InsnForm } from '../../src/arch/types.js';
import { DF, OF } from '../../src/arch/flags.js';
import { CODE_BASE, COMPARED_FLAGS, DATA_BASE, DATA_SIZE, DEFAULT_ESP } from '../../test/support/cpu-fixture.js';
import type { Builder } from './build-data.js';
import { buildGeneric } from './build-data.js';
import { EAX, ECX, EBP, ESI, EDI, ESP } from './draft.js';
import { encode } from './encode.js';
import { formWidth } from './operands.js';
import { planOperands } from './plan.js';
import { pairValue, randomValue } from './values.js';

/** LEA EAX,[EAX+n]: a flag-neutral marker that shows which path ran. */
function marker(n: number): number[] {
  return [0x8d, 0x40, n & 0xff];
}

function relWidth(form: InsnForm): number {
  const code = form.imms.find((c) => c === 'cb' || c === 'cw' || c === 'cd');
  return code === 'cb' ? 8 : code === 'cw' ? 16 : 32;
}

/**
 * Relative branches (Jcc, JMP, CALL rel, LOOP*, JCXZ/JECXZ). Forward: the
 * branch skips a marker. Backward: a jump over a target block, then the
 * branch back into it, the block jumps to the end.
 *   forward:  B(+3) ; M1 ; end
 *   backward: JMP +5 ; M16 ; JMP end ; B(back to M16) ; M1 ; end
 */
const buildRelative: Builder = (d, form, k) => {
  const mn = form.mnemonic;
  const plan = planOperands(d, form);
  const loopish = mn.startsWith('LOOP') || mn === 'JCXZ' || mn === 'JECXZ';
  if (loopish) {
    const counts = [0, 1, 2, 0x10000, 0x10001, 0xffffffff, 0xffff];
    d.regs[ECX] = k < counts.length * 2 ? counts[k % counts.length] : randomValue(d.rng, 32);
    if (form.addrSize === 0 && d.rng.chance(0.25)) plan.choice.addr16 = true; // LOOP with 67 counts in CX
  }
  const width = relWidth(form);
  const probe = encode(form, { ...plan.choice, imms: [0] });
  const len = probe.length;
  const backward = k % 3 === 2;
  if (!backward) {
    plan.choice.imms = [3];
    d.emit(form, plan.choice);
    d.raw(...marker(1));
  } else {
    // JMP rel8 over the target block: target block is M16 (3) + JMP rel8 (2).
    d.raw(0xeb, 0x05);
    d.raw(...marker(16));
    const branchAt = 7;
    const end = branchAt + len + 3;
    d.raw(0xeb, (end - 7) & 0xff);
    plan.choice.imms = [2 - (branchAt + len)];
    d.emit(form, plan.choice);
    d.raw(...marker(1));
  }
  if (width === 8 && Math.abs(plan.choice.imms[0]) > 127) throw new Error('rel8 out of range');
  d.undefFlags = form.undef & COMPARED_FLAGS;
};

/** CALL/JMP r/m32: the target address in a register or in data-area memory; RET/RET imm16 with a return address on the stack. */
const buildIndirect: Builder = (d, form, k) => {
  const mn = form.mnemonic;
  if (mn === 'RET') {
    const plan = planOperands(d, form);
    const len = encode(form, { ...plan.choice, imms: plan.choice.imms.map(() => 0) }).length;
    const target = k % 2 === 0 ? len + 3 : len; // skip or run the marker
    d.poke(DEFAULT_ESP - DATA_BASE, 4, CODE_BASE + target);
    const imm = plan.slots.find((s) => s.op.kind === 'imm');
    if (imm) imm.set(d.rng.pick([0, 4, 2, 0x100, 0xfffc, d.rng.below(0x400)]));
    d.emit(form, plan.choice);
    d.raw(...marker(1));
    d.undefFlags = 0;
    return;
  }
  const plan = planOperands(d, form);
  const len = encode(form, plan.choice).length;
  const target = CODE_BASE + (k % 2 === 0 ? len + 3 : len);
  plan.slots[0].set(target);
  d.emit(form, plan.choice);
  d.raw(...marker(1));
  d.undefFlags = 0;
};

export const buildControl: Builder = (d, form, k) => {
  if (form.imms.some((c) => c === 'cb' || c === 'cw' || c === 'cd')) return buildRelative(d, form, k);
  return buildIndirect(d, form, k);
};

/** PUSH/POP (register, memory, immediate), PUSHA/POPA, PUSHF/POPF, ENTER, LEAVE. ESP and EBP point into the data area. */
export const buildStack: Builder = (d, form, k) => {
  const mn = form.mnemonic;
  if (mn === 'ENTER') {
    const plan = planOperands(d, form);
    d.regs[EBP] = (DATA_BASE + 0x2000 + d.rng.below(0x400) * 4) >>> 0;
    const levels = [0, 1, 2, 3, 4, 31, 32, 33];
    plan.slots[0].set(d.rng.pick([0, 4, 8, 0x10, 0x7f0, d.rng.below(0x800)]));
    plan.slots[1].set(k < levels.length ? levels[k] : d.rng.below(8));
    d.emit(form, plan.choice);
    return;
  }
  if (mn === 'LEAVE') {
    d.regs[EBP] = (DATA_BASE + 0x1000 + d.rng.below(0x800) * 4 + (k % 4 === 3 ? 2 : 0)) >>> 0;
    d.emit(form, planOperands(d, form).choice);
    return;
  }
  if (mn === 'POPF' || mn === 'POPFD') {
    // Arithmetic flags, DF, and bits CPL 3 may not change (IF, IOPL) or must not set here (TF, AC).
    const value = (d.rng.u32() & (0x0cd5 | 0x3200 | 0x4000)) | 2;
    d.poke(DEFAULT_ESP - DATA_BASE, 4, value);
    d.emit(form, planOperands(d, form).choice);
    return;
  }
  if (mn === 'POPA' || mn === 'POPAD') {
    for (let i = 0; i < 32; i += 4) d.poke(DEFAULT_ESP - DATA_BASE + i, 4, d.rng.u32());
  }
  // PUSH/POP of ESP itself and of memory addressed through ESP are the interesting corners.
  const plan = planOperands(d, form, { allowEsp: k % 5 === 0 });
  plan.slots.forEach((s, i) => {
    if (s.reg === ESP && s.width !== 8) return;
    if (s.width > 0 && s.op.kind !== 'rel') s.set(pairValue(d.rng, s.width, k, i));
  });
  d.undefFlags = form.undef & COMPARED_FLAGS;
  d.emit(form, plan.choice);
};

/**
 * MOVS CMPS STOS LODS SCAS: with no prefix, REP / REPE / REPNE, ECX 0, 1 or
 * small n, DF 0 and 1, and 16-bit addressing (67: SI, DI and CX count, their
 * upper halves random and ignored). CMPS/SCAS data repeats the other operand
 * up to a chosen mismatch so REPE/REPNE stop early.
 */
export const buildString: Builder = (d, form, k) => {
  const mn = form.mnemonic;
  const width = formWidth(form);
  const size = width >> 3;
  const plan = planOperands(d, form);
  const down = k % 4 >= 2;
  d.setFlag(DF, down);
  const rep = form.rep;
  // One case in 16 runs a REP string off an edge of the data area: #PF after some
  // iterations, with ECX/ESI/EDI describing the remaining work (SDM Vol. 1, 7.3.9.1 / REP).
  const offEdge = k % 16 === 15;
  const prefixKind = offEdge
    ? rep === 'repe-repne' ? 'repe' : 'rep'
    : k % 8 < 2 ? 'none' : rep === 'repe-repne' ? (k % 2 ? 'repe' : 'repne') : rep === 'rep' ? 'rep' : 'none';
  const counts = [0, 1, 2, 3, 7, 16];
  const count = offEdge ? 16 : prefixKind === 'none' ? d.rng.below(4) : counts[(k >> 3) % counts.length];
  const addr16 = k % 5 === 4;
  const upper = (): number => (addr16 ? d.rng.u32() & 0xffff0000 : 0);
  d.regs[ECX] = (upper() | count) >>> 0;
  if (prefixKind !== 'none') plan.choice.prefixes = [prefixKind === 'repne' ? 0xf2 : 0xf3];
  if (addr16) plan.choice.addr16 = true;
  const span = 64 * size;
  let srcOff = (down ? 0x1000 + span : 0x1000) + (k % 3);
  let dstOff = (down ? 0x2000 + span : 0x2000) + (k % 5);
  if (offEdge) {
    const lead = (1 + d.rng.below(5)) * size;
    const edge = down ? lead - size : DATA_SIZE - lead;
    if (d.rng.chance(0.5)) srcOff = edge;
    else dstOff = edge;
    if (mn.startsWith('LODS')) srcOff = edge;
    if (mn.startsWith('STOS') || mn.startsWith('SCAS')) dstOff = edge;
  }
  d.regs[ESI] = (upper() | (DATA_BASE + srcOff)) >>> 0;
  d.regs[EDI] = (upper() | (DATA_BASE + dstOff)) >>> 0;
  if (mn.startsWith('SCAS') || mn.startsWith('STOS')) d.regs[EAX] = pairValue(d.rng, 32, k, 0);
  if (mn.startsWith('CMPS') || mn.startsWith('SCAS')) {
    // Make the compared elements equal up to a mismatch position.
    const stop = d.rng.below(count + 2);
    const step = down ? -size : size;
    for (let i = 0; i < count + 2; i++) {
      const value = mn.startsWith('SCAS') ? d.regs[EAX] : d.rng.u32();
      const same = prefixKind === 'repne' ? i === stop : i !== stop;
      d.pokeClipped(dstOff + i * step, size, same ? value : value ^ (1 << d.rng.below(width)));
      if (mn.startsWith('CMPS')) d.pokeClipped(srcOff + i * step, size, value);
    }
  }
  d.undefFlags = form.undef & COMPARED_FLAGS;
  d.emit(form, plan.choice);
};

/** INT n (never 0x80, Linux's system call gate), INT3, INT1, INTO, UD0/UD1/UD2, BOUND. */
export const buildTrap: Builder = (d, form, k) => {
  const mn = form.mnemonic;
  const plan = planOperands(d, form);
  if (mn === 'INT') {
    let v = k < 8 ? [0, 1, 3, 4, 5, 13, 14, 0xff][k] : d.rng.below(256);
    if (v === 0x80) v = 0x81;
    plan.slots[0].set(v);
  } else if (mn === 'INTO') {
    d.setFlag(OF, k % 2 === 1);
  } else if (mn === 'BOUND') {
    const width = formWidth(form);
    const lo = pairValue(d.rng, width, k, 0);
    const hi = pairValue(d.rng, width, k, 1);
    plan.slots[1].set(lo);
    d.poke(plan.memOff + (width >> 3), width >> 3, hi);
    const pick = k % 3;
    const idx = pick === 0 ? lo : pick === 1 ? hi : randomValue(d.rng, width);
    plan.slots[0].set(idx);
  } else {
    plan.slots.forEach((s) => s.width > 0 && s.set(randomValue(d.rng, s.width)));
  }
  d.undefFlags = form.undef & COMPARED_FLAGS;
  d.emit(form, plan.choice);
};

/** Privileged forms at CPL 3: they must raise #GP(0) (or #UD for reserved encodings). */
export const buildPrivileged: Builder = (d, form, k) => buildGeneric(d, form, k);

