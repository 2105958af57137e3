// Guest-to-host debug ports, as QEMU provides them:
//  - isa-debug-exit at 0xF4-0xF7 (the guests' QEMU runs use iobase=0xf4,
//    iosize=4): writing V of any width to any of its ports asks the machine
//    to stop with exit status (V << 1) | 1. The device only
//    records a typed StopRequest; the machine loop checks `stop.request` after
//    each block or callout and ends the run (the process exit code the OS
//    reports is that status modulo 256).
//  - debug console at 0xE9 (Bochs "port e9 hack"): written bytes go to a
//    callback; reading returns 0xE9 so a guest can detect the console.

import type { PortDevice } from './port-bus.js';

export const DEBUG_EXIT_PORT = 0xf4;
export const DEBUG_EXIT_PORTS = 4;
export const DEBUG_CONSOLE_PORT = 0xe9;

export interface StopRequest {
  kind: 'debug-exit';
  /** The value written (8, 16 or 32 bits wide). */
  value: number;
  /** (value << 1) | 1, as an unsigned 32-bit number. */
  exitStatus: number;
}

/** Where devices post a request to stop the machine; the first request wins. */
export class StopLatch {
  request: StopRequest | null = null;

  post(request: StopRequest): void {
    if (this.request === null) this.request = request;
  }

  get pending(): boolean {
    return this.request !== null;
  }
}

export class DebugExit implements PortDevice {
  readonly name = 'isa-debug-exit';

  constructor(private readonly stop: StopLatch) {}

  read8(): number {
    return 0xff; // write-only device; reads float
  }

  write8(_port: number, value: number): void {
    this.exit(value & 0xff);
  }

  write16(_port: number, value: number): void {
    this.exit(value & 0xffff);
  }

  write32(_port: number, value: number): void {
    this.exit(value >>> 0);
  }

  private exit(value: number): void {
    this.stop.post({ kind: 'debug-exit', value, exitStatus: ((value << 1) | 1) >>> 0 });
  }
}

export class DebugConsole implements PortDevice {
  readonly name = 'debug-console (0xe9)';
  bytesWritten = 0;

  constructor(private readonly onByte: (byte: number) => void) {}

  read8(): number {
    return DEBUG_CONSOLE_PORT;
  }

  write8(_port: number, value: number): void {
    this.bytesWritten++;
    this.onByte(value & 0xff);
  }
}
