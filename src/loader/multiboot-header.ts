// The Multiboot 0.6.96 header (spec section 3.1): found in the first 8192
// bytes of the image, 32-bit aligned, with magic + flags + checksum = 0 (mod 2^32).
//
// Flags bits 0-15 are requirements a boot loader must honour or refuse the
// image; bits 16-31 are optional. This loader honours bit 0 (page-aligned
// modules: there are no modules), bit 1 (memory information: always given)
// and bit 16 (the a.out kludge address fields). It refuses bit 2 (video mode
// information: there is no display) and any other requirement bit it does not
// know.

import { LoaderError, hex } from './errors.js';

export const MULTIBOOT_HEADER_MAGIC = 0x1badb002;
/** EAX at entry to a multiboot kernel (spec 3.2). */
export const MULTIBOOT_BOOTLOADER_MAGIC = 0x2badb002;
export const MULTIBOOT_SEARCH_LIMIT = 8192;

export const MB_FLAG_PAGE_ALIGN = 1 << 0;
export const MB_FLAG_MEMORY_INFO = 1 << 1;
export const MB_FLAG_VIDEO_MODE = 1 << 2;
export const MB_FLAG_AOUT_KLUDGE = 1 << 16;
const SUPPORTED_REQUIREMENTS = MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO;

/** Header size without and with the a.out kludge address fields. */
const BASIC_HEADER_SIZE = 12;
const AOUT_HEADER_SIZE = 32;

export interface AoutFields {
  headerAddr: number;
  loadAddr: number;
  loadEndAddr: number;
  bssEndAddr: number;
  entryAddr: number;
}

export interface MultibootHeader {
  /** File offset of the magic. */
  offset: number;
  flags: number;
  /** Present when flags bit 16 is set. */
  aout: AoutFields | null;
}

/**
 * Finds the first valid multiboot header. Returns null when the image has no
 * magic at all; a magic whose checksum is wrong (and no valid one after it)
 * is an error, since the image was evidently meant to be multiboot.
 */
export function findMultibootHeader(image: Uint8Array): MultibootHeader | null {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const limit = Math.min(image.length, MULTIBOOT_SEARCH_LIMIT);
  let badChecksumAt = -1;
  for (let off = 0; off + BASIC_HEADER_SIZE <= limit; off += 4) {
    if (view.getUint32(off, true) !== MULTIBOOT_HEADER_MAGIC) continue;
    const flags = view.getUint32(off + 4, true);
    const checksum = view.getUint32(off + 8, true);
    if (((MULTIBOOT_HEADER_MAGIC + flags + checksum) & 0xffffffff) !== 0) {
      if (badChecksumAt < 0) badChecksumAt = off;
      continue;
    }
    return parseHeader(view, off, flags);
  }
  if (badChecksumAt >= 0) {
    const flags = view.getUint32(badChecksumAt + 4, true);
    const expected = (-(MULTIBOOT_HEADER_MAGIC + flags) >>> 0);
    throw new LoaderError(
      'multiboot header',
      badChecksumAt,
      `bad checksum ${hex(view.getUint32(badChecksumAt + 8, true))} (magic + flags + checksum must be 0; expected ${hex(expected)})`,
    );
  }
  return null;
}

function parseHeader(view: DataView, off: number, flags: number): MultibootHeader {
  if (flags & MB_FLAG_VIDEO_MODE) {
    throw new LoaderError('multiboot header', off, 'requires video mode information (flags bit 2), which x86dbt cannot provide (no display)');
  }
  const unknown = flags & 0xffff & ~SUPPORTED_REQUIREMENTS;
  if (unknown !== 0) {
    throw new LoaderError('multiboot header', off, `requires features this loader does not know (flags bits ${hex(unknown)})`);
  }
  if (!(flags & MB_FLAG_AOUT_KLUDGE)) return { offset: off, flags, aout: null };
  if (off + AOUT_HEADER_SIZE > view.byteLength) {
    throw new LoaderError(
      'multiboot header',
      off,
      `flags bit 16 (a.out kludge) needs ${AOUT_HEADER_SIZE} header bytes, the file ends after ${view.byteLength - off}`,
    );
  }
  return {
    offset: off,
    flags,
    aout: {
      headerAddr: view.getUint32(off + 12, true),
      loadAddr: view.getUint32(off + 16, true),
      loadEndAddr: view.getUint32(off + 20, true),
      bssEndAddr: view.getUint32(off + 24, true),
      entryAddr: view.getUint32(off + 28, true),
    },
  };
}
