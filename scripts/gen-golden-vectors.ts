// Synthesizes encodings for every row of the instruction table, asks capstone
// (an independent decoder) for each one's length and text, and writes
// test/fixtures/decoder/golden.json for test/decoder/golden.test.ts.
// Every disagreement with capstone must be one of the documented model
// differences below, else the script fails: a new table row is only accepted
// once capstone confirms its encoding (or the difference is explained).
//   npx tsx scripts/gen-golden-vectors.ts
import { writeFileSync } from 'node:fs';
import { Capstone, Const, loadCapstone } from 'capstone-wasm';
import { FORMS } from '../src/arch/table.js';
import type { InsnForm } from '../src/arch/types.js';
import { mnemonicOf } from '../src/decoder/format.js';

export interface GoldenVector {
  /** Instruction bytes, hex. */
  hex: string;
  mode: 16 | 32;
  /** The row the bytes were built from: its SDM columns. */
  opcode: string;
  instruction: string;
  length: number;
  /** Capstone's reading, or null when capstone rejects the bytes. */
  capstone: { length: number; mnemonic: string; text: string } | null;
  /** Why capstone's length or mnemonic legitimately differs, when it does. */
  note?: string;
}

/** Documented differences between the modeled P6 CPU and capstone (docs/cpu-model.md). */
const KNOWN: Readonly<Record<string, string>> = {
  'NOP r/m16':
    'SDM Table A-3: 0F 19-0F 1F are NOP Ev on processors without the later MPX/CET uses of that space; capstone decodes MPX (0F 1A/1B) or rejects some register forms',
  'NOP r/m32':
    'SDM Table A-3: 0F 19-0F 1F are NOP Ev on processors without the later MPX/CET uses of that space; capstone decodes MPX (0F 1A/1B) or rejects some register forms',
  CBW: 'capstone names 98 "cwde" in 16-bit mode whatever the operand size (a capstone bug); the SDM: CBW when the operand size is 16',
  CWD: 'capstone names 99 "cdq" in 16-bit mode whatever the operand size (a capstone bug); the SDM: CWD when the operand size is 16',
  'CALL m16:16': 'naming: capstone prints "lcall" for FF /3 with a 16-bit operand size but "call" with a 32-bit one',
  'JMP m16:16': 'naming: capstone prints "ljmp" for FF /5 with a 16-bit operand size but "jmp" with a 32-bit one',
};

function modrmFor(form: InsnForm, mod: number, addr32: boolean): number[] {
  let reg = form.modrmReg >= 0 ? form.modrmReg : 2;
  if (((form.regMask >> reg) & 1) === 0) reg = 3; // DS for Sreg, CR3 for CRn
  const rm = addr32 ? 0 : 4; // [eax + disp8] / [si + disp8]
  if (mod === 3) return [0xc0 | (reg << 3) | 1];
  return [(1 << 6) | (reg << 3) | rm, 0x08];
}

function immBytes(form: InsnForm): number[] {
  const out: number[] = [];
  let fill = 0x11;
  for (const code of form.imms) {
    let n = code.endsWith('b') ? 1 : code.endsWith('w') ? 2 : 4;
    if (code === 'cp') n = 6;
    if (code === 'cd' && form.operands.includes('ptr16:16')) n = 4;
    for (let i = 0; i < n; i++) out.push(fill++ & 0xff);
  }
  return out;
}

/** One encoding of `form` in `mode` with the given ModRM.mod (3 or 1; ignored without ModRM). */
function encode(form: InsnForm, mode: 16 | 32, mod: number): number[] {
  const bytes: number[] = [];
  const wantOp = form.opSize || mode;
  const wantAddr = form.addrSize || mode;
  if (form.mandatoryPrefix) bytes.push(form.mandatoryPrefix);
  if (wantOp !== mode) bytes.push(0x66);
  if (wantAddr !== mode) bytes.push(0x67);
  const ops = [...form.bytes];
  if (form.regInOpcode) ops[ops.length - 1] += 2;
  if (form.map === 0 && form.bytes.length === 2) {
    bytes.push(...ops); // x87 register form: the second byte is the ModRM
  } else {
    bytes.push(...ops);
    if (form.hasModrm) bytes.push(...modrmFor(form, mod, wantAddr === 32));
  }
  if (form.moffs) for (let i = 0; i < wantAddr / 8; i++) bytes.push(0x40 + i);
  bytes.push(...immBytes(form));
  return bytes;
}

function modsOf(form: InsnForm): number[] {
  if (!form.hasModrm) return [-1];
  if (form.modrmKind === 'mem') return [1];
  if (form.modrmKind === 'reg') return [3];
  return [3, 1];
}

async function main(): Promise<void> {
  await loadCapstone();
  const cs = { 16: new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_16), 32: new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_32) };
  const vectors: GoldenVector[] = [];
  const problems: string[] = [];
  for (const form of FORMS) {
    for (const mode of [32, 16] as const) {
      for (const mod of modsOf(form)) {
        const bytes = encode(form, mode, mod);
        const hex = Buffer.from(bytes).toString('hex');
        let capstone: GoldenVector['capstone'] = null;
        try {
          const [ci] = cs[mode].disasm(Uint8Array.from(bytes), { address: 0x1000, count: 1 });
          if (ci) capstone = { length: ci.size, mnemonic: ci.mnemonic, text: `${ci.mnemonic} ${ci.opStr}`.trim() };
        } catch {
          capstone = null;
        }
        const vector: GoldenVector = { hex, mode, opcode: form.opcode, instruction: form.instruction, length: bytes.length, capstone };
        const csMnemonic = capstone?.mnemonic.replace(/^(lock|rep|repe|repne) /, '');
        const disagrees = !capstone || capstone.length !== bytes.length || csMnemonic !== mnemonicOf(form);
        if (disagrees) {
          const note = KNOWN[form.instruction];
          if (note) vector.note = note;
          else problems.push(`${mode}-bit ${hex}: ${form.opcode} / ${form.instruction} (len ${bytes.length}, ${mnemonicOf(form)}) vs capstone ${capstone ? `${capstone.length} "${capstone.text}"` : 'rejects it'}`);
        }
        vectors.push(vector);
      }
    }
  }
  const path = new URL('../test/fixtures/decoder/golden.json', import.meta.url);
  writeFileSync(path, JSON.stringify(vectors, null, 0).replace(/\},\{/g, '},\n{') + '\n');
  console.log(`${vectors.length} vectors for ${FORMS.length} forms written to test/fixtures/decoder/golden.json`);
  if (problems.length) {
    console.log(`${problems.length} unexplained disagreements with capstone:\n` + problems.join('\n'));
    process.exitCode = 1;
  }
}

await main();
