// Runs upstream kvm-unit-tests (i386) under x86dbt's engines and, when it is
// installed, under qemu-system-i386 (TCG), and prints one table row per test:
// the SUMMARY line each engine printed and why a run failed. See
// docs/kvm-unit-tests.md.
//
//   npm run kut -- --src DIR [--engines interp,dbt] [--no-qemu] [--only a,b] [--jobs N]
//
// DIR is a kvm-unit-tests checkout or an empty directory: the pinned commit is
// taken from a git checkout there, or from KUT_GIT (a git directory holding
// it), and built with `./configure --arch=i386 && make` when its images are
// missing. The tests are those of x86/unittests.cfg a single-CPU i386 TCG run
// can take: no x86_64-only, SMP, KVM-only or nodefault entries.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const KUT_COMMIT = '1da1819e49fc4938985edca67df669099b4c87a7';
const root = resolve(new URL('..', import.meta.url).pathname);
const cli = join(root, 'dist', 'x86dbt.mjs');
const qemu = process.env.QEMU ?? 'qemu-system-i386';

function parseFlags(argv) {
  const flags = { engines: ['interp', 'dbt'], qemu: true, only: null, jobs: 2, src: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--src') flags.src = resolve(value());
    else if (a === '--engines') flags.engines = value().split(',').filter(Boolean);
    else if (a === '--only') flags.only = value().split(',').filter(Boolean);
    else if (a === '--jobs') flags.jobs = Math.max(1, Number(value()) | 0);
    else if (a === '--no-qemu') flags.qemu = false;
    else throw new Error(`unknown argument ${a} (usage: npm run kut -- --src DIR [--engines a,b] [--no-qemu] [--only t1,t2] [--jobs N])`);
  }
  if (flags.src === null) throw new Error('--src DIR is required');
  return flags;
}

function sh(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Makes DIR hold the pinned commit's source, built for i386. */
function ensureBuilt(src) {
  if (!existsSync(join(src, 'x86', 'unittests.cfg'))) {
    const gitDir = process.env.KUT_GIT;
    if (!gitDir) throw new Error(`${src} holds no kvm-unit-tests source; set KUT_GIT to a git directory that has commit ${KUT_COMMIT}`);
    const tar = spawnSync('sh', ['-c', `git --git-dir="$0" archive ${KUT_COMMIT} | tar -x -C "$1"`, gitDir, src], { stdio: 'inherit' });
    if (tar.status !== 0) throw new Error('could not extract the pinned commit');
  } else if (existsSync(join(src, '.git'))) {
    const head = sh('git', ['rev-parse', 'HEAD'], src).trim();
    if (head !== KUT_COMMIT) console.error(`note: ${src} is at ${head}, not the pinned ${KUT_COMMIT}`);
  }
  const built = readdirSync(join(src, 'x86')).filter((f) => f.endsWith('.flat')).length;
  if (built > 0 && existsSync(join(src, 'config.mak'))) return;
  console.error('building kvm-unit-tests (./configure --arch=i386 && make)...');
  sh('./configure', ['--arch=i386'], src);
  sh('make', ['-j2'], src);
}

/** The sections of x86/unittests.cfg as objects (name, file, smp, test_args, ...). */
export function parseUnittestsCfg(text) {
  const tests = [];
  let cur = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s*#.*$/, '').trimEnd();
    const head = /^\[(.+)\]$/.exec(line.trim());
    if (head) {
      cur = { name: head[1] };
      tests.push(cur);
      continue;
    }
    const kv = /^(\w+)\s*=\s*(.*)$/.exec(line);
    if (kv && cur) cur[kv[1]] = kv[2].trim();
  }
  return tests;
}

/** Whether a single-CPU i386 TCG machine can run the entry (what QEMU's own run_tests.sh would run). */
export function runnableOnI386(t) {
  if (t.arch && t.arch !== 'i386') return false;
  if (t.smp && t.smp !== '1') return false;
  if (t.accel === 'kvm') return false;
  if ((t.groups ?? '').split(/\s+/).includes('nodefault')) return false;
  return true;
}

/** test_args (or the older extra_params' -append) as a command line. */
function testCmdline(t) {
  const args = t.test_args ?? (/-append\s+(['"])(.*?)\1/.exec(t.extra_params ?? '')?.[2] ?? '');
  return args.replace(/^['"]|['"]$/g, '');
}

/** QEMU's options from qemu_params (or extra_params without its -append). */
function qemuExtra(t) {
  const p = t.qemu_params ?? (t.extra_params ?? '').replace(/-append\s+(['"]).*?\1/, '');
  return p.split(/\s+/).filter(Boolean);
}

function runProcess(cmd, args, cwd, timeoutSeconds) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, out, err, timedOut });
    });
  });
}

/** SUMMARY line, pass/fail and a one-line reason from a run's output. */
export function judge(run) {
  const summary = /^SUMMARY: .*$/m.exec(run.out)?.[0] ?? '';
  // kvm-unit-tests leaves through isa-debug-exit: status 1 is a pass (many tests
  // print no SUMMARY), 77 a skip, as its own run_tests.sh reads them.
  const pass = !run.timedOut && run.status === 1;
  const skip = !run.timedOut && run.status === 77;
  let why = '';
  if (skip) why = 'skipped';
  else if (!pass) {
    const fails = [...run.out.matchAll(/^FAIL: (.*)$/gm)].map((m) => m[1]);
    const stopLine = run.err.split('\n').find((l) => l.startsWith('x86dbt:') || /error|fault/i.test(l));
    if (run.timedOut) why = 'timeout';
    else if (fails.length > 0) why = `FAIL ${fails.slice(0, 3).join('; ')}${fails.length > 3 ? ` (+${fails.length - 3})` : ''}`;
    else if (stopLine) why = stopLine.replace(/^x86dbt: /, '');
    else why = `exit status ${run.status}${run.out.trim() ? `; last output: ${run.out.trim().split('\n').pop()}` : ''}`;
  }
  return { summary, pass, skip, why };
}

async function runOne(t, engine, src) {
  const timeout = Number(t.timeout ?? 90) * 2;
  const image = join('x86', t.file);
  const cmdline = testCmdline(t);
  if (engine === 'qemu') {
    const args = ['-accel', 'tcg,thread=single', '-m', '128', '-display', 'none', '-monitor', 'none', '-serial', 'stdio', '-nic', 'none', '-nodefaults', '-no-reboot',
      '-device', 'pc-testdev', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', ...qemuExtra(t), '-kernel', image, '-append', cmdline];
    return judge(await runProcess(qemu, args, src, timeout));
  }
  const args = ['--no-liftoff', cli, 'run', image, '--engine', engine, '--cmdline', cmdline, '--timeout', String(timeout)];
  return judge(await runProcess(process.execPath, args, src, timeout + 30));
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  ensureBuilt(flags.src);
  if (!existsSync(cli)) sh('npm', ['run', 'build'], root);
  const engines = [...flags.engines];
  if (flags.qemu && spawnSync(qemu, ['--version']).status === 0) engines.push('qemu');
  let tests = parseUnittestsCfg(readFileSync(join(flags.src, 'x86', 'unittests.cfg'), 'utf8')).filter(runnableOnI386);
  tests = tests.filter((t) => existsSync(join(flags.src, 'x86', t.file)));
  if (flags.only) tests = tests.filter((t) => flags.only.includes(t.name));
  const jobs = tests.flatMap((t) => engines.map((e) => ({ t, e })));
  const results = new Map();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const { t, e } = jobs[next++];
      const r = await runOne(t, e, flags.src);
      results.set(`${t.name}/${e}`, r);
      console.error(`${t.name.padEnd(24)} ${e.padEnd(7)} ${r.pass ? 'PASS' : r.skip ? 'SKIP' : 'FAIL'} ${r.summary} ${r.why}`);
    }
  };
  await Promise.all(Array.from({ length: flags.jobs }, worker));
  const lines = [`kvm-unit-tests ${KUT_COMMIT.slice(0, 12)}, ${tests.length} i386 tests, ${new Date().toISOString().slice(0, 10)}`, ''];
  lines.push(`| test | ${engines.join(' | ')} | why it fails |`);
  lines.push(`|---|${engines.map(() => '---').join('|')}|---|`);
  const passed = Object.fromEntries(engines.map((e) => [e, 0]));
  for (const t of tests) {
    const cells = engines.map((e) => {
      const r = results.get(`${t.name}/${e}`);
      if (r.pass) passed[e]++;
      return `${r.pass ? 'PASS' : r.skip ? 'SKIP' : 'FAIL'} ${r.summary.replace(/^SUMMARY: /, '')}`.trim();
    });
    const whys = engines.map((e) => [e, results.get(`${t.name}/${e}`).why]).filter(([, w]) => w).map(([e, w]) => `${e}: ${w}`);
    lines.push(`| ${t.name} | ${cells.join(' | ')} | ${whys.join('<br>').replace(/\|/g, '\\|')} |`);
  }
  lines.push(`| **passed** | ${engines.map((e) => `${passed[e]}/${tests.length}`).join(' | ')} | |`);
  console.log(lines.join('\n'));
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  });
}
