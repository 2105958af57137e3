// Block builder: turns a decoded basic block (the interpreter's code cache
// builds them with the one block-boundary rule: a control transfer, a form
// whose table row ends blocks, a form without semantics, a page boundary or
// MAX_BLOCK_INSNS) into the unit the translator compiles: its instructions,
// their virtualization classes and its exits. Sharing the decoded block keeps
// block boundaries — where interrupts are taken — identical in both engines
// (DESIGN decision 5).
import { FORMS } from '../arch/table.js';
import type { InsnClass } from '../arch/types.js';
import type { CachedInsn } from '../interp/cached-insn.js';
import { FORM_GP, FORM_UD } from '../interp/code-cache.js';
import { PAGE_MASK, PAGE_SIZE } from '../mem/tlb-entry.js';
import { MK_CODE32 } from './mode.js';

export const enum ExitKind {
  /** Execution continues at a constant EIP (fall-through, JMP/CALL rel, Jcc either way). */
  DIRECT = 0,
  /** The target is computed at run time (RET, JMP/CALL r/m). */
  INDIRECT = 1,
}

export interface BlockExit {
  kind: ExitKind;
  /** Target EIP of a direct exit; -1 for indirect. */
  target: number;
  /**
   * The target lies in the block's own physical page, so a chain to it stays
   * valid whatever linear address the page is mapped at (the offset is relative).
   */
  samePage: boolean;
}

export interface GuestBlock {
  phys: number;
  eip: number;
  modeKey: number;
  insns: readonly CachedInsn[];
  /** Guest code bytes. */
  bytes: number;
  /** EIP after the last instruction. */
  endEip: number;
  exits: BlockExit[];
  /** Instructions per virtualization class. */
  classes: Record<InsnClass, number>;
}

/** Forms whose exits the block builder understands as control transfers. */
export const enum ControlShape {
  NONE = 0,
  /** JMP rel: one direct exit. */
  JUMP = 1,
  /** Jcc/JCXZ/LOOP: taken + fall-through. */
  BRANCH = 2,
  /** CALL rel: one direct exit (the callee). */
  CALL = 3,
  /** RET, JMP r/m, CALL r/m. */
  INDIRECT = 4,
}

function shapeOf(formId: number): ControlShape {
  if (formId >= FORMS.length) return ControlShape.NONE;
  const f = FORMS[formId];
  if (f.cls !== 'control') return ControlShape.NONE;
  const m = f.mnemonic;
  const rel = f.operands.length > 0 && f.operands[0].startsWith('rel');
  if (m === 'JMP') return rel ? ControlShape.JUMP : ControlShape.INDIRECT;
  if (m === 'CALL') return rel ? ControlShape.CALL : ControlShape.INDIRECT;
  if (m === 'RET') return ControlShape.INDIRECT;
  return rel ? ControlShape.BRANCH : ControlShape.INDIRECT;
}
export const CONTROL_SHAPE = Uint8Array.from({ length: FORMS.length + 2 }, (_, id) => shapeOf(id));

/** Builds the block description; `insns` come from the interpreter's decoded-code cache. */
export function buildBlock(phys: number, eip: number, modeKey: number, insns: readonly CachedInsn[]): GuestBlock {
  const ipMask = (modeKey & MK_CODE32) !== 0 ? 0xffffffff : 0xffff;
  const classes: Record<InsnClass, number> = { innocuous: 0, privileged: 0, sensitive: 0, control: 0 };
  let bytes = 0;
  for (const i of insns) {
    bytes += i.length;
    if (i.form !== FORM_UD && i.form !== FORM_GP) classes[FORMS[i.form].cls]++;
  }
  const endEip = ((eip + bytes) & ipMask) >>> 0;
  const last = insns[insns.length - 1];
  const pageOff = phys & PAGE_MASK;
  const direct = (target: number): BlockExit => {
    // Relative distance from the block start; 16-bit code may wrap, so only same-page without wrap counts.
    const delta = target - eip;
    const off = pageOff + delta;
    const samePage = off >= 0 && off < PAGE_SIZE && ((eip + delta) & ipMask) >>> 0 === target;
    return { kind: ExitKind.DIRECT, target, samePage };
  };
  const exits: BlockExit[] = [];
  const shape = CONTROL_SHAPE[last.form];
  const taken = ((endEip + last.imm) & (last.opSize === 16 ? 0xffff : 0xffffffff)) >>> 0;
  switch (shape) {
    case ControlShape.JUMP:
    case ControlShape.CALL:
      exits.push(direct(taken));
      break;
    case ControlShape.BRANCH:
      exits.push(direct(taken), direct(endEip));
      break;
    case ControlShape.INDIRECT:
      exits.push({ kind: ExitKind.INDIRECT, target: -1, samePage: false });
      break;
    default:
      exits.push(direct(endEip));
  }
  return { phys, eip, modeKey, insns, bytes, endEip, exits, classes };
}
