// The system layer covers every form the interpreter leaves to it, and every
// executable form of the table has semantics on a machine.
import { describe, expect, it } from 'vitest';
import { FORMS } from '../../src/arch/table.js';
import { SYSTEM_LAYER_FORMS, resolveHandlers } from '../../src/semantics/registry.js';
import { SYSTEM_HANDLERS } from '../../src/system/handlers.js';

describe('system handlers', () => {
  it('implement every form the interpreter leaves to the system layer', () => {
    const missing = SYSTEM_LAYER_FORMS.filter((f) => !SYSTEM_HANDLERS.has(f));
    expect(missing).toEqual([]);
  });

  it('are registered under instruction texts that exist in the table', () => {
    const texts = new Set(FORMS.map((f) => f.instruction));
    expect([...SYSTEM_HANDLERS.keys()].filter((t) => !texts.has(t))).toEqual([]);
  });

  it('leave no executable form without semantics', () => {
    const resolved = resolveHandlers(FORMS);
    const without = FORMS.filter((f, id) => f.exec && resolved[id] === undefined && !SYSTEM_HANDLERS.has(f.instruction));
    expect(without.map((f) => f.instruction)).toEqual([]);
  });
});
