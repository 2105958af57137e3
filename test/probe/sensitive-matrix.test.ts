// The sensitive-instruction matrix against bare metal (QEMU's recorded run of
// the probe): interp and dbt (binary translation on the virtual CPU) differ nowhere; te differs in exactly the cells
// where deprivileged hardware shows the guest something else (the 17
// sensitive instructions at real CPL 1, the iret that cannot grant IOPL 3,
// the VMM's tables), and nowhere else; dbt-bare (the translator without the
// VMM) differs nowhere either.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { differences, formatMatrix, formatValue, parseProbe, type Level } from '../../src/probe/sensitive-matrix.js';
import { runProbe } from '../../src/probe/run-probe.js';

const IMAGE = 'guests/sensitive/sensitive.elf';
const bareMetal = parseProbe((JSON.parse(readFileSync('guests/sensitive/guest.json', 'utf8')) as { runs: { serial: string }[] }).runs[0].serial);
const probe = (engine: string) => runProbe(new Uint8Array(readFileSync(IMAGE)), 'sensitive.elf', engine);

const TABLES = ['smsw ax', 'sgdt limit', 'sgdt base - gdt', 'sidt base - idt', 'sldt ax', 'str ax'];
const TE_DIFFERS: Record<Level, string[]> = {
  // RPL 1 in cs/ss and in what push cs, far call and int push; popf cannot change IF or IOPL; the VMM's
  // tables and CR0; DPL 0 compressed to 1 (lar), the guest's TSS and LDT not in the shadow GDT.
  cpl0: [
    'mov ax, cs', 'mov ax, ss', 'push cs', 'jmp far own cs, mov ax, cs', 'popfd IF=0, pushfd', 'popfd IOPL=3, pushfd',
    ...TABLES, 'lar 0x08 kernel code', 'lar 0x10 kernel data', 'lar 0x28 tss', 'lar 0x30 ldt', 'lar 0x38 conforming code',
    'lsl 0x28 tss', 'far call: pushed cs', 'int 0x31: pushed cs', 'int 0x31: pushed ss', 'int 0x31: handler ss', 'pushfd after cli',
  ],
  // The Red Pill: unprivileged table reads reveal the VMM from user mode; a compressed conforming DPL; the handler's ss.
  cpl3: [...TABLES, 'lar 0x38 conforming code', 'int 0x31: handler ss'],
  // The iret that granted IOPL 3 ran at real CPL 1 and could not: IOPL stays 0, so cli and in trap and are refused.
  cpl3io3: [
    'pushfd', 'popfd IF=0, pushfd', 'popfd IOPL=3, pushfd', ...TABLES, 'lar 0x38 conforming code',
    'int 0x31: pushed eflags', 'int 0x31: handler ss', 'cli: fault', 'pushfd after cli', 'in al, 0x21: fault',
  ],
};

describe('sensitive-instruction matrix', () => {
  it('parses the recorded bare-metal run: every observation at three levels, no failed check', () => {
    expect(bareMetal.observations.size).toBe(45);
    expect(bareMetal.failures).toBe(0);
    expect(bareMetal.observations.get('cli: fault')).toEqual({ cpl0: 0xffffffff, cpl3: 0xd0000, cpl3io3: 0xffffffff });
  });

  for (const engine of ['interp', 'dbt', 'dbt-bare']) {
    it(`${engine} shows the guest what bare metal shows`, () => {
      const run = probe(engine);
      expect(run.stop).toBe('exit');
      expect(differences(bareMetal, parseProbe(run.serial))).toEqual([]);
    });
  }

  it('te differs from bare metal exactly where deprivileged hardware must, and counts the misbehaviours', () => {
    const run = probe('te');
    const te = parseProbe(run.serial);
    expect(run.stop).toBe('exit');
    expect(te.failures).toBe(5);
    const got = differences(bareMetal, te);
    for (const level of ['cpl0', 'cpl3', 'cpl3io3'] as const) {
      expect(got.filter((d) => d.level === level).map((d) => d.observation).sort(), level).toEqual([...TE_DIFFERS[level]].sort());
    }
    const silent = new Map(run.silent.map((s) => [s.instruction, s.count]));
    for (const insn of ['POPFD', 'PUSHFD', 'IRETD', 'MOV r/m16, Sreg', 'PUSH CS', 'SGDT m', 'SIDT m', 'SLDT r/m16', 'STR r/m16', 'SMSW r/m16', 'LAR r32, r/m16', 'LSL r32, r/m16', 'CALL m16:32', 'INT imm8']) {
      expect(silent.get(insn) ?? 0, insn).toBeGreaterThan(0);
    }
  });

  it('prints one table per level and marks each differing cell', () => {
    const te = { serial: 'mov ax, cs: cpl0 0x00000009 cpl3 0x0000001b cpl3io3 0x0000001b\ncli: fault: cpl0 0xffffffff cpl3 0x000d0000 cpl3io3 0x000d0000\nsensitive: done, failures 2\n' };
    const text = formatMatrix([
      { engine: 'bare metal', result: parseProbe('mov ax, cs: cpl0 0x00000008 cpl3 0x0000001b cpl3io3 0x0000001b\ncli: fault: cpl0 0xffffffff cpl3 0x000d0000 cpl3io3 0xffffffff\n') },
      { engine: 'te', result: parseProbe(te.serial) },
    ]);
    expect(text).toMatch(/^mov ax, cs +0x8 +0x9 \*$/m);
    expect(text).toMatch(/^cli: fault +no fault +#GP\(0\) \*$/m);
    expect(text).toMatch(/te: 2 cell\(s\) differ; the guest says 2 architectural check\(s\) failed/);
    expect(formatValue('lar 0x28 tss', 0xeeeeeeee)).toBe('ZF=0');
    expect(formatValue('lsl 0x10', 0xffffffff)).toBe('0xffffffff');
  });
});
