// Inline emitters for the integer ALU forms: ADD OR AND SUB XOR CMP, TEST,
// INC/DEC, NEG, NOT, ADC and SBB at 8, 16 and 32 bits. They record the lazy
// flags exactly as src/semantics/alu.ts does (same op, size, masked operands,
// mask), so the flag state a handler or the interpreter later reads is identical.
import { ARITH, CF } from '../arch/flags.js';
import { LazyOp } from '../cpu/lazy-flags.js';
import type { CachedInsn } from '../interp/cached-insn.js';
import type { BlockCompiler, InlineEmitter } from './codegen.js';
import { canRM, readRM } from './operands.js';
import type { Expr } from './wasm.js';

const SIZES = [8, 16, 32] as const;

/** Group-1 operations, by ModRM.reg number. */
const ALU_NAMES: Record<number, string> = { 0: 'ADD', 1: 'OR', 2: 'ADC', 3: 'SBB', 4: 'AND', 5: 'SUB', 6: 'XOR', 7: 'CMP' };

function acc(size: number): string {
  return size === 8 ? 'AL' : size === 16 ? 'AX' : 'EAX';
}

/** `d op v` at `size` with its flag record; returns the (unmasked) result expression. */
function aluOp(g: BlockCompiler, op: number, size: number, d: Expr, v: Expr): Expr {
  const w = g.w;
  const dl = g.temp();
  const vl = g.temp();
  g.push(w.set(dl, d));
  g.push(w.set(vl, v));
  const D = (): Expr => w.get(dl);
  const V = (): Expr => w.get(vl);
  switch (op) {
    case 0:
      g.setFlags(LazyOp.ADD, size, ARITH, D(), V(), w.add(D(), V()));
      break;
    case 2:
    case 3: {
      // The carry-in is read before the new record replaces the old one.
      const cf = g.temp();
      g.push(w.set(cf, g.carryIn()));
      const res = op === 2 ? w.add(w.add(D(), V()), w.get(cf)) : w.sub(w.sub(D(), V()), w.get(cf));
      g.setFlags(op === 2 ? LazyOp.ADC : LazyOp.SBB, size, ARITH, D(), V(), res);
      break;
    }
    case 1:
      g.setFlags(LazyOp.LOGIC, size, ARITH, w.c(0), w.c(0), w.or(D(), V()));
      break;
    case 4:
      g.setFlags(LazyOp.LOGIC, size, ARITH, w.c(0), w.c(0), w.and(D(), V()));
      break;
    case 6:
      g.setFlags(LazyOp.LOGIC, size, ARITH, w.c(0), w.c(0), w.xor(D(), V()));
      break;
    default:
      g.setFlags(LazyOp.SUB, size, ARITH, D(), V(), w.sub(D(), V()));
  }
  return g.flagRes();
}

/** OP r/m, src: register, or memory via read-modify-write (CMP only reads). */
function rmDest(op: number, size: number, src: (g: BlockCompiler, i: CachedInsn) => Expr): InlineEmitter {
  const writes = op !== 7;
  return (g, i) => {
    if (!canRM(g, i, writes)) return false;
    if (!i.hasMem || !writes) {
      const res = aluOp(g, op, size, readRM(g, i, size), src(g, i));
      if (writes) g.setReg(size, i.rm, res);
      return true;
    }
    const v = g.temp();
    g.push(g.w.set(v, src(g, i)));
    const m = g.rmw(size >> 3, i.seg, g.ea(i));
    m.finish(aluOp(g, op, size, m.value, g.w.get(v)));
    return true;
  };
}

function regDest(op: number, size: number): InlineEmitter {
  return (g, i) => {
    if (!canRM(g, i, false)) return false;
    const res = aluOp(g, op, size, g.getReg(size, i.reg), readRM(g, i, size));
    if (op !== 7) g.setReg(size, i.reg, res);
    return true;
  };
}

const immOf = (g: BlockCompiler, i: CachedInsn): Expr => g.w.c(i.imm);
const regOf = (size: number) => (g: BlockCompiler, i: CachedInsn): Expr => g.getReg(size, i.reg);

function incDec(size: number, dec: boolean, regForm: boolean): InlineEmitter {
  return (g, i) => {
    if (!regForm && !canRM(g, i, true)) return false;
    const w = g.w;
    const n = regForm ? i.reg : i.rm;
    g.concretizeCF();
    const rec = (d: Expr): Expr => {
      const dl = g.temp();
      g.push(w.set(dl, d));
      g.setFlags(dec ? LazyOp.SUB : LazyOp.ADD, size, ARITH & ~CF, w.get(dl), w.c(1), dec ? w.sub(w.get(dl), w.c(1)) : w.add(w.get(dl), w.c(1)));
      return g.flagRes();
    };
    if (regForm || !i.hasMem) {
      g.setReg(size, n, rec(g.getReg(size, n)));
      return true;
    }
    const m = g.rmw(size >> 3, i.seg, g.ea(i));
    m.finish(rec(m.value));
    return true;
  };
}

function negNot(size: number, neg: boolean): InlineEmitter {
  return (g, i) => {
    if (!canRM(g, i, true)) return false;
    const w = g.w;
    const apply = (d: Expr): Expr => (neg ? aluOp(g, 5, size, w.c(0), d) : w.xor(d, w.c(-1)));
    if (!i.hasMem) {
      g.setReg(size, i.rm, apply(g.getReg(size, i.rm)));
      return true;
    }
    const m = g.rmw(size >> 3, i.seg, g.ea(i));
    m.finish(apply(m.value));
    return true;
  };
}

export function registerInlineAlu(def: (instruction: string, e: InlineEmitter) => void): void {
  for (const size of SIZES) {
    const s = String(size);
    for (const [k, name] of Object.entries(ALU_NAMES)) {
      const op = Number(k);
      def(`${name} r/m${s}, r${s}`, rmDest(op, size, regOf(size)));
      def(`${name} r${s}, r/m${s}`, regDest(op, size));
      def(`${name} r/m${s}, imm${s}`, rmDest(op, size, immOf));
      if (size !== 8) def(`${name} r/m${s}, imm8`, rmDest(op, size, immOf));
      def(`${name} ${acc(size)}, imm${s}`, (g, i) => {
        const res = aluOp(g, op, size, g.getReg(size, 0), g.w.c(i.imm));
        if (op !== 7) g.setReg(size, 0, res);
        return true;
      });
    }
    def(`TEST r/m${s}, r${s}`, testForm(size, regOf(size)));
    def(`TEST r/m${s}, imm${s}`, testForm(size, immOf));
    def(`TEST ${acc(size)}, imm${s}`, (g, i) => {
      aluOp(g, 4, size, g.getReg(size, 0), g.w.c(i.imm));
      return true;
    });
    def(`INC r/m${s}`, incDec(size, false, false));
    def(`DEC r/m${s}`, incDec(size, true, false));
    if (size !== 8) {
      def(`INC r${s}`, incDec(size, false, true));
      def(`DEC r${s}`, incDec(size, true, true));
    }
    def(`NEG r/m${s}`, negNot(size, true));
    def(`NOT r/m${s}`, negNot(size, false));
  }
}

/** TEST r/m, src: AND for the flags only; the memory operand is just read. */
function testForm(size: number, src: (g: BlockCompiler, i: CachedInsn) => Expr): InlineEmitter {
  return (g, i) => {
    if (!canRM(g, i, false)) return false;
    aluOp(g, 4, size, readRM(g, i, size), src(g, i));
    return true;
  };
}
