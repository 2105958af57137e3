// Generates the x87 fixtures: builds every family's cases from the seed, runs
// them on the real CPU through the integer oracle's native harness
// (scripts/cpu-oracle/harness.c, gcc -m32), and writes test/fixtures/x87/.
// `--check` also replays them through our interpreter and prints mismatches.
//
//   npx tsx scripts/x87-oracle/generate.ts [--seed N] [--check]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../cpu-oracle/rng.js';
import { runNative } from '../cpu-oracle/native.js';
import { bytesToHex, hexToBytes } from '../../test/support/cpu-fixture.js';
import { compareX87, runX87Case, SAVE_STATUS, X87_FIXTURE_DIR, type StoredX87Case, type X87Shard } from '../../test/x87/x87-fixture.js';
import { FAMILIES } from './families.js';

const args = process.argv.slice(2);
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 0x87;
const check = args.includes('--check');

mkdirSync(X87_FIXTURE_DIR, { recursive: true });
let total = 0;
let mismatches = 0;
for (const fam of FAMILIES) {
  let cases = fam.build(new Rng(seed ^ fam.name.length * 0x1000193 ^ fam.name.charCodeAt(0)));
  if (fam.keep === 'no-oe-ue') {
    // OE/UE in the status word the model's FNSAVE stored.
    cases = cases.filter((c) => (runX87Case(c).data[SAVE_STATUS] & 0x18) === 0);
  }
  const results = runNative(
    cases.map((c) => ({
      code: hexToBytes(c.code),
      memSeed: 0,
      memIn: c.mem.map(([offset, hex]) => ({ offset, bytes: hexToBytes(hex) })),
      regs: c.in.slice(0, 8),
      eflags: c.in[8],
    })),
  );
  const stored: StoredX87Case[] = cases.map((c, k) => {
    const res = results[k];
    return { ...c, out: [...res.regs.map((v) => v >>> 0), res.eflags >>> 0], memOut: res.memOut.map((m) => [m.offset, bytesToHex(m.bytes)] as [number, string]), vec: res.vector };
  });
  const shard: X87Shard = { family: fam.name, ...(fam.note ? { note: fam.note } : {}), cases: stored };
  writeFileSync(join(X87_FIXTURE_DIR, `${fam.name}.json`), JSON.stringify(shard) + '\n');
  total += stored.length;
  let bad = 0;
  if (check) {
    const shown = new Map<string, number>();
    for (const c of stored) {
      const d = compareX87(c, runX87Case(c));
      if (d.length > 0) {
        const kind = c.n.split('/').slice(0, 2).join('/');
        const n = shown.get(kind) ?? 0;
        shown.set(kind, n + 1);
        if (n < 3) console.log(`${c.n}: ${d.slice(0, 6).join('; ')}`);
        bad++;
      }
    }
    for (const [kind, n] of shown) console.log(`  ${kind}: ${n}`);
    mismatches += bad;
  }
  console.log(`${fam.name}: ${stored.length} cases${check ? `, ${bad} mismatches` : ''}`);
}
console.log(`total ${total} cases${check ? `, ${mismatches} mismatches` : ''}`);
