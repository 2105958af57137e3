// Integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP, TEST, INC,
// DEC, NEG, NOT. Flags are recorded lazily (cpu/lazy-flags.ts).
import { carry, concretizeCF, LazyOp, W_DST, W_MASK, W_OP, W_RES, W_SIZE, W_SRC } from '../cpu/lazy-flags.js';
import { ARITH, CF } from '../arch/flags.js';
import type { Cpu } from '../interp/cpu.js';
import type { Insn } from '../decoder/insn.js';
import { acc, type Define, SIZES, sizeMask } from './handler.js';

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
    def(`${name} r/m${sfx}, r${sfx}`, (c: Cpu, i: Insn) => {
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
    });
    // OP r, r/m
    def(`${name} r${sfx}, r/m${sfx}`, (c: Cpu, i: Insn) => {
      const res = alu(c, op, size, c.getReg(size, i.reg), c.readRM(i, size));
      if (writes) c.setReg(size, i.reg, res);
    });
    // OP acc, imm
    def(`${name} ${acc(size)}, imm${sfx}`, (c: Cpu, i: Insn) => {
      const res = alu(c, op, size, c.getReg(size, 0), i.imm);
      if (writes) c.setReg(size, 0, res);
    });
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
    def(`${name} r/m${sfx}, imm${sfx}`, rmImm);
    if (size !== 8) def(`${name} r/m${sfx}, imm8`, rmImm);
  }
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
      if (size !== 8) {
        def(`${dec ? 'DEC' : 'INC'} r${sfx}`, (c, i) => {
          c.setReg(size, i.reg, incDec(c, size, c.getReg(size, i.reg), dec));
        });
      }
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
