// Formatter: Intel syntax in capstone's style.
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/decoder/decode.js';
import { formatInsn, formatNumber } from '../../src/decoder/format.js';
import { DecodeStatus, Insn } from '../../src/decoder/insn.js';

function text(hex: string, address = 0x1000, code32 = true): string {
  const bytes = Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
  const insn = new Insn();
  expect(decode(bytes, 0, bytes.length, code32, insn), hex).toBe(DecodeStatus.OK);
  return formatInsn(insn, address);
}

describe('formatInsn', () => {
  it.each([
    ['01 c8', 'add eax, ecx'],
    ['8b 44 8d 08', 'mov eax, dword ptr [ebp + ecx*4 + 8]'],
    ['8b 40 f8', 'mov eax, dword ptr [eax - 8]'],
    ['8b 0c 08', 'mov ecx, dword ptr [eax + ecx]'],
    ['8b 05 08 00 00 00', 'mov eax, dword ptr [8]'],
    ['64 8b 00', 'mov eax, dword ptr fs:[eax]'],
    ['2e a1 f0 00 00 00', 'mov eax, dword ptr cs:[0xf0]'],
    ['f0 0f b1 0b', 'lock cmpxchg dword ptr [ebx], ecx'],
    ['f2 ae', 'repne scasb al, byte ptr es:[edi]'],
    ['83 c0 ff', 'add eax, -1'],
    ['6a ff', 'push -1'],
    ['05 ff ff ff ff', 'add eax, 0xffffffff'],
    ['f6 c0 ff', 'test al, 0xff'],
    ['c1 e0 02', 'shl eax, 2'],
    ['e8 fb ff ff ff', 'call 0x1000'],
    ['74 00', 'je 0x1002'],
    ['c8 08 00 01', 'enter 8, 1'],
    ['9a 78 56 34 12 34 12', 'lcall 0x1234, 0x12345678'],
    ['ea 78 56 34 12 34 12', 'ljmp 0x1234:0x12345678'],
    ['8c d8', 'mov eax, ds'],
    ['66 8c d8', 'mov ax, ds'],
    ['f3 a5', 'rep movsd dword ptr es:[edi], dword ptr [esi]'],
    ['26 66 a5', 'movsw word ptr es:[edi], word ptr es:[esi]'],
    ['f3 a6', 'repe cmpsb byte ptr [esi], byte ptr es:[edi]'],
    ['67 ac', 'lodsb al, byte ptr [si]'],
    ['d8 c2', 'fadd st(2)'],
    ['dc c2', 'fadd st(2), st(0)'],
    ['df f2', 'fcompi st(2)'],
    ['92', 'xchg edx, eax'],
    ['0f 19 f4', 'nop esp, esi'],
    ['0f 19 00', 'nop dword ptr [eax]'],
    ['0f 1f c8', 'nop eax'],
    ['ff 18', 'call ptr [eax]'],
    ['0f 01 38', 'invlpg byte ptr [eax]'],
    ['0f 22 d8', 'mov cr3, eax'],
    ['0f b6 c0', 'movzx eax, al'],
    ['dd 05 00 00 00 00', 'fld qword ptr [0]'],
    ['de c1', 'faddp st(1)'],
    ['f3 90', 'pause'],
    ['cb', 'retf'],
    ['cd 21', 'int 0x21'],
    ['8d 04 24', 'lea eax, [esp]'],
  ])('%s → %s', (hex, expected) => {
    expect(text(hex)).toBe(expected);
  });

  it('16-bit code: 16-bit registers and addressing, targets wrap at 64 KiB', () => {
    expect(text('8b 42 02', 0, false)).toBe('mov ax, word ptr [bp + si + 2]');
    expect(text('8b 06 34 12', 0, false)).toBe('mov ax, word ptr [0x1234]');
    expect(text('e9 00 00', 0xfffd, false)).toBe('jmp 0');
    expect(text('eb fe', 0x10, false)).toBe('jmp 0x10');
  });

  it('formats numbers like capstone', () => {
    expect([formatNumber(0), formatNumber(9), formatNumber(10), formatNumber(-1), formatNumber(-16)]).toEqual(['0', '9', '0xa', '-1', '-0x10']);
  });
});
