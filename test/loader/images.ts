// Builders for small test images, written byte by byte from the format specs.

export const MB_MAGIC = 0x1badb002;

export function u32(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, v >>> 0, true));
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function multibootHeader(flags: number, aout?: { header: number; load: number; loadEnd: number; bssEnd: number; entry: number }): Uint8Array {
  const checksum = -(MB_MAGIC + flags) >>> 0;
  const base = u32(MB_MAGIC, flags, checksum);
  return aout ? concat(base, u32(aout.header, aout.load, aout.loadEnd, aout.bssEnd, aout.entry)) : base;
}

export interface ElfSegment {
  vaddr: number;
  paddr?: number;
  data: Uint8Array;
  memsz?: number;
  type?: number;
}

export interface ElfOptions {
  entry: number;
  segments: ElfSegment[];
  /** Bytes placed right after the program headers, before segment data (e.g. a multiboot header). */
  prefix?: Uint8Array;
  cls?: number;
  data?: number;
  machine?: number;
  type?: number;
  phentsize?: number;
}

/** An ELF32 executable: header, program headers, optional prefix, then each segment's data. */
export function elf32(o: ElfOptions): Uint8Array {
  const phoff = 52;
  const phentsize = o.phentsize ?? 32;
  const prefix = o.prefix ?? new Uint8Array(0);
  let dataAt = phoff + o.segments.length * phentsize + prefix.length;
  const offsets = o.segments.map((s) => {
    const at = dataAt;
    dataAt += s.data.length;
    return at;
  });
  const out = new Uint8Array(dataAt);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, o.cls ?? 1, o.data ?? 1, 1]);
  v.setUint16(16, o.type ?? 2, true);
  v.setUint16(18, o.machine ?? 3, true);
  v.setUint32(20, 1, true);
  v.setUint32(24, o.entry, true);
  v.setUint32(28, phoff, true);
  v.setUint16(40, 52, true);
  v.setUint16(42, phentsize, true);
  v.setUint16(44, o.segments.length, true);
  o.segments.forEach((s, i) => {
    const at = phoff + i * phentsize;
    v.setUint32(at, s.type ?? 1, true);
    v.setUint32(at + 4, offsets[i], true);
    v.setUint32(at + 8, s.vaddr, true);
    v.setUint32(at + 12, s.paddr ?? s.vaddr, true);
    v.setUint32(at + 16, s.data.length, true);
    v.setUint32(at + 20, s.memsz ?? s.data.length, true);
    v.setUint32(at + 24, 5, true);
    v.setUint32(at + 28, 0x1000, true);
    out.set(s.data, offsets[i]);
  });
  out.set(prefix, phoff + o.segments.length * phentsize);
  return out;
}

/** A multiboot ELF kernel: the header sits inside the file before the code, as linkers place .multiboot. */
export function multibootElf(o: Omit<ElfOptions, 'prefix'>, flags = 0x3): Uint8Array {
  return elf32({ ...o, prefix: multibootHeader(flags) });
}

export const MiB = 1 << 20;
