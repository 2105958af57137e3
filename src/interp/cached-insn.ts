// A decoded instruction as the interpreter's code cache keeps it.
import { Insn } from '../decoder/insn.js';
import type { Handler } from '../semantics/handler.js';

const noHandler: Handler = () => {
  throw new Error('cached instruction without a handler');
};

export class CachedInsn extends Insn {
  /** Offset of the next instruction from the block's first instruction. */
  nextOff = 0;
  /**
   * The handler reads or writes EIP (control transfers, string forms that
   * may re-run themselves, system forms): EIP is stored before it runs. For
   * the others the interpreter stores EIP once, after the block.
   */
  eipBefore = false;
  /**
   * Sensitive or privileged form: it may change segments, CPL, mode or paging,
   * so its block ends after it and the interpreter re-reads that state.
   */
  syncAfter = false;
  /** The form's handler, resolved when the block is built (saves a table lookup per run). */
  fn: Handler = noHandler;
}
