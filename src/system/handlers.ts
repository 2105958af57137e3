// The system instructions' semantics, by SDM instruction text, for the
// interpreter's handler slots (H4's registry leaves these forms to the system
// layer: they load descriptors, change privilege or touch control state).
import type { Handler } from '../semantics/handler.js';
import { registerControlInsns } from './control-insns.js';
import { registerSegmentInsns } from './segment-insns.js';
import { registerTableInsns } from './table-insns.js';

function build(): Map<string, Handler> {
  const map = new Map<string, Handler>();
  const def = (instruction: string, handler: Handler): void => {
    if (map.has(instruction)) throw new Error(`system: "${instruction}" registered twice`);
    map.set(instruction, handler);
  };
  registerSegmentInsns(def);
  registerTableInsns(def);
  registerControlInsns(def);
  return map;
}

export const SYSTEM_HANDLERS: ReadonlyMap<string, Handler> = build();
