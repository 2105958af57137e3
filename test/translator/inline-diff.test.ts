// Every inlined form against its semantics handler (DESIGN decision 3): each
// form is encoded with random operands (registers, memory in the data region,
// memory across a page boundary, unmapped memory), preceded by a random
// flag-setting instruction (so CMP/TEST fusion and the CF merge of INC/DEC
// are exercised; in every other case a JMP between them leaves the record in
// memory), then run by the interpreter and by translated code.
import { describe, expect, it } from 'vitest';
import { FORMS } from '../../src/arch/table.js';
import type { InsnForm } from '../../src/arch/types.js';
import { INLINE_EMITTERS, unknownInlineTexts } from '../../src/translator/inline.js';
import { resolveHandlers } from '../../src/semantics/registry.js';
import { encode, type EncodeChoice } from '../../scripts/cpu-oracle/encode.js';
import { Rng, hashString } from '../../scripts/cpu-oracle/rng.js';
import { DATA, DiffPair } from './harness.js';

const handlers = resolveHandlers(FORMS);
const inlined = FORMS.filter((f) => INLINE_EMITTERS[f.id] !== undefined && handlers[f.id] !== undefined);

/** Flag-setting prefixes: ADD, SUB/CMP, LOGIC records at several sizes, INC (CF kept). */
const FLAG_SETTERS = ['SHL r/m32, imm8', 'SAR r/m32, 1', 'IMUL r32, r/m32', 'ADD r/m32, r32', 'CMP r/m32, r32', 'SUB r/m8, r8', 'TEST r/m16, r16', 'XOR r/m32, r32', 'INC r32', 'CMP r/m32, imm8', 'ADD r/m8, imm8'];
const BY_TEXT = new Map(FORMS.map((f) => [f.instruction, f] as const));

const INTERESTING = [0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe];

function value(rng: Rng): number {
  return rng.chance(0.4) ? rng.pick(INTERESTING) : rng.u32();
}

/** A memory operand addressed through EBX (kept pointing into the data region). */
function memChoice(rng: Rng): { disp: number; base: number } {
  const kind = rng.below(10);
  // Near the end of a page (crossing into the next), unmapped, or plain.
  const target = kind === 0 ? DATA + 0x0ffe : kind === 1 ? DATA - 0x1000 + rng.below(0x100) : DATA + rng.below(0x3000);
  const disp = rng.below(0x80);
  return { disp, base: (target - disp) >>> 0 };
}

function immFor(form: InsnForm, k: number, rng: Rng): number {
  const code = form.imms[k];
  if (code === 'cb' || code === 'cw' || code === 'cd') return (rng.below(24) - 8) & (code === 'cb' ? 0xff : code === 'cw' ? 0xffff : 0xffffffff);
  if (code === 'iw') return rng.chance(0.5) ? rng.below(16) : value(rng) & 0xffff;
  return value(rng);
}

function instance(form: InsnForm, rng: Rng): { bytes: number[]; ebx: number } {
  let ebx = DATA + 0x1000;
  const choice: EncodeChoice = { reg: rng.below(8), imms: form.imms.map((_, k) => immFor(form, k, rng)) };
  if (form.hasModrm) {
    const mem = form.modrmKind === 'mem' || (form.modrmKind === 'any' && rng.chance(0.5));
    if (mem) {
      const m = memChoice(rng);
      ebx = m.base;
      choice.rm = { mem32: { base: 3, index: -1, scale: 0, disp: m.disp, dispSize: 4 } };
    } else {
      choice.rm = { reg: rng.below(8) };
    }
  }
  if (form.moffs) {
    const m = memChoice(rng);
    choice.moffs = (m.base + m.disp) >>> 0;
  }
  return { bytes: encode(form, choice), ebx };
}

describe('inline emitters', () => {
  it('name only forms of the table', () => {
    expect(unknownInlineTexts()).toEqual([]);
  });

  it('cover the hot forms', () => {
    expect(inlined.length).toBeGreaterThan(200);
  });

  const pair = new DiffPair({ hot: 0 });
  const CASES = 24;
  for (const form of inlined) {
    it(`${form.instruction} (${form.opcode}) matches its handler`, () => {
      const rng = new Rng(hashString(form.instruction + form.opcode));
      for (let k = 0; k < CASES; k++) {
        const setter = BY_TEXT.get(rng.pick(FLAG_SETTERS))!;
        const pre = encode(setter, { reg: rng.below(8), rm: { reg: rng.below(8) }, imms: setter.imms.map(() => value(rng)) });
        const { bytes, ebx } = instance(form, rng);
        // Every other case starts the form's block after a JMP, so it finds the flag record in memory.
        const code = Uint8Array.from([...pre, ...(k % 2 === 1 ? [0xeb, 0x00] : []), ...bytes]);
        const regs = Array.from({ length: 8 }, () => value(rng));
        regs[3] = ebx;
        // String forms address through ESI/EDI: mostly the data region, sometimes across a page end.
        if (/^(MOVS|LODS|STOS|CMPS|SCAS)/.test(form.instruction) && rng.chance(0.8)) {
          regs[6] = memChoice(rng).base;
          regs[7] = rng.chance(0.5) ? DATA + 0x0ffe : memChoice(rng).base;
        }
        regs[4] = rng.chance(0.9) ? DATA + 0x2000 : value(rng);
        const flags = rng.u32() & 0xcd5;
        pair.load(code, (c) => {
          c.setRegs(regs);
          c.setEflags(flags);
          c.writeBytes(DATA, Uint8Array.from({ length: 0x3000 }, (_, n) => (n * 131 + k) & 0xff));
        });
        const diff = pair.compareByBlock(4);
        expect(diff, `case ${k}: ${Buffer.from(code).toString('hex')}`).toBeNull();
      }
    });
  }
});
