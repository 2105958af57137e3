// The instruction table: every row of the per-map row files parsed once into
// an InsnForm (DESIGN decision 2). FORMS[id] is what Insn.form points at.
//
// Conventions of the row columns:
// - opSize is set on every row whose operands are sized by the operand size
//   (SDM lists those forms twice); rows without it match both sizes.
// - writes = flags given a defined value; undef = flags left undefined (the
//   two are disjoint; both are clobbered). A form that may leave a flag
//   unchanged (a shift by a count masked to 0) lists it in reads as well, so
//   liveness analysis sees the old value flow through.
// - cls and endsBlock: docs/cpu-model.md, "Instruction classes".
import { parseFlags } from './flags.js';
import type { ImmCode, InsnForm, RowSpec } from './types.js';
import { ALU_ROWS } from './rows-alu.js';
import { SHIFT_ROWS } from './rows-shift.js';
import { ONE_BYTE_ROWS } from './rows-onebyte.js';
import { TWO_BYTE_ROWS } from './rows-0f.js';
import { X87_ROWS } from './rows-x87.js';

/** All rows in table order; FORMS[i] is parsed from ROWS[i]. */
export const ROWS: readonly RowSpec[] = [...ALU_ROWS, ...SHIFT_ROWS, ...ONE_BYTE_ROWS, ...TWO_BYTE_ROWS, ...X87_ROWS];

const IMM_CODES: ReadonlySet<string> = new Set(['ib', 'iw', 'id', 'cb', 'cw', 'cd', 'cp']);
const MANDATORY_PREFIXES: ReadonlySet<number> = new Set([0x66, 0xf2, 0xf3]);

function rowError(row: RowSpec, why: string): Error {
  return new Error(`instruction table: row "${row.opcode}" / "${row.instruction}": ${why}`);
}

/** A memory-only operand shape ("m", "m16&32", "m32fp", "m16:32"…), not "moffs". */
export function isMemShape(shape: string): boolean {
  return shape.startsWith('m') && !shape.startsWith('moffs');
}

/** Parses one row; `id` becomes the form id. Throws on a malformed row. */
export function parseRow(row: RowSpec, id: number): InsnForm {
  const tokens = row.opcode.trim().split(/\s+/);
  const bytes: number[] = [];
  const imms: ImmCode[] = [];
  let mandatoryPrefix = 0;
  let regInOpcode = false;
  let hasModrm = false;
  let modrmReg = -1;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    const plus = /^([0-9A-F]{2})\+(rb|rw|rd|i)$/.exec(tok);
    if (/^[0-9A-F]{2}$/.test(tok) || plus) {
      if (hasModrm || imms.length > 0) throw rowError(row, `opcode byte '${tok}' after ModRM/immediate`);
      const value = Number.parseInt(plus ? plus[1] : tok, 16);
      if (i === 0 && tokens.length > 1 && MANDATORY_PREFIXES.has(value) && /^[0-9A-F]{2}/.test(tokens[1])) {
        mandatoryPrefix = value;
        continue;
      }
      if (regInOpcode) throw rowError(row, 'opcode byte after a +r byte');
      bytes.push(value);
      if (plus) regInOpcode = true;
    } else if (tok === '/r') {
      hasModrm = true;
    } else if (/^\/[0-7]$/.test(tok)) {
      hasModrm = true;
      modrmReg = Number(tok[1]);
    } else if (IMM_CODES.has(tok)) {
      imms.push(tok as ImmCode);
    } else {
      throw rowError(row, `unknown opcode token '${tok}'`);
    }
  }
  if (bytes.length === 0) throw rowError(row, 'no opcode byte');
  const map: 0 | 1 = bytes[0] === 0x0f ? 1 : 0;
  if (map === 1 && bytes.length !== 2) throw rowError(row, '0F rows need exactly one byte after 0F');
  if (map === 0 && bytes.length === 2 && !(bytes[0] >= 0xd8 && bytes[0] <= 0xdf)) throw rowError(row, 'two opcode bytes outside 0F and x87');

  const text = row.instruction.trim();
  const space = text.indexOf(' ');
  const mnemonic = space < 0 ? text : text.slice(0, space);
  const operands = space < 0 ? [] : text.slice(space + 1).split(',').map((s) => s.trim());

  let modrmKind: InsnForm['modrmKind'] = 'any';
  let modIgnored = false;
  if (hasModrm) {
    const rmShape = operands.find((o) => o.startsWith('r/m') || isMemShape(o));
    if (rmShape === undefined) {
      // Only register operands: MOV CRn/DRn, where mod is ignored (SDM MOV CRn).
      modrmKind = 'reg';
      modIgnored = true;
    } else if (isMemShape(rmShape)) {
      modrmKind = 'mem';
    }
  }
  let regMask = 0xff;
  const sregAt = operands.indexOf('Sreg');
  // Loading CS with MOV is #UD (SDM MOV); ModRM.reg 6 and 7 name no segment register.
  if (sregAt >= 0) regMask = sregAt === 0 ? 0x3d : 0x3f;
  if (operands.some((o) => o.startsWith('CR0'))) regMask = 0b11101; // CR0 CR2 CR3 CR4

  const lock = row.lock ?? false;
  if (lock && !(hasModrm && modrmKind !== 'reg')) throw rowError(row, 'LOCK needs a memory-capable ModRM operand');
  const cls = row.cls ?? 'innocuous';
  return {
    id,
    opcode: row.opcode,
    instruction: row.instruction,
    mnemonic,
    operands,
    bytes,
    mandatoryPrefix,
    regInOpcode,
    hasModrm,
    modrmReg,
    modrmKind,
    imms,
    opSize: row.opSize ?? 0,
    addrSize: row.addrSize ?? 0,
    lock,
    rep: row.rep ?? 'none',
    reads: parseFlags(row.reads ?? ''),
    writes: parseFlags(row.writes ?? ''),
    undef: parseFlags(row.undef ?? ''),
    cls,
    endsBlock: row.endsBlock ?? cls === 'control',
    exec: row.exec ?? true,
    moffs: operands.some((o) => o.startsWith('moffs')),
    regMask,
    modIgnored,
    map,
  };
}

/** The parsed table; FORMS[id].id === id. */
export const FORMS: readonly InsnForm[] = ROWS.map(parseRow);

const byInstruction = new Map<string, InsnForm[]>();
for (const form of FORMS) {
  const key = form.instruction.toUpperCase().replace(/\s+/g, ' ');
  const list = byInstruction.get(key);
  if (list) list.push(form);
  else byInstruction.set(key, [form]);
}

/** The forms whose SDM instruction text is `text` (case and spacing ignored); 82 aliases 80, so lists may hold more than one. */
export function formsByInstruction(text: string): readonly InsnForm[] {
  return byInstruction.get(text.trim().toUpperCase().replace(/\s+/g, ' ')) ?? [];
}
