// The VMM side of translated code: sensitive and privileged instructions are
// never inlined; the translator emits a VMM callout for them (DESIGN, "The VMM
// model"). For now the VMM executes them with the same system semantics the
// interpreter uses (the handler registry, plus the system layer's handlers);
// the ring-compression virtual-CPU model will slot in here without touching
// generated code. It counts callouts per instruction form for the statistics.
import { FORMS } from '../arch/table.js';
import type { Insn } from '../decoder/insn.js';
import type { Cpu } from '../cpu/context.js';
import type { Handler } from '../semantics/handler.js';

export class Vmm {
  /** VMM callouts by form id. */
  readonly callouts: Float64Array;

  constructor(private readonly handlers: readonly Handler[]) {
    this.callouts = new Float64Array(handlers.length);
  }

  /** Whether a form must reach the VMM when translated (its table class). */
  static isSensitive(formId: number): boolean {
    const cls = FORMS[formId].cls;
    return cls === 'sensitive' || cls === 'privileged';
  }

  /** Emulates one sensitive or privileged instruction (EIP already past it). */
  execute(c: Cpu, i: Insn): void {
    this.callouts[i.form]++;
    this.handlers[i.form](c, i);
  }

  /** Callout counts by instruction text, most frequent first. */
  counts(): { instruction: string; count: number }[] {
    const out: { instruction: string; count: number }[] = [];
    this.callouts.forEach((n, id) => {
      if (n > 0 && id < FORMS.length) out.push({ instruction: FORMS[id].instruction, count: n });
    });
    return out.sort((a, b) => b.count - a.count);
  }
}
