// Interpreter speed: guest MIPS on an ALU/branch loop and on a memory-heavy
// loop (loads, stores, read-modify-write, push/pop, scaled-index addressing),
// each run in the flat user context. Median of 5 runs after a warm-up.
// Run: npm run bench:interp   (add --json for machine-readable output)
import os from 'node:os';
import { FlatUserContext } from '../src/interp/flat.js';
import { StopReason } from '../src/interp/interpreter.js';

const CODE = 0x10000000;
const DATA = 0x20000000;

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));
}

const LOOPS: { name: string; code: Uint8Array; source: string }[] = [
  {
    name: 'alu-branch',
    // l: add eax,ebx; xor edx,eax; sub esi,3; and edi,edx; or ebx,1; cmp eax,esi; inc ebp; dec ecx; jnz l; jmp l
    source: 'add/xor/sub/and/or/cmp/inc/dec/jnz',
    code: hex('01d831c283ee0321d783cb0139f0454975eeebec'),
  },
  {
    name: 'memory',
    // mov esi,DATA; l: mov eax,[esi]; add eax,[esi+4]; mov [esi+8],eax; push eax; pop edx;
    // add dword [esi+12],1; mov ebx,[esi+ecx*4+16]; mov [esi+ecx*4+64],ebx; dec ecx; and ecx,7; jmp l
    source: 'load/add-mem/store/push/pop/add-rmw/indexed load+store/dec/and/jmp',
    code: hex('be000000208b06034604894608505a83460c018b5c8e10895c8e404983e107ebe4'),
  },
];

const INSNS = 40_000_000;
const RUNS = 5;

/** Per run: MIPS over wall-clock time and over this process's CPU time (robust when the machine is shared). */
function measure(code: Uint8Array): { wall: number[]; cpu: number[] } {
  const ctx = new FlatUserContext([
    { linear: CODE, size: 0x1000 },
    { linear: DATA, size: 0x4000 },
  ]);
  ctx.writeBytes(CODE, code);
  ctx.state.setReg32(4, DATA + 0x3800);
  ctx.state.eip = CODE;
  const interp = ctx.interp;
  if (interp.run(INSNS / 4) !== StopReason.BUDGET) throw new Error(`warm-up stopped early: ${interp.fault?.message}`);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const before = interp.retired;
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const reason = interp.run(INSNS);
    const t1 = process.hrtime.bigint();
    const c1 = process.cpuUsage(c0);
    if (reason !== StopReason.BUDGET) throw new Error(`run stopped early: ${reason}`);
    const n = interp.retired - before;
    wall.push(n / (Number(t1 - t0) / 1e3));
    cpu.push(n / (c1.user + c1.system));
  }
  return { wall, cpu };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

const round = (x: number): number => Number(x.toFixed(1));
const results = LOOPS.map((l) => {
  const m = measure(l.code);
  return {
    loop: l.name,
    instructions: l.source,
    wallMips: round(median(m.wall)),
    cpuMips: round(median(m.cpu)),
    wallRuns: m.wall.map(round),
  };
});
if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
else {
  console.log(`median of ${RUNS} runs of ${INSNS / 1e6}M guest instructions; load average ${os.loadavg()[0].toFixed(1)}`);
  for (const r of results) {
    console.log(`${r.loop.padEnd(11)} ${r.wallMips.toFixed(1).padStart(6)} MIPS wall  ${r.cpuMips.toFixed(1).padStart(6)} MIPS cpu-time  (wall runs: ${r.wallRuns.join(', ')})  ${r.instructions}`);
  }
}
