// Wild-code cases for `npm run fuzz:wild` (issue 10): flat images loaded at
// LOAD_ADDRESS, each made from its seed alone. Four kinds: random bytes;
// random bytes behind a prologue that installs an IDT whose gates all point
// back into the random code; self-modifying loops that write stubs and call
// them (sometimes over their own page); and huge REP string instructions.
import { Prng } from '../fuzz/prng.js';

export const LOAD_ADDRESS = 0x100000;
export const CASE_KINDS = ['random', 'idt', 'smc', 'rep'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/** The dbt settings a case runs under besides interp (DbtOptions names). */
export type DbtSwitches = Record<string, number | boolean | string>;
const SWITCHES: readonly DbtSwitches[] = [
  {},
  {},
  { hot: 0 },
  { chain: false },
  { pageModules: false },
  { tcSize: 8, tcPolicy: 'fifo' },
  { tcSize: 1 },
  { hot: 2, tcSize: 64 },
];

export interface WildCase {
  seed: number;
  kind: CaseKind;
  image: Uint8Array;
  /** Instruction limit (REP iterations count too). */
  maxInsns: number;
  dbt: DbtSwitches;
}

/** Little-endian bytes of a 32-bit value. */
function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

function randomBytes(r: Prng, n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(r.byte());
  return out;
}

const MOV_ESP = (v: number): number[] => [0xbc, ...le32(v)];
const JMP_SELF = [0xeb, 0xfe];

/** Random bytes from the first byte on. */
function randomCase(r: Prng): number[] {
  return randomBytes(r, 256 + r.below(3840));
}

/**
 * A stack, an IDT at image offset 0x800 whose 256 gates (interrupt or trap,
 * some DPL 3) land at random places of the random code at 0x1000, maybe STI,
 * then a jump into the random code: every fault re-enters it.
 */
function idtCase(r: Prng): number[] {
  const codeLen = 512 + r.below(3584);
  const image = new Array<number>(0x1000 + codeLen).fill(0x90);
  let p = 0;
  const emit = (...bytes: number[]): void => {
    for (const b of bytes) image[p++] = b;
  };
  emit(...MOV_ESP(0x200000 + r.below(0x1000) * 4));
  // lidt [LOAD_ADDRESS + 0x7f0]
  emit(0x0f, 0x01, 0x1d, ...le32(LOAD_ADDRESS + 0x7f0));
  if (r.chance(0.5)) emit(0xfb);
  const target = 0x1000 + r.below(codeLen);
  emit(0xe9, ...le32(target - (p + 5)));
  const idtr = [0xff, 0x07, ...le32(LOAD_ADDRESS + 0x800)];
  idtr.forEach((b, k) => (image[0x7f0 + k] = b));
  for (let v = 0; v < 256; v++) {
    const handler = LOAD_ADDRESS + 0x1000 + r.below(codeLen);
    const type = r.chance(0.5) ? 0x8e : 0x8f;
    const dpl = r.chance(0.2) ? 0x60 : 0;
    const gate = [handler & 0xff, (handler >>> 8) & 0xff, 0x10, 0x00, 0x00, type | dpl, (handler >>> 16) & 0xff, handler >>> 24];
    gate.forEach((b, k) => (image[0x800 + v * 8 + k] = b));
  }
  randomBytes(r, codeLen).forEach((b, k) => (image[0x1000 + k] = b));
  return image;
}

/** Stub contents that mostly return (so the loop goes on), sometimes do not. */
function stubBytes(r: Prng): number[] {
  const palette = [
    [0x40, 0xc3], // inc eax; ret
    [0xeb, 0x04, 0x90, 0x90, 0x90, 0x90, 0xc3], // jmp +4; ret
    [0x01, 0xc3, 0xc3], // add ebx, eax; ret
    [0x31, 0xc0, 0x48, 0x75, 0xfd, 0xc3], // xor eax,eax; dec eax; jnz $-1; ret (a long loop)
  ];
  if (r.chance(0.2)) return randomBytes(r, 8);
  return palette[r.below(palette.length)];
}

/**
 * A loop writing an 8-byte stub at a cursor that strides through a region
 * (sometimes the loop's own page) and calling it; sometimes it also patches
 * an immediate of its own code each time round.
 */
function smcCase(r: Prng): number[] {
  const stub = stubBytes(r).concat(new Array(8).fill(0xc3)).slice(0, 8);
  const ownPage = r.chance(0.3);
  const base = ownPage ? LOAD_ADDRESS + 0x100 : 0x300000 + r.below(0x100) * 0x1000;
  const mask = ownPage ? 0xff : [0xfff, 0xffff, 0xfffff][r.below(3)];
  const stride = [8, 16, 64, 4096, 4104][r.below(5)];
  const code: number[] = [];
  code.push(...MOV_ESP(0x200000));
  code.push(0xbf, ...le32(base)); // mov edi, base
  const top = code.length;
  const patch = r.chance(0.4);
  if (patch) {
    // mov [LOAD_ADDRESS + immOffset], eax: rewrites the imm32 of the add below
    code.push(0xa3, ...le32(0)); // filled in once the add's place is known
  }
  code.push(0xc7, 0x07, ...le32(stub[0] | (stub[1] << 8) | (stub[2] << 16) | (stub[3] << 24))); // mov dword [edi], lo
  code.push(0xc7, 0x47, 0x04, ...le32(stub[4] | (stub[5] << 8) | (stub[6] << 16) | (stub[7] << 24))); // mov dword [edi+4], hi
  code.push(0xff, 0xd7); // call edi
  const addAt = code.length;
  code.push(0x81, 0xc7, ...le32(stride)); // add edi, stride
  code.push(0x81, 0xe7, ...le32(mask)); // and edi, mask
  code.push(0x81, 0xcf, ...le32(base)); // or edi, base
  code.push(0x40); // inc eax
  const back = top - (code.length + 2);
  code.push(0xeb, back & 0xff); // jmp top
  if (patch) le32(LOAD_ADDRESS + addAt + 2).forEach((b, k) => (code[top + 1 + k] = b));
  return code;
}

/** One to three REP string instructions with huge counts, random direction, prefixes and ports. */
function repCase(r: Prng): number[] {
  const code: number[] = [...MOV_ESP(0x200000)];
  const ops = [0xa4, 0xa5, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xa6, 0xa7, 0x6c, 0x6d, 0x6e, 0x6f];
  const n = 1 + r.below(3);
  for (let k = 0; k < n; k++) {
    code.push(0xbe, ...le32(r.chance(0.5) ? 0x200000 + r.below(0x100000) : r.next())); // mov esi
    code.push(0xbf, ...le32(r.chance(0.5) ? 0x300000 + r.below(0x100000) : r.next())); // mov edi
    code.push(0xb9, ...le32(r.chance(0.7) ? 0x10000000 + r.below(0xf0000000) : r.below(0x100000))); // mov ecx
    code.push(0xb8, ...le32(r.next())); // mov eax
    code.push(0xba, ...le32(r.chance(0.3) ? 0x3f8 : r.chance(0.5) ? 0x80 : r.below(0x10000))); // mov edx (port)
    code.push(r.chance(0.3) ? 0xfd : 0xfc); // std / cld
    if (r.chance(0.2)) code.push(0x66);
    if (r.chance(0.15)) code.push(0x67);
    code.push(r.chance(0.8) ? 0xf3 : 0xf2, ops[r.below(ops.length)]);
  }
  code.push(...JMP_SELF);
  return code;
}

const GENERATORS: Record<CaseKind, (r: Prng) => number[]> = { random: randomCase, idt: idtCase, smc: smcCase, rep: repCase };

/** The case of `seed`: its kind, image, limit and dbt switches follow from the seed alone. */
export function wildCase(seed: number): WildCase {
  const r = new Prng(seed * 2654435761);
  const kind = CASE_KINDS[seed % CASE_KINDS.length];
  const image = Uint8Array.from(GENERATORS[kind](r));
  const dbt = SWITCHES[r.below(SWITCHES.length)];
  // --hot 0 compiles every block at first sight, some 0.25 ms per instruction
  // of code that runs once (wild code sliding down zeroed RAM): it gets a
  // limit it can reach well inside the timeout (docs/limits.md).
  const limits = dbt.hot === 0 ? [500, 1_000, 2_000] : [100_000, 300_000, 1_000_000];
  const maxInsns = limits[r.below(3)];
  return { seed, kind, image, maxInsns, dbt };
}
