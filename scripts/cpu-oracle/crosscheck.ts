// Every encoding the oracle emits must decode, with our decoder, to the form
// it was built from and to the same length. A mismatch is a bug in the
// encoder, the decoder or the table, and stops generation.

import { decode } from '../../src/decoder/decode.js';
import { DecodeStatus, Insn } from '../../src/decoder/insn.js';
import type { EncodingCheck } from './draft.js';
import { formKey } from './operands.js';
import { FORMS } from '../../src/arch/table.js';

const insn = new Insn();

/** Returns a description of the first mismatch, or null when every check holds. */
export function crossCheck(code: readonly number[], checks: readonly EncodingCheck[]): string | null {
  const bytes = Uint8Array.from(code);
  for (const c of checks) {
    insn.clear();
    const status = decode(bytes, c.at, bytes.length, true, insn);
    const hex = Buffer.from(bytes.subarray(c.at, c.at + c.length)).toString('hex');
    if (c.invalid) {
      // LOCK with a register operand is #UD (SDM LOCK); the CPU records vector 6.
      if (status !== DecodeStatus.INVALID) return `${formKey(c.form)}: ${hex} (LOCK on a register) decodes as valid`;
      continue;
    }
    if (status !== DecodeStatus.OK) return `${formKey(c.form)}: ${hex} does not decode (status ${status})`;
    // Aliased rows (82 = 80, F6 /1 = F6 /0) decode to the first row with the same columns.
    const got = FORMS[insn.form];
    if (insn.form !== c.form.id && formKey(got) !== formKey(c.form) && got.instruction !== c.form.instruction) {
      return `${formKey(c.form)}: ${hex} decodes as ${formKey(got)}`;
    }
    if (insn.length !== c.length) return `${formKey(c.form)}: ${hex} decodes with length ${insn.length}, encoded ${c.length}`;
  }
  return null;
}
