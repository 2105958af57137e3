// Inline emitters for data movement: MOV (register, memory, immediate),
// MOVZX/MOVSX, LEA, XCHG with a register, SETcc, CMOVcc, NOP and CDQ/CWDE —
// the same semantics as src/semantics/move.ts, checked form by form by
// test/translator/inline-diff.test.ts.
import type { CachedInsn } from '../interp/cached-insn.js';
import type { BlockCompiler, InlineEmitter } from './codegen.js';
import { canRM, readRM, writeRM } from './operands.js';

function acc(size: number): string {
  return size === 8 ? 'AL' : size === 16 ? 'AX' : 'EAX';
}

const movRmR = (size: number): InlineEmitter => (g, i) => {
  if (!canRM(g, i, true)) return false;
  writeRM(g, i, size, g.getReg(size, i.reg));
  return true;
};
const movRRm = (size: number): InlineEmitter => (g, i) => {
  if (!canRM(g, i, false)) return false;
  g.setReg(size, i.reg, readRM(g, i, size));
  return true;
};
const movRmImm = (size: number): InlineEmitter => (g, i) => {
  if (!canRM(g, i, true)) return false;
  writeRM(g, i, size, g.w.c(i.imm));
  return true;
};

/** MOVZX/MOVSX r, r/m(from): `to`-bit destination. */
function extend(to: number, from: number, signed: boolean): InlineEmitter {
  return (g, i) => {
    if (!canRM(g, i, false)) return false;
    const w = g.w;
    const v = readRM(g, i, from);
    const x = !signed || from === to ? v : from === 8 ? w.ext8s(v) : w.ext16s(v);
    g.setReg(to, i.reg, x);
    return true;
  };
}

function lea(size: number): InlineEmitter {
  return (g, i) => {
    g.setReg(size, i.reg, g.ea(i));
    return true;
  };
}

/** XCHG between two registers (the memory form is a locked RMW: handler). */
function xchgRegs(size: number): InlineEmitter {
  return (g, i) => {
    if (i.hasMem) return false;
    const w = g.w;
    const t = g.temp();
    const other = i.modrm >= 0 ? i.rm : 0;
    g.push(w.set(t, g.getReg(size, i.reg)));
    g.setReg(size, i.reg, g.getReg(size, other));
    g.setReg(size, other, w.get(t));
    return true;
  };
}

function setcc(cc: number): InlineEmitter {
  return (g, i) => {
    if (!canRM(g, i, true)) return false;
    const t = g.temp();
    g.push(g.w.set(t, g.condition(cc)));
    writeRM(g, i, 8, g.w.get(t));
    return true;
  };
}

/** CMOVcc: the source is read whatever the condition (SDM CMOVcc; a fault is raised even when false). */
function cmov(cc: number, size: number): InlineEmitter {
  return (g, i) => {
    if (!canRM(g, i, false)) return false;
    const w = g.w;
    const v = g.temp();
    g.push(w.set(v, readRM(g, i, size)));
    const c = g.temp();
    g.push(w.set(c, g.condition(cc)));
    g.setReg(size, i.reg, w.select(w.get(c), w.get(v), g.getReg(size, i.reg)));
    return true;
  };
}

const nop: InlineEmitter = () => true;

export function registerInlineMove(def: (instruction: string, e: InlineEmitter) => void): void {
  for (const size of [8, 16, 32]) {
    const s = String(size);
    def(`MOV r/m${s}, r${s}`, movRmR(size));
    def(`MOV r${s}, r/m${s}`, movRRm(size));
    def(`MOV r${s}, imm${s}`, (g: BlockCompiler, i: CachedInsn) => {
      g.setReg(size, i.reg, g.w.c(i.imm));
      return true;
    });
    def(`MOV r/m${s}, imm${s}`, movRmImm(size));
    def(`MOV ${acc(size)}, moffs${s}`, (g, i) => {
      if (!canRM(g, i, false)) return false;
      g.setReg(size, 0, g.read(size >> 3, g.ea(i)));
      return true;
    });
    def(`MOV moffs${s}, ${acc(size)}`, (g, i) => {
      if (!canRM(g, i, true)) return false;
      g.write(size >> 3, g.ea(i), g.getReg(size, 0));
      return true;
    });
  }
  def('MOVZX r16, r/m8', extend(16, 8, false));
  def('MOVZX r32, r/m8', extend(32, 8, false));
  def('MOVZX r32, r/m16', extend(32, 16, false));
  def('MOVSX r16, r/m8', extend(16, 8, true));
  def('MOVSX r32, r/m8', extend(32, 8, true));
  def('MOVSX r32, r/m16', extend(32, 16, true));
  def('LEA r32, m', lea(32));
  def('LEA r16, m', lea(16));
  for (const size of [16, 32]) {
    const s = String(size);
    def(`XCHG ${acc(size)}, r${s}`, xchgRegs(size));
    def(`XCHG r/m${s}, r${s}`, xchgRegs(size));
  }
  def('NOP', nop);
  def('NOP r/m16', nop);
  def('NOP r/m32', nop);
  def('CDQ', (g) => {
    g.setReg32(2, g.w.shrS(g.reg32(0), g.w.c(31)));
    return true;
  });
  def('CWDE', (g) => {
    g.setReg32(0, g.w.ext16s(g.reg32(0)));
    return true;
  });
}

/** SETcc and CMOVcc emitters by opcode (their condition is the opcode's low nibble). */
export function conditionMoveEmitter(bytes: readonly number[], opSize: number): InlineEmitter | undefined {
  if (bytes.length !== 2 || bytes[0] !== 0x0f) return undefined;
  const op = bytes[1];
  if (op >= 0x90 && op <= 0x9f) return setcc(op & 15);
  if (op >= 0x40 && op <= 0x4f) return cmov(op & 15, opSize === 16 ? 16 : 32);
  return undefined;
}
