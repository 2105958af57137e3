// Loading a guest image into RAM: multiboot v1 (ELF, or the a.out kludge) or
// a flat binary. The result tells the machine how to start the guest; per the
// Multiboot spec (3.2, machine state) that is: EAX = 0x2BADB002, EBX = the
// information structure, CS a flat 32-bit code segment and DS/ES/FS/GS/SS
// flat 32-bit data segments (base 0, limit 4 GiB), A20 enabled, CR0.PE set and
// CR0.PG clear, EFLAGS.IF and VM clear, ESP undefined. A flat binary starts
// in the same state at its load address, with EAX = EBX = 0 and no
// information structure.
//
// Format choice ('auto'): a valid multiboot header makes the image multiboot;
// flags bit 16 selects the a.out kludge even for an ELF file (the spec says
// the header's addresses take precedence), otherwise the file must be ELF.
// With no header, `loadAddress` makes it a flat binary; without one the image
// is refused. 'flat' forces a flat load even when a header is present.

import { planAoutKludge } from './aout-kludge.js';
import { isElf, parseElf32 } from './elf32.js';
import { LoaderError, hex } from './errors.js';
import { buildMultibootInfo, MIN_MULTIBOOT_RAM } from './multiboot-info.js';
import { findMultibootHeader, MULTIBOOT_BOOTLOADER_MAGIC } from './multiboot-header.js';
import { checkSegment, type LoadedSegment, placeSegment } from './segments.js';

export type ImageKind = 'multiboot-elf' | 'multiboot-aout' | 'flat';

export interface LoadOptions {
  /** Kernel arguments (the -append string). */
  cmdline?: string;
  /**
   * Image name put before the arguments, as QEMU and GRUB do: the multiboot
   * command line becomes `${imageName} ${cmdline}`. Without it the command
   * line is `cmdline` alone.
   */
  imageName?: string;
  /** Where a flat binary goes (and starts). */
  loadAddress?: number;
  format?: 'auto' | 'flat';
}

export interface LoadedImage {
  kind: ImageKind;
  /** Initial EIP (physical = linear: paging is off). */
  entry: number;
  eax: number;
  ebx: number;
  /** Address of the multiboot information structure, null for flat binaries. */
  mbiAddress: number | null;
  segments: LoadedSegment[];
  /** File offset of the multiboot header, null for flat binaries. */
  headerOffset: number | null;
}

/** Loads `image` into `ram` (guest physical address p is ram[p]). Throws LoaderError on a bad image. */
export function loadImage(image: Uint8Array, ram: Uint8Array, options: LoadOptions = {}): LoadedImage {
  if (options.format === 'flat') return loadFlat(image, ram, requireLoadAddress(options, 'a flat load needs --load-address'));
  const header = findMultibootHeader(image);
  if (!header) {
    if (options.loadAddress === undefined) {
      throw new LoaderError(
        'image',
        null,
        `no multiboot header in the first 8192 bytes (${hex(Math.min(image.length, 8192))} searched); give --load-address to run it as a flat binary`,
      );
    }
    return loadFlat(image, ram, options.loadAddress);
  }

  if (ram.length < MIN_MULTIBOOT_RAM) {
    throw new LoaderError('guest RAM', null, `RAM too small: ${hex(ram.length)} bytes, a multiboot kernel needs at least ${hex(MIN_MULTIBOOT_RAM)} (1 MiB)`);
  }
  let kind: ImageKind;
  let plan: { entry: number; segments: LoadedSegment[] };
  if (header.aout) {
    kind = 'multiboot-aout';
    plan = planAoutKludge(image, header);
  } else if (isElf(image)) {
    kind = 'multiboot-elf';
    plan = parseElf32(image);
  } else {
    throw new LoaderError('image', 0, 'has a multiboot header without flags bit 16 (a.out kludge) but is not an ELF file');
  }
  for (const seg of plan.segments) checkSegment(seg, image, ram);
  for (const seg of plan.segments) placeSegment(seg, image, ram);

  const args = options.cmdline ?? '';
  const cmdline = options.imageName !== undefined ? `${options.imageName} ${args}` : options.cmdline ?? null;
  const occupied = plan.segments.map((s) => ({ start: s.address, end: s.address + s.memSize }));
  const mbi = buildMultibootInfo(ram, cmdline, occupied);
  return {
    kind,
    entry: plan.entry,
    eax: MULTIBOOT_BOOTLOADER_MAGIC,
    ebx: mbi.address,
    mbiAddress: mbi.address,
    segments: plan.segments,
    headerOffset: header.offset,
  };
}

function requireLoadAddress(options: LoadOptions, why: string): number {
  if (options.loadAddress === undefined) throw new LoaderError('image', null, why);
  return options.loadAddress;
}

function loadFlat(image: Uint8Array, ram: Uint8Array, loadAddress: number): LoadedImage {
  if (!Number.isInteger(loadAddress) || loadAddress < 0 || loadAddress > 0xffffffff) {
    throw new LoaderError('image', null, `load address ${loadAddress} is not a 32-bit physical address`);
  }
  if (image.length === 0) throw new LoaderError('image', 0, 'is empty');
  const seg: LoadedSegment = {
    source: 'flat binary',
    sourceOffset: 0,
    address: loadAddress,
    fileOffset: 0,
    fileSize: image.length,
    memSize: image.length,
  };
  checkSegment(seg, image, ram);
  placeSegment(seg, image, ram);
  return { kind: 'flat', entry: loadAddress, eax: 0, ebx: 0, mbiAddress: null, segments: [seg], headerOffset: null };
}
