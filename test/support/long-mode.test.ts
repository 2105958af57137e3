// The long-mode re-encoding of 32-bit code (scripts/cpu-oracle/long-mode.ts),
// which lets a 64-bit-only host record sequence fixtures: byte-exact rewrites,
// the forms it refuses, and the EIP mapping back to the 32-bit code. Pure
// TypeScript (no native code runs here).
import { describe, expect, it } from 'vitest';
import { eipTo32, toLongMode } from '../../scripts/cpu-oracle/long-mode.js';
import { CODE_BASE, FIXTURE_DIR, loadRandomSequences, readIndex } from './cpu-fixture.js';

function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/ /g, ''), 'hex'));
}

function longHex(code: string): string {
  const lm = toLongMode(hex(code));
  return typeof lm === 'string' ? `refused: ${lm}` : Buffer.from(lm.code).toString('hex');
}

describe('long-mode re-encoding', () => {
  it('keeps register-only instructions as they are', () => {
    expect(longHex('01 c8')).toBe('01c8'); // ADD EAX, ECX
    expect(longHex('66 0f af c3')).toBe('660fafc3'); // IMUL AX, BX
    expect(longHex('86 e0')).toBe('86e0'); // XCHG AL, AH (no REX: AH)
  });

  it('turns INC/DEC 40-4F (REX in 64-bit mode) into FF /0 and FF /1', () => {
    expect(longHex('40')).toBe('ffc0'); // INC EAX
    expect(longHex('66 4b')).toBe('66ffcb'); // DEC BX
  });

  it('turns 82 (#UD in 64-bit mode) into 80', () => {
    expect(longHex('82 c0 05')).toBe('80c005');
  });

  it('gives every memory access 32-bit addressing, and [disp32] an absolute SIB form', () => {
    expect(longHex('01 05 00 80 00 00')).toBe('67010425' + '00800000'); // ADD [0x8000], EAX
    expect(longHex('8d 05 34 12 00 00')).toBe('678d0425' + '34120000'); // LEA EAX, [0x1234]
    expect(longHex('01 44 24 10')).toBe('6701442410'); // ADD [ESP+0x10], EAX
    expect(longHex('f0 0f b1 0d 00 90 00 00')).toBe('67f00fb10c25' + '00900000'); // LOCK CMPXCHG
    expect(longHex('a1 00 80 00 00')).toBe('67a1' + '00800000'); // MOV EAX, moffs32
    expect(longHex('f3 a4')).toBe('67f3a4'); // REP MOVSB: ESI, EDI, ECX
  });

  it('refuses what long mode cannot express', () => {
    for (const code of ['50', '9c', 'c9', '27', 'd4 0a', '63 c0', 'd6', '67 8b 07', '64 8b 00', 'eb 00', 'cc']) {
      expect(longHex(code), code).toMatch(/^refused: /);
    }
  });

  it('maps instruction boundaries back to the 32-bit code', () => {
    const lm = toLongMode(hex('40 01 05 00 80 00 00 90'));
    if (typeof lm === 'string') throw new Error(lm);
    expect(lm.starts32).toEqual([0, 1, 7, 8]);
    expect(lm.starts64).toEqual([0, 2, 10, 11]);
    expect(eipTo32(lm, CODE_BASE + 2)).toBe(CODE_BASE + 1);
    expect(eipTo32(lm, CODE_BASE + 11)).toBe(CODE_BASE + 8);
    expect(eipTo32(lm, CODE_BASE + 3)).toBeNull();
  });

  it('accepts every committed long-mode sequence', () => {
    const entry = readIndex().longModeSequences;
    expect(entry, `no long-mode shard in ${FIXTURE_DIR}/index.json`).toBeDefined();
    const cases = loadRandomSequences().filter((c) => c.family === 'sequences-long');
    expect(cases.length).toBe(entry?.count);
    const refused = cases.map((c) => [c.name, toLongMode(c.code)]).filter(([, lm]) => typeof lm === 'string');
    expect(refused).toEqual([]);
  });
});
