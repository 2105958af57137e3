// Bytes → Insn for 16- and 32-bit code segments (SDM Vol. 2 ch. 2: prefixes,
// opcode, ModRM, SIB, displacement, immediate). Table-driven from
// decoder/lookup.ts; no allocation and no string work on this path.
import { DecodeStatus, Insn, NO_REG, P_ADDRSIZE, P_LOCK, P_OPSIZE, P_REP, P_REPNE, P_SEG } from './insn.js';
import {
  F_ADDRSIZE,
  F_LOCK,
  F_MODIGNORED,
  F_MOFFS,
  F_MPREFIX,
  F_OPSIZE,
  F_REGINOP,
  IMM2_SIZE,
  IMM_SIZE,
  SLOTS,
  X87_REG,
} from './lookup.js';

/** The architectural instruction length limit (SDM Vol. 2 2.3.11). */
export const MAX_INSN_LENGTH = 15;

const SEG_ES = 0;
const SEG_CS = 1;
const SEG_SS = 2;
const SEG_DS = 3;
const SEG_FS = 4;
const SEG_GS = 5;

// 16-bit addressing (SDM Table 2-1): base and index per ModRM.rm.
const BASE16 = [3, 3, 5, 5, 6, 7, 5, 3]; // BX BX BP BP SI DI BP BX
const INDEX16 = [6, 7, 6, 7, NO_REG, NO_REG, NO_REG, NO_REG]; // SI DI SI DI

/** Status for needing `n` more bytes at `pos` when they are not all there. */
function shortOf(pos: number, n: number, end: number, limit: number): DecodeStatus {
  return pos + n > limit ? DecodeStatus.TOO_LONG : pos + n > end ? DecodeStatus.TRUNCATED : DecodeStatus.OK;
}

function readSigned(bytes: Uint8Array, pos: number, size: number): number {
  if (size === 1) return (bytes[pos] << 24) >> 24;
  if (size === 2) return ((bytes[pos] | (bytes[pos + 1] << 8)) << 16) >> 16;
  return bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 24);
}

function readUnsigned(bytes: Uint8Array, pos: number, size: number): number {
  if (size === 1) return bytes[pos];
  if (size === 2) return bytes[pos] | (bytes[pos + 1] << 8);
  return (bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 24)) >>> 0;
}

/**
 * Decodes one instruction at bytes[pos..end) into `out`. `code32` is the code
 * segment's D bit. Returns OK with out.length set, or why there is no instruction.
 * Prefix rules: the last segment override wins; of F2/F3 the last one wins
 * (only its P_REP/P_REPNE bit is set); LOCK on a form that does not accept it,
 * or with a register operand, is INVALID (#UD, SDM LOCK).
 * Field conventions beyond insn.ts: x87 register forms (D8-DF with mod = 3)
 * set reg = rm = i of ST(i); MOV CRn/DRn report mod = 3 whatever the encoded
 * mod (it is ignored, SDM MOV CRn). On a non-OK status `out` is unspecified.
 */
export function decode(bytes: Uint8Array, pos: number, end: number, code32: boolean, out: Insn): DecodeStatus {
  out.clear();
  const start = pos;
  const limit = start + MAX_INSN_LENGTH;
  if (end > bytes.length) end = bytes.length;
  let prefixes = 0;
  let seg = -1;
  let rep = 0;
  let b = 0;
  scan: for (;;) {
    if (pos >= limit) return DecodeStatus.TOO_LONG;
    if (pos >= end) return DecodeStatus.TRUNCATED;
    b = bytes[pos++];
    switch (b) {
      case 0x26: seg = SEG_ES; break;
      case 0x2e: seg = SEG_CS; break;
      case 0x36: seg = SEG_SS; break;
      case 0x3e: seg = SEG_DS; break;
      case 0x64: seg = SEG_FS; break;
      case 0x65: seg = SEG_GS; break;
      case 0x66: prefixes |= P_OPSIZE; break;
      case 0x67: prefixes |= P_ADDRSIZE; break;
      case 0xf0: prefixes |= P_LOCK; break;
      case 0xf2: rep = 0xf2; break;
      case 0xf3: rep = 0xf3; break;
      default: break scan;
    }
  }
  if (seg >= 0) prefixes |= P_SEG;
  if (rep === 0xf3) prefixes |= P_REP;
  else if (rep === 0xf2) prefixes |= P_REPNE;
  const opSize = code32 !== ((prefixes & P_OPSIZE) !== 0) ? 32 : 16;
  const addrSize = code32 !== ((prefixes & P_ADDRSIZE) !== 0) ? 32 : 16;

  let map = 0;
  if (b === 0x0f) {
    if (pos >= limit) return DecodeStatus.TOO_LONG;
    if (pos >= end) return DecodeStatus.TRUNCATED;
    b = bytes[pos++];
    map = 1;
  }
  const slot = SLOTS[(map << 8) | b];
  let candidates = slot.forms;
  let modrm = -1;
  if (slot.modrm) {
    if (pos >= limit) return DecodeStatus.TOO_LONG;
    if (pos >= end) return DecodeStatus.TRUNCATED;
    modrm = bytes[pos++];
    candidates = slot.byModrm[modrm];
  }
  let form = -1;
  for (let i = 0; i < candidates.length; i++) {
    const f = candidates[i];
    const fo = F_OPSIZE[f];
    if (fo !== 0 && fo !== opSize) continue;
    const fa = F_ADDRSIZE[f];
    if (fa !== 0 && fa !== addrSize) continue;
    const mp = F_MPREFIX[f];
    if (mp !== 0 && (mp === 0x66 ? (prefixes & P_OPSIZE) === 0 : mp !== rep)) continue;
    form = f;
    break;
  }
  if (form < 0) return DecodeStatus.INVALID;

  out.form = form;
  out.opSize = opSize;
  out.addrSize = addrSize;
  out.prefixes = prefixes;
  let defaultSeg = SEG_DS;
  if (modrm >= 0) {
    const mod = modrm >> 6;
    const rm = modrm & 7;
    out.modrm = modrm;
    out.mod = mod;
    out.reg = (modrm >> 3) & 7;
    out.rm = rm;
    if (X87_REG[form] === 1) {
      // x87 register forms: the register is ST(i) in the low bits (SDM Table A-10…).
      out.reg = rm;
    } else if (mod === 3 || F_MODIGNORED[form] === 1) {
      out.mod = 3;
    } else {
      out.hasMem = true;
      let dispSize = 0;
      if (addrSize === 32) {
        if (rm === 4) {
          if (pos >= limit) return DecodeStatus.TOO_LONG;
          if (pos >= end) return DecodeStatus.TRUNCATED;
          const sib = bytes[pos++];
          const base = sib & 7;
          const index = (sib >> 3) & 7;
          out.scale = sib >> 6;
          out.index = index === 4 ? NO_REG : index;
          if (base === 5 && mod === 0) {
            dispSize = 4;
          } else {
            out.base = base;
            if (base === 4 || base === 5) defaultSeg = SEG_SS;
          }
        } else if (rm === 5 && mod === 0) {
          dispSize = 4;
        } else {
          out.base = rm;
          if (rm === 5) defaultSeg = SEG_SS;
        }
        if (mod === 1) dispSize = 1;
        else if (mod === 2) dispSize = 4;
      } else {
        if (rm === 6 && mod === 0) {
          dispSize = 2;
        } else {
          out.base = BASE16[rm];
          out.index = INDEX16[rm];
          if (rm === 2 || rm === 3 || rm === 6) defaultSeg = SEG_SS;
        }
        if (mod === 1) dispSize = 1;
        else if (mod === 2) dispSize = 2;
      }
      if (dispSize !== 0) {
        const s = shortOf(pos, dispSize, end, limit);
        if (s !== DecodeStatus.OK) return s;
        out.disp = readSigned(bytes, pos, dispSize);
        pos += dispSize;
      }
    }
  } else if (F_REGINOP[form] === 1) {
    out.reg = b & 7;
  }

  if (F_MOFFS[form] === 1) {
    const size = addrSize >> 3;
    const s = shortOf(pos, size, end, limit);
    if (s !== DecodeStatus.OK) return s;
    out.disp = readUnsigned(bytes, pos, size) | 0;
    out.hasMem = true;
    pos += size;
  }

  const immSize = IMM_SIZE[form];
  if (immSize !== 0) {
    const imm2Size = IMM2_SIZE[form];
    const s = shortOf(pos, immSize + imm2Size, end, limit);
    if (s !== DecodeStatus.OK) return s;
    out.imm = readSigned(bytes, pos, immSize);
    pos += immSize;
    if (imm2Size !== 0) {
      out.imm2 = readUnsigned(bytes, pos, imm2Size);
      pos += imm2Size;
    }
  }

  // LOCK is #UD unless the form accepts it and its destination is memory (SDM LOCK).
  if ((prefixes & P_LOCK) !== 0 && (F_LOCK[form] === 0 || !out.hasMem)) return DecodeStatus.INVALID;

  out.seg = seg >= 0 ? seg : defaultSeg;
  out.length = pos - start;
  return DecodeStatus.OK;
}
