// Segment descriptors (SDM Vol. 3, 3.4.5): fetching them from the GDT or LDT
// by selector, decoding base/limit/attributes into the cache format the state
// block uses (SEG_ATTRS = descriptor bytes 5-6), and the supervisor-mode
// ("implicit") accesses the system layer makes to its tables and stacks.
import * as L from '../cpu/layout.js';
import { fault } from '../cpu/exceptions.js';
import type { Cpu } from '../cpu/context.js';
import { ATTR_ACCESSED, ATTR_CODE, ATTR_DPL_SHIFT, ATTR_EC, ATTR_G, ATTR_P, ATTR_RW, ATTR_S } from '../mem/segmentation.js';

export const W_GDTR_BASE = L.GDTR_BASE >> 2;
export const W_GDTR_LIMIT = L.GDTR_LIMIT >> 2;
export const W_IDTR_BASE = L.IDTR_BASE >> 2;
export const W_IDTR_LIMIT = L.IDTR_LIMIT >> 2;
const W_LDTR = L.LDTR >> 2;

/** System descriptor types (S = 0), SDM Vol. 3, table 3-2. */
export const enum SysType {
  TSS16_AVAILABLE = 1,
  LDT = 2,
  TSS16_BUSY = 3,
  CALL_GATE16 = 4,
  TASK_GATE = 5,
  INT_GATE16 = 6,
  TRAP_GATE16 = 7,
  TSS32_AVAILABLE = 9,
  TSS32_BUSY = 11,
  CALL_GATE32 = 12,
  INT_GATE32 = 14,
  TRAP_GATE32 = 15,
}

export interface Descriptor {
  /** Linear address of the 8-byte entry. */
  address: number;
  lo: number;
  hi: number;
  base: number;
  /** Byte-granular limit (granularity applied). */
  limit: number;
  /** Descriptor bytes 5-6 as SEG_ATTRS keeps them. */
  attrs: number;
}

export function decodeDescriptor(address: number, lo: number, hi: number): Descriptor {
  const base = ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) >>> 0;
  let limit = (lo & 0xffff) | (hi & 0xf0000);
  const attrs = (hi >>> 8) & 0xffff;
  if ((attrs & ATTR_G) !== 0) limit = ((limit << 12) | 0xfff) >>> 0;
  return { address, lo, hi, base, limit, attrs };
}

export const dplOf = (attrs: number): number => (attrs >>> ATTR_DPL_SHIFT) & 3;
export const isPresent = (attrs: number): boolean => (attrs & ATTR_P) !== 0;
/** S = 1: a code or data segment. */
export const isCodeOrData = (attrs: number): boolean => (attrs & ATTR_S) !== 0;
export const isCode = (attrs: number): boolean => (attrs & (ATTR_S | ATTR_CODE)) === (ATTR_S | ATTR_CODE);
export const isData = (attrs: number): boolean => (attrs & (ATTR_S | ATTR_CODE)) === ATTR_S;
export const isConforming = (attrs: number): boolean => isCode(attrs) && (attrs & ATTR_EC) !== 0;
export const isReadableCode = (attrs: number): boolean => isCode(attrs) && (attrs & ATTR_RW) !== 0;
export const isWritableData = (attrs: number): boolean => isData(attrs) && (attrs & ATTR_RW) !== 0;
/** The system type field (bits 0-3) of a system descriptor, or -1 for code/data. */
export const systemType = (attrs: number): number => (isCodeOrData(attrs) ? -1 : attrs & 15);

// ---- supervisor accesses (descriptor tables, TSS, stacks of inner rings) ----

/** Runs `f` with supervisor page permissions: the CPU's own table accesses are implicit supervisor accesses (SDM Vol. 3, 4.6). */
export function asSupervisor<T>(c: Cpu, f: () => T): T {
  const user = c.cpl === 3;
  if (!user) return f();
  c.mem.setUser(false);
  try {
    return f();
  } finally {
    c.mem.setUser(true);
  }
}

// Implicit accesses to the descriptor tables and the TSS. Under a software VMM
// the real GDTR, LDTR, IDTR and TR point into VMM memory (Cpu.tables), which
// no guest access can reach: only these do.
export const sysRead32 = (c: Cpu, lin: number): number =>
  c.tables !== null && c.tables.owns(lin) ? c.tables.read32(lin) : asSupervisor(c, () => c.mem.read32(lin));
export const sysRead16 = (c: Cpu, lin: number): number =>
  c.tables !== null && c.tables.owns(lin) ? c.tables.read16(lin) : asSupervisor(c, () => c.mem.read16(lin));
export const sysWrite32 = (c: Cpu, lin: number, v: number): void => {
  if (c.tables !== null && c.tables.owns(lin)) c.tables.write32(lin, v);
  else asSupervisor(c, () => c.mem.write32(lin, v));
};
export const sysWrite16 = (c: Cpu, lin: number, v: number): void => {
  if (c.tables !== null && c.tables.owns(lin)) c.tables.write16(lin, v);
  else asSupervisor(c, () => c.mem.write16(lin, v));
};

/** Base and limit of the table a selector indexes (TI bit: LDT, else GDT); null when the LDT is null. */
function tableOf(c: Cpu, selector: number): { base: number; limit: number } | null {
  const s = c.s;
  if ((selector & 4) === 0) return { base: s[W_GDTR_BASE], limit: s[W_GDTR_LIMIT] };
  if ((s[W_LDTR] & 0xfffc) === 0) return null;
  return { base: s[W_LDTR + 1], limit: s[W_LDTR + 2] };
}

/**
 * The descriptor a (non-null) selector names, or null when the selector lies
 * outside its table (or names the LDT while none is loaded).
 */
export function fetchDescriptor(c: Cpu, selector: number): Descriptor | null {
  const t = tableOf(c, selector);
  const offset = selector & 0xfff8;
  if (t === null || offset + 7 > t.limit) return null;
  const address = (t.base + offset) | 0;
  return decodeDescriptor(address, sysRead32(c, address), sysRead32(c, (address + 4) | 0));
}

/** fetchDescriptor, raising `vector`(selector & FFFC | ext) when the selector is outside its table. */
export function loadDescriptor(c: Cpu, selector: number, vector: number, ext: number): Descriptor {
  const d = fetchDescriptor(c, selector);
  if (d === null) throw fault(vector, (selector & 0xfffc) | ext);
  return d;
}

/** Sets the accessed bit of a code/data descriptor in memory (SDM Vol. 3, 3.4.5.1), as a segment load does. */
export function markAccessed(c: Cpu, d: Descriptor): void {
  if ((d.attrs & ATTR_ACCESSED) !== 0) return;
  d.hi |= ATTR_ACCESSED << 8;
  d.attrs |= ATTR_ACCESSED;
  sysWrite32(c, (d.address + 4) | 0, d.hi);
}
