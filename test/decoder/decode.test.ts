// Focused decoder tests: prefixes, ModRM/SIB in both address sizes, default
// segments, immediates, limits and invalid encodings (SDM Vol. 2 ch. 2).
import { describe, expect, it } from 'vitest';
import { FORMS } from '../../src/arch/table.js';
import { decode } from '../../src/decoder/decode.js';
import { DecodeStatus, Insn, NO_REG, P_ADDRSIZE, P_LOCK, P_OPSIZE, P_REP, P_REPNE, P_SEG } from '../../src/decoder/insn.js';

const ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;

function dec(hex: string, code32 = true): { status: DecodeStatus; insn: Insn; instruction: string } {
  const bytes = Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
  const insn = new Insn();
  const status = decode(bytes, 0, bytes.length, code32, insn);
  return { status, insn, instruction: status === DecodeStatus.OK ? FORMS[insn.form].instruction : '' };
}

function ok(hex: string, code32 = true): Insn & { instruction: string } {
  const r = dec(hex, code32);
  expect(r.status, hex).toBe(DecodeStatus.OK);
  return Object.assign(r.insn, { instruction: r.instruction });
}

describe('32-bit ModRM and SIB', () => {
  it('register operands', () => {
    const i = ok('01 c8');
    expect(i.instruction).toBe('ADD r/m32, r32');
    expect([i.mod, i.reg, i.rm, i.hasMem, i.length]).toEqual([3, ECX, EAX, false, 2]);
  });
  it('[reg], [reg + disp8], [reg + disp32]', () => {
    expect(ok('8b 03')).toMatchObject({ base: EBX, index: NO_REG, disp: 0, hasMem: true, seg: DS, length: 2 });
    expect(ok('8b 43 f8')).toMatchObject({ base: EBX, disp: -8, length: 3 });
    expect(ok('8b 83 00 00 01 80')).toMatchObject({ base: EBX, disp: 0x80010000 | 0, length: 6 });
  });
  it('disp32 alone (mod 0, rm 5) uses DS', () => {
    expect(ok('8b 05 78 56 34 12')).toMatchObject({ base: NO_REG, index: NO_REG, disp: 0x12345678, seg: DS, length: 6 });
  });
  it('SIB with scale and index', () => {
    expect(ok('8b 04 c8')).toMatchObject({ base: EAX, index: ECX, scale: 3, disp: 0, length: 3 });
    expect(ok('8b 44 8d 08')).toMatchObject({ base: EBP, index: ECX, scale: 2, disp: 8, seg: SS, length: 4 });
  });
  it('SIB index 100 means no index; ESP base defaults to SS', () => {
    expect(ok('8b 04 24')).toMatchObject({ base: ESP, index: NO_REG, seg: SS, length: 3 });
    expect(ok('8b 04 64')).toMatchObject({ base: ESP, index: NO_REG, scale: 1 });
  });
  it('SIB base 101 with mod 0: disp32 and no base, DS even with EBP as index', () => {
    expect(ok('8b 04 2d 10 00 00 00')).toMatchObject({ base: NO_REG, index: EBP, scale: 0, disp: 16, seg: DS, length: 7 });
  });
  it('SIB base EBP with mod 1 uses SS', () => {
    expect(ok('8b 44 35 fc')).toMatchObject({ base: EBP, index: ESI, disp: -4, seg: SS });
  });
});

describe('16-bit addressing', () => {
  const rows: [string, number, number, number][] = [
    ['8b 00', EBX, ESI, DS],
    ['8b 01', EBX, EDI, DS],
    ['8b 02', EBP, ESI, SS],
    ['8b 03', EBP, EDI, SS],
    ['8b 04', ESI, NO_REG, DS],
    ['8b 05', EDI, NO_REG, DS],
    ['8b 07', EBX, NO_REG, DS],
  ];
  it.each(rows)('%s maps onto base/index', (hex, base, index, seg) => {
    expect(ok(hex, false)).toMatchObject({ base, index, scale: 0, seg, addrSize: 16, opSize: 16, length: 2 });
  });
  it('[disp16] (mod 0, rm 6) and [bp + disp8]', () => {
    expect(ok('8b 06 34 12', false)).toMatchObject({ base: NO_REG, index: NO_REG, disp: 0x1234, seg: DS, length: 4 });
    expect(ok('8b 46 fe', false)).toMatchObject({ base: EBP, index: NO_REG, disp: -2, seg: SS, length: 3 });
    expect(ok('8b 86 00 80', false)).toMatchObject({ base: EBP, disp: -0x8000, length: 4 });
  });
  it('67 switches 32-bit code to 16-bit addressing and back', () => {
    expect(ok('67 8b 00')).toMatchObject({ addrSize: 16, base: EBX, index: ESI, prefixes: P_ADDRSIZE, length: 3 });
    expect(ok('67 8b 04 24', false)).toMatchObject({ addrSize: 32, base: ESP, seg: SS, length: 4 });
  });
});

describe('prefixes', () => {
  it('66 selects the other operand-size row', () => {
    expect(ok('66 01 c8').instruction).toBe('ADD r/m16, r16');
    expect(ok('01 c8', false).instruction).toBe('ADD r/m16, r16');
    expect(ok('66 01 c8', false).instruction).toBe('ADD r/m32, r32');
    expect(ok('66 05 34 12')).toMatchObject({ instruction: 'ADD AX, imm16', imm: 0x1234, length: 4, prefixes: P_OPSIZE });
  });
  it('the last segment override wins', () => {
    expect(ok('2e 64 8b 00')).toMatchObject({ seg: FS, prefixes: P_SEG });
    expect(ok('64 26 8b 45 00')).toMatchObject({ seg: ES, base: EBP });
    expect(ok('65 8b 04 24')).toMatchObject({ seg: GS });
    expect(ok('3e 8b 45 00')).toMatchObject({ seg: DS });
    expect(ok('36 8b 00')).toMatchObject({ seg: SS });
    expect(ok('2e 8b 00')).toMatchObject({ seg: CS });
  });
  it('of F2/F3 the last one wins', () => {
    expect(ok('f3 f2 a6').prefixes).toBe(P_REPNE);
    expect(ok('f2 f3 a6').prefixes).toBe(P_REP);
    expect(ok('f2 f3 a4').instruction).toBe('MOVSB');
  });
  it('repeated prefixes are allowed', () => {
    expect(ok('66 66 66 90')).toMatchObject({ instruction: 'NOP', length: 4 });
  });
  it('F3 90 is PAUSE, F2 90 and 66 90 are NOP, 91 is XCHG', () => {
    expect(ok('f3 90').instruction).toBe('PAUSE');
    expect(ok('f2 90').instruction).toBe('NOP');
    expect(ok('f2 f3 90').instruction).toBe('PAUSE');
    expect(ok('f3 f2 90').instruction).toBe('NOP');
    expect(ok('66 90').instruction).toBe('NOP');
    expect(ok('91')).toMatchObject({ instruction: 'XCHG EAX, r32', reg: ECX });
  });
  it('F3 0F BC stays BSF (REP ignored) on the modeled CPU', () => {
    expect(ok('f3 0f bc c1').instruction).toBe('BSF r32, r/m32');
  });
  it('string instructions keep DS as the overridable source segment', () => {
    expect(ok('a5')).toMatchObject({ instruction: 'MOVSD', seg: DS, hasMem: false });
    expect(ok('26 66 a5')).toMatchObject({ instruction: 'MOVSW', seg: ES });
  });
});

describe('LOCK', () => {
  it('is accepted on a lockable form with a memory destination', () => {
    expect(ok('f0 01 08')).toMatchObject({ instruction: 'ADD r/m32, r32', prefixes: P_LOCK });
    expect(ok('f0 0f c7 0e').instruction).toBe('CMPXCHG8B m64');
    expect(ok('f0 87 03').instruction).toBe('XCHG r/m32, r32');
    expect(ok('f0 0f ba 28 03').instruction).toBe('BTS r/m32, imm8');
  });
  it('is INVALID with a register destination', () => {
    expect(dec('f0 01 c8').status).toBe(DecodeStatus.INVALID);
    expect(dec('f0 87 c3').status).toBe(DecodeStatus.INVALID);
  });
  it('is INVALID on forms that do not accept it', () => {
    for (const hex of ['f0 8b 00', 'f0 90', 'f0 39 00', 'f0 0f a3 00', 'f0 03 00', 'f0 ff 10', 'f0 a4']) {
      expect(dec(hex).status, hex).toBe(DecodeStatus.INVALID);
    }
  });
});

describe('immediates, moffs, rel, far pointers', () => {
  it('imm8 is sign-extended into imm', () => {
    expect(ok('83 c0 ff')).toMatchObject({ instruction: 'ADD r/m32, imm8', imm: -1, length: 3 });
    expect(ok('6a 80').imm).toBe(-128);
    expect(ok('b0 7f')).toMatchObject({ instruction: 'MOV r8, imm8', imm: 0x7f, reg: EAX });
  });
  it('imm16/imm32 in encoding order after ModRM, SIB and displacement', () => {
    expect(ok('c7 44 24 08 78 56 34 12')).toMatchObject({ base: ESP, disp: 8, imm: 0x12345678, length: 8 });
    expect(ok('66 c7 44 24 08 ff ff')).toMatchObject({ imm: -1, length: 7 });
    expect(ok('69 c1 00 01 00 00')).toMatchObject({ instruction: 'IMUL r32, r/m32, imm32', imm: 256 });
  });
  it('moffs width follows the address size', () => {
    expect(ok('a1 78 56 34 12')).toMatchObject({ instruction: 'MOV EAX, moffs32', disp: 0x12345678, hasMem: true, base: NO_REG, length: 5 });
    expect(ok('67 a1 34 12')).toMatchObject({ disp: 0x1234, addrSize: 16, length: 4 });
    expect(ok('a0 34 12', false)).toMatchObject({ instruction: 'MOV AL, moffs8', disp: 0x1234, length: 3 });
    expect(ok('64 a3 00 00 00 80')).toMatchObject({ instruction: 'MOV moffs32, EAX', seg: FS, disp: 0x80000000 | 0 });
  });
  it('rel8/rel16/rel32 are signed displacements', () => {
    expect(ok('eb fe')).toMatchObject({ instruction: 'JMP rel8', imm: -2 });
    expect(ok('e8 fb ff ff ff')).toMatchObject({ instruction: 'CALL rel32', imm: -5, length: 5 });
    expect(ok('e9 fd ff', false)).toMatchObject({ instruction: 'JMP rel16', imm: -3, length: 3 });
    expect(ok('0f 84 00 01 00 00')).toMatchObject({ instruction: 'JE rel32', imm: 256 });
    expect(ok('66 0f 85 10 00')).toMatchObject({ instruction: 'JNE rel16', imm: 16, length: 5 });
  });
  it('JCXZ/JECXZ follow the address size', () => {
    expect(ok('e3 00').instruction).toBe('JECXZ rel8');
    expect(ok('67 e3 00').instruction).toBe('JCXZ rel8');
    expect(ok('e3 00', false).instruction).toBe('JCXZ rel8');
  });
  it('far pointers: offset in imm, selector in imm2', () => {
    expect(ok('ea 78 56 34 12 08 00')).toMatchObject({ instruction: 'JMP ptr16:32', imm: 0x12345678, imm2: 8, length: 7 });
    expect(ok('9a 00 7c 00 f0', false)).toMatchObject({ instruction: 'CALL ptr16:16', imm: 0x7c00, imm2: 0xf000, length: 5 });
    expect(ok('66 ea 34 12 08 00')).toMatchObject({ instruction: 'JMP ptr16:16', imm: 0x1234, imm2: 8, length: 6 });
  });
  it('ENTER: imm = iw, imm2 = ib', () => {
    expect(ok('c8 10 80 03')).toMatchObject({ instruction: 'ENTER imm16, imm8', imm: -0x7ff0, imm2: 3, length: 4 });
  });
});

describe('register-in-opcode, groups and system forms', () => {
  it('+rd and +rb encode the register in reg', () => {
    expect(ok('57')).toMatchObject({ instruction: 'PUSH r32', reg: EDI });
    expect(ok('66 4b')).toMatchObject({ instruction: 'DEC r16', reg: EBX });
    expect(ok('0f cd')).toMatchObject({ instruction: 'BSWAP r32', reg: EBP });
    expect(ok('ba 01 00 00 00')).toMatchObject({ instruction: 'MOV r32, imm32', reg: EDX, imm: 1 });
  });
  it('group members by ModRM.reg', () => {
    expect(ok('ff 10').instruction).toBe('CALL r/m32');
    expect(ok('ff 18').instruction).toBe('CALL m16:32');
    expect(ok('66 ff 28').instruction).toBe('JMP m16:16');
    expect(ok('f7 d8').instruction).toBe('NEG r/m32');
    expect(ok('d3 f8').instruction).toBe('SAR r/m32, CL');
    expect(ok('0f 00 d8').instruction).toBe('LTR r/m16');
    expect(ok('0f 01 e0').instruction).toBe('SMSW r/m16');
  });
  it('MOV CRn ignores ModRM.mod (register operand, no displacement)', () => {
    expect(ok('0f 22 18')).toMatchObject({ instruction: 'MOV CR0-CR7, r32', reg: 3, rm: EAX, mod: 3, hasMem: false, length: 3 });
    expect(ok('0f 20 e0')).toMatchObject({ reg: 4, rm: EAX });
  });
  it('segment register moves', () => {
    expect(ok('8e d0')).toMatchObject({ instruction: 'MOV Sreg, r/m16', reg: SS });
    expect(ok('8c c8')).toMatchObject({ instruction: 'MOV r/m16, Sreg', reg: CS });
  });
  it('x87: memory forms by /digit, register forms by the second byte', () => {
    expect(ok('dd 45 f8')).toMatchObject({ instruction: 'FLD m64fp', base: EBP, disp: -8, seg: SS });
    expect(ok('d8 c3')).toMatchObject({ instruction: 'FADD ST(0), ST(i)', reg: 3 });
    expect(ok('dc c3')).toMatchObject({ instruction: 'FADD ST(i), ST(0)', reg: 3 });
    expect(ok('d9 e8').instruction).toBe('FLD1');
    expect(ok('df e0').instruction).toBe('FNSTSW AX');
    expect(ok('db f1')).toMatchObject({ instruction: 'FCOMI ST, ST(i)', reg: 1 });
    expect(ok('9b').instruction).toBe('WAIT');
  });
});

describe('invalid encodings', () => {
  const invalid = [
    ['0f 0b is valid UD2, but 0f ff is not', '0f ff'],
    ['MOV CS', '8e c8'],
    ['Sreg 6', '8c f0'],
    ['CR1', '0f 20 c8'],
    ['CR5', '0f 22 e8'],
    ['LEA with a register source', '8d c0'],
    ['LES with a register source', 'c4 c0'],
    ['BOUND with a register', '62 c0'],
    ['0F 01 /0 with mod 3 (VMX space)', '0f 01 c1'],
    ['0F 01 /5', '0f 01 28'],
    ['FF /7', 'ff 38'],
    ['FE /2', 'fe 10'],
    ['8F /1', '8f 08'],
    ['C6 /7 (XABORT)', 'c6 f8 00'],
    ['0F BA /0', '0f ba 00 01'],
    ['CMPXCHG8B with a register', '0f c7 c8'],
    ['SSE movups', '0f 10 c0'],
    ['MMX emms', '0f 77'],
    ['SYSENTER', '0f 34'],
    ['3DNow!', '0f 0f c0 00'],
    ['PREFETCH 0F 0D', '0f 0d 00'],
    ['PREFETCHh 0F 18', '0f 18 00'],
    ['POPCNT', 'f3 0f b8 c0'],
    ['three-byte map 0F 38', '0f 38 00 c0'],
    ['FXSAVE', '0f ae 00'],
    ['FISTTP', 'db 08'],
    ['FFREEP', 'df c0'],
    ['x87 D9 /1', 'd9 08'],
    ['UD1', '0f b9 c0'],
    ['MOV TR', '0f 24 c0'],
  ];
  it.each(invalid)('%s', (_what, hex) => {
    expect(dec(hex).status).toBe(DecodeStatus.INVALID);
  });
});

describe('lengths and limits', () => {
  it('TRUNCATED when bytes run out', () => {
    for (const hex of ['', '66', '0f', '8b', '8b 44', '8b 44 24', 'b8 01 02 03', 'ea 00 00 00 00 08', 'c8 00 00']) {
      expect(dec(hex).status, hex).toBe(DecodeStatus.TRUNCATED);
    }
  });
  it('accepts exactly 15 bytes', () => {
    // 3E x5 prefixes + 66 + C7 84 24 disp32 imm16 = 15 bytes
    expect(ok('3e 3e 3e 3e 3e 66 c7 84 24 00 00 00 00 34 12').length).toBe(15);
  });
  it('TOO_LONG beyond 15 bytes, even with more bytes available', () => {
    expect(dec('3e 3e 3e 3e 3e 3e 66 c7 84 24 00 00 00 00 34 12').status).toBe(DecodeStatus.TOO_LONG);
    expect(dec('66'.repeat(15) + '90').status).toBe(DecodeStatus.TOO_LONG);
    expect(dec('66'.repeat(14) + '90').status).toBe(DecodeStatus.OK);
  });
  it('decodes at an offset and stops at `end`', () => {
    const bytes = Uint8Array.from([0x90, 0xb8, 1, 2, 3, 4, 0xc3]);
    const insn = new Insn();
    expect(decode(bytes, 1, bytes.length, true, insn)).toBe(DecodeStatus.OK);
    expect(insn.length).toBe(5);
    expect(decode(bytes, 1, 4, true, insn)).toBe(DecodeStatus.TRUNCATED);
    expect(decode(bytes, 6, bytes.length, true, insn)).toBe(DecodeStatus.OK);
    expect(FORMS[insn.form].instruction).toBe('RET');
  });
  it('reuses an Insn without leaking fields from the previous decode', () => {
    const insn = new Insn();
    const a = Uint8Array.from([0x64, 0x8b, 0x44, 0x8d, 0x08]);
    const b = Uint8Array.from([0x90]);
    decode(a, 0, a.length, true, insn);
    decode(b, 0, b.length, true, insn);
    expect(insn).toMatchObject({ modrm: -1, base: NO_REG, index: NO_REG, disp: 0, prefixes: 0, seg: DS, hasMem: false, length: 1 });
  });
});

describe('properties', () => {
  it('every prefix of a valid instruction is TRUNCATED, and it decodes the same with trailing bytes', () => {
    const samples = ['f0 0f c7 4c 24 08', '66 c7 84 24 00 01 00 00 34 12', 'ea 78 56 34 12 08 00', '67 a1 34 12', 'dd 45 f8', 'c8 10 00 01',
      '26 66 f3 a5', '0f 84 00 01 00 00', '8b 04 2d 10 00 00 00', '62 50 04'];
    const insn = new Insn();
    for (const hex of samples) {
      const bytes = Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
      for (let k = 0; k < bytes.length; k++) expect(decode(bytes, 0, k, true, insn), `${hex} cut at ${k}`).toBe(DecodeStatus.TRUNCATED);
      const padded = Uint8Array.from([...bytes, 0x90, 0x90, 0x90]);
      expect(decode(padded, 0, padded.length, true, insn)).toBe(DecodeStatus.OK);
      expect(insn.length).toBe(bytes.length);
    }
  });
  it('random bytes never throw; OK lengths stay within 1..15 and the buffer', () => {
    let seed = 0x12345678;
    const next = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    const bytes = new Uint8Array(24);
    const insn = new Insn();
    const seen = new Set<number>();
    const prefixes = [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3];
    for (let n = 0; n < 30_000; n++) {
      // One case in eight starts with a run of prefixes, to reach the length limit too.
      const run = n % 8 === 0 ? next() % 16 : 0;
      for (let i = 0; i < bytes.length; i++) bytes[i] = i < run ? prefixes[next() % prefixes.length] : next() & 0xff;
      const end = 1 + (next() % bytes.length);
      const status = decode(bytes, 0, end, (n & 1) === 0, insn);
      seen.add(status);
      if (status === DecodeStatus.OK && (insn.length < 1 || insn.length > Math.min(15, end))) {
        throw new Error(`bad length ${insn.length} for ${Buffer.from(bytes.subarray(0, end)).toString('hex')}`);
      }
    }
    expect([...seen].sort()).toEqual([DecodeStatus.OK, DecodeStatus.INVALID, DecodeStatus.TOO_LONG, DecodeStatus.TRUNCATED].sort());
  });
});
