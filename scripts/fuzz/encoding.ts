// Small facts about a raw byte string that the comparison rules need: where
// the opcode starts after the legacy prefixes, and which prefixes are present.

const LEGACY_PREFIX = new Set([0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65]);

export interface EncodingView {
  /** Index of the first opcode byte (after all legacy prefixes). */
  opcodeAt: number;
  /** Legacy prefix bytes in order. */
  prefixes: number[];
}

export function viewEncoding(bytes: Uint8Array): EncodingView {
  let at = 0;
  while (at < bytes.length && LEGACY_PREFIX.has(bytes[at]!)) at++;
  return { opcodeAt: at, prefixes: Array.from(bytes.subarray(0, at)) };
}

/** ModRM.reg of the byte at `at`, or -1 past the end. */
export function modrmRegAt(bytes: Uint8Array, at: number): number {
  return at < bytes.length ? (bytes[at]! >> 3) & 7 : -1;
}

/** Hex of the opcode bytes (1 or 2 with 0F, 3 with 0F 38/3A) starting at `at`. */
export function opcodeHex(bytes: Uint8Array, at: number): string {
  let n = 1;
  if (bytes[at] === 0x0f) n = bytes[at + 1] === 0x38 || bytes[at + 1] === 0x3a ? 3 : 2;
  return hex(bytes.subarray(at, at + n));
}

export function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
