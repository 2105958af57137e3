// A decoded instruction as the interpreter's code cache keeps it.
import { Insn } from '../decoder/insn.js';

export class CachedInsn extends Insn {
  /** Index inside its block: instructions of the block retired before this one. */
  pos = 0;
  /** Offset of the next instruction from the block's first instruction. */
  nextOff = 0;
  /**
   * The handler reads or writes EIP (control transfers, string forms that
   * may re-run themselves, system forms): EIP is stored before it runs. For
   * the others the interpreter stores EIP once, after the block.
   */
  eipBefore = false;
}
