// Control, debug and model-specific registers and the cache/TLB instructions:
// MOV to/from CRn and DRn, SMSW, LMSW, CLTS, INVLPG, INVD, WBINVD, RDMSR,
// WRMSR, RDPMC (SDM Vol. 3, 2.5 and the instruction pages).
import * as L from '../cpu/layout.js';
import { fault, Vector } from '../cpu/exceptions.js';
import type { Insn } from '../decoder/insn.js';
import type { Cpu } from '../cpu/context.js';
import { TwoLevelPageWalker } from '../mem/paging.js';
import type { Define } from '../semantics/handler.js';
import { CR0_CD, CR0_ET, CR0_NW, CR0_PE, CR0_PG, CR0_TS, CR0_WP, updateMode } from './mode.js';
import { requireCpl0, storeSelector } from './table-insns.js';

const W_DR = L.DR >> 2;
const W_RETIRED = L.INSNS_RETIRED >> 3;
const W_TSC_OFFSET = L.TSC_OFFSET >> 3;
/** CR4 bits this model accepts: VME PVI TSD DE PSE MCE PGE PCE OSFXSR OSXMMEXCPT (PAE is not modeled). */
const CR4_SUPPORTED = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400;
const CR4_PCE = 0x100;
/** CR0 bits that are defined (SDM Vol. 3, 2.5); the others are reserved. */
const CR0_DEFINED = 0xe005003f;
export const MSR_TSC = 0x10;

/** Makes the memory system follow CR0.PG (and installs the walker on first use). */
export function applyPaging(c: Cpu): void {
  const mem = c.mem;
  if (mem.walker === null) mem.walker = new TwoLevelPageWalker(mem, c.s);
  mem.paging = (c.state.cr(0) & CR0_PG) !== 0;
  mem.flushTlb();
}

/** MOV CR0 / LMSW: validates and installs a new CR0 (SDM MOV CRn: #GP(0) for reserved bits, PG without PE, NW without CD). */
export function writeCr0(c: Cpu, value: number): void {
  value = (value | CR0_ET) >>> 0;
  if ((value & ~CR0_DEFINED) !== 0) throw fault(Vector.GP, 0);
  if ((value & CR0_PG) !== 0 && (value & CR0_PE) === 0) throw fault(Vector.GP, 0);
  if ((value & CR0_NW) !== 0 && (value & CR0_CD) === 0) throw fault(Vector.GP, 0);
  const old = c.state.cr(0);
  c.state.setCr(0, value);
  if (((old ^ value) & (CR0_PG | CR0_WP | CR0_PE)) !== 0) applyPaging(c);
  updateMode(c);
}

function movToCr(c: Cpu, i: Insn): void {
  requireCpl0(c);
  const v = c.r[i.rm] >>> 0;
  switch (i.reg) {
    case 0:
      writeCr0(c, v);
      return;
    case 2:
      c.state.setCr(2, v);
      return;
    case 3:
      c.state.setCr(3, v);
      // A CR3 load flushes every TLB entry (SDM Vol. 3, 4.10.4.1).
      c.mem.flushTlb();
      return;
    case 4:
      if ((v & ~CR4_SUPPORTED) !== 0) throw fault(Vector.GP, 0);
      c.state.setCr(4, v);
      c.mem.flushTlb();
      return;
    default:
      throw fault(Vector.UD);
  }
}

function readTsc(c: Cpu, i: Insn): number {
  return c.state.f64[W_RETIRED] + c.retiredInBlock(i) + c.state.f64[W_TSC_OFFSET];
}

export function registerControlInsns(def: Define): void {
  def('MOV CR0-CR7, r32', movToCr);
  def('MOV r32, CR0-CR7', (c, i) => {
    requireCpl0(c);
    if (i.reg === 1 || i.reg > 4) throw fault(Vector.UD);
    c.r[i.rm] = c.state.cr(i.reg);
  });
  // DR4/DR5 alias DR6/DR7 while CR4.DE is clear (SDM Vol. 3, 17.2.2); breakpoints are not modeled.
  const drIndex = (c: Cpu, n: number): number => {
    if (n === 4 || n === 5) {
      if ((c.state.cr(4) & 0x8) !== 0) throw fault(Vector.UD);
      return n + 2;
    }
    return n;
  };
  def('MOV DR0-DR7, r32', (c, i) => {
    requireCpl0(c);
    c.s[W_DR + drIndex(c, i.reg)] = c.r[i.rm];
  });
  def('MOV r32, DR0-DR7', (c, i) => {
    requireCpl0(c);
    c.r[i.rm] = c.s[W_DR + drIndex(c, i.reg)];
  });
  // SMSW is unprivileged: a register destination with 32-bit operand size receives all of CR0.
  def('SMSW r/m16', (c, i) => storeSelector(c, i, i.hasMem ? c.state.cr(0) & 0xffff : c.state.cr(0)));
  // LMSW writes PE MP EM TS only and cannot clear PE (SDM LMSW).
  def('LMSW r/m16', (c, i) => {
    requireCpl0(c);
    const v = c.readRM(i, 16);
    const cr0 = c.state.cr(0);
    writeCr0(c, (cr0 & ~0xe) | (v & 0xf) | (cr0 & CR0_PE));
  });
  def('CLTS', (c) => {
    requireCpl0(c);
    c.state.setCr(0, c.state.cr(0) & ~CR0_TS);
  });
  def('INVLPG m', (c, i) => {
    requireCpl0(c);
    const lin = (c.state.segBase(i.seg) + c.ea(i)) | 0;
    c.mem.invalidatePage(lin);
  });
  // No caches are modeled: INVD and WBINVD only check privilege.
  def('INVD', (c) => requireCpl0(c));
  def('WBINVD', (c) => requireCpl0(c));
  def('RDMSR', (c, i) => {
    requireCpl0(c);
    if ((c.r[1] >>> 0) !== MSR_TSC) {
      const v = c.msrs?.read(c.r[1] >>> 0) ?? null;
      if (v === null) throw fault(Vector.GP, 0);
      c.r[0] = v[0];
      c.r[2] = v[1];
      return;
    }
    const t = readTsc(c, i);
    c.r[0] = t % 2 ** 32;
    c.r[2] = Math.floor(t / 2 ** 32);
  });
  def('WRMSR', (c, i) => {
    requireCpl0(c);
    if ((c.r[1] >>> 0) !== MSR_TSC) {
      if (c.msrs === null || !c.msrs.write(c.r[1] >>> 0, c.r[0] >>> 0, c.r[2] >>> 0)) throw fault(Vector.GP, 0);
      return;
    }
    const value = (c.r[2] >>> 0) * 2 ** 32 + (c.r[0] >>> 0);
    c.state.f64[W_TSC_OFFSET] = value - (c.state.f64[W_RETIRED] + c.retiredInBlock(i));
  });
  // No performance counters are modeled: RDPMC faults as for an invalid counter.
  def('RDPMC', (c) => {
    if (c.protectedMode && c.cpl !== 0 && (c.state.cr(4) & CR4_PCE) === 0) throw fault(Vector.GP, 0);
    throw fault(Vector.GP, 0);
  });
  // Outside system-management mode RSM is undefined (SDM RSM).
  def('RSM', () => {
    throw fault(Vector.UD);
  });
}
