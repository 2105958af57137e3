import { describe, expect, it } from 'vitest';
import { FORMS } from '../../src/arch/table.js';
import { handlerFor, HANDLERS_BY_TEXT, resolveHandlers, SYSTEM_LAYER_FORMS } from '../../src/semantics/registry.js';

describe('handler registry', () => {
  it('has a handler for every executable form outside the system layer list', () => {
    const system = new Set(SYSTEM_LAYER_FORMS);
    const missing = FORMS.filter((f) => f.exec && !system.has(f.instruction) && handlerFor(f) === undefined);
    expect(missing.map((f) => `${f.opcode} | ${f.instruction}`)).toEqual([]);
  });

  it('names only forms of the table', () => {
    const texts = new Set(FORMS.map((f) => f.instruction));
    expect([...HANDLERS_BY_TEXT.keys()].filter((t) => !texts.has(t))).toEqual([]);
    expect(SYSTEM_LAYER_FORMS.filter((t) => !texts.has(t))).toEqual([]);
  });

  it('leaves the system layer forms to the system layer', () => {
    const system = new Set(SYSTEM_LAYER_FORMS);
    const implemented = FORMS.filter((f) => system.has(f.instruction) && handlerFor(f) !== undefined);
    expect(implemented.map((f) => f.instruction)).toEqual([]);
  });

  it('resolves condition-code families by opcode', () => {
    const handlers = resolveHandlers(FORMS);
    const jcc = FORMS.filter((f) => f.mnemonic.startsWith('J') && f.bytes[0] >= 0x70 && f.bytes[0] <= 0x7f);
    expect(jcc.length).toBe(16);
    expect(new Set(jcc.map((f) => handlers[f.id])).size).toBe(16);
    const setcc = FORMS.filter((f) => f.mnemonic.startsWith('SET'));
    expect(setcc.length).toBe(16);
    expect(setcc.every((f) => handlers[f.id] !== undefined)).toBe(true);
  });
});
