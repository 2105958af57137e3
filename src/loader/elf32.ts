// ELF32 executables for the i386 (System V ABI, Intel386 supplement): the
// ELF header, the program header table and its PT_LOAD segments. Multiboot
// loads each segment at its physical address (p_paddr). A kernel linked to a
// higher half gives a virtual e_entry; it is translated to the physical
// address through the segment that contains it.

import { LoaderError, hex } from './errors.js';
import type { LoadedSegment } from './segments.js';

const ELF_HEADER_SIZE = 52;
const PROGRAM_HEADER_SIZE = 32;
const ELFCLASS32 = 1;
const ELFDATA2LSB = 1;
const ET_EXEC = 2;
const EM_386 = 3;
const PT_LOAD = 1;

export interface ElfImage {
  entry: number;
  segments: LoadedSegment[];
}

export function isElf(image: Uint8Array): boolean {
  return image.length >= 4 && image[0] === 0x7f && image[1] === 0x45 && image[2] === 0x4c && image[3] === 0x46;
}

export function parseElf32(image: Uint8Array): ElfImage {
  if (image.length < ELF_HEADER_SIZE) {
    throw new LoaderError('ELF header', 0, `truncated: ${image.length} bytes, an ELF32 header needs ${ELF_HEADER_SIZE}`);
  }
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const cls = image[4];
  if (cls !== ELFCLASS32) {
    throw new LoaderError('ELF header', 4, `class ${cls}${cls === 2 ? ' (64-bit)' : ''}: only 32-bit x86 ELF (ELFCLASS32, EM_386) can be loaded`);
  }
  if (image[5] !== ELFDATA2LSB) {
    throw new LoaderError('ELF header', 5, `data encoding ${image[5]}: only little-endian ELF can be loaded`);
  }
  const type = view.getUint16(16, true);
  const machine = view.getUint16(18, true);
  if (machine !== EM_386) {
    throw new LoaderError('ELF header', 18, `machine ${machine}: not an x86 (EM_386) executable`);
  }
  if (type !== ET_EXEC) {
    throw new LoaderError('ELF header', 16, `type ${type}: not an executable (ET_EXEC)`);
  }
  const entry = view.getUint32(24, true);
  const phoff = view.getUint32(28, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  if (phnum === 0) throw new LoaderError('ELF header', 44, 'no program headers: nothing to load');
  if (phentsize < PROGRAM_HEADER_SIZE) {
    throw new LoaderError('ELF header', 42, `program header size ${phentsize}, at least ${PROGRAM_HEADER_SIZE} expected`);
  }
  if (phoff + phnum * phentsize > image.length) {
    throw new LoaderError(
      'ELF program headers',
      phoff,
      `${phnum} entries of ${phentsize} bytes run past the end of the file (${hex(image.length)} bytes): truncated image`,
    );
  }

  const segments: LoadedSegment[] = [];
  const virtual: { vaddr: number; paddr: number; memSize: number }[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (view.getUint32(at, true) !== PT_LOAD) continue;
    const seg: LoadedSegment = {
      source: `ELF program header ${i}`,
      sourceOffset: at,
      fileOffset: view.getUint32(at + 4, true),
      address: view.getUint32(at + 12, true),
      fileSize: view.getUint32(at + 16, true),
      memSize: view.getUint32(at + 20, true),
    };
    if (seg.memSize === 0) continue;
    segments.push(seg);
    virtual.push({ vaddr: view.getUint32(at + 8, true), paddr: seg.address, memSize: seg.memSize });
  }
  if (segments.length === 0) throw new LoaderError('ELF program headers', phoff, 'no PT_LOAD segment: nothing to load');

  const inPhysical = virtual.some((v) => entry >= v.paddr && entry - v.paddr < v.memSize);
  if (inPhysical) return { entry, segments };
  const holder = virtual.find((v) => entry >= v.vaddr && entry - v.vaddr < v.memSize);
  if (!holder) throw new LoaderError('ELF header', 24, `entry point ${hex(entry)} is not inside any loaded segment`);
  return { entry: (entry - holder.vaddr + holder.paddr) >>> 0, segments };
}
