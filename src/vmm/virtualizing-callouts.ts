// Callouts that virtualize (binary translation, DESIGN "The VMM model"): the
// translator turns every sensitive and privileged instruction into a call
// out of translated code; under a binary-translating VMM that call runs the
// instruction's one semantics on the guest's view of the state (the virtual
// CPU: decompressed), keeps what it did, and compresses again. So the guest
// sees exactly what bare metal shows, where `te` lets the same instructions
// run deprivileged and silently misbehave.
import type { Cpu } from '../cpu/context.js';
import { CpuFault } from '../cpu/exceptions.js';
import type { Insn } from '../decoder/insn.js';
import { FORMS } from '../arch/table.js';
import type { Handler } from '../semantics/handler.js';

/** What the callouts need of the VMM. */
export interface VirtualCpuRunner {
  /** Whether the guest runs compressed now (protected mode under the VMM). */
  readonly compressed: boolean;
  /** The virtual IF. */
  interruptsEnabled(): boolean;
  /** Runs fn on the decompressed state and compresses what it left. */
  onVirtualCpu(fn: () => void): void;
  /** The callout's instruction faulted on the virtual CPU: the fault is the guest's own. */
  noteGuestFault(): void;
}

export class VirtualizingCallouts {
  /** Callouts run on the virtual CPU, by instruction text. */
  readonly counts = new Map<string, number>();

  constructor(
    private readonly vmm: VirtualCpuRunner,
    /**
     * Ends the engine's run after this instruction: when a callout changed the
     * CPL (for the per-CPL counts) or set the virtual IF (a pending interrupt
     * is delivered at the next boundary, as after sti or popf on bare metal).
     */
    private readonly endRun: () => void,
  ) {}

  /** Wraps the handler of every sensitive and privileged form (by instruction text). */
  wrapHandlers(base: (text: string) => Handler | undefined): Map<string, Handler> {
    const out = new Map<string, Handler>();
    for (const f of FORMS) {
      if ((f.cls !== 'sensitive' && f.cls !== 'privileged') || out.has(f.instruction)) continue;
      const h = base(f.instruction);
      if (h !== undefined) out.set(f.instruction, this.wrap(f.instruction, h));
    }
    return out;
  }

  private wrap(text: string, h: Handler): Handler {
    return (c: Cpu, i: Insn): void => {
      if (!this.vmm.compressed) {
        h(c, i);
        return;
      }
      this.counts.set(text, (this.counts.get(text) ?? 0) + 1);
      const cplBefore = c.state.cpl;
      const ifBefore = this.vmm.interruptsEnabled();
      this.vmm.onVirtualCpu(() => {
        try {
          h(c, i);
        } catch (e) {
          if (e instanceof CpuFault) this.vmm.noteGuestFault();
          throw e;
        }
      });
      if (c.state.cpl !== cplBefore || (!ifBefore && this.vmm.interruptsEnabled())) this.endRun();
    };
  }
}
