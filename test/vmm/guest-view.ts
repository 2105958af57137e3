// The guest's view of a machine running under the software VMM: the state
// decompressed (virtual CPL, IF, IOPL, tables, CR0), as a plain snapshot to
// compare with what interp leaves on bare metal.
import * as L from '../../src/cpu/layout.js';
import { Seg } from '../../src/cpu/state.js';
import { peekEflags } from '../../src/cpu/lazy-flags.js';
import { SoftwareVmm } from '../../src/vmm/software-vmm.js';
import { decompress } from '../../src/vmm/ring-compression.js';
import type { Box } from '../system/box.js';

export function world(b: Box): SoftwareVmm {
  const w = b.m.engine.world;
  if (!(w instanceof SoftwareVmm)) throw new Error('not a software VMM');
  return w;
}

/** The guest's view of a te machine's state (decompressed), as a plain snapshot. */
export function guestView(b: Box): { regs: number[]; eip: number; flags: number; cpl: number; cs: number; ss: number; ds: number; gdtr: number[]; idtr: number[]; ldtr: number; tr: number; cr: number[] } {
  const m = b.m;
  const s = m.state.u32;
  const saved = s.slice(0, L.STATE_USED >> 2);
  const w = m.engine.world;
  if (w instanceof SoftwareVmm && w.compressed) decompress(m.cpu, w.vcpu, w.virtualizing);
  const st = m.state;
  const view = {
    regs: Array.from({ length: 8 }, (_, r) => st.reg32(r)),
    eip: st.eip,
    flags: peekEflags(s) & 0x3fd7,
    cpl: st.cpl,
    cs: st.segSelector(Seg.CS),
    ss: st.segSelector(Seg.SS),
    ds: st.segSelector(Seg.DS),
    gdtr: [s[L.GDTR_BASE >> 2], s[L.GDTR_LIMIT >> 2]],
    idtr: [s[L.IDTR_BASE >> 2], s[L.IDTR_LIMIT >> 2]],
    ldtr: s[L.LDTR >> 2],
    tr: s[L.TR >> 2],
    cr: [st.cr(0), st.cr(2), st.cr(3), st.cr(4)],
  };
  s.set(saved);
  m.cpu.tables = w instanceof SoftwareVmm && w.compressed ? w.shadows : null;
  m.cpu.syncMode();
  return view;
}
