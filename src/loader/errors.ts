// Loader errors: bad images are the user's problem, reported in one line that
// names the part of the file and its offset (the CLI prints UserError
// messages without a stack trace).

import { UserError } from '../cli/errors.js';

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

export class LoaderError extends UserError {
  constructor(
    /** Which part of the image: "multiboot header", "ELF header", "ELF program header 2"… */
    readonly part: string,
    /** File offset of that part, or null when the problem is not at one place in the file. */
    readonly offset: number | null,
    readonly detail: string,
  ) {
    super(`${part}${offset === null ? '' : ` at file offset ${hex(offset)}`}: ${detail}`);
    this.name = 'LoaderError';
  }
}
