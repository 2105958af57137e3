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
