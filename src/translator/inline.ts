// The inline-emitter registry: emitters are registered under the SDM
// instruction text of the forms they implement (as the semantics are), and
// the condition-code families by opcode; `inlineEmitters` resolves them to an
// array by form id once. A form without an emitter calls its handler.
import { FORMS } from '../arch/table.js';
import type { InlineEmitter } from './codegen.js';
import { registerInlineAlu } from './inline-alu.js';
import { registerInlineBit } from './inline-bit.js';
import { jccEmitter, registerInlineControl } from './inline-control.js';
import { conditionMoveEmitter, registerInlineMove } from './inline-move.js';
import { registerInlineMulDiv } from './inline-muldiv.js';
import { registerInlineRotate } from './inline-rotate.js';
import { registerInlineShift } from './inline-shift.js';
import { registerInlineString } from './inline-string.js';

function buildByText(): Map<string, InlineEmitter> {
  const map = new Map<string, InlineEmitter>();
  const def = (instruction: string, e: InlineEmitter): void => {
    if (map.has(instruction)) throw new Error(`translator: inline emitter "${instruction}" registered twice`);
    map.set(instruction, e);
  };
  registerInlineAlu(def);
  registerInlineMove(def);
  registerInlineControl(def);
  registerInlineShift(def);
  registerInlineMulDiv(def);
  registerInlineBit(def);
  registerInlineRotate(def);
  registerInlineString(def);
  return map;
}

/** Emitters by SDM instruction text. */
export const INLINE_BY_TEXT: ReadonlyMap<string, InlineEmitter> = buildByText();

/** Emitters indexed by form id (undefined: call the handler). */
export const INLINE_EMITTERS: readonly (InlineEmitter | undefined)[] = FORMS.map(
  (f) => jccEmitter(f.bytes) ?? conditionMoveEmitter(f.bytes, f.opSize) ?? INLINE_BY_TEXT.get(f.instruction),
);

/** Registered texts that name no form of the table (a typo would silently disable an emitter). */
export function unknownInlineTexts(): string[] {
  const texts = new Set(FORMS.map((f) => f.instruction));
  return [...INLINE_BY_TEXT.keys()].filter((t) => !texts.has(t));
}
