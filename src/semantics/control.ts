// Near control transfers: JMP, Jcc (registered by opcode), JCXZ/JECXZ,
// LOOP/LOOPE/LOOPNE, CALL, RET. EIP already holds the next instruction's
// address; targets are truncated to 16 bits with a 16-bit operand size
// (SDM JMP, CALL, RET "Operation").
import { condition } from '../cpu/lazy-flags.js';
import { ZF } from '../arch/flags.js';
import { type Cpu, W_EIP } from '../cpu/context.js';
import type { Insn } from '../decoder/insn.js';
import type { Define, Handler } from './handler.js';

const ECX = 1;

function relJump(c: Cpu, i: Insn): void {
  c.jump(c.nextEip() + i.imm, i.opSize);
}

function jcc(c: Cpu, i: Insn, cc: number): void {
  if (condition(c.s, cc)) c.jump(c.s[W_EIP] + i.imm, i.opSize);
}

// One literal per condition so each inlines `condition` with cc folded.
const JCC: Handler[] = [
  (c, i) => jcc(c, i, 0), (c, i) => jcc(c, i, 1), (c, i) => jcc(c, i, 2), (c, i) => jcc(c, i, 3),
  (c, i) => jcc(c, i, 4), (c, i) => jcc(c, i, 5), (c, i) => jcc(c, i, 6), (c, i) => jcc(c, i, 7),
  (c, i) => jcc(c, i, 8), (c, i) => jcc(c, i, 9), (c, i) => jcc(c, i, 10), (c, i) => jcc(c, i, 11),
  (c, i) => jcc(c, i, 12), (c, i) => jcc(c, i, 13), (c, i) => jcc(c, i, 14), (c, i) => jcc(c, i, 15),
];

export function jccHandler(cc: number): Handler {
  return JCC[cc];
}

/** The count register of LOOP/JCXZ is CX or ECX by address size. */
function count(c: Cpu, i: Insn): number {
  return i.addrSize === 32 ? c.r[ECX] : c.r[ECX] & 0xffff;
}

/** LOOPcc: decrement the count (flags untouched), jump while non-zero and `cond`. */
function loopHandler(kind: 0 | 1 | 2): Handler {
  return (c: Cpu, i: Insn) => {
    // Check the target first: a #GP leaves ECX unchanged.
    const cnt = (count(c, i) - 1) & (i.addrSize === 32 ? -1 : 0xffff);
    let take = cnt !== 0;
    if (take && kind !== 0) {
      const zf = (c.eflags() & ZF) !== 0;
      take = kind === 1 ? zf : !zf;
    }
    const target = take ? c.checkTarget(c.nextEip() + i.imm, i.opSize) : 0;
    if (i.addrSize === 32) c.r[ECX] = cnt;
    else c.setReg16(ECX, cnt);
    if (take) c.s[W_EIP] = target;
  };
}

function callRel(c: Cpu, i: Insn): void {
  const next = c.nextEip();
  const target = c.checkTarget(next + i.imm, i.opSize);
  c.push(i.opSize >> 3, next);
  c.s[W_EIP] = target;
}

function callIndirect(c: Cpu, i: Insn): void {
  const target = c.checkTarget(c.readRM(i, i.opSize), i.opSize);
  c.push(i.opSize >> 3, c.nextEip());
  c.s[W_EIP] = target;
}

function ret(c: Cpu, i: Insn, extra: number): void {
  const bytes = i.opSize >> 3;
  const target = c.checkTarget(c.peek(bytes, 0), i.opSize);
  c.setSp(c.spPlus(bytes + extra));
  c.s[W_EIP] = target;
}

export function registerControl(def: Define): void {
  def('JMP rel8', relJump);
  def('JMP rel16', relJump);
  def('JMP rel32', relJump);
  def('JMP r/m16', (c, i) => c.jump(c.readRM(i, 16), 16));
  def('JMP r/m32', (c, i) => c.jump(c.readRM(i, 32), 32));
  const jcxz: Handler = (c, i) => {
    if (count(c, i) === 0) c.jump(c.nextEip() + i.imm, i.opSize);
  };
  def('JCXZ rel8', jcxz);
  def('JECXZ rel8', jcxz);
  def('LOOP rel8', loopHandler(0));
  def('LOOPE rel8', loopHandler(1));
  def('LOOPNE rel8', loopHandler(2));
  def('CALL rel16', callRel);
  def('CALL rel32', callRel);
  def('CALL r/m16', callIndirect);
  def('CALL r/m32', callIndirect);
  def('RET', (c, i) => ret(c, i, 0));
  def('RET imm16', (c, i) => ret(c, i, i.imm & 0xffff));
}
