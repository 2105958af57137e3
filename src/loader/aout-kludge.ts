// The Multiboot "a.out kludge" (spec 3.1.3, flags bit 16): the header's
// address fields say where the image goes, whatever the file format.
//   header_addr   physical address of the header's magic
//   load_addr     physical address of the first byte to load; the file offset
//                 to load from is (header offset) - (header_addr - load_addr)
//   load_end_addr end of the loaded data; 0 means "to the end of the file"
//   bss_end_addr  end of the zeroed BSS after it; 0 means no BSS
//   entry_addr    where to jump

import { LoaderError, hex } from './errors.js';
import type { MultibootHeader } from './multiboot-header.js';
import type { LoadedSegment } from './segments.js';

export interface AoutImage {
  entry: number;
  segments: LoadedSegment[];
}

export function planAoutKludge(image: Uint8Array, header: MultibootHeader): AoutImage {
  const f = header.aout;
  if (!f) throw new Error('planAoutKludge: header has no a.out fields');
  const part = 'multiboot header';
  const at = header.offset;
  if (f.loadAddr > f.headerAddr) {
    throw new LoaderError(part, at, `load_addr ${hex(f.loadAddr)} is above header_addr ${hex(f.headerAddr)}`);
  }
  const fileOffset = at - (f.headerAddr - f.loadAddr);
  if (fileOffset < 0) {
    throw new LoaderError(
      part,
      at,
      `header_addr - load_addr = ${hex(f.headerAddr - f.loadAddr)} puts the start of the text before the beginning of the file`,
    );
  }
  let fileSize: number;
  if (f.loadEndAddr === 0) fileSize = image.length - fileOffset;
  else if (f.loadEndAddr < f.loadAddr) {
    throw new LoaderError(part, at, `load_end_addr ${hex(f.loadEndAddr)} is below load_addr ${hex(f.loadAddr)}`);
  } else fileSize = f.loadEndAddr - f.loadAddr;

  let memSize = fileSize;
  if (f.bssEndAddr !== 0) {
    if (f.bssEndAddr < f.loadAddr + fileSize) {
      throw new LoaderError(part, at, `bss_end_addr ${hex(f.bssEndAddr)} is below the end of the loaded data ${hex(f.loadAddr + fileSize)}`);
    }
    memSize = f.bssEndAddr - f.loadAddr;
  }
  return {
    entry: f.entryAddr,
    segments: [{ source: 'multiboot header (a.out kludge)', sourceOffset: at, address: f.loadAddr, fileOffset, fileSize, memSize }],
  };
}
