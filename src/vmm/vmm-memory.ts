// VMM memory: the software VMM's own structures, in the wasm memory past guest
// RAM (cpu/layout.ts, vmmBase). No guest physical address maps there, so no
// guest access reaches it; the guest can only observe where it is, through
// the sensitive instructions that reveal the real table bases (sgdt, sidt).
//
// The real GDTR, IDTR, LDTR and TR point at linear addresses in the top
// 4 MiB (VMM_LINEAR), where VMware's VMM lived; the system layer's implicit
// table accesses in that window are routed here (Cpu.tables), every other
// access in it goes to the guest's own memory as usual.
import * as L from '../cpu/layout.js';

/** Linear address the real descriptor-table registers use for VMM memory. */
export const VMM_LINEAR = 0xffc00000;

/** Offsets inside VMM memory. */
export const SHADOW_GDT = 0x0;
export const SHADOW_GDT_SIZE = 0x10000;
export const SHADOW_LDT = 0x10000;
export const SHADOW_LDT_SIZE = 0x10000;
/** The VMM's IDT: the guest's gates, shadowed (256 entries). */
export const SHADOW_IDT = 0x20000;
export const SHADOW_IDT_SIZE = 0x800;
/** The VMM's TSS: its ring-1 stack is the guest kernel's ring-0 stack. */
export const VMM_TSS = 0x21000;
export const VMM_TSS_LIMIT = 0x67;
/** The virtual CPU's words (vmm/virtual-cpu.ts). */
export const VCPU = 0x22000;
export const VCPU_SIZE = 0x100;
/** End of the part of VMM memory the table window exposes. */
export const TABLES_END = VMM_TSS + 0x1000;

/** The VMM's own descriptors, at the top of the shadow GDT (guest descriptors there are not reachable). */
export const SEL_VMM_LDT = 0xfff0;
export const SEL_VMM_TSS = 0xfff8;
/** First shadow GDT byte the VMM reserves. */
export const VMM_GDT_RESERVED = 0xfff0;

if (VCPU + VCPU_SIZE > L.VMM_SIZE) throw new Error('vmm-memory: layout exceeds VMM_SIZE');

/** Typed views of one machine's VMM memory. */
export class VmmMemory {
  readonly base: number;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly view: DataView;

  constructor(buffer: ArrayBuffer | SharedArrayBuffer, ramBytes: number) {
    this.base = L.vmmBase(ramBytes);
    this.u8 = new Uint8Array(buffer, this.base, L.VMM_SIZE);
    this.u32 = new Uint32Array(buffer, this.base, L.VMM_SIZE >> 2);
    this.view = new DataView(buffer, this.base, L.VMM_SIZE);
  }

  /** Whether a linear address lies in the window of VMM tables. */
  static owns(lin: number): boolean {
    const off = (lin - VMM_LINEAR) >>> 0;
    return off < TABLES_END;
  }

  /** Offset in VMM memory of a window linear address. */
  static offsetOf(lin: number): number {
    return (lin - VMM_LINEAR) >>> 0;
  }
}
