// The trap handler: a guest instruction that faulted at the real CPL because
// the guest runs deprivileged (cli at real CPL 1, mov to CR3, lgdt, in/out
// with real IOPL 0, mov ss with an RPL-0 selector…) is emulated on the
// virtual CPU. One semantics: the instruction runs through the engine's own
// single step, on the state block switched to the guest's view
// (decompress), and what it did to the VMM-kept state is captured before
// the state is compressed again. A fault raised there is the guest's own
// (cli at virtual CPL 3 with virtual IOPL 0) and is reflected.
import type { Cpu } from '../cpu/context.js';
import { CpuFault } from '../cpu/exceptions.js';
import { Seg } from '../cpu/state.js';
import { decode, MAX_INSN_LENGTH } from '../decoder/decode.js';
import { DecodeStatus, Insn } from '../decoder/insn.js';
import { FORMS } from '../arch/table.js';
import type { EngineExit } from '../engines/engine.js';

/** The instruction at CS:EIP (its form id), or -1 when it cannot be fetched or decoded. */
export function formAtEip(c: Cpu, scratch: Insn): number {
  const st = c.state;
  const lin = (st.segBase(Seg.CS) + st.eip) | 0;
  const bytes = new Uint8Array(MAX_INSN_LENGTH);
  let n = 0;
  try {
    for (; n < MAX_INSN_LENGTH; n++) bytes[n] = c.mem.read8((lin + n) | 0);
  } catch (e) {
    if (!(e instanceof CpuFault)) throw e;
  }
  if (n === 0) return -1;
  const status = decode(bytes, 0, n, (st.segAttrs(Seg.CS) & (1 << 14)) !== 0, scratch);
  return status === DecodeStatus.OK ? scratch.form : -1;
}

/** Whether the VMM emulates a faulting form: its table class says it is privileged or sensitive. */
export function isEmulated(formId: number): boolean {
  if (formId < 0 || formId >= FORMS.length) return false;
  const cls = FORMS[formId].cls;
  return cls === 'privileged' || cls === 'sensitive';
}

export interface Emulation {
  /** The form emulated. */
  form: number;
  /** What the single step ended with on the virtual CPU. */
  exit: EngineExit;
}
