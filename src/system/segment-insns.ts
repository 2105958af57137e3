// Segment-register and far-transfer instructions: MOV Sreg, POP Sreg,
// LDS/LES/LFS/LGS/LSS, far JMP/CALL/RET, IRET; and the descriptor probes LAR,
// LSL, VERR, VERW and ARPL (SDM instruction pages).
import { fault, Vector } from '../cpu/exceptions.js';
import { Seg } from '../cpu/state.js';
import { ZF } from '../arch/flags.js';
import type { Insn } from '../decoder/insn.js';
import type { Cpu } from '../cpu/context.js';
import type { Define, Handler } from '../semantics/handler.js';
import { type Descriptor, dplOf, fetchDescriptor, isCode, isCodeOrData, isConforming, isData, isReadableCode, isWritableData, systemType } from './descriptors.js';
import { farReturn, farTransfer, iret } from './far-transfer.js';
import { loadSegment } from './segment-load.js';

const SREG_NAMES = ['ES', 'CS', 'SS', 'DS', 'FS', 'GS'];

function setZf(c: Cpu, on: boolean): void {
  c.setFlagsMasked(on ? ZF : 0, ZF);
}

/** Reads a far pointer m16:16 / m16:32 at the memory operand: [offset, selector]. */
function readFarPointer(c: Cpu, i: Insn): [number, number] {
  const off = c.ea(i);
  const size = i.opSize;
  const offset = i.opSize === 32 ? c.read32(i.seg, off) >>> 0 : c.read16(i.seg, off);
  const selAt = i.addrSize === 32 ? (off + (size >> 3)) | 0 : (off + (size >> 3)) & 0xffff;
  return [offset, c.read16(i.seg, selAt)];
}

const loadFarPointer = (seg: number): Handler => (c, i) => {
  const [offset, selector] = readFarPointer(c, i);
  loadSegment(c, seg, selector);
  c.setReg(i.opSize, i.reg, offset);
};

/** The descriptor LAR/LSL/VERR/VERW may look at: null when the selector is null, outside its table, or too privileged. */
function visibleDescriptor(c: Cpu, sel: number): Descriptor | null {
  if ((sel & 0xfffc) === 0) return null;
  const d = fetchDescriptor(c, sel);
  if (d === null) return null;
  if (isConforming(d.attrs)) return d;
  const dpl = dplOf(d.attrs);
  return dpl < c.cpl || dpl < (sel & 3) ? null : d;
}

/** System types LAR reports (SDM LAR: the valid system segment and gate types). */
const LAR_TYPES = new Set([1, 2, 3, 4, 5, 9, 11, 12]);
/** System types LSL reports: TSSs and LDTs only. */
const LSL_TYPES = new Set([1, 2, 3, 9, 11]);

function requireProtected(c: Cpu): void {
  if (!c.protectedMode || c.vm86) throw fault(Vector.UD);
}

// Bits 19:16 (limit) are reported as 0, as QEMU does (the SDM leaves them undefined).
const lar = (size: number): Handler => (c, i) => {
  requireProtected(c);
  const d = visibleDescriptor(c, c.readRM(i, 16) & 0xffff);
  const ok = d !== null && (isCodeOrData(d.attrs) || LAR_TYPES.has(systemType(d.attrs)));
  if (ok) c.setReg(size, i.reg, size === 32 ? d.hi & 0x00f0ff00 : d.hi & 0xff00);
  setZf(c, ok);
};

const lsl = (size: number): Handler => (c, i) => {
  requireProtected(c);
  const d = visibleDescriptor(c, c.readRM(i, 16) & 0xffff);
  const ok = d !== null && (isCodeOrData(d.attrs) || LSL_TYPES.has(systemType(d.attrs)));
  if (ok) c.setReg(size, i.reg, d.limit);
  setZf(c, ok);
};

export function registerSegmentInsns(def: Define): void {
  def('MOV Sreg, r/m16', (c, i) => loadSegment(c, i.reg, c.readRM(i, 16)));
  for (const s of [Seg.ES, Seg.SS, Seg.DS, Seg.FS, Seg.GS]) {
    // POP Sreg: ESP moves only after the load succeeded.
    def(`POP ${SREG_NAMES[s]}`, (c, i) => {
      const size = i.opSize >> 3;
      const v = c.peek(size, 0);
      const sp = c.spPlus(size);
      loadSegment(c, s, v & 0xffff);
      c.setSp(sp);
    });
  }
  for (const [name, seg] of [['LDS', Seg.DS], ['LES', Seg.ES], ['LFS', Seg.FS], ['LGS', Seg.GS], ['LSS', Seg.SS]] as const) {
    def(`${name} r16, m16:16`, loadFarPointer(seg));
    def(`${name} r32, m16:32`, loadFarPointer(seg));
  }

  for (const w of [16, 32]) {
    def(`JMP ptr16:${w}`, (c, i) => farTransfer(c, i.imm2, i.imm >>> 0, i.opSize, false));
    def(`CALL ptr16:${w}`, (c, i) => farTransfer(c, i.imm2, i.imm >>> 0, i.opSize, true));
    def(`JMP m16:${w}`, (c, i) => {
      const [offset, selector] = readFarPointer(c, i);
      farTransfer(c, selector, offset, i.opSize, false);
    });
    def(`CALL m16:${w}`, (c, i) => {
      const [offset, selector] = readFarPointer(c, i);
      farTransfer(c, selector, offset, i.opSize, true);
    });
  }
  def('RETF', (c, i) => farReturn(c, i.opSize, 0));
  def('RETF imm16', (c, i) => farReturn(c, i.opSize, i.imm & 0xffff));
  def('IRET', (c, i) => iret(c, i.opSize));
  def('IRETD', (c, i) => iret(c, i.opSize));

  def('LAR r16, r/m16', lar(16));
  def('LAR r32, r/m16', lar(32));
  def('LSL r16, r/m16', lsl(16));
  def('LSL r32, r/m16', lsl(32));
  def('VERR r/m16', (c, i) => {
    requireProtected(c);
    const d = visibleDescriptor(c, c.readRM(i, 16) & 0xffff);
    setZf(c, d !== null && (isData(d.attrs) || isReadableCode(d.attrs)));
  });
  def('VERW r/m16', (c, i) => {
    requireProtected(c);
    const d = visibleDescriptor(c, c.readRM(i, 16) & 0xffff);
    setZf(c, d !== null && isWritableData(d.attrs) && !isCode(d.attrs));
  });
  def('ARPL r/m16, r16', (c, i) => {
    requireProtected(c);
    const dest = c.readRM(i, 16);
    const src = c.reg16(i.reg);
    if ((dest & 3) < (src & 3)) {
      c.writeRM(i, 16, (dest & ~3) | (src & 3));
      setZf(c, true);
    } else {
      setZf(c, false);
    }
  });
}
