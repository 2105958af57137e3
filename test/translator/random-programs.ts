// Random guest programs for the engine-against-engine differential test:
// ALU and flag work at every width, memory through EBX into the data region
// (sometimes across a page end or into unmapped memory), forward branches on
// every condition, counted loops, calls to a subroutine, push/pop pairs,
// faults (#DE, #PF, #UD) and self-modifying code (immediates of later
// instructions patched in a loop). Encoded from the instruction table.
import { FORMS } from '../../src/arch/table.js';
import type { InsnForm } from '../../src/arch/types.js';
import { encode, type EncodeChoice } from '../../scripts/cpu-oracle/encode.js';
import { Rng } from '../../scripts/cpu-oracle/rng.js';
import { CODE, DATA } from './harness.js';

const BY_TEXT = new Map(FORMS.map((f) => [f.instruction, f] as const));
function form(text: string): InsnForm {
  const f = BY_TEXT.get(text);
  if (f === undefined) throw new Error(`random programs: no form "${text}"`);
  return f;
}

const EAX = 0, ECX = 1, EBX = 3, ESP = 4;
/** Registers random instructions may write: never ESP (stack) or EBX (data pointer). */
const FREE = [0, 1, 2, 5, 6, 7];

/** Register/memory forms used for random straight-line work. */
const WORK = [
  'ADD r/m32, r32', 'SUB r32, r/m32', 'ADC r/m32, r32', 'SBB r32, r/m32', 'AND r/m32, r32', 'OR r32, r/m32', 'XOR r/m32, r32',
  'CMP r/m32, r32', 'TEST r/m32, r32', 'ADD r/m8, r8', 'SUB r8, r/m8', 'CMP r/m16, r16', 'AND r/m16, imm16', 'ADD r/m32, imm8',
  'SUB r/m32, imm32', 'CMP r/m8, imm8', 'XOR r/m32, imm8', 'INC r/m32', 'DEC r/m8', 'INC r32', 'DEC r32', 'NEG r/m32', 'NOT r/m16',
  'MOV r/m32, r32', 'MOV r32, r/m32', 'MOV r/m8, r8', 'MOV r8, r/m8', 'MOV r/m16, imm16', 'MOV r32, imm32', 'MOVZX r32, r/m8',
  'MOVSX r32, r/m16', 'LEA r32, m', 'XCHG r/m32, r32', 'SHL r/m32, imm8', 'SHR r/m32, CL', 'SAR r/m8, 1', 'ROL r/m32, imm8',
  'RCR r/m32, 1', 'IMUL r32, r/m32', 'MUL r/m32', 'BT r/m32, r32', 'BSF r32, r/m32', 'CDQ', 'CWDE', 'CMC', 'STC', 'CLC',
  'SETE r/m8', 'SETL r/m8', 'SETA r/m8', 'SETP r/m8', 'CMOVB r32, r/m32', 'CMOVG r32, r/m32', 'CMOVS r32, r/m32', 'TEST r/m8, imm8',
];
const FAULTING = ['DIV r/m32', 'IDIV r/m8', 'UD2'];

export interface RandomProgram {
  code: Uint8Array;
  regs: number[];
  eflags: number;
}

class Emitter {
  /** Registers the next instructions may write (ECX is left out inside counted loops). */
  free: readonly number[] = FREE;
  constructor(readonly rng: Rng) {}

  rm(mem: boolean): EncodeChoice['rm'] {
    if (!mem) return { reg: this.rng.pick(this.free) };
    const r = this.rng.below(60);
    // Mostly [EBX+disp] in the data region; sometimes across the page end, sometimes through a random register (#PF).
    if (r < 3) return { mem32: { base: EBX, index: -1, scale: 0, disp: 0xffe, dispSize: 4 } };
    if (r === 3) return { mem32: { base: this.rng.pick(FREE), index: -1, scale: 0, disp: 0, dispSize: 1 } };
    // Inside a counted loop ECX is small: index with it.
    const index = !this.free.includes(ECX) && this.rng.chance(0.4) ? ECX : -1;
    return { mem32: { base: EBX, index, scale: index < 0 ? 0 : this.rng.below(4), disp: this.rng.below(0x800), dispSize: 4 } };
  }

  insn(text: string, opts: { reg?: number; imms?: number[] } = {}): number[] {
    const f = form(text);
    const mem = f.modrmKind === 'mem' || (f.modrmKind === 'any' && this.rng.chance(0.35));
    const choice: EncodeChoice = {
      reg: opts.reg ?? this.rng.pick(this.free),
      imms: opts.imms ?? f.imms.map(() => this.value()),
      rm: f.hasModrm ? this.rm(mem) : undefined,
    };
    return encode(f, choice);
  }

  value(): number {
    return this.rng.chance(0.5) ? this.rng.pick([0, 1, 2, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000, 0xffffffff]) : this.rng.u32();
  }

  work(): number[] {
    if (this.rng.chance(0.02)) return this.insn(this.rng.pick(FAULTING));
    return this.insn(this.rng.pick(WORK));
  }

  /** A forward conditional branch over one work item. */
  branch(): number[] {
    const body = this.work();
    return [0x70 + this.rng.below(16), body.length, ...body];
  }

  /**
   * A counted loop (ECX = 2..7) around a few items placed at code offset
   * `at`; sometimes its first item is MOV EAX, imm32 whose immediate the loop
   * itself rewrites with MOV [abs32], CL before it runs (self-modifying code).
   */
  loop(at: number): number[] {
    const out = [0xb9, ...le32(2 + this.rng.below(6))];
    const top = at + out.length;
    if (this.rng.chance(0.35)) {
      const immAt = CODE + top + 6 + 1;
      out.push(0x88, 0x0d, ...le32(immAt), ...this.insn('MOV r32, imm32', { reg: EAX, imms: [this.value()] }));
    }
    this.free = FREE.filter((r) => r !== ECX);
    for (let k = 1 + this.rng.below(3); k > 0; k--) out.push(...this.work());
    this.free = FREE;
    out.push(0x49, 0x75);
    out.push((top - (at + out.length + 1)) & 0xff);
    return out;
  }
}

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/** Builds one random program (seeded). */
export function randomProgram(seed: number): RandomProgram {
  const rng = new Rng(seed);
  const e = new Emitter(rng);
  const main: number[] = [];
  const callSites: number[] = [];
  const n = 8 + rng.below(24);
  for (let k = 0; k < n; k++) {
    const kind = rng.below(12);
    if (kind < 6) main.push(...e.work());
    else if (kind < 8) main.push(...e.branch());
    else if (kind === 8) main.push(...e.loop(main.length));
    else if (kind === 9) {
      const r = rng.pick(FREE);
      main.push(0x50 + r, ...e.work(), 0x58 + rng.pick(FREE));
    } else if (kind === 10) {
      main.push(0xe8, 0, 0, 0, 0);
      callSites.push(main.length);
    } else main.push(...e.branch());
  }
  main.push(0xcc);
  // The subroutine: a few items and RET.
  const sub: number[] = [];
  for (let k = 0; k < 1 + rng.below(3); k++) sub.push(...e.work());
  sub.push(0xc3);
  const subAt = main.length;
  for (const site of callSites) main.splice(site - 4, 4, ...le32(subAt - site));
  const code = Uint8Array.from([...main, ...sub]);
  const regs = Array.from({ length: 8 }, () => e.value());
  regs[EBX] = DATA + 0x800;
  regs[ESP] = DATA + 0x2000;
  return { code, regs, eflags: rng.u32() & 0xcd5 };
}
