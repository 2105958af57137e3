// --trace: one line per instruction, "CS:EIP  bytes-free disassembly", taken
// before the instruction runs. The bytes are read without side effects (no
// TLB fill, no fault): an unmapped EIP prints as such.
import { Seg } from './cpu/state.js';
import { decode, MAX_INSN_LENGTH } from './decoder/decode.js';
import { formatInsn } from './decoder/format.js';
import { DecodeStatus, Insn } from './decoder/insn.js';
import { MODE_CODE32 } from './cpu/context.js';
import * as L from './cpu/layout.js';
import type { Machine } from './machine.js';

const insn = new Insn();
const bytes = new Uint8Array(MAX_INSN_LENGTH);

/** Physical address of `linear` by a side-effect-free walk (null when unmapped). */
function peekPhysical(m: Machine, linear: number): number | null {
  const mem = m.cpu.mem;
  if (!mem.paging) return linear >>> 0;
  const cr3 = m.state.cr(3) & 0xfffff000;
  const pde = mem.readPhys32(cr3 + ((linear >>> 22) << 2));
  if ((pde & 1) === 0) return null;
  if ((m.state.cr(4) & 0x10) !== 0 && (pde & 0x80) !== 0) return ((pde & 0xffc00000) | (linear & 0x3fffff)) >>> 0;
  const pte = mem.readPhys32((pde & 0xfffff000) + (((linear >>> 12) & 0x3ff) << 2));
  if ((pte & 1) === 0) return null;
  return ((pte & 0xfffff000) | (linear & 0xfff)) >>> 0;
}

export function traceLine(m: Machine): string {
  const st = m.state;
  const eip = st.eip;
  const where = `${st.segSelector(Seg.CS).toString(16).padStart(4, '0')}:${eip.toString(16).padStart(8, '0')}`;
  const lin = (st.segBase(Seg.CS) + eip) | 0;
  for (let k = 0; k < bytes.length; k++) {
    const p = peekPhysical(m, (lin + k) | 0);
    if (p === null) return `${where}  (code page not mapped)`;
    bytes[k] = m.cpu.mem.readPhys8(p);
  }
  insn.clear();
  const code32 = (st.u32[L.MODE >> 2] & MODE_CODE32) !== 0;
  const status = decode(bytes, 0, bytes.length, code32, insn);
  const text = status === DecodeStatus.OK ? formatInsn(insn, eip) : '(bad)';
  return `${where}  ${text}`;
}
