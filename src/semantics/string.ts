// String instructions MOVS CMPS SCAS LODS STOS INS OUTS, with REP / REPE /
// REPNE (SDM Vol. 1, 7.3.9). The address size picks SI/DI/CX or ESI/EDI/ECX;
// DF picks the direction. Each iteration commits its pointers and count, so a
// fault mid-REP leaves them consistent with EIP still at the instruction. A
// long REP runs in chunks: after CHUNK iterations EIP is put back on the
// instruction and the block ends, so the dispatcher regains control. Runs
// inside one page go through the bulk path (string-bulk.ts).
import { P_REP, P_REPNE } from '../decoder/insn.js';
import type { Insn } from '../decoder/insn.js';
import { ZF } from '../arch/flags.js';
import { getFlag } from '../cpu/lazy-flags.js';
import { type Cpu, ES, W_EIP } from '../cpu/context.js';
import { alu, AluOp } from './alu.js';
import type { Define, Handler } from './handler.js';
import { bulkRepeat, StringKind as Kind } from './string-bulk.js';

const ECX = 1;
const ESI = 6;
const EDI = 7;
/** Iterations of one REP before control returns to the dispatcher. */
export const REP_CHUNK = 1 << 16;

function bump(c: Cpu, reg: number, delta: number, a32: boolean): void {
  if (a32) c.r[reg] = (c.r[reg] + delta) | 0;
  else c.setReg16(reg, c.r[reg] + delta);
}

/** One iteration; returns false when a REPE/REPNE condition ends the loop. */
function once(c: Cpu, i: Insn, kind: Kind, size: number, a32: boolean): void {
  const delta = c.dfSet() ? -(size >> 3) : size >> 3;
  const si = a32 ? c.r[ESI] : c.r[ESI] & 0xffff;
  const di = a32 ? c.r[EDI] : c.r[EDI] & 0xffff;
  switch (kind) {
    case Kind.MOVS:
      c.writeSized(size, ES, di, c.readSized(size, i.seg, si));
      bump(c, ESI, delta, a32);
      bump(c, EDI, delta, a32);
      break;
    case Kind.CMPS: {
      const a = c.readSized(size, i.seg, si);
      const b = c.readSized(size, ES, di);
      alu(c, AluOp.CMP, size, a, b);
      bump(c, ESI, delta, a32);
      bump(c, EDI, delta, a32);
      break;
    }
    case Kind.SCAS:
      alu(c, AluOp.CMP, size, c.getReg(size, 0), c.readSized(size, ES, di));
      bump(c, EDI, delta, a32);
      break;
    case Kind.LODS:
      c.setReg(size, 0, c.readSized(size, i.seg, si));
      bump(c, ESI, delta, a32);
      break;
    case Kind.STOS:
      c.writeSized(size, ES, di, c.getReg(size, 0));
      bump(c, EDI, delta, a32);
      break;
    case Kind.INS: {
      const port = c.r[2] & 0xffff;
      c.checkIo(port, size >> 3);
      // Check the destination before reading the port: a port read can have side effects.
      c.writeSized(size, ES, di, c.readSized(size, ES, di));
      const v = size === 8 ? c.io.in8(port) : size === 16 ? c.io.in16(port) : c.io.in32(port);
      c.writeSized(size, ES, di, v);
      bump(c, EDI, delta, a32);
      break;
    }
    default: {
      const port = c.r[2] & 0xffff;
      c.checkIo(port, size >> 3);
      const v = c.readSized(size, i.seg, si);
      if (size === 8) c.io.out8(port, v & 0xff);
      else if (size === 16) c.io.out16(port, v & 0xffff);
      else c.io.out32(port, v >>> 0);
      bump(c, ESI, delta, a32);
      break;
    }
  }
}

function stringHandler(kind: Kind, size: number): Handler {
  const conditional = kind === Kind.CMPS || kind === Kind.SCAS;
  return (c: Cpu, i: Insn) => {
    const a32 = i.addrSize === 32;
    if ((i.prefixes & (P_REP | P_REPNE)) === 0) {
      once(c, i, kind, size, a32);
      return;
    }
    const repne = (i.prefixes & P_REPNE) !== 0;
    let n = 0;
    for (;;) {
      const count = a32 ? c.r[ECX] : c.r[ECX] & 0xffff;
      if (count === 0) return;
      if (n === REP_CHUNK) {
        c.s[W_EIP] = c.insnEip(i);
        c.blockExit = true;
        return;
      }
      const bulk = a32 ? bulkRepeat(c, i, kind, size, Math.min(count >>> 0, REP_CHUNK - n), repne) : 0;
      if (bulk > 0) {
        n += bulk;
        c.repWork += bulk;
      } else {
        once(c, i, kind, size, a32);
        bump(c, ECX, -1, a32);
        n++;
        c.repWork++;
      }
      if (conditional) {
        const zf = getFlag(c.s, ZF) !== 0;
        if (repne ? zf : !zf) return;
      }
    }
  };
}

const FORMS: [Kind, string][] = [
  [Kind.MOVS, 'MOVS'],
  [Kind.CMPS, 'CMPS'],
  [Kind.SCAS, 'SCAS'],
  [Kind.LODS, 'LODS'],
  [Kind.STOS, 'STOS'],
  [Kind.INS, 'INS'],
  [Kind.OUTS, 'OUTS'],
];

/** Registered under the table's size-suffixed names (MOVSB, MOVSW, MOVSD…). */
export function registerString(def: Define): void {
  for (const [kind, name] of FORMS) {
    for (const size of [8, 16, 32]) def(`${name}${size === 8 ? 'B' : size === 16 ? 'W' : 'D'}`, stringHandler(kind, size));
  }
}
