// Generic operand planning for one form: picks registers and an addressing
// mode, points memory operands into the data area, and exposes one value
// "slot" per operand so the family policies can put edge values into it.

import type { InsnForm } from '../../src/arch/types.js';
import { DATA_BASE } from '../../test/support/cpu-fixture.js';
import { Draft, ESP, EBP } from './draft.js';
import type { EncodeChoice, Mem16, Mem32, RmChoice } from './encode.js';
import { parseOperands, type Operand } from './operands.js';
import type { Rng } from './rng.js';
import { widthMask } from './values.js';

/** A place an operand value lives: a register, data-area bytes or an immediate. */
export interface Slot {
  op: Operand;
  width: number;
  set(value: number): void;
  get(): number;
  /** Register index for register slots (8-bit numbering for width 8), else -1. */
  reg: number;
  /** Data-area offset for memory slots, else -1. */
  memOff: number;
}

export interface Plan {
  form: InsnForm;
  choice: EncodeChoice;
  slots: Slot[];
  /** The memory operand's data-area offset, or -1. */
  memOff: number;
  /** 32-bit registers the addressing uses (base, index). */
  addrRegs: number[];
}

export interface PlanOptions {
  /** Force register (true) or memory (false) r/m; default random per modrmKind. */
  rmIsReg?: boolean;
  /** Data-area offset the memory operand must address. */
  memOff?: number;
  /** Registers (32-bit numbering) the addressing must not use. */
  avoid?: number[];
  /** Allow ESP as a reg/rm register operand (default false: ESP stays the stack). */
  allowEsp?: boolean;
  /**
   * Sequences: registers change between instructions, so memory operands use
   * only addressing that stays in the data area whatever they hold: [disp32]
   * and [ESP+disp8] (ESP only moves by pushes and pops there). No register is set.
   */
  stableMem?: boolean;
  /** Never use 16-bit addressing (67) for the memory operand. */
  noAddr16?: boolean;
}

/** Share of memory operands given 16-bit addressing (67 prefix). */
const ADDR16_SHARE = 0.15;

/** Registers of each 16-bit ModRM row (SDM Vol. 2, table 2-1): BX=3, BP=5, SI=6, DI=7. */
const ROWS16: readonly (readonly number[])[] = [[3, 6], [3, 7], [5, 6], [5, 7], [6], [7], [5], [3]];

/**
 * A 16-bit addressing mode reaching DATA_BASE + off (the data area lies below
 * 64 KiB). Register upper halves are random: 16-bit addressing ignores them.
 * Two-register rows often wrap past 0xFFFF before truncation.
 */
function planMem16To(d: Draft, rng: Rng, off: number, taken: Set<number>): { mem: Mem16; regs: number[] } {
  const target = (DATA_BASE + off) & 0xffff;
  const rows = [0, 1, 2, 3, 4, 5, 6, 7].filter((r) => ROWS16[r].every((x) => !taken.has(x)));
  const rm = rows.length ? rng.pick(rows) : 6;
  let mod: 0 | 1 | 2 = rng.pick([0, 1, 2] as const);
  if (!rows.length) mod = 0; // [disp16]
  const disp = mod === 0 ? (rm === 6 ? target : 0) : mod === 1 ? rng.below(256) : rng.u32() & 0xffff;
  const dispValue = mod === 1 ? (disp << 24) >> 24 : disp;
  if (mod === 0 && rm === 6) return { mem: { rm, mod, disp }, regs: [] };
  const regs = ROWS16[rm];
  const upper = (): number => rng.u32() & 0xffff0000;
  if (regs.length === 2) {
    const first = rng.u32() & 0xffff;
    d.regs[regs[0]] = (upper() | first) >>> 0;
    d.regs[regs[1]] = (upper() | ((target - dispValue - first) & 0xffff)) >>> 0;
  } else {
    d.regs[regs[0]] = (upper() | ((target - dispValue) & 0xffff)) >>> 0;
  }
  return { mem: { rm, mod, disp }, regs: [...regs] };
}

/** The 32-bit register an operand register number of `width` lives in. */
export function fullReg(reg: number, width: number): number {
  return width === 8 ? reg & 3 : reg;
}

function regSlot(d: Draft, op: Operand, reg: number, width: number): Slot {
  return { op, width, reg, memOff: -1, set: (v) => d.setReg(reg, width, v), get: () => d.getReg(reg, width) };
}

function memSlot(d: Draft, op: Operand, off: number, width: number): Slot {
  const bytes = Math.max(1, width >> 3);
  let cur = 0;
  return {
    op,
    width,
    reg: -1,
    memOff: off,
    set: (v) => {
      cur = v;
      if (width > 32) {
        d.pokeClipped(off, 4, v);
        return;
      }
      d.pokeClipped(off, bytes, v & widthMask(width));
    },
    get: () => cur,
  };
}

function pickReg(rng: Rng, width: number, taken: Set<number>, allowEsp: boolean): number {
  for (let tries = 0; tries < 32; tries++) {
    const r = rng.below(8);
    if (!allowEsp && width !== 8 && r === ESP) continue;
    if (!taken.has(fullReg(r, width))) return r;
  }
  return width === 8 ? 0 : 0;
}

/** Chooses a 32-bit addressing mode that reaches DATA_BASE + off, setting base/index registers. */
function planMem32(d: Draft, rng: Rng, off: number, taken: Set<number>): { mem: Mem32; regs: number[] } {
  const target = (DATA_BASE + off) >>> 0;
  const free = [0, 1, 2, 3, 5, 6, 7].filter((r) => !taken.has(r));
  const mode = free.length < 2 ? 0 : rng.below(7);
  const disp8 = rng.below(256) - 128;
  if (mode === 0) return { mem: { base: -1, index: -1, scale: 0, disp: target, dispSize: 4 }, regs: [] };
  if (mode === 1) {
    // [ESP + disp8]: ESP is the data-area stack pointer.
    const disp = (target - d.regs[ESP]) | 0;
    if (disp >= -128 && disp <= 127) return { mem: { base: ESP, index: -1, scale: 0, disp, dispSize: 1 }, regs: [ESP] };
    return { mem: { base: ESP, index: -1, scale: 0, disp, dispSize: 4 }, regs: [ESP] };
  }
  const base = rng.pick(free);
  if (mode <= 3) {
    const dispSize = mode === 2 ? (base === EBP ? 1 : 0) : rng.pick([1, 4] as const);
    const disp = dispSize === 0 ? 0 : dispSize === 1 ? disp8 : (rng.u32() & 0xffff) - 0x8000;
    d.regs[base] = (target - disp) >>> 0;
    return { mem: { base, index: -1, scale: 0, disp, dispSize }, regs: [base] };
  }
  const index = rng.pick(free.filter((r) => r !== base));
  const scale = rng.below(4);
  const idx = mode === 4 ? rng.below(64) : (-rng.below(64)) | 0; // negative index values wrap
  const dispSize = rng.pick([0, 1, 4] as const);
  const disp = dispSize === 0 ? 0 : dispSize === 1 ? disp8 : (rng.u32() & 0xfff) - 0x800;
  if (mode === 6) {
    // No base: [index*scale + disp32].
    d.regs[index] = idx >>> 0;
    const mem = { base: -1, index, scale, disp: (target - idx * (1 << scale)) | 0, dispSize: 4 as const };
    return { mem, regs: [index] };
  }
  d.regs[index] = idx >>> 0;
  d.regs[base] = (target - disp - idx * (1 << scale)) >>> 0;
  return { mem: { base, index, scale, disp, dispSize: base === EBP && dispSize === 0 ? 1 : dispSize }, regs: [base, index] };
}

/**
 * Plans a form's operands. Register operands get distinct registers where
 * possible; a memory r/m operand addresses data-area offset `memOff`.
 */
export function planOperands(d: Draft, form: InsnForm, opts: PlanOptions = {}): Plan {
  const rng = d.rng;
  const ops = parseOperands(form);
  const taken = new Set<number>(opts.avoid ?? []);
  const allowEsp = opts.allowEsp ?? false;
  const choice: EncodeChoice = { reg: 0, imms: form.imms.map(() => 0) };
  const slots: Slot[] = [];
  let memOff = -1;
  const addrRegs: number[] = [];

  // The ModRM.reg / opcode register first, so the r/m register can avoid it.
  const regOp = ops.find((o) => o.kind === 'reg');
  if (regOp && regOp.kind === 'reg') {
    choice.reg = pickReg(rng, regOp.width, taken, allowEsp);
    // 90+r with register 0 is NOP, a different form.
    if (form.regInOpcode && form.bytes[form.bytes.length - 1] === 0x90 && choice.reg === 0) choice.reg = 1 + rng.below(7);
    taken.add(fullReg(choice.reg, regOp.width));
  }
  if (form.hasModrm && form.modrmReg >= 0) choice.reg = form.modrmReg;
  for (const o of ops) if (o.kind === 'fixed') taken.add(fullReg(o.reg, o.width));

  let immIndex = 0;
  for (const op of ops) {
    switch (op.kind) {
      case 'reg':
        slots.push(regSlot(d, op, choice.reg, op.width));
        break;
      case 'fixed':
        slots.push(regSlot(d, op, op.reg, op.width));
        break;
      case 'rm': {
        const wantReg =
          form.modrmKind === 'reg' ||
          (form.modrmKind === 'any' && (opts.rmIsReg ?? rng.chance(0.5)) && !op.memOnly);
        if (wantReg) {
          const r = rng.chance(0.1) && regOp ? choice.reg : pickReg(rng, op.width, taken, allowEsp);
          taken.add(fullReg(r, op.width));
          choice.rm = { reg: r };
          slots.push(regSlot(d, op, r, op.width));
        } else {
          memOff = opts.memOff ?? 0x200 + rng.below(0x2c00);
          if (!opts.noAddr16 && !opts.stableMem && rng.chance(ADDR16_SHARE)) {
            const { mem, regs } = planMem16To(d, rng, memOff, taken);
            regs.forEach((r) => taken.add(r));
            addrRegs.push(...regs);
            choice.rm = { mem16: mem };
            slots.push(memSlot(d, op, memOff, op.width || 32));
            break;
          }
          if (opts.stableMem) {
            if (!opts.noAddr16 && rng.chance(ADDR16_SHARE)) {
              // [disp16] under 67 is as stable as [disp32].
              choice.rm = { mem16: { rm: 6, mod: 0, disp: (DATA_BASE + memOff) & 0xffff } };
              slots.push(memSlot(d, op, memOff, op.width || 32));
              break;
            }
            const viaEsp = rng.chance(0.3);
            const mem: Mem32 = viaEsp
              ? { base: ESP, index: -1, scale: 0, disp: rng.below(256) - 128, dispSize: 1 }
              : { base: -1, index: -1, scale: 0, disp: (DATA_BASE + memOff) >>> 0, dispSize: 4 };
            choice.rm = { mem32: mem };
            slots.push(memSlot(d, op, viaEsp ? -1 : memOff, op.width || 32));
            break;
          }
          const { mem, regs } = planMem32(d, rng, memOff, taken);
          regs.forEach((r) => taken.add(r));
          addrRegs.push(...regs);
          choice.rm = { mem32: mem };
          slots.push(memSlot(d, op, memOff, op.width || 32));
        }
        break;
      }
      case 'moffs':
        memOff = opts.memOff ?? 0x200 + rng.below(0x2c00);
        choice.moffs = (DATA_BASE + memOff) >>> 0;
        if (!opts.noAddr16 && rng.chance(ADDR16_SHARE)) {
          choice.addr16 = true; // moffs16
          choice.moffs &= 0xffff;
        }
        slots.push(memSlot(d, op, memOff, op.width));
        break;
      case 'imm': {
        const k = immIndex++;
        slots.push({
          op,
          width: op.width,
          reg: -1,
          memOff: -1,
          set: (v) => {
            choice.imms[k] = v & widthMask(op.width);
          },
          get: () => choice.imms[k],
        });
        break;
      }
      case 'rel':
        immIndex++;
        slots.push({ op, width: op.width, reg: -1, memOff: -1, set: () => undefined, get: () => 0 });
        break;
      default:
        slots.push({ op, width: 0, reg: -1, memOff: -1, set: () => undefined, get: () => 0 });
    }
  }
  if (form.hasModrm && !choice.rm) {
    // Register-only forms whose general register sits in ModRM.rm (MOV CRn/DRn): the
    // reg field names the control/debug register, kept at 0 (CR0/DR0).
    choice.rm = { reg: choice.reg === ESP ? 0 : choice.reg };
    if (form.modrmReg < 0) choice.reg = 0;
  }
  return { form, choice, slots, memOff, addrRegs };
}

/** A 16-bit addressing choice (for LEA and fault cases): any ModRM row, registers random. */
export function planMem16(rng: Rng): Mem16 {
  const mod = rng.pick([0, 1, 2] as const);
  return { rm: rng.below(8), mod, disp: mod === 1 ? rng.below(256) : rng.u32() & 0xffff };
}

export function isMem(rm: RmChoice | undefined): boolean {
  return rm !== undefined && !('reg' in rm);
}
