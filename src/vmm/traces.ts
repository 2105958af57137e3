// Traces: the guest pages that hold the descriptor tables the VMM shadows
// (GDT, LDT, IDT) are write-watched through the same slow-write bit of the
// software TLB that keeps translated code coherent (mem/memory.ts). A guest
// write there is a hidden fault: the VMM marks the shadow stale (it is rebuilt
// at its next use) and counts it; the write itself goes through. A trace
// watches whole pages, so guest data sharing a page with a table faults too:
// those hidden faults are counted apart (false sharing) and leave the shadow
// as it is.
import type { Cpu } from '../cpu/context.js';
import { CpuFault } from '../cpu/exceptions.js';
import { PAGE_SHIFT } from '../mem/tlb-entry.js';

const PAGE_MASK = (1 << PAGE_SHIFT) - 1;
import { asSupervisor } from '../system/descriptors.js';
import { Table, type ShadowTables } from './shadow-descriptors.js';
import type { VirtualCpu } from './virtual-cpu.js';

export class Traces {
  /** Hidden faults from guest writes into a shadowed table, by table. */
  readonly writes = [0, 0, 0];
  /** Hidden faults from guest writes elsewhere on a traced page, by the table the page holds. */
  readonly falseSharing = [0, 0, 0];
  /** Frames currently traced, with the tables each holds (bit per Table). */
  private readonly frames = new Map<number, number>();
  /** Per traced frame and table, the byte offsets in the frame the table covers (by frame, so an alias mapping is caught too). */
  private readonly spans = new Map<number, [number, number][]>();

  constructor(
    private readonly c: Cpu,
    private readonly v: VirtualCpu,
    private readonly shadows: ShadowTables,
  ) {
    c.mem.onTracedWrite = (frame, linear) => this.hit(frame, linear);
  }

  get tracedPages(): number {
    return this.frames.size;
  }

  /** Re-derives which frames hold the guest's tables (after they moved or the address space changed). */
  retrace(): void {
    const next = new Map<number, number>();
    this.spans.clear();
    const v = this.v;
    const ldt = v.ldtr;
    this.collect(next, Table.GDT, v.gdtBase, v.gdtLimit);
    if ((ldt.selector & 0xfffc) !== 0) this.collect(next, Table.LDT, ldt.base, ldt.limit);
    this.collect(next, Table.IDT, v.idtBase, v.idtLimit);
    const mem = this.c.mem;
    for (const f of this.frames.keys()) if (!next.has(f)) mem.unmarkTraced(f);
    for (const f of next.keys()) mem.markTraced(f);
    this.frames.clear();
    for (const [f, t] of next) this.frames.set(f, t);
    this.shadows.invalidateAll();
  }

  /** Stops tracing everything (the VMM leaves the guest world). */
  clear(): void {
    for (const f of this.frames.keys()) this.c.mem.unmarkTraced(f);
    this.frames.clear();
    this.spans.clear();
  }

  private collect(into: Map<number, number>, t: Table, base: number, limit: number): void {
    const first = base >>> PAGE_SHIFT;
    const last = ((base + limit) >>> 0) >>> PAGE_SHIFT;
    const end = (base + limit) >>> 0;
    for (let p = first; p <= last && p - first < 17; p++) {
      const frame = this.frameOf((p << PAGE_SHIFT) >>> 0);
      if (frame < 0) continue;
      into.set(frame, (into.get(frame) ?? 0) | (1 << t));
      const lo = p === first ? (base >>> 0) & PAGE_MASK : 0;
      const hi = p === last ? end & PAGE_MASK : PAGE_MASK;
      const spans = this.spans.get(frame) ?? [];
      spans[t] = spans[t] === undefined ? [lo, hi] : [Math.min(lo, spans[t][0]), Math.max(hi, spans[t][1])];
      this.spans.set(frame, spans);
    }
  }

  /** The RAM frame a guest linear address maps to now, or -1 (unmapped, or outside RAM). */
  private frameOf(lin: number): number {
    try {
      const phys = asSupervisor(this.c, () => this.c.mem.translateRead(lin | 0));
      return phys < 0 ? -1 : phys >>> PAGE_SHIFT;
    } catch (e) {
      if (e instanceof CpuFault) return -1;
      throw e;
    }
  }

  private hit(frame: number, linear: number): void {
    const tables = this.frames.get(frame);
    if (tables === undefined) return;
    for (let t = 0; t < 3; t++) {
      if ((tables & (1 << t)) === 0) continue;
      const span = this.spans.get(frame)?.[t];
      const offset = linear & PAGE_MASK;
      // A dword store may begin up to 3 bytes below the table.
      if (span !== undefined && offset + 3 >= span[0] && offset <= span[1]) {
        this.writes[t]++;
        this.shadows.stale[t] = true;
      } else {
        this.falseSharing[t]++;
      }
    }
  }

}
