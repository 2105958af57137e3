// The task-state segment as the CPU uses it without task switching: the inner
// stack pointers for privilege changes (SDM Vol. 3, 7.2.1) and the I/O
// permission bitmap (SDM Vol. 1, 19.5.2).
import * as L from '../cpu/layout.js';
import { fault, Vector } from '../cpu/exceptions.js';
import type { Cpu } from '../cpu/context.js';
import { SysType, sysRead16, sysRead32 } from './descriptors.js';

const W_TR = L.TR >> 2;

function trType(c: Cpu): number {
  return c.s[W_TR + 3] & 15;
}

/** SS:ESP for privilege level `dpl` from the current TSS; #TS(TR selector | ext) if the TSS is too short. */
export function innerStack(c: Cpu, dpl: number, ext: number): { ss: number; esp: number } {
  const base = c.s[W_TR + 1];
  const limit = c.s[W_TR + 2];
  const trSel = c.s[W_TR] & 0xfffc;
  const is32 = trType(c) === SysType.TSS32_BUSY || trType(c) === SysType.TSS32_AVAILABLE;
  if (is32) {
    const at = dpl * 8 + 4;
    if (at + 5 > limit) throw fault(Vector.TS, trSel | ext);
    return { esp: sysRead32(c, (base + at) | 0) >>> 0, ss: sysRead16(c, (base + at + 4) | 0) };
  }
  const at = dpl * 4 + 2;
  if (at + 3 > limit) throw fault(Vector.TS, trSel | ext);
  return { esp: sysRead16(c, (base + at) | 0), ss: sysRead16(c, (base + at + 2) | 0) };
}

/**
 * Whether the I/O permission bitmap of a 32-bit TSS allows `bytes` ports from
 * `port`: every bit for them must be clear and inside the TSS limit.
 */
export function ioBitmapAllows(c: Cpu, port: number, bytes: number): boolean {
  const t = trType(c);
  if (t !== SysType.TSS32_BUSY && t !== SysType.TSS32_AVAILABLE) return false;
  const base = c.s[W_TR + 1];
  const limit = c.s[W_TR + 2];
  if (limit < 0x67) return false;
  const mapBase = sysRead16(c, (base + 0x66) | 0);
  const first = mapBase + (port >>> 3);
  if (first + 1 > limit) return false;
  const bits = sysRead16(c, (base + first) | 0);
  const mask = ((1 << bytes) - 1) << (port & 7);
  return (bits & mask) === 0;
}
