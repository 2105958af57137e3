// The Multiboot information structure (spec 3.3) built in guest RAM for the
// kernel (EBX at entry). Fields provided, with their flags bits:
//   bit 0  mem_lower / mem_upper (KiB below 640 KiB and above 1 MiB)
//   bit 1  boot_device = 0x8000FFFF (first BIOS disk, no partition; as QEMU)
//   bit 2  cmdline
//   bit 3  mods_count = 0 (no modules; mods_addr points at an empty list)
//   bit 6  mmap: [0, 640 KiB) available, [640 KiB, 1 MiB) reserved (video
//          memory and ROMs), [1 MiB, RAM size) available
//   bit 9  boot_loader_name = "x86dbt"
// This is the set QEMU's -kernel loader gives, so guests see the same flags.
//
// Placement: the structure, the memory map and the strings go together in one
// block at the lowest 4 KiB-aligned address from 0x1000 up that overlaps no
// loaded segment and stays in usable memory (below 640 KiB, or from 1 MiB on).

import { LoaderError, hex } from './errors.js';

export const LOW_MEMORY_END = 0xa0000;
export const HIGH_MEMORY_START = 0x100000;
/** Multiboot needs the PC memory layout up to 1 MiB, and something above it. */
export const MIN_MULTIBOOT_RAM = HIGH_MEMORY_START;
export const BOOT_LOADER_NAME = 'x86dbt';

const INFO_SIZE = 88;
const MMAP_ENTRY_SIZE = 24;
const MMAP_AVAILABLE = 1;
const MMAP_RESERVED = 2;
const PAGE = 0x1000;

export const MBI_FLAG_MEMORY = 1 << 0;
export const MBI_FLAG_BOOT_DEVICE = 1 << 1;
export const MBI_FLAG_CMDLINE = 1 << 2;
export const MBI_FLAG_MODS = 1 << 3;
export const MBI_FLAG_MMAP = 1 << 6;
export const MBI_FLAG_BOOT_LOADER_NAME = 1 << 9;

export interface MemoryRange {
  start: number;
  /** Exclusive. */
  end: number;
}

export interface MultibootInfoBlock {
  /** Address of the information structure (EBX). */
  address: number;
  /** Bytes used by the structure, memory map and strings together. */
  size: number;
}

function memoryMap(ramBytes: number): { base: number; length: number; type: number }[] {
  const map = [
    { base: 0, length: LOW_MEMORY_END, type: MMAP_AVAILABLE },
    { base: LOW_MEMORY_END, length: HIGH_MEMORY_START - LOW_MEMORY_END, type: MMAP_RESERVED },
  ];
  if (ramBytes > HIGH_MEMORY_START) map.push({ base: HIGH_MEMORY_START, length: ramBytes - HIGH_MEMORY_START, type: MMAP_AVAILABLE });
  return map;
}

function cString(s: string): Uint8Array {
  const bytes = new TextEncoder().encode(s);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

function findFreeBlock(size: number, ramBytes: number, occupied: MemoryRange[]): number {
  const usable: MemoryRange[] = [
    { start: PAGE, end: Math.min(LOW_MEMORY_END, ramBytes) },
    { start: HIGH_MEMORY_START, end: ramBytes },
  ];
  const align = (n: number): number => Math.ceil(n / PAGE) * PAGE;
  const candidates = [PAGE, HIGH_MEMORY_START, ...occupied.map((r) => align(r.end))].sort((a, b) => a - b);
  for (const start of candidates) {
    const end = start + size;
    if (!usable.some((u) => start >= u.start && end <= u.end)) continue;
    if (occupied.some((r) => start < r.end && r.start < end)) continue;
    return start;
  }
  throw new LoaderError(
    'multiboot information',
    null,
    `no free room for its ${size} bytes in ${hex(ramBytes)} bytes of RAM next to the loaded image: RAM too small`,
  );
}

/** Writes the information structure into RAM and returns where it is. */
export function buildMultibootInfo(ram: Uint8Array, cmdline: string | null, occupied: MemoryRange[]): MultibootInfoBlock {
  const ramBytes = ram.length;
  if (ramBytes < MIN_MULTIBOOT_RAM) {
    throw new LoaderError('multiboot information', null, `RAM too small: ${hex(ramBytes)} bytes, multiboot needs at least ${hex(MIN_MULTIBOOT_RAM)} (1 MiB)`);
  }
  const map = memoryMap(ramBytes);
  const cmd = cmdline === null ? null : cString(cmdline);
  const name = cString(BOOT_LOADER_NAME);
  const mmapOffset = INFO_SIZE;
  const cmdOffset = mmapOffset + map.length * MMAP_ENTRY_SIZE;
  const nameOffset = cmdOffset + (cmd ? cmd.length : 0);
  const size = nameOffset + name.length;
  const base = findFreeBlock(size, ramBytes, occupied);

  ram.fill(0, base, base + size);
  const view = new DataView(ram.buffer, ram.byteOffset + base, size);
  let flags = MBI_FLAG_MEMORY | MBI_FLAG_BOOT_DEVICE | MBI_FLAG_MODS | MBI_FLAG_MMAP | MBI_FLAG_BOOT_LOADER_NAME;
  view.setUint32(4, Math.min(ramBytes, LOW_MEMORY_END) / 1024, true); // mem_lower, KiB
  view.setUint32(8, Math.floor((ramBytes - HIGH_MEMORY_START) / 1024), true); // mem_upper, KiB
  view.setUint32(12, 0x8000ffff, true); // boot_device
  if (cmd) {
    flags |= MBI_FLAG_CMDLINE;
    ram.set(cmd, base + cmdOffset);
    view.setUint32(16, base + cmdOffset, true);
  }
  view.setUint32(20, 0, true); // mods_count
  view.setUint32(24, base + size, true); // mods_addr: an empty list
  view.setUint32(44, map.length * MMAP_ENTRY_SIZE, true); // mmap_length
  view.setUint32(48, base + mmapOffset, true); // mmap_addr
  map.forEach((e, i) => {
    const at = mmapOffset + i * MMAP_ENTRY_SIZE;
    view.setUint32(at, MMAP_ENTRY_SIZE - 4, true); // size, not counting itself
    view.setBigUint64(at + 4, BigInt(e.base), true);
    view.setBigUint64(at + 12, BigInt(e.length), true);
    view.setUint32(at + 20, e.type, true);
  });
  ram.set(name, base + nameOffset);
  view.setUint32(64, base + nameOffset, true); // boot_loader_name
  view.setUint32(0, flags, true);
  return { address: base, size };
}
