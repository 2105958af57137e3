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
import { modeKeyOf } from '../translator/mode.js';
import { InPlaceKind, canRunInPlace, inPlaceKind, runFlagFormInPlace, type VirtualFlags } from './in-place-forms.js';

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
  /** The virtual IF/IOPL and the guest CPL, for the forms served in place. */
  readonly virtualFlags: VirtualFlags;
  /** An external interrupt waits for the guest's IF. */
  interruptPending(): boolean;
}

/** A counter per instruction text, looked up once per form rather than per callout. */
class Tally {
  n = 0;
}

export class VirtualizingCallouts {
  /** Callouts run on the virtual CPU (decompressed), by instruction text. */
  private readonly onCpu = new Map<string, Tally>();
  /** Callouts served in place (in-place-forms.ts), by instruction text. */
  private readonly inPlace = new Map<string, Tally>();
  /** Of those, the ones translated code made (the rest ran in interpreted blocks): for the path shares. */
  translatedOnCpu = 0;
  translatedInPlace = 0;
  /** Whether translated code is calling out now (the engine tells). */
  fromTranslatedCode: () => boolean = () => false;

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

  /** Callouts by instruction text, most frequent first: on the virtual CPU, and served in place. */
  counts(): { onVirtualCpu: [string, number][]; inPlace: [string, number][] } {
    const list = (m: Map<string, Tally>): [string, number][] =>
      [...m.entries()].filter(([, t]) => t.n > 0).map(([k, t]): [string, number] => [k, t.n]).sort((a, b) => b[1] - a[1]);
    return { onVirtualCpu: list(this.onCpu), inPlace: list(this.inPlace) };
  }

  private tally(m: Map<string, Tally>, text: string): Tally {
    let t = m.get(text);
    if (t === undefined) m.set(text, (t = new Tally()));
    return t;
  }

  private wrap(text: string, h: Handler): Handler {
    const onCpu = this.tally(this.onCpu, text);
    const inPlace = this.tally(this.inPlace, text);
    const kind = inPlaceKind(text);
    const vmm = this.vmm;
    const guestFault = (run: () => void): void => {
      try {
        run();
      } catch (e) {
        if (e instanceof CpuFault) vmm.noteGuestFault();
        throw e;
      }
    };
    return (c: Cpu, i: Insn): void => {
      if (!vmm.compressed) {
        h(c, i);
        return;
      }
      if (kind === InPlaceKind.NONE) {
        this.onVirtualCpu(c, i, h, onCpu);
        return;
      }
      // These may chain to the next block (CHAINS_AFTER_CALLOUT): a changed mode key must end it.
      const key = modeKeyOf(c);
      if (canRunInPlace(kind, text, c, i, vmm.virtualFlags.guestCpl)) {
        inPlace.n++;
        if (this.fromTranslatedCode()) this.translatedInPlace++;
        if (kind !== InPlaceKind.FLAGS) {
          guestFault(() => h(c, i));
          if (modeKeyOf(c) !== key) c.blockExit = true;
          return;
        }
        const ifBefore = vmm.interruptsEnabled();
        if (runFlagFormInPlace(c, vmm.virtualFlags, () => guestFault(() => h(c, i)), () => vmm.interruptPending())) {
          c.blockExit = true;
          if (!ifBefore && vmm.interruptsEnabled()) this.endRun();
        } else {
          c.blockExit = false;
        }
        return;
      }
      this.onVirtualCpu(c, i, h, onCpu);
      if (modeKeyOf(c) !== key) c.blockExit = true;
    };
  }

  /** The full callout: decompress, run the one semantics, capture, compress. */
  private onVirtualCpu(c: Cpu, i: Insn, h: Handler, tally: Tally): void {
    tally.n++;
    if (this.fromTranslatedCode()) this.translatedOnCpu++;
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
  }
}
