// Integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP, TEST, INC,
// DEC, NEG, NOT. Flags are recorded lazily (cpu/lazy-flags.ts).
import { carry, concretizeCF, LazyOp, W_DST, W_MASK, W_OP, W_RES, W_SIZE, W_SRC } from '../cpu/lazy-flags.js';
import { ARITH, CF } from '../arch/flags.js';
import type { Cpu } from '../cpu/context.js';
import type { Insn } from '../decoder/insn.js';
import { acc, type Define, type Handler, SIZES, sizeMask } from './handler.js';

/** The eight group-1 operations in opcode order (ModRM.reg of 80/81/83). */
export const enum AluOp {
  ADD = 0,
  OR = 1,
  ADC = 2,
  SBB = 3,
  AND = 4,
  SUB = 5,
  XOR = 6,
  CMP = 7,
}
const NAMES = ['ADD', 'OR', 'ADC', 'SBB', 'AND', 'SUB', 'XOR', 'CMP'];

function rec(s: Uint32Array, op: LazyOp, size: number, d: number, v: number, res: number, mask: number): number {
  const m = sizeMask(size);
  res &= m;
  s[W_OP] = op;
  s[W_SIZE] = size;
  s[W_DST] = d & m;
  s[W_SRC] = v & m;
  s[W_RES] = res;
  s[W_MASK] = mask;
  return res;
}

/** Computes `d op v` at width `size`, records its flags, returns the result (zero-extended). */
export function alu(c: Cpu, op: number, size: number, d: number, v: number): number {
  const s = c.s;
  switch (op) {
    case AluOp.ADD:
      return rec(s, LazyOp.ADD, size, d, v, d + v, ARITH);
    case AluOp.OR:
      return rec(s, LazyOp.LOGIC, size, 0, 0, d | v, ARITH);
    case AluOp.ADC:
      return rec(s, LazyOp.ADC, size, d, v, d + v + carry(s), ARITH);
    case AluOp.SBB:
      return rec(s, LazyOp.SBB, size, d, v, d - v - carry(s), ARITH);
    case AluOp.AND:
      return rec(s, LazyOp.LOGIC, size, 0, 0, d & v, ARITH);
    case AluOp.XOR:
      return rec(s, LazyOp.LOGIC, size, 0, 0, d ^ v, ARITH);
    default: // SUB, CMP
      return rec(s, LazyOp.SUB, size, d, v, d - v, ARITH);
  }
}

/** INC/DEC: CF is kept (SDM INC, DEC). */
export function incDec(c: Cpu, size: number, d: number, dec: boolean): number {
  const s = c.s;
  concretizeCF(s);
  return rec(s, dec ? LazyOp.SUB : LazyOp.ADD, size, d, 1, dec ? d - 1 : d + 1, ARITH & ~CF);
}

function defineAlu(def: Define, op: number): void {
  const name = NAMES[op];
  const writes = op !== AluOp.CMP;
  for (const size of SIZES) {
    const bytes = size >> 3;
    const sfx = String(size);
    // OP r/m, r
    const rmR = (c: Cpu, i: Insn): void => {
      const v = c.getReg(size, i.reg);
      if (!i.hasMem) {
        const res = alu(c, op, size, c.getReg(size, i.rm), v);
        if (writes) c.setReg(size, i.rm, res);
      } else if (writes) {
        const d = c.rmwBegin(i, bytes);
        c.rmwEnd(bytes, alu(c, op, size, d, v));
      } else {
        alu(c, op, size, c.readSized(size, i.seg, c.ea(i)), v);
      }
    };
    // OP r, r/m
    const rRm = (c: Cpu, i: Insn): void => {
      const res = alu(c, op, size, c.getReg(size, i.reg), c.readRM(i, size));
      if (writes) c.setReg(size, i.reg, res);
    };
    // OP acc, imm
    const accImm = (c: Cpu, i: Insn): void => {
      const res = alu(c, op, size, c.getReg(size, 0), i.imm);
      if (writes) c.setReg(size, 0, res);
    };
    // OP r/m, imm (and the sign-extended imm8 forms)
    const rmImm = (c: Cpu, i: Insn): void => {
      if (!i.hasMem) {
        const res = alu(c, op, size, c.getReg(size, i.rm), i.imm);
        if (writes) c.setReg(size, i.rm, res);
      } else if (writes) {
        const d = c.rmwBegin(i, bytes);
        c.rmwEnd(bytes, alu(c, op, size, d, i.imm));
      } else {
        alu(c, op, size, c.readSized(size, i.seg, c.ea(i)), i.imm);
      }
    };
    if (size === 32) {
      def(`${name} r/m32, r32`, RM_R32[op]);
      def(`${name} r32, r/m32`, R_RM32[op]);
      def(`${name} EAX, imm32`, ACC_IMM32[op]);
      def(`${name} r/m32, imm32`, RM_IMM32[op]);
      def(`${name} r/m32, imm8`, RM_IMM32[op]);
      continue;
    }
    def(`${name} r/m${sfx}, r${sfx}`, rmR);
    def(`${name} r${sfx}, r/m${sfx}`, rRm);
    def(`${name} ${acc(size)}, imm${sfx}`, accImm);
    def(`${name} r/m${sfx}, imm${sfx}`, rmImm);
    if (size !== 8) def(`${name} r/m${sfx}, imm8`, rmImm);
  }
}

// 32-bit forms, the hot ones: top-level helpers taking a constant `op`,
// called from one function literal per operation so that V8 inlines each
// with its operation folded (closures made in a loop would share one
// feedback vector and stay generic).
/** Records a 32-bit lazy-flag operation (all six flags lazy). */
function lz32(s: Uint32Array, op: LazyOp, d: number, v: number, res: number): void {
  s[W_OP] = op;
  s[W_SIZE] = 32;
  s[W_DST] = d;
  s[W_SRC] = v;
  s[W_RES] = res;
  s[W_MASK] = ARITH;
}

/** `d op v` at 32 bits; small so that it inlines with `op` folded. */
function op32(c: Cpu, op: number, d: number, v: number): number {
  let r: number;
  switch (op) {
    case AluOp.ADD:
      r = (d + v) | 0;
      lz32(c.s, LazyOp.ADD, d, v, r);
      return r;
    case AluOp.SUB:
    case AluOp.CMP:
      r = (d - v) | 0;
      lz32(c.s, LazyOp.SUB, d, v, r);
      return r;
    case AluOp.AND:
      r = d & v;
      lz32(c.s, LazyOp.LOGIC, 0, 0, r);
      return r;
    case AluOp.OR:
      r = d | v;
      lz32(c.s, LazyOp.LOGIC, 0, 0, r);
      return r;
    case AluOp.XOR:
      r = d ^ v;
      lz32(c.s, LazyOp.LOGIC, 0, 0, r);
      return r;
    default:
      return alu(c, op, 32, d, v) | 0;
  }
}

function rmR32Mem(c: Cpu, i: Insn, op: number): void {
  const v = c.r[i.reg];
  if (op !== AluOp.CMP) {
    const d = c.rmwBegin(i, 4);
    c.rmwEnd(4, op32(c, op, d, v));
  } else {
    op32(c, op, c.read32(i.seg, c.ea(i)), v);
  }
}
function rmR32(c: Cpu, i: Insn, op: number): void {
  if (i.hasMem) {
    rmR32Mem(c, i, op);
    return;
  }
  const r = c.r;
  const res = op32(c, op, r[i.rm], r[i.reg]);
  if (op !== AluOp.CMP) r[i.rm] = res;
}
function rRm32(c: Cpu, i: Insn, op: number): void {
  const r = c.r;
  const res = op32(c, op, r[i.reg], i.hasMem ? c.read32(i.seg, c.ea(i)) : r[i.rm]);
  if (op !== AluOp.CMP) r[i.reg] = res;
}
function rmImm32Mem(c: Cpu, i: Insn, op: number): void {
  if (op !== AluOp.CMP) {
    const d = c.rmwBegin(i, 4);
    c.rmwEnd(4, op32(c, op, d, i.imm));
  } else {
    op32(c, op, c.read32(i.seg, c.ea(i)), i.imm);
  }
}
function rmImm32(c: Cpu, i: Insn, op: number): void {
  if (i.hasMem) {
    rmImm32Mem(c, i, op);
    return;
  }
  const r = c.r;
  const res = op32(c, op, r[i.rm], i.imm);
  if (op !== AluOp.CMP) r[i.rm] = res;
}
function accImm32(c: Cpu, i: Insn, op: number): void {
  const res = op32(c, op, c.r[0], i.imm);
  if (op !== AluOp.CMP) c.r[0] = res;
}

const RM_R32: Handler[] = [
  (c, i) => rmR32(c, i, AluOp.ADD), (c, i) => rmR32(c, i, AluOp.OR), (c, i) => rmR32(c, i, AluOp.ADC), (c, i) => rmR32(c, i, AluOp.SBB),
  (c, i) => rmR32(c, i, AluOp.AND), (c, i) => rmR32(c, i, AluOp.SUB), (c, i) => rmR32(c, i, AluOp.XOR), (c, i) => rmR32(c, i, AluOp.CMP),
];
const R_RM32: Handler[] = [
  (c, i) => rRm32(c, i, AluOp.ADD), (c, i) => rRm32(c, i, AluOp.OR), (c, i) => rRm32(c, i, AluOp.ADC), (c, i) => rRm32(c, i, AluOp.SBB),
  (c, i) => rRm32(c, i, AluOp.AND), (c, i) => rRm32(c, i, AluOp.SUB), (c, i) => rRm32(c, i, AluOp.XOR), (c, i) => rRm32(c, i, AluOp.CMP),
];
const RM_IMM32: Handler[] = [
  (c, i) => rmImm32(c, i, AluOp.ADD), (c, i) => rmImm32(c, i, AluOp.OR), (c, i) => rmImm32(c, i, AluOp.ADC), (c, i) => rmImm32(c, i, AluOp.SBB),
  (c, i) => rmImm32(c, i, AluOp.AND), (c, i) => rmImm32(c, i, AluOp.SUB), (c, i) => rmImm32(c, i, AluOp.XOR), (c, i) => rmImm32(c, i, AluOp.CMP),
];
const ACC_IMM32: Handler[] = [
  (c, i) => accImm32(c, i, AluOp.ADD), (c, i) => accImm32(c, i, AluOp.OR), (c, i) => accImm32(c, i, AluOp.ADC), (c, i) => accImm32(c, i, AluOp.SBB),
  (c, i) => accImm32(c, i, AluOp.AND), (c, i) => accImm32(c, i, AluOp.SUB), (c, i) => accImm32(c, i, AluOp.XOR), (c, i) => accImm32(c, i, AluOp.CMP),
];

function incDec32(c: Cpu, n: number, dec: boolean): void {
  const s = c.s;
  if ((s[W_MASK] & CF) !== 0) concretizeCF(s);
  const d = c.r[n];
  const r = dec ? (d - 1) | 0 : (d + 1) | 0;
  c.r[n] = r;
  s[W_OP] = dec ? LazyOp.SUB : LazyOp.ADD;
  s[W_SIZE] = 32;
  s[W_DST] = d;
  s[W_SRC] = 1;
  s[W_RES] = r;
  s[W_MASK] = ARITH & ~CF;
}

export function registerAlu(def: Define): void {
  for (let op = 0; op < 8; op++) defineAlu(def, op);

  for (const size of SIZES) {
    const bytes = size >> 3;
    const sfx = String(size);
    def(`TEST r/m${sfx}, r${sfx}`, (c, i) => {
      alu(c, AluOp.AND, size, c.readRM(i, size), c.getReg(size, i.reg));
    });
    def(`TEST r/m${sfx}, imm${sfx}`, (c, i) => {
      alu(c, AluOp.AND, size, c.readRM(i, size), i.imm);
    });
    def(`TEST ${acc(size)}, imm${sfx}`, (c, i) => {
      alu(c, AluOp.AND, size, c.getReg(size, 0), i.imm);
    });
    for (const dec of [false, true]) {
      def(`${dec ? 'DEC' : 'INC'} r/m${sfx}`, (c, i) => {
        if (!i.hasMem) c.setReg(size, i.rm, incDec(c, size, c.getReg(size, i.rm), dec));
        else {
          const d = c.rmwBegin(i, bytes);
          c.rmwEnd(bytes, incDec(c, size, d, dec));
        }
      });
      if (size === 16) {
        def(`${dec ? 'DEC' : 'INC'} r16`, (c, i) => {
          c.setReg(size, i.reg, incDec(c, size, c.getReg(size, i.reg), dec));
        });
      }
    }
    if (size === 32) {
      def('INC r32', (c, i) => incDec32(c, i.reg, false));
      def('DEC r32', (c, i) => incDec32(c, i.reg, true));
    }
    def(`NEG r/m${sfx}`, (c, i) => {
      if (!i.hasMem) c.setReg(size, i.rm, alu(c, AluOp.SUB, size, 0, c.getReg(size, i.rm)));
      else {
        const d = c.rmwBegin(i, bytes);
        c.rmwEnd(bytes, alu(c, AluOp.SUB, size, 0, d));
      }
    });
    def(`NOT r/m${sfx}`, (c, i) => {
      if (!i.hasMem) c.setReg(size, i.rm, ~c.getReg(size, i.rm));
      else {
        const d = c.rmwBegin(i, bytes);
        c.rmwEnd(bytes, ~d);
      }
    });
  }
}
