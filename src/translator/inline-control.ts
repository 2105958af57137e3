// Inline emitters for the stack and near control transfers: PUSH/POP, LEAVE,
// JMP, Jcc (fused with the CMP/TEST record in locals), CALL and RET. They end
// the block through the block compiler's exits (chained table slots, or the
// jump cache for indirect targets). Inlined only in 32-bit code with a flat
// code segment (no CS limit check needed, as Cpu.checkTarget) and 32-bit
// operands; other cases call the handlers.
import type { CachedInsn } from '../interp/cached-insn.js';
import type { BlockCompiler, InlineEmitter } from './codegen.js';
import { MK_CODE32, segFast } from './mode.js';
import { canRM, canStack, dropStack, peek, push, readRM } from './operands.js';

const CS = 1;
const ESP = 4;
const EBP = 5;
const ECX = 1;

function flatCode(g: BlockCompiler, i: CachedInsn): boolean {
  return (g.modeKey & MK_CODE32) !== 0 && segFast(g.modeKey, CS) !== 0 && i.opSize === 32;
}

const pushReg: InlineEmitter = (g, i) => {
  if (!canStack(g) || i.opSize !== 32) return false;
  push(g, 4, g.reg32(i.reg));
  return true;
};
const pushImm: InlineEmitter = (g, i) => {
  if (!canStack(g) || i.opSize !== 32) return false;
  push(g, 4, g.w.c(i.imm));
  return true;
};
const pushRM: InlineEmitter = (g, i) => {
  if (!canStack(g) || i.opSize !== 32 || !canRM(g, i, false)) return false;
  push(g, 4, readRM(g, i, 32));
  return true;
};
const popReg: InlineEmitter = (g, i) => {
  if (!canStack(g) || i.opSize !== 32) return false;
  const v = g.temp();
  g.push(g.w.set(v, peek(g, 4)));
  dropStack(g, 4);
  g.setReg32(i.reg, g.w.get(v));
  return true;
};
/** LEAVE: ESP = EBP, then POP EBP (SDM LEAVE). */
const leave: InlineEmitter = (g, i) => {
  if (!canStack(g) || i.opSize !== 32) return false;
  const w = g.w;
  const bp = g.temp();
  const v = g.temp();
  g.push(w.set(bp, g.reg32(EBP)));
  g.push(w.set(v, g.read(4, w.get(bp))));
  g.setReg32(ESP, w.add(w.get(bp), w.c(4)));
  g.setReg32(EBP, w.get(v));
  return true;
};

const jmpRel: InlineEmitter = (g, i) => {
  if (!flatCode(g, i)) return false;
  g.emitBranchExit(null);
  return true;
};

function jcc(cc: number): InlineEmitter {
  return (g, i) => {
    if (!flatCode(g, i)) return false;
    g.emitBranchExit(g.condition(cc));
    return true;
  };
}

/** JECXZ / LOOP (32-bit address size): ECX-driven branches; LOOP leaves the flags alone. */
const jecxz: InlineEmitter = (g, i) => {
  if (!flatCode(g, i) || i.addrSize !== 32) return false;
  g.emitBranchExit(g.w.eqz(g.reg32(ECX)));
  return true;
};
const loop: InlineEmitter = (g, i) => {
  if (!flatCode(g, i) || i.addrSize !== 32) return false;
  const w = g.w;
  g.setReg32(ECX, w.sub(g.reg32(ECX), w.c(1)));
  g.emitBranchExit(w.ne(g.reg32(ECX), w.c(0)));
  return true;
};

const callRel: InlineEmitter = (g, i) => {
  if (!flatCode(g, i) || !canStack(g)) return false;
  push(g, 4, g.w.c(g.nextEip));
  g.emitBranchExit(null);
  return true;
};

const callRM: InlineEmitter = (g, i) => {
  if (!flatCode(g, i) || !canStack(g) || !canRM(g, i, false)) return false;
  const t = g.temp();
  g.push(g.w.set(t, readRM(g, i, 32)));
  push(g, 4, g.w.c(g.nextEip));
  g.emitIndirectExit(g.w.get(t));
  return true;
};

const jmpRM: InlineEmitter = (g, i) => {
  if (!flatCode(g, i) || !canRM(g, i, false)) return false;
  g.emitIndirectExit(readRM(g, i, 32));
  return true;
};

function ret(withImm: boolean): InlineEmitter {
  return (g, i) => {
    if (!flatCode(g, i) || !canStack(g)) return false;
    const t = g.temp();
    g.push(g.w.set(t, peek(g, 4)));
    dropStack(g, 4 + (withImm ? i.imm & 0xffff : 0));
    g.emitIndirectExit(g.w.get(t));
    return true;
  };
}

export function registerInlineControl(def: (instruction: string, e: InlineEmitter) => void): void {
  def('PUSH r32', pushReg);
  def('PUSH imm32', pushImm);
  def('PUSH imm8', pushImm);
  def('PUSH r/m32', pushRM);
  def('POP r32', popReg);
  def('LEAVE', leave);
  def('JMP rel8', jmpRel);
  def('JMP rel32', jmpRel);
  def('JMP r/m32', jmpRM);
  def('JECXZ rel8', jecxz);
  def('LOOP rel8', loop);
  def('CALL rel32', callRel);
  def('CALL r/m32', callRM);
  def('RET', ret(false));
  def('RET imm16', ret(true));
}

/** Jcc emitters by opcode (70-7F, 0F 80-8F). */
export function jccEmitter(bytes: readonly number[]): InlineEmitter | undefined {
  if (bytes.length === 1 && bytes[0] >= 0x70 && bytes[0] <= 0x7f) return jcc(bytes[0] & 15);
  if (bytes.length === 2 && bytes[0] === 0x0f && bytes[1] >= 0x80 && bytes[1] <= 0x8f) return jcc(bytes[1] & 15);
  return undefined;
}
