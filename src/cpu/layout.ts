// The one module that defines where everything lives inside the shared
// WebAssembly.Memory (DESIGN decision 1). The interpreter reads these offsets
// through typed views; generated wasm embeds them as constants. No offset is
// written down anywhere else.
//
// Memory map (byte offsets into the wasm memory):
//   STATE_BASE   .. +STATE_SIZE   CPU state block (this file's fields)
//   SCRATCH_BASE .. +SCRATCH_SIZE scratch for the VMM and test harnesses
//   TLB_BASE     .. +TLB_SIZE     software TLB, one u32 entry per virtual page
//   RAM_BASE     .. +ramBytes     guest physical RAM (physical address 0 = RAM_BASE)
//   vmmBase()    .. +VMM_SIZE     VMM memory (shadow descriptor tables, the virtual CPU):
//                                 past guest RAM, so no guest physical address reaches it

/** Field widths in bytes; every field is naturally aligned. */
type Width = 1 | 2 | 4 | 8;

class LayoutBuilder {
  private offset = 0;
  field(width: Width, count = 1): number {
    this.offset = (this.offset + width - 1) & ~(width - 1);
    const at = this.offset;
    this.offset += width * count;
    return at;
  }
  get size(): number {
    return this.offset;
  }
}

const b = new LayoutBuilder();

/** General registers, indexed by their ModRM encoding: EAX ECX EDX EBX ESP EBP ESI EDI. */
export const REGS = b.field(4, 8);
export const EIP = b.field(4);

// EFLAGS with lazy arithmetic flags (DESIGN decision 4, see cpu/lazy-flags.ts).
// FLAGS holds every bit of EFLAGS; its CF/PF/AF/ZF/SF/OF bits are stale where
// LAZY_MASK has them set, and are then derived from the lazy record below.
export const FLAGS = b.field(4);
export const LAZY_MASK = b.field(4);
/** Kind of the last flag-setting operation (a LazyOp value). */
export const LAZY_OP = b.field(4);
/** Operand width of that operation in bits: 8, 16 or 32. */
export const LAZY_SIZE = b.field(4);
export const LAZY_DST = b.field(4);
export const LAZY_SRC = b.field(4);
export const LAZY_RES = b.field(4);

/**
 * Segment registers in SDM sreg order (ES CS SS DS FS GS), each a selector plus
 * its hidden descriptor cache. SEG_STRIDE bytes apart.
 */
export const SEG_COUNT = 6;
export const SEG_STRIDE = 16;
export const SEGS = b.field(4, (SEG_STRIDE / 4) * SEG_COUNT);
/** Offsets of the four fields inside one segment record. */
export const SEG_SELECTOR = 0;
export const SEG_BASE = 4;
export const SEG_LIMIT = 8;
/** Descriptor attribute bits as in the descriptor's bytes 5-6 (type, S, DPL, P, AVL, L, D/B, G). */
export const SEG_ATTRS = 12;

/** System segment registers: LDTR and TR, selector plus cache, same record shape. */
export const LDTR = b.field(4, SEG_STRIDE / 4);
export const TR = b.field(4, SEG_STRIDE / 4);
export const GDTR_BASE = b.field(4);
export const GDTR_LIMIT = b.field(4);
export const IDTR_BASE = b.field(4);
export const IDTR_LIMIT = b.field(4);

/** CR0..CR4 (CR1 is reserved but kept so the index is the register number). */
export const CR = b.field(4, 5);
/** DR0..DR7. */
export const DR = b.field(4, 8);

/** Current privilege level (0-3); kept explicitly, equal to CS.RPL in protected mode. */
export const CPL = b.field(4);
/** Mode bits that change decoding: bit 0 = protected mode, bit 1 = 32-bit code segment (CS.D), bit 2 = 32-bit stack (SS.B), bit 3 = virtual-8086. */
export const MODE = b.field(4);
/** Interrupt shadow after STI / MOV SS / POP SS: interrupts are held off for one instruction. */
export const INT_SHADOW = b.field(4);
/** Non-zero while the CPU is halted (HLT) waiting for an interrupt. */
export const HALTED = b.field(4);

// x87 FPU. Registers are kept as f64 (the model documents the precision loss).
export const FPU_ST = b.field(8, 8);
export const FPU_CONTROL = b.field(4);
export const FPU_STATUS = b.field(4);
export const FPU_TAG = b.field(4);
export const FPU_TOP = b.field(4);
export const FPU_IP = b.field(4);
export const FPU_DP = b.field(4);
export const FPU_OPCODE = b.field(4);

// Counters. Retired instructions are virtual time (DESIGN decision 5); f64 is
// exact to 2^53, which is decades of guest time at any speed we run.
export const INSNS_RETIRED = b.field(8);
/** Instructions left before the dispatcher must be visited again (i32, counts down). */
export const BUDGET = b.field(4);
/** Time-stamp counter offset: RDTSC returns INSNS_RETIRED + TSC_OFFSET. */
export const TSC_OFFSET = b.field(8);

// Pending exception raised by generated code or a callout, for the dispatcher.
export const FAULT_PENDING = b.field(4);
export const FAULT_VECTOR = b.field(4);
export const FAULT_ERROR_CODE = b.field(4);
export const FAULT_EIP = b.field(4);

/** Size of the state block actually used; the block reserves STATE_SIZE. */
export const STATE_USED = b.size;

export const STATE_BASE = 0;
export const STATE_SIZE = 0x1000;
export const SCRATCH_BASE = STATE_BASE + STATE_SIZE;
export const SCRATCH_SIZE = 0xf000;
/** One u32 entry per 4 KiB virtual page: 2^20 entries. */
export const TLB_ENTRIES = 1 << 20;
export const TLB_BASE = SCRATCH_BASE + SCRATCH_SIZE;
export const TLB_SIZE = TLB_ENTRIES * 4;
/** Guest physical address 0 lives here; 1 MiB aligned so page frames stay aligned. */
export const RAM_BASE = (TLB_BASE + TLB_SIZE + 0xfffff) & ~0xfffff;

export const WASM_PAGE = 0x10000;
/** VMM memory: room for a shadow GDT and LDT (64 KiB each), IDT, TSS and the virtual CPU. */
export const VMM_SIZE = 0x24000;

/** Byte offset of VMM memory in the wasm memory of a machine with `ramBytes` of guest RAM. */
export function vmmBase(ramBytes: number): number {
  return RAM_BASE + ramBytes;
}

/** Wasm pages needed for a machine with `ramBytes` of guest RAM (and its VMM memory). */
export function memoryPagesFor(ramBytes: number): number {
  return Math.ceil((vmmBase(ramBytes) + VMM_SIZE) / WASM_PAGE);
}

if (STATE_USED > STATE_SIZE) {
  throw new Error(`cpu/layout: state block needs ${STATE_USED} bytes, reserved ${STATE_SIZE}`);
}
