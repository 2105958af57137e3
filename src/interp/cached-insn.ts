// A decoded instruction as the interpreter's code cache keeps it.
import { Insn } from '../decoder/insn.js';

export class CachedInsn extends Insn {
  /** Index inside its block: instructions of the block retired before this one. */
  pos = 0;
}
