// Handler registry (DESIGN decision 3): every family registers its handlers
// under the SDM instruction text of the forms they implement; the condition-
// code families (Jcc, SETcc, CMOVcc) are matched by opcode instead, since
// their condition is the opcode's low nibble. `resolveHandlers` turns the
// registry into an array indexed by form id once, at start-up.
import type { InsnForm } from '../arch/types.js';
import { registerAlu } from './alu.js';
import { registerAtomic } from './atomic.js';
import { registerBcd } from './bcd.js';
import { registerBit } from './bit.js';
import { jccHandler, registerControl } from './control.js';
import type { Handler } from './handler.js';
import { registerMisc } from './misc.js';
import { cmovHandler, registerMove, setccHandler } from './move.js';
import { registerMulDiv } from './muldiv.js';
import { registerShift } from './shift.js';
import { registerStack } from './stack.js';
import { registerString } from './string.js';
import { registerX87 } from './x87/index.js';

function buildRegistry(): Map<string, Handler> {
  const map = new Map<string, Handler>();
  const def = (instruction: string, handler: Handler): void => {
    if (map.has(instruction)) throw new Error(`semantics: "${instruction}" registered twice`);
    map.set(instruction, handler);
  };
  registerAlu(def);
  registerMove(def);
  registerStack(def);
  registerControl(def);
  registerShift(def);
  registerMulDiv(def);
  registerBit(def);
  registerBcd(def);
  registerString(def);
  registerAtomic(def);
  registerMisc(def);
  registerX87(def);
  return map;
}

/** Handlers by SDM instruction text. */
export const HANDLERS_BY_TEXT: ReadonlyMap<string, Handler> = buildRegistry();

/** The handler of a condition-code form (Jcc, SETcc, CMOVcc), found by opcode; undefined otherwise. */
export function conditionCodeHandler(form: InsnForm): Handler | undefined {
  const b = form.bytes;
  if (b.length === 1 && b[0] >= 0x70 && b[0] <= 0x7f) return jccHandler(b[0] & 15);
  if (b.length !== 2 || b[0] !== 0x0f) return undefined;
  const op = b[1];
  if (op >= 0x80 && op <= 0x8f) return jccHandler(op & 15);
  if (op >= 0x90 && op <= 0x9f) return setccHandler(op & 15);
  if (op >= 0x40 && op <= 0x4f) return cmovHandler(op & 15, form.opSize === 16 ? 16 : 32);
  return undefined;
}

/** The handler of one form, or undefined when no semantics implement it. */
export function handlerFor(form: InsnForm): Handler | undefined {
  return conditionCodeHandler(form) ?? HANDLERS_BY_TEXT.get(form.instruction);
}

/** Handlers indexed by form id (undefined where a form has none). */
export function resolveHandlers(forms: readonly InsnForm[]): (Handler | undefined)[] {
  return forms.map((f) => (f.exec ? handlerFor(f) : undefined));
}

/**
 * Forms the system layer implements (descriptor loads, far transfers, IRET,
 * descriptor-table and control/debug register access, MSRs, LAR/LSL/VERR/
 * VERW, INVLPG, caches). The interpreter stops with
 * StopReason.UNHANDLED on them, or runs the handlers passed to its constructor.
 */
export const SYSTEM_LAYER_FORMS: readonly string[] = [
  'POP ES', 'POP SS', 'POP DS', 'POP FS', 'POP GS', 'MOV Sreg, r/m16',
  'LES r16, m16:16', 'LES r32, m16:32', 'LDS r16, m16:16', 'LDS r32, m16:32', 'LSS r16, m16:16', 'LSS r32, m16:32',
  'LFS r16, m16:16', 'LFS r32, m16:32', 'LGS r16, m16:16', 'LGS r32, m16:32',
  'CALL ptr16:16', 'CALL ptr16:32', 'CALL m16:16', 'CALL m16:32', 'JMP ptr16:16', 'JMP ptr16:32', 'JMP m16:16', 'JMP m16:32',
  'RETF', 'RETF imm16', 'IRET', 'IRETD',
  'SLDT r/m16', 'STR r/m16', 'LLDT r/m16', 'LTR r/m16', 'VERR r/m16', 'VERW r/m16',
  'SGDT m', 'SIDT m', 'LGDT m16&32', 'LIDT m16&32', 'SMSW r/m16', 'LMSW r/m16', 'INVLPG m',
  'LAR r16, r/m16', 'LAR r32, r/m16', 'LSL r16, r/m16', 'LSL r32, r/m16',
  'CLTS', 'INVD', 'WBINVD', 'MOV r32, CR0-CR7', 'MOV r32, DR0-DR7', 'MOV CR0-CR7, r32', 'MOV DR0-DR7, r32',
  'WRMSR', 'RDMSR', 'RDPMC',
];
