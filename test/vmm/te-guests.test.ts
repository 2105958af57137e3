// Every recorded guest under `te`. Guests whose result no sensitive
// instruction changes print exactly what they print on bare metal (QEMU's
// recorded output, interp's retired count). The others differ, and each
// difference is explained by a silent-misbehaviour count: the popf problem
// and its relatives, measured (docs/vmm.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/machine.js';
import { guestRuns, type GuestRun } from '../guests/guest-runs.js';

function run(g: GuestRun, engine: string): { serial: string; kind: string; status: number; insns: number; m: Machine } {
  let serial = '';
  const m = new Machine({ engine, onSerialOutput: (b) => (serial += String.fromCharCode(b)) });
  m.load(new Uint8Array(readFileSync(g.image)), { cmdline: g.cmdline, imageName: g.image.split('/').pop() });
  const r = m.run({ maxInsns: 300_000_000 });
  return { serial, kind: r.kind, status: r.kind === 'exit' ? (r.exitStatus ?? 1) & 0xff : -1, insns: r.instructions, m };
}

function silent(m: Machine): Map<string, number> {
  const s = m.stats().find((x) => x.title === 'silent misbehaviours');
  return new Map((s?.rows ?? []).map((r) => [r.name, Number(r.value)]));
}

/** Guests te runs differently, each with the lines that differ and the misbehaviours that explain them. */
const EXPECTED_TO_DIFFER: Record<string, { lines: RegExp; explainedBy: string[] }> = {
  // popfd cannot clear IF at real CPL 1 (nor can the iret of the tick handler set it back): the virtual IF stays clear, ticks stop.
  timer: { lines: /ticks arrive after popf without sti FAIL/, explainedBy: ['POPFD', 'IRETD'] },
  // The kernel grants IOPL 3 by iret; at real CPL 1 that iret cannot change IOPL: the user task's own port I/O traps and is refused.
  usermode: { lines: /pid 4 fault vector 13/, explainedBy: ['IRETD'] },
  // sgdt/sidt/sldt/str/smsw reveal the VMM's tables and CR0; a far call pushes CS with RPL 1.
  segments: { lines: /str FAIL|sgdt: limit 0xffff/, explainedBy: ['SGDT m', 'STR r/m16', 'CALL ptr16:32'] },
  // The probe itself: RPL 1 in cs/ss, popf ignoring IF and IOPL, an iret that cannot grant IOPL 3, the VMM's tables, compressed DPLs.
  sensitive: { lines: /mov ax, cs: cpl0 0x00000009/, explainedBy: ['MOV r/m16, Sreg', 'POPFD', 'IRETD', 'SGDT m', 'LAR r32, r/m16', 'INT imm8'] },
};

describe('guests under te', () => {
  for (const g of guestRuns()) {
    const differs = EXPECTED_TO_DIFFER[g.guest];
    it(`${g.guest}/${g.name}: ${differs ? 'differs, explained by silent misbehaviours' : 'identical to interp and QEMU'}`, { timeout: 300_000 }, () => {
      const out = run(g, 'te');
      if (differs === undefined) {
        expect(out.kind).toBe('exit');
        expect(out.serial).toBe(g.serial);
        expect(out.status).toBe(g.exitStatus);
        expect(out.insns).toBe(run(g, 'interp').insns);
        return;
      }
      expect(out.serial).not.toBe(g.serial);
      expect(out.serial).toMatch(differs.lines);
      const counts = silent(out.m);
      for (const insn of differs.explainedBy) expect(counts.get(insn) ?? 0, insn).toBeGreaterThan(0);
    });
  }
});
