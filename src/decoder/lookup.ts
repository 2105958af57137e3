// Decode-time lookup tables, built once from FORMS: per map, per opcode byte,
// the candidate forms (refined by the ModRM byte when the opcode has one),
// plus per-form immediate layouts. The decoder then only indexes arrays.
import { FORMS } from '../arch/table.js';
import type { InsnForm } from '../arch/types.js';

/** An opcode slot: the candidates, directly or per ModRM byte value. */
export interface OpcodeSlot {
  /** The opcode is followed by a ModRM byte (x87 escapes included). */
  modrm: boolean;
  /** Candidates when there is no ModRM byte. */
  forms: readonly number[];
  /** Candidates indexed by the ModRM byte (256 entries) when `modrm`. */
  byModrm: readonly (readonly number[])[];
}

const EMPTY: readonly number[] = [];

/** Per-form immediate layout: sizes in bytes of imm (sign-extended) and imm2 (zero-extended). */
export const IMM_SIZE = new Uint8Array(FORMS.length);
export const IMM2_SIZE = new Uint8Array(FORMS.length);
/** 1 when the form's ModRM is an x87 register form matched by the whole second byte. */
export const X87_REG = new Uint8Array(FORMS.length);

function immLayout(form: InsnForm): [number, number] {
  const far16 = form.operands.includes('ptr16:16');
  const sizes = form.imms.map((code) => {
    if (code === 'cp') return 6;
    if (code === 'cd' && far16) return 4;
    return code.endsWith('b') ? 1 : code.endsWith('w') ? 2 : 4;
  });
  if (sizes.length === 0) return [0, 0];
  // Far pointers: offset then selector (SDM: ptr16:16 / ptr16:32).
  if (form.imms[0] === 'cp' || (form.imms[0] === 'cd' && far16)) return [sizes[0] - 2, 2];
  return [sizes[0], sizes[1] ?? 0];
}

function isX87RegForm(form: InsnForm): boolean {
  return form.map === 0 && form.bytes.length === 2;
}

/** Whether `form` matches this ModRM byte (mod/reg/rm constraints only). */
function matchesModrm(form: InsnForm, modrm: number): boolean {
  const mod = modrm >> 6;
  const reg = (modrm >> 3) & 7;
  if (isX87RegForm(form)) {
    const mask = form.regInOpcode ? 0xf8 : 0xff;
    return (modrm & mask) === form.bytes[1];
  }
  if (form.modrmReg >= 0 && form.modrmReg !== reg) return false;
  if (((form.regMask >> reg) & 1) === 0) return false;
  if (form.modrmKind === 'mem' && mod === 3) return false;
  if (form.modrmKind === 'reg' && mod !== 3 && !form.modIgnored) return false;
  return true;
}

/** Candidate order: forms needing a mandatory prefix first, exact opcodes before +r ranges. */
function specificity(form: InsnForm): number {
  return (form.mandatoryPrefix !== 0 ? 0 : 2) + (form.regInOpcode ? 1 : 0);
}

function sortCandidates(ids: number[]): readonly number[] {
  if (ids.length === 0) return EMPTY;
  return ids.sort((a, b) => specificity(FORMS[a]) - specificity(FORMS[b]) || a - b);
}

/** Throws when two forms of equal specificity could both match one encoding. */
function checkUnambiguous(ids: readonly number[], where: string): void {
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const a = FORMS[ids[i]];
      const b = FORMS[ids[j]];
      if (specificity(a) !== specificity(b) || a.mandatoryPrefix !== b.mandatoryPrefix) continue;
      const opOverlap = a.opSize === 0 || b.opSize === 0 || a.opSize === b.opSize;
      const adOverlap = a.addrSize === 0 || b.addrSize === 0 || a.addrSize === b.addrSize;
      if (opOverlap && adOverlap) {
        throw new Error(`decoder: forms "${a.instruction}" and "${b.instruction}" overlap at ${where}`);
      }
    }
  }
}

function buildMap(map: 0 | 1): OpcodeSlot[] {
  const perOpcode: InsnForm[][] = Array.from({ length: 256 }, () => []);
  for (const form of FORMS) {
    if (form.map !== map) continue;
    const op = form.bytes[map];
    const span = form.regInOpcode && !isX87RegForm(form) ? 8 : 1;
    for (let k = 0; k < span; k++) perOpcode[op + k].push(form);
  }
  return perOpcode.map((forms, op) => {
    const hex = (map ? '0F ' : '') + op.toString(16).toUpperCase().padStart(2, '0');
    const modrm = forms.some((f) => f.hasModrm || isX87RegForm(f));
    if (modrm && forms.some((f) => !f.hasModrm && !isX87RegForm(f))) {
      throw new Error(`decoder: opcode ${hex} mixes forms with and without ModRM`);
    }
    if (!modrm) {
      const ids = sortCandidates(forms.map((f) => f.id));
      checkUnambiguous(ids, hex);
      return { modrm: false, forms: ids, byModrm: [] };
    }
    const byModrm: (readonly number[])[] = [];
    for (let m = 0; m < 256; m++) {
      const ids = sortCandidates(forms.filter((f) => matchesModrm(f, m)).map((f) => f.id));
      checkUnambiguous(ids, `${hex} modrm ${m.toString(16)}`);
      byModrm.push(ids);
    }
    return { modrm: true, forms: EMPTY, byModrm };
  });
}

for (const form of FORMS) {
  const [a, b] = immLayout(form);
  IMM_SIZE[form.id] = a;
  IMM2_SIZE[form.id] = b;
  X87_REG[form.id] = isX87RegForm(form) ? 1 : 0;
}

/** SLOTS[map * 256 + opcode]. */
export const SLOTS: readonly OpcodeSlot[] = [...buildMap(0), ...buildMap(1)];

/** Per-form fields the decoder tests, as flat arrays. */
export const F_OPSIZE = Uint8Array.from(FORMS, (f) => f.opSize);
export const F_ADDRSIZE = Uint8Array.from(FORMS, (f) => f.addrSize);
export const F_MPREFIX = Uint8Array.from(FORMS, (f) => f.mandatoryPrefix);
export const F_LOCK = Uint8Array.from(FORMS, (f) => (f.lock ? 1 : 0));
export const F_MOFFS = Uint8Array.from(FORMS, (f) => (f.moffs ? 1 : 0));
export const F_MODIGNORED = Uint8Array.from(FORMS, (f) => (f.modIgnored ? 1 : 0));
export const F_REGINOP = Uint8Array.from(FORMS, (f) => (f.regInOpcode ? 1 : 0));
