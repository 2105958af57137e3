// The host side of the callout ABI (translator/abi.ts): the JS functions a
// translated block imports. Each callout that may fault first records the
// instruction it runs for, so the dispatcher can rewind EIP and charge the
// retired count exactly as the interpreter would (DESIGN decision 7).
import { concretizeCF, condition } from '../cpu/lazy-flags.js';
import { FORMS } from '../arch/table.js';
import type { CachedInsn } from '../interp/cached-insn.js';
import type { Cpu } from '../cpu/context.js';
import type { Handler } from '../semantics/handler.js';
import type { Vmm } from '../vmm/vmm.js';
import { Callout } from './abi.js';

export class CalloutHost {
  /** Instruction registry: callout argument -> decoded instruction. */
  private insns: CachedInsn[] = [];
  /** The instruction whose callout is running (null outside callouts). */
  cur: CachedInsn | null = null;
  /** Handler callouts by form id (VMM callouts are counted by the VMM). */
  readonly execCallouts: Float64Array;
  slowReads = 0;
  slowWrites = 0;
  /** Brings INSNS_RETIRED up to date before a handler runs (it may read virtual time). */
  syncTime: () => void = () => {};
  /** Charges REP iterations a handler ran (Cpu.repWork) to the running budget. */
  chargeWork: (iterations: number) => void = () => {};

  constructor(
    private readonly cpu: Cpu,
    private readonly handlers: readonly Handler[],
    private readonly vmm: Vmm,
  ) {
    this.execCallouts = new Float64Array(handlers.length);
  }

  register(i: CachedInsn): number {
    this.insns.push(i);
    return this.insns.length - 1;
  }

  /** Forgets every registered instruction (after the cache was flushed). */
  reset(): void {
    this.insns = [];
  }

  get registered(): number {
    return this.insns.length;
  }

  /** The import object for translated modules. */
  functions(): Record<string, (...args: number[]) => number | void> {
    const c = this.cpu;
    const s = c.s;
    const mem = c.mem;
    return {
      [Callout.EXEC]: (id: number): number => {
        const i = this.insns[id];
        this.cur = i;
        this.syncTime();
        this.execCallouts[i.form]++;
        const work = c.repWork;
        this.handlers[i.form](c, i);
        if (c.repWork !== work) this.chargeWork(c.repWork - work);
        return c.blockExit ? 1 : 0;
      },
      [Callout.VMM]: (id: number): number => {
        const i = this.insns[id];
        this.cur = i;
        this.syncTime();
        const work = c.repWork;
        this.vmm.execute(c, i);
        if (c.repWork !== work) this.chargeWork(c.repWork - work);
        return c.blockExit ? 1 : 0;
      },
      [Callout.READ]: (lin: number, bytes: number, id: number): number => {
        this.cur = this.insns[id];
        this.slowReads++;
        return bytes === 4 ? mem.read32(lin) : bytes === 2 ? mem.read16(lin) : mem.read8(lin);
      },
      [Callout.WRITE]: (lin: number, bytes: number, v: number, id: number): number => {
        this.cur = this.insns[id];
        this.slowWrites++;
        if (bytes === 4) mem.write32(lin, v);
        else if (bytes === 2) mem.write16(lin, v);
        else mem.write8(lin, v);
        return c.blockExit ? 1 : 0;
      },
      [Callout.RMW_BEGIN]: (seg: number, off: number, bytes: number, id: number): number => {
        this.cur = this.insns[id];
        this.slowWrites++;
        return c.rmwBeginAt(seg, off, bytes);
      },
      [Callout.RMW_END]: (bytes: number, v: number): number => {
        c.rmwEnd(bytes, v);
        return c.blockExit ? 1 : 0;
      },
      [Callout.COND]: (cc: number): number => (condition(s, cc) ? 1 : 0),
      [Callout.CONCRETIZE_CF]: (): void => concretizeCF(s),
    };
  }

  /** Handler callouts by instruction text, most frequent first. */
  counts(): { instruction: string; count: number }[] {
    const out: { instruction: string; count: number }[] = [];
    this.execCallouts.forEach((n, id) => {
      if (n > 0) out.push({ instruction: id < FORMS.length ? FORMS[id].instruction : '(invalid encoding)', count: n });
    });
    return out.sort((a, b) => b.count - a.count);
  }
}
