import { describe, expect, it } from 'vitest';
import { LoaderError } from '../../src/loader/errors.js';
import { loadImage } from '../../src/loader/load-image.js';
import { findMultibootHeader } from '../../src/loader/multiboot-header.js';
import { concat, MB_MAGIC, MiB, multibootElf, multibootHeader, u32 } from './images.js';

const code = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

function ramOf(bytes = 4 * MiB): Uint8Array {
  return new Uint8Array(bytes).fill(0xcc);
}

function loadError(fn: () => unknown): LoaderError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LoaderError) return e;
    throw e;
  }
  throw new Error('expected a LoaderError');
}

describe('multiboot header search', () => {
  it('finds a header at any 4-byte aligned offset within the first 8192 bytes', () => {
    for (const at of [0, 4, 8176, 8180]) {
      const image = concat(new Uint8Array(at), multibootHeader(3), new Uint8Array(64));
      expect(findMultibootHeader(image)?.offset).toBe(at);
    }
  });

  it('ignores a header past 8192 bytes or misaligned', () => {
    expect(findMultibootHeader(concat(new Uint8Array(8184), multibootHeader(3)))).toBeNull();
    expect(findMultibootHeader(concat(new Uint8Array(2), multibootHeader(3), new Uint8Array(64)))).toBeNull();
  });

  it('reports a bad checksum with its offset, unless a valid header follows', () => {
    const bad = concat(new Uint8Array(16), u32(MB_MAGIC, 3, 0x1234), new Uint8Array(32));
    const e = loadError(() => findMultibootHeader(bad));
    expect(e.part).toBe('multiboot header');
    expect(e.offset).toBe(16);
    expect(e.message).toMatch(/bad checksum 0x1234 .*expected 0xe4524ffb/);
    const recovered = concat(bad, multibootHeader(3), new Uint8Array(16));
    expect(findMultibootHeader(recovered)?.offset).toBe(bad.length);
  });

  it('refuses the video mode requirement (flags bit 2) and unknown requirement bits', () => {
    expect(loadError(() => findMultibootHeader(concat(multibootHeader(0x4), new Uint8Array(40)))).message).toMatch(/video mode information \(flags bit 2\)/);
    expect(loadError(() => findMultibootHeader(concat(multibootHeader(0x8 | 0x3), new Uint8Array(40)))).message).toMatch(/flags bits 0x8/);
    // Optional bits 17-31 are fine.
    expect(findMultibootHeader(concat(multibootHeader(0x80000003), new Uint8Array(40)))?.flags).toBe(0x80000003);
  });

  it('needs the a.out address fields to be inside the file when flags bit 16 is set', () => {
    const e = loadError(() => findMultibootHeader(concat(new Uint8Array(8), multibootHeader(0x10003), u32(0x100000))));
    expect(e.offset).toBe(8);
    expect(e.message).toMatch(/needs 32 header bytes, the file ends after 16/);
  });
});

describe('multiboot ELF', () => {
  it('loads PT_LOAD segments at their physical addresses and zeroes the BSS', () => {
    const text = code(0x300);
    const data = code(0x40, 9);
    const image = multibootElf({
      entry: 0x100010,
      segments: [
        { vaddr: 0x100000, data: text },
        { vaddr: 0x102000, data, memsz: 0x1000 },
        { vaddr: 0x200000, data: new Uint8Array(0), memsz: 0, type: 1 },
        { vaddr: 0x300000, data: code(16), type: 4 }, // PT_NOTE: not loaded
      ],
    });
    const ram = ramOf();
    const r = loadImage(image, ram);
    expect(r.kind).toBe('multiboot-elf');
    expect(r.entry).toBe(0x100010);
    expect(r.eax).toBe(0x2badb002);
    expect(r.segments.map((s) => [s.address, s.fileSize, s.memSize])).toEqual([
      [0x100000, 0x300, 0x300],
      [0x102000, 0x40, 0x1000],
    ]);
    expect(ram.subarray(0x100000, 0x100300)).toEqual(text);
    expect(ram.subarray(0x102000, 0x102040)).toEqual(data);
    expect(ram.subarray(0x102040, 0x103000).every((b) => b === 0)).toBe(true);
    expect(ram[0x103000]).toBe(0xcc);
    expect(ram[0x300000]).toBe(0xcc);
  });

  it('translates a higher-half virtual entry point through its segment', () => {
    const image = multibootElf({ entry: 0xc0100020, segments: [{ vaddr: 0xc0100000, paddr: 0x100000, data: code(64) }] });
    expect(loadImage(image, ramOf()).entry).toBe(0x100020);
  });

  const elfErrors: [string, () => Uint8Array, RegExp, string, number | null][] = [
    ['truncated ELF header', () => concat(new Uint8Array([0x7f, 0x45, 0x4c, 0x46]), multibootHeader(3)), /truncated: 16 bytes/, 'ELF header', 0],
    ['64-bit ELF', () => multibootElf({ entry: 0x100000, segments: [{ vaddr: 0x100000, data: code(8) }], cls: 2 }), /class 2 \(64-bit\)/, 'ELF header', 4],
    ['big-endian ELF', () => multibootElf({ entry: 0x100000, segments: [{ vaddr: 0x100000, data: code(8) }], data: 2 }), /little-endian/, 'ELF header', 5],
    ['not x86', () => multibootElf({ entry: 0x100000, segments: [{ vaddr: 0x100000, data: code(8) }], machine: 62 }), /machine 62: not an x86/, 'ELF header', 18],
    ['not an executable', () => multibootElf({ entry: 0x100000, segments: [{ vaddr: 0x100000, data: code(8) }], type: 3 }), /type 3: not an executable/, 'ELF header', 16],
    ['no program headers', () => multibootElf({ entry: 0x100000, segments: [] }), /no program headers/, 'ELF header', 44],
    ['short program header entries', () => multibootElf({ entry: 0x100000, segments: [{ vaddr: 0x100000, data: code(8) }], phentsize: 16 }), /program header size 16/, 'ELF header', 42],
    [
      'no PT_LOAD',
      () => multibootElf({ entry: 0x100000, segments: [{ vaddr: 0x100000, data: code(8), type: 4 }] }),
      /no PT_LOAD segment/,
      'ELF program headers',
      52,
    ],
    [
      'entry outside the segments',
      () => multibootElf({ entry: 0x500000, segments: [{ vaddr: 0x100000, data: code(8) }] }),
      /entry point 0x500000 is not inside any loaded segment/,
      'ELF header',
      24,
    ],
    [
      'file size above memory size',
      () => multibootElf({ entry: 0x100000, segments: [{ vaddr: 0x100000, data: code(64), memsz: 32 }] }),
      /file size 0x40 is larger than its memory size 0x20/,
      'ELF program header 0',
      52,
    ],
    [
      'segment outside RAM',
      () => multibootElf({ entry: 0x100000, segments: [{ vaddr: 0x100000, data: code(8) }, { vaddr: 0x3ff000, data: code(8), memsz: 0x2000 }] }),
      /physical 0x3ff000\.\.0x401000 lies outside guest RAM \(0x400000 bytes/,
      'ELF program header 1',
      84,
    ],
  ];
  for (const [name, build, message, part, offset] of elfErrors) {
    it(`refuses: ${name}`, () => {
      const ram = ramOf();
      const e = loadError(() => loadImage(build(), ram));
      expect(e.message).toMatch(message);
      expect(e.part).toBe(part);
      expect(e.offset).toBe(offset);
      expect(ram.every((b) => b === 0xcc)).toBe(true); // nothing written before the image is accepted
    });
  }

  it('refuses truncated program headers and truncated segment data', () => {
    const good = multibootElf({ entry: 0x100000, segments: [{ vaddr: 0x100000, data: code(256) }] });
    const noPh = good.slice(0, 60);
    // Keep the multiboot header findable: append it after the cut.
    const e1 = loadError(() => loadImage(concat(noPh, multibootHeader(3)), ramOf()));
    expect(e1.part).toBe('ELF program headers');
    expect(e1.message).toMatch(/run past the end of the file/);
    const e2 = loadError(() => loadImage(good.slice(0, good.length - 10), ramOf()));
    expect(e2.part).toBe('ELF program header 0');
    expect(e2.message).toMatch(/runs past the end of the file .*truncated image/);
  });

  it('refuses a multiboot image that is neither ELF nor a.out kludge', () => {
    const e = loadError(() => loadImage(concat(multibootHeader(3), code(100)), ramOf()));
    expect(e.message).toMatch(/not an ELF file/);
  });
});

describe('multiboot a.out kludge (flags bit 16)', () => {
  /** A flat kernel linked at 0x100000 whose header is 0x20 bytes into the file. */
  function aoutImage(fields: Partial<{ header: number; load: number; loadEnd: number; bssEnd: number; entry: number }> = {}, bodyLength = 0x200) {
    const head = code(0x20, 3);
    const f = { header: 0x100020, load: 0x100000, loadEnd: 0x100020 + 32 + bodyLength, bssEnd: 0x101000, entry: 0x100040, ...fields };
    return concat(head, multibootHeader(0x10003, f), code(bodyLength, 5));
  }

  it('loads from (header offset - (header_addr - load_addr)) to load_end_addr and zeroes up to bss_end_addr', () => {
    const image = aoutImage();
    const ram = ramOf();
    const r = loadImage(image, ram);
    expect(r.kind).toBe('multiboot-aout');
    expect(r.entry).toBe(0x100040);
    expect(r.headerOffset).toBe(0x20);
    expect(r.segments).toEqual([
      { source: 'multiboot header (a.out kludge)', sourceOffset: 0x20, address: 0x100000, fileOffset: 0, fileSize: image.length, memSize: 0x1000 },
    ]);
    expect(ram.subarray(0x100000, 0x100000 + image.length)).toEqual(image);
    expect(ram.subarray(0x100000 + image.length, 0x101000).every((b) => b === 0)).toBe(true);
    expect(ram[0x101000]).toBe(0xcc);
  });

  it('takes the rest of the file when load_end_addr is 0, and a text start inside the file', () => {
    const image = aoutImage({ load: 0x100010, loadEnd: 0, bssEnd: 0 });
    const ram = ramOf();
    const r = loadImage(image, ram);
    expect(r.segments[0]).toMatchObject({ address: 0x100010, fileOffset: 0x10, fileSize: image.length - 0x10, memSize: image.length - 0x10 });
    expect(ram.subarray(0x100010, 0x100010 + image.length - 0x10)).toEqual(image.subarray(0x10));
  });

  it('uses the header addresses even for an ELF file', () => {
    const elf = multibootElf({ entry: 0x100000, segments: [{ vaddr: 0x100000, data: code(64) }] }, 0x10003);
    // multibootElf wrote a short header; rebuild with the address fields at the same place.
    const at = 52 + 32;
    const withFields = concat(elf.subarray(0, at), multibootHeader(0x10003, { header: 0x200000 + at, load: 0x200000, loadEnd: 0, bssEnd: 0, entry: 0x200000 }), elf.subarray(at + 12));
    const r = loadImage(withFields, ramOf());
    expect(r.kind).toBe('multiboot-aout');
    expect(r.segments[0].address).toBe(0x200000);
  });

  const aoutErrors: [string, Parameters<typeof aoutImage>[0], RegExp][] = [
    ['load_addr above header_addr', { load: 0x100100 }, /load_addr 0x100100 is above header_addr 0x100020/],
    ['text before the file start', { load: 0xfff00 }, /before the beginning of the file/],
    ['load_end_addr below load_addr', { loadEnd: 0xff000 }, /load_end_addr 0xff000 is below load_addr/],
    ['bss_end_addr inside the data', { bssEnd: 0x100010 }, /bss_end_addr 0x100010 is below the end of the loaded data/],
    ['load_end_addr past the file', { loadEnd: 0x100000 + 0x10000, bssEnd: 0 }, /runs past the end of the file/],
    ['BSS outside RAM', { bssEnd: 0x500000 }, /lies outside guest RAM/],
  ];
  for (const [name, fields, message] of aoutErrors) {
    it(`refuses: ${name}`, () => {
      const e = loadError(() => loadImage(aoutImage(fields), ramOf()));
      expect(e.message).toMatch(message);
      expect(e.offset).toBe(0x20);
    });
  }
});

describe('flat binaries', () => {
  it('load at --load-address and start there, with no information structure', () => {
    const image = code(0x1234);
    const ram = ramOf();
    const r = loadImage(image, ram, { loadAddress: 0x7c00 });
    expect(r).toMatchObject({ kind: 'flat', entry: 0x7c00, eax: 0, ebx: 0, mbiAddress: null, headerOffset: null });
    expect(ram.subarray(0x7c00, 0x7c00 + image.length)).toEqual(image);
    expect(ram[0x7c00 + image.length]).toBe(0xcc);
  });

  it('need a load address when there is no multiboot header', () => {
    const e = loadError(() => loadImage(code(100), ramOf()));
    expect(e.message).toMatch(/no multiboot header in the first 8192 bytes .*--load-address/);
  });

  it("format 'flat' overrides a multiboot header; it still needs an address", () => {
    const image = multibootElf({ entry: 0x100000, segments: [{ vaddr: 0x100000, data: code(64) }] });
    const ram = ramOf();
    expect(loadImage(image, ram, { format: 'flat', loadAddress: 0x10000 }).kind).toBe('flat');
    expect(ram.subarray(0x10000, 0x10000 + image.length)).toEqual(image);
    expect(loadError(() => loadImage(image, ram, { format: 'flat' })).message).toMatch(/needs --load-address/);
  });

  it('refuses images that do not fit, empty images and bad addresses', () => {
    expect(loadError(() => loadImage(code(0x2000), ramOf(MiB), { loadAddress: MiB - 0x1000 })).message).toMatch(/outside guest RAM/);
    expect(loadError(() => loadImage(new Uint8Array(0), ramOf(), { loadAddress: 0 })).message).toMatch(/empty/);
    expect(loadError(() => loadImage(code(4), ramOf(), { loadAddress: -1 })).message).toMatch(/not a 32-bit physical address/);
  });
});
