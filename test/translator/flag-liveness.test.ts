// Dead-flag elimination (translator/flag-liveness.ts): which instruction
// sequences let an instruction's flags go unstored. Correctness of the
// generated code is checked by the differential tests; this pins down the
// rule itself, so a looser rule (one that drops flags a fault or a reader
// can see) fails here.
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/decoder/decode.js';
import { CachedInsn } from '../../src/interp/cached-insn.js';
import { flagsDeadAfter } from '../../src/translator/flag-liveness.js';

function insns(hex: string): CachedInsn[] {
  const bytes = Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
  const out: CachedInsn[] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const i = new CachedInsn();
    decode(bytes, pos, bytes.length, true, i);
    out.push(i);
    pos += i.length;
  }
  return out;
}

describe('flag liveness', () => {
  const cases: [string, string, boolean][] = [
    ['ROL ebx,5; ADD ebx,eax', 'c1c305 01c3', true],
    ['ROL ebx,5; MOV ecx,edx; LEA eax,[eax+4]; XOR eax,eax', 'c1c305 89d1 8d4004 31c0', true],
    ['ROL ebx,5 at the block end', 'c1c305', false],
    ['ROL ebx,5; ADC ebx,eax (reads CF)', 'c1c305 11c3', false],
    ['ROL ebx,5; MOV eax,[ebx] (may fault); ADD', 'c1c305 8b03 01c3', false],
    ['ROL ebx,5; ADD ebx,[eax] (the writer may fault)', 'c1c305 0318', false],
    ['ROL ebx,5; INC eax (keeps CF); ADD', 'c1c305 40 01c3', false],
    ['ROL ebx,5; SETC al (reads); ADD', 'c1c305 0f92c0 01c3', false],
    ['SHL eax,1; CMP eax,ecx', 'd1e0 39c8', true],
    ['BSF eax,ecx; TEST eax,eax', '0fbcc1 85c0', true],
  ];
  for (const [name, hex, dead] of cases) {
    it(name, () => {
      expect(flagsDeadAfter(insns(hex), 0)).toBe(dead);
    });
  }
});
