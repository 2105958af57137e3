// The parsed instruction table: row parsing, lookups, and the class, lock and
// block-ending columns against the SDM and the seeds' sensitive list.
import { describe, expect, it } from 'vitest';
import { CF, IF, OF, ZF } from '../../src/arch/flags.js';
import { FORMS, ROWS, formsByInstruction, parseRow } from '../../src/arch/table.js';
import type { InsnForm } from '../../src/arch/types.js';

const one = (text: string): InsnForm => {
  const forms = formsByInstruction(text);
  expect(forms.length, text).toBeGreaterThan(0);
  return forms[0];
};

describe('row parsing', () => {
  it('assigns ids in table order', () => {
    expect(FORMS.length).toBe(ROWS.length);
    FORMS.forEach((f, i) => expect(f.id).toBe(i));
  });
  it('parses opcode columns', () => {
    expect(one('MOVZX r32, r/m8')).toMatchObject({ bytes: [0x0f, 0xb6], map: 1, hasModrm: true, modrmReg: -1, opSize: 32, mnemonic: 'MOVZX', operands: ['r32', 'r/m8'] });
    expect(one('ADD r/m16, imm8')).toMatchObject({ bytes: [0x83], modrmReg: 0, imms: ['ib'], opSize: 16, lock: true });
    expect(one('MOV r32, imm32')).toMatchObject({ bytes: [0xb8], regInOpcode: true, hasModrm: false, imms: ['id'] });
    expect(one('FLD1')).toMatchObject({ bytes: [0xd9, 0xe8], hasModrm: false, regInOpcode: false, exec: true });
    expect(one('FADD ST(0), ST(i)')).toMatchObject({ bytes: [0xd8, 0xc0], regInOpcode: true });
    expect(one('PAUSE')).toMatchObject({ bytes: [0x90], mandatoryPrefix: 0xf3 });
    expect(one('ENTER imm16, imm8').imms).toEqual(['iw', 'ib']);
    expect(one('JMP ptr16:32').imms).toEqual(['cp']);
    expect(one('JECXZ rel8')).toMatchObject({ addrSize: 32, imms: ['cb'] });
  });
  it('derives ModRM kinds, register masks and moffs', () => {
    expect(one('LEA r32, m').modrmKind).toBe('mem');
    expect(one('ADD r/m32, r32').modrmKind).toBe('any');
    expect(one('MOV CR0-CR7, r32')).toMatchObject({ modrmKind: 'reg', modIgnored: true, regMask: 0b11101 });
    expect(one('MOV Sreg, r/m16').regMask).toBe(0x3d);
    expect(one('MOV r/m16, Sreg').regMask).toBe(0x3f);
    expect(one('MOV EAX, moffs32').moffs).toBe(true);
  });
  it('parses flag columns into masks', () => {
    expect(one('ADC r/m32, r32')).toMatchObject({ reads: CF, writes: OF | ZF | CF | (1 << 2) | (1 << 4) | (1 << 7) });
    expect(one('CLI').writes).toBe(IF);
  });
  it('rejects malformed rows', () => {
    expect(() => parseRow({ opcode: '01 /r /q', instruction: 'ADD r/m32, r32' }, 0)).toThrow(/unknown opcode token/);
    expect(() => parseRow({ opcode: '05 id', instruction: 'ADD EAX, imm32', lock: true }, 0)).toThrow(/LOCK/);
    expect(() => parseRow({ opcode: '01 /r', instruction: 'ADD r/m32, r32', writes: 'Q' }, 0)).toThrow(/flag letter/);
  });
  it('looks rows up by instruction text, case and spacing ignored', () => {
    expect(formsByInstruction('  add  r/m32,  r32 ').map((f) => f.opcode)).toEqual(['01 /r']);
    expect(formsByInstruction('add r/m32, r32').map((f) => f.opcode)).toEqual(['01 /r']);
    expect(formsByInstruction('ADD r/m8, imm8').map((f) => f.opcode)).toEqual(['80 /0 ib', '82 /0 ib']);
    expect(formsByInstruction('NO SUCH')).toEqual([]);
  });
});

describe('columns', () => {
  it('marks the sensitive unprivileged instructions of the seeds (Robin & Irvine)', () => {
    const sensitive = [
      'PUSHF', 'PUSHFD', 'POPF', 'POPFD', 'IRET', 'IRETD', 'LAR r32, r/m16', 'VERR r/m16', 'VERW r/m16', 'LSL r32, r/m16',
      'POP DS', 'PUSH CS', 'POP FS', 'PUSH GS', 'MOV Sreg, r/m16', 'MOV r/m16, Sreg', 'SGDT m', 'SLDT r/m16', 'SIDT m',
      'SMSW r/m16', 'CALL ptr16:32', 'CALL m16:32', 'JMP ptr16:32', 'JMP m16:16', 'RETF', 'RETF imm16', 'STR r/m16', 'INT imm8',
    ];
    for (const text of sensitive) expect(one(text).cls, text).toBe('sensitive');
  });
  it('marks privileged instructions', () => {
    const privileged = ['CLI', 'STI', 'HLT', 'IN AL, DX', 'OUT imm8, EAX', 'INSB', 'OUTSD', 'LGDT m16&32', 'LIDT m16&32', 'LLDT r/m16',
      'LTR r/m16', 'MOV CR0-CR7, r32', 'MOV r32, DR0-DR7', 'INVLPG m', 'CLTS', 'WBINVD', 'INVD', 'RDMSR', 'WRMSR', 'LMSW r/m16'];
    for (const text of privileged) expect(one(text).cls, text).toBe('privileged');
  });
  it('near transfers are control forms that end a block', () => {
    const control = FORMS.filter((f) => f.cls === 'control').map((f) => f.mnemonic);
    expect(new Set(control)).toEqual(new Set(['JO', 'JNO', 'JB', 'JAE', 'JE', 'JNE', 'JBE', 'JA', 'JS', 'JNS', 'JP', 'JNP', 'JL', 'JGE', 'JLE', 'JG',
      'JMP', 'CALL', 'RET', 'LOOP', 'LOOPE', 'LOOPNE', 'JCXZ', 'JECXZ']));
    for (const f of FORMS.filter((g) => g.cls === 'control')) expect(f.endsBlock, f.instruction).toBe(true);
  });
  it('ends blocks on far transfers, interrupts and mode or shadow changes', () => {
    for (const text of ['JMP ptr16:32', 'INT3', 'INTO', 'INT1', 'IRETD', 'HLT', 'POP SS', 'MOV Sreg, r/m16', 'LSS r32, m16:32', 'POPFD', 'STI',
      'MOV CR0-CR7, r32', 'LMSW r/m16', 'INVLPG m', 'UD2']) {
      expect(one(text).endsBlock, text).toBe(true);
    }
    for (const text of ['ADD r/m32, r32', 'MOV r32, r/m32', 'CLI', 'LGDT m16&32', 'PUSH r32', 'CPUID']) expect(one(text).endsBlock, text).toBe(false);
  });
  it('accepts LOCK exactly on the SDM LOCK page list', () => {
    const lockable = new Set(FORMS.filter((f) => f.lock).map((f) => f.mnemonic));
    expect(lockable).toEqual(new Set(['ADD', 'ADC', 'AND', 'BTC', 'BTR', 'BTS', 'CMPXCHG', 'CMPXCHG8B', 'DEC', 'INC', 'NEG', 'NOT', 'OR', 'SBB', 'SUB', 'XADD', 'XCHG', 'XOR']));
  });
  it('executes every form, the x87 ones included', () => {
    expect(FORMS.filter((f) => !f.exec).map((f) => f.instruction)).toEqual([]);
  });
  it('sets opSize on every form whose operands are sized by it', () => {
    const sized = /^(r16|r32|r\/m16|r\/m32|AX|EAX|imm16|imm32|rel16|rel32)$/;
    // Forms where a 16-bit shape is fixed whatever the operand size (selectors, ports, RET imm16, ENTER).
    const fixed = new Set(['MOV r/m16, Sreg', 'MOV Sreg, r/m16', 'ARPL r/m16, r16', 'RET imm16', 'RETF imm16', 'ENTER imm16, imm8',
      'SLDT r/m16', 'STR r/m16', 'LLDT r/m16', 'LTR r/m16', 'VERR r/m16', 'VERW r/m16', 'SMSW r/m16', 'LMSW r/m16', 'BSWAP r32',
      'MOV r32, CR0-CR7', 'MOV CR0-CR7, r32', 'MOV r32, DR0-DR7', 'MOV DR0-DR7, r32', 'IN AL, DX', 'OUT DX, AL', 'FNSTSW AX']);
    const missing = FORMS.filter((f) => f.opSize === 0 && !fixed.has(f.instruction) && f.operands.some((o) => sized.test(o)));
    expect(missing.map((f) => f.instruction)).toEqual([]);
  });
});
