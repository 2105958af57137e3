// Copying image parts into guest RAM with bounds checks. RAM is a byte view of
// guest physical memory: guest physical address p is ram[p].

import { LoaderError, hex } from './errors.js';

/** One piece of the image placed in guest memory. */
export interface LoadedSegment {
  /** The part of the file that describes it ("ELF program header 1", "multiboot header"…). */
  source: string;
  /** File offset of that description, for error messages. */
  sourceOffset: number | null;
  /** Guest physical address of the first byte. */
  address: number;
  /** Where its bytes come from in the image file. */
  fileOffset: number;
  /** Bytes copied from the file. */
  fileSize: number;
  /** Bytes occupied in memory; the part past fileSize is zeroed (BSS). */
  memSize: number;
}

/** Checks a segment against the file and RAM sizes. */
export function checkSegment(seg: LoadedSegment, image: Uint8Array, ram: Uint8Array): void {
  const part = seg.source;
  const partOffset = seg.sourceOffset;
  if (seg.fileSize > seg.memSize) {
    throw new LoaderError(part, partOffset, `file size ${hex(seg.fileSize)} is larger than its memory size ${hex(seg.memSize)}`);
  }
  if (seg.fileOffset + seg.fileSize > image.length) {
    throw new LoaderError(
      part,
      partOffset,
      `segment data ${hex(seg.fileOffset)}..${hex(seg.fileOffset + seg.fileSize)} runs past the end of the file (${hex(image.length)} bytes): truncated image`,
    );
  }
  const end = seg.address + seg.memSize;
  if (end > ram.length) {
    throw new LoaderError(
      part,
      partOffset,
      `segment at physical ${hex(seg.address)}..${hex(end)} lies outside guest RAM (${hex(ram.length)} bytes; use a larger --mem)`,
    );
  }
}

/** Copies a checked segment into RAM and zeroes its BSS. */
export function placeSegment(seg: LoadedSegment, image: Uint8Array, ram: Uint8Array): void {
  ram.set(image.subarray(seg.fileOffset, seg.fileOffset + seg.fileSize), seg.address);
  ram.fill(0, seg.address + seg.fileSize, seg.address + seg.memSize);
}
