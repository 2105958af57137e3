// Runs a multiboot guest image under v86 (npm package `v86`, the peer to
// beat) in this Node process, with its JIT on or off, and reports its serial
// output, exit status, wall time and v86's own instruction count.
//
// v86 boots multiboot kernels without a BIOS. Its isa-debug-exit equivalent
// does not exist, so port 0xF4 writes are hooked through its I/O
// registration and the emulator is stopped from inside that callback (an
// asynchronous stop would let the guest run on).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface V86RunOptions {
  image: string;
  cmdline: string;
  jit: boolean;
  memoryMiB?: number;
  timeoutSeconds?: number;
  /** Measure for at most this many seconds, then report what ran (for slow engines). */
  windowSeconds?: number;
}

export interface V86RunResult {
  serial: string;
  exitStatus: number;
  /** From the guest's first instruction to its exit write, in seconds (boot of the emulator excluded). */
  seconds: number;
  /** False when the window ended the run before the guest exited. */
  completed: boolean;
  /** v86's own count of retired guest instructions (its counter is 32-bit: unwrapped by polling). */
  instructions: number;
}

interface V86Instance {
  add_listener(event: string, fn: (value: number) => void): void;
  run(): Promise<void> | void;
  stop(): Promise<void> | void;
  destroy(): Promise<void> | void;
  get_instruction_counter(): number;
  v86: { cpu: { io: { register_write(port: number, device: object, w8: (v: number) => void): void } } };
}

type V86Constructor = new (options: Record<string, unknown>) => V86Instance;

const require = createRequire(import.meta.url);
const v86Dir = path.dirname(require.resolve('v86/package.json'));

async function loadV86(): Promise<V86Constructor> {
  const mod = (await import(path.join(v86Dir, 'build/libv86.mjs'))) as { V86: V86Constructor };
  return mod.V86;
}

export async function runOnV86(opts: V86RunOptions): Promise<V86RunResult> {
  const V86 = await loadV86();
  const image = readFileSync(opts.image);
  // Multiboot loaders pass "<image name> <args>", as GRUB and qemu do; the guests skip the first word.
  const cmdline = `${path.basename(opts.image)} ${opts.cmdline}`.trim();
  const emulator = new V86({
    wasm_path: path.join(v86Dir, 'build/v86.wasm'),
    memory_size: (opts.memoryMiB ?? 128) * 1024 * 1024,
    multiboot: { buffer: image.buffer.slice(image.byteOffset, image.byteOffset + image.byteLength) },
    cmdline,
    autostart: false,
    disable_jit: !opts.jit,
    disable_keyboard: true,
    disable_mouse: true,
    disable_speaker: true,
  });

  return new Promise<V86RunResult>((resolve, reject) => {
    let serial = '';
    let started = 0;
    let counted = 0;
    let lastCounter = 0;
    const poll = (): void => {
      const now = emulator.get_instruction_counter() >>> 0;
      counted += (now - lastCounter) >>> 0;
      lastCounter = now;
    };
    const poller = setInterval(poll, 50);
    const limit = opts.windowSeconds ?? opts.timeoutSeconds ?? 120;
    const timeout = setTimeout(() => {
      poll();
      const seconds = (performance.now() - started) / 1000;
      finish();
      if (opts.windowSeconds !== undefined) resolve({ serial, exitStatus: -1, seconds, instructions: counted, completed: false });
      else reject(new Error(`v86: ${opts.image} did not exit within ${limit} s`));
    }, limit * 1000);
    const finish = (): void => {
      clearInterval(poller);
      clearTimeout(timeout);
      void emulator.stop();
      void emulator.destroy();
    };

    emulator.add_listener('serial0-output-byte', (byte) => {
      serial += String.fromCharCode(byte);
    });
    emulator.add_listener('emulator-loaded', () => {
      emulator.v86.cpu.io.register_write(0xf4, {}, (value: number) => {
        const seconds = (performance.now() - started) / 1000;
        poll();
        const instructions = counted;
        // The guests park in cli/hlt after the exit write, so stopping a tick
        // later costs nothing measured and lets v86 deliver the last serial bytes.
        setTimeout(() => {
          finish();
          resolve({ serial, exitStatus: ((value & 0xff) << 1) | 1, seconds, instructions, completed: true });
        }, 20);
      });
      lastCounter = emulator.get_instruction_counter() >>> 0;
      started = performance.now();
      void emulator.run();
    });
  });
}

// Stand-alone use: tsx bench/peers/v86.ts <image> [cmdline] [--no-jit]
if (process.argv[1] && path.basename(process.argv[1]) === 'v86.ts') {
  const args = process.argv.slice(2);
  const jit = !args.includes('--no-jit');
  const [image, cmdline = ''] = args.filter((a) => a !== '--no-jit');
  if (!image) {
    process.stderr.write('usage: tsx bench/peers/v86.ts <image> [cmdline] [--no-jit]\n');
    process.exit(2);
  }
  const r = await runOnV86({ image, cmdline, jit });
  process.stdout.write(r.serial);
  const mips = r.instructions / r.seconds / 1e6;
  process.stderr.write(`v86 ${jit ? 'jit' : 'interp'}: exit ${r.exitStatus}, ${r.instructions} insns, ${r.seconds.toFixed(3)} s, ${mips.toFixed(1)} MIPS\n`);
  process.exit(0);
}
