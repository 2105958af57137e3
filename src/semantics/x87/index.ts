// The x87 FPU's semantics (D8-DF and WAIT), registered by SDM instruction text.
import type { Define } from '../handler.js';
import { registerArith } from './arith.js';
import { registerCompare } from './compare.js';
import { registerControl87 } from './control.js';
import { registerFunctions } from './functions.js';
import { registerLoadStore } from './load-store.js';

export function registerX87(def: Define): void {
  registerArith(def);
  registerLoadStore(def);
  registerCompare(def);
  registerFunctions(def);
  registerControl87(def);
}
