import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LoaderError } from '../../src/loader/errors.js';
import { loadImage } from '../../src/loader/load-image.js';
import { concat, MB_MAGIC, MiB, multibootElf, multibootHeader } from './images.js';

const kernel = () => multibootElf({ entry: 0x100000, segments: [{ vaddr: 0x100000, data: new Uint8Array(256).fill(0x90), memsz: 0x4000 }] });

/** Reads the information structure back the way a guest would. */
function readInfo(ram: Uint8Array, at: number) {
  const v = new DataView(ram.buffer, ram.byteOffset);
  const cstr = (p: number): string => {
    let end = p;
    while (ram[end] !== 0) end++;
    return new TextDecoder().decode(ram.subarray(p, end));
  };
  const flags = v.getUint32(at, true);
  const mmap: { base: number; length: number; type: number }[] = [];
  const mmapAddr = v.getUint32(at + 48, true);
  const mmapEnd = mmapAddr + v.getUint32(at + 44, true);
  for (let p = mmapAddr; p < mmapEnd; p += v.getUint32(p, true) + 4) {
    mmap.push({ base: Number(v.getBigUint64(p + 4, true)), length: Number(v.getBigUint64(p + 12, true)), type: v.getUint32(p + 20, true) });
  }
  return {
    flags,
    memLower: v.getUint32(at + 4, true),
    memUpper: v.getUint32(at + 8, true),
    bootDevice: v.getUint32(at + 12, true),
    cmdline: flags & 4 ? cstr(v.getUint32(at + 16, true)) : null,
    modsCount: v.getUint32(at + 20, true),
    mmap,
    loaderName: cstr(v.getUint32(at + 64, true)),
  };
}

describe('multiboot information structure', () => {
  it('gives memory sizes, boot device, command line, an empty module list, the memory map and the loader name', () => {
    const ram = new Uint8Array(128 * MiB);
    const r = loadImage(kernel(), ram, { cmdline: 'n=42 greeting=yes', imageName: 'hello.elf' });
    expect(r.ebx).toBe(r.mbiAddress);
    expect(r.ebx).toBe(0x1000);
    expect(readInfo(ram, r.ebx)).toEqual({
      flags: 0x24f,
      memLower: 640,
      memUpper: 127 * 1024,
      bootDevice: 0x8000ffff,
      cmdline: 'hello.elf n=42 greeting=yes',
      modsCount: 0,
      mmap: [
        { base: 0, length: 0xa0000, type: 1 },
        { base: 0xa0000, length: 0x60000, type: 2 },
        { base: 0x100000, length: 127 * MiB, type: 1 },
      ],
      loaderName: 'x86dbt',
    });
  });

  it('passes the arguments alone without an image name, and no cmdline flag without either', () => {
    const ram = new Uint8Array(2 * MiB);
    expect(readInfo(ram, loadImage(kernel(), ram, { cmdline: 'a b' }).ebx).cmdline).toBe('a b');
    expect(readInfo(ram, loadImage(kernel(), ram, { imageName: 'k.elf' }).ebx).cmdline).toBe('k.elf ');
    const info = readInfo(ram, loadImage(kernel(), ram).ebx);
    expect(info.cmdline).toBeNull();
    expect(info.flags & 4).toBe(0);
  });

  it('a kernel of exactly 1 MiB of RAM gets no upper memory range', () => {
    const image = concat(new Uint8Array(0x20), multibootHeader(0x10003, { header: 0x10020, load: 0x10000, loadEnd: 0, bssEnd: 0, entry: 0x10000 }), new Uint8Array(64));
    const ram = new Uint8Array(MiB);
    const info = readInfo(ram, loadImage(image, ram).ebx);
    expect(info.memUpper).toBe(0);
    expect(info.mmap.length).toBe(2);
  });

  it('is placed clear of the loaded image', () => {
    // A kernel loaded at 0x1000..0x3800 pushes the structure to the next free page.
    const image = concat(new Uint8Array(0x20), multibootHeader(0x10003, { header: 0x1020, load: 0x1000, loadEnd: 0, bssEnd: 0x3800, entry: 0x1000 }), new Uint8Array(64));
    const ram = new Uint8Array(2 * MiB);
    const r = loadImage(image, ram);
    expect(r.ebx).toBe(0x4000);
    // Low memory entirely taken: it goes above the kernel at 1 MiB or after.
    const big = concat(new Uint8Array(0x20), multibootHeader(0x10003, { header: 0x1020, load: 0x1000, loadEnd: 0, bssEnd: 0x9f800, entry: 0x1000 }), new Uint8Array(64));
    expect(loadImage(big, ram).ebx).toBe(0x100000);
  });

  it('refuses RAM below 1 MiB, and RAM with no room left for the structure', () => {
    const small = loadErrorOf(() => loadImage(kernel(), new Uint8Array(MiB - 4096)));
    expect(small.message).toMatch(/RAM too small: 0xff000 bytes/);
    const full = concat(new Uint8Array(0x20), multibootHeader(0x10003, { header: 0x1020, load: 0x1000, loadEnd: 0, bssEnd: 0x9f800, entry: 0x1000 }), new Uint8Array(64));
    expect(loadErrorOf(() => loadImage(full, new Uint8Array(MiB))).message).toMatch(/no free room .*RAM too small/);
  });
});

function loadErrorOf(fn: () => unknown): LoaderError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LoaderError) return e;
    throw e;
  }
  throw new Error('expected a LoaderError');
}

describe('the committed guest images', () => {
  const guestsDir = join(__dirname, '../../guests');
  const images = existsSync(guestsDir)
    ? readdirSync(guestsDir).flatMap((g) =>
        existsSync(join(guestsDir, g)) && !g.startsWith('.')
          ? readdirSync(join(guestsDir, g))
              .filter((f) => f.endsWith('.elf') || f.endsWith('-aout.bin'))
              .map((f) => join(g, f))
          : [],
      )
    : [];

  it('include hello.elf and hello-aout.bin', () => {
    expect(images).toContain(join('hello', 'hello.elf'));
    expect(images).toContain(join('hello', 'hello-aout.bin'));
  });

  for (const name of images) {
    it(`${name} loads with its multiboot header at the physical address the segments give it`, () => {
      const image = readFileSync(join(guestsDir, name));
      const ram = new Uint8Array(128 * MiB);
      const r = loadImage(image, ram, { cmdline: 'n=1', imageName: name });
      expect(r.kind).toBe(name.endsWith('.elf') ? 'multiboot-elf' : 'multiboot-aout');
      expect(r.eax).toBe(0x2badb002);
      // Every byte of each segment came from the file, and the BSS is zero.
      for (const s of r.segments) {
        expect(ram.subarray(s.address, s.address + s.fileSize)).toEqual(new Uint8Array(image.subarray(s.fileOffset, s.fileOffset + s.fileSize)));
        expect(ram.subarray(s.address + s.fileSize, s.address + s.memSize).every((b) => b === 0)).toBe(true);
      }
      // The multiboot header was loaded, and the entry point lies in loaded memory.
      const holder = r.segments.find((s) => r.headerOffset! >= s.fileOffset && r.headerOffset! < s.fileOffset + s.fileSize)!;
      const headerPhys = holder.address + (r.headerOffset! - holder.fileOffset);
      expect(new DataView(ram.buffer).getUint32(headerPhys, true)).toBe(MB_MAGIC);
      expect(r.segments.some((s) => r.entry >= s.address && r.entry < s.address + s.memSize)).toBe(true);
      expect(readInfo(ram, r.ebx).cmdline).toBe(`${name} n=1`);
    });
  }

  it('hello.elf and hello-aout.bin put the same program at the same place', () => {
    const elf = loadImage(readFileSync(join(guestsDir, 'hello/hello.elf')), new Uint8Array(4 * MiB));
    const aout = loadImage(readFileSync(join(guestsDir, 'hello/hello-aout.bin')), new Uint8Array(4 * MiB));
    expect(elf.segments[0].address).toBe(0x100000);
    expect(aout.segments[0].address).toBe(0x100000);
  });
});
