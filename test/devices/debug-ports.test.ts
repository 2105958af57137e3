import { describe, expect, it } from 'vitest';
import { PcDevices } from '../../src/devices/pc-devices.js';
import { VirtualClock } from '../../src/time/clock.js';

function board() {
  let t = 0;
  const serial: number[] = [];
  const e9: number[] = [];
  const clock = new VirtualClock(() => t);
  const dev = new PcDevices({ clock, onSerialOutput: (b) => serial.push(b), onDebugConsole: (b) => e9.push(b) });
  return { dev, serial, e9, clock, advance: (n: number) => (t += n) };
}

describe('isa-debug-exit and the 0xE9 console', () => {
  it('a write to 0xF4 posts a stop request with status (V << 1) | 1', () => {
    const { dev } = board();
    expect(dev.stop.pending).toBe(false);
    dev.bus.out8(0xf4, 0x00);
    expect(dev.stop.request).toEqual({ kind: 'debug-exit', value: 0, exitStatus: 1 });
    dev.bus.out8(0xf4, 0x10); // the first request wins
    expect(dev.stop.request?.exitStatus).toBe(1);
  });

  it('accepts 16- and 32-bit writes over its four ports, as QEMU with iosize=4', () => {
    const a = board();
    a.dev.bus.out32(0xf4, 0x12345678);
    expect(a.dev.stop.request).toEqual({ kind: 'debug-exit', value: 0x12345678, exitStatus: 0x2468acf1 });
    const b = board();
    b.dev.bus.out16(0xf6, 0x7f);
    expect(b.dev.stop.request?.exitStatus).toBe(0xff);
    const c = board();
    c.dev.bus.out8(0xf4, 0xff);
    expect(c.dev.stop.request?.exitStatus).toBe(0x1ff);
  });

  it('port 0xE9 writes go to the console callback and reads return 0xE9', () => {
    const { dev, e9 } = board();
    dev.bus.out8(0xe9, 0x4f);
    dev.bus.out8(0xe9, 0x4b);
    expect(String.fromCharCode(...e9)).toBe('OK');
    expect(dev.bus.in8(0xe9)).toBe(0xe9);
    expect(dev.debugConsole.bytesWritten).toBe(2);
  });
});

describe('the PC board', () => {
  it('wires COM1 on IRQ 4 through the PIC to vector base + 4', () => {
    const { dev, serial } = board();
    const bus = dev.bus;
    for (const [p, v] of [[0x20, 0x11], [0x21, 0x20], [0x21, 0x04], [0x21, 0x01], [0x21, 0xef]]) bus.out8(p, v);
    bus.out8(0x3f9, 0x01); // IER: received data
    dev.com1.receive([0x7a]);
    expect(dev.pic.hasInterrupt()).toBe(true);
    expect(dev.pic.acknowledge()).toBe(0x24);
    expect(bus.in8(0x3f8)).toBe(0x7a);
    bus.out8(0x3f8, 0x21);
    expect(serial).toEqual([0x21]);
  });

  it('programs the PIT through the bus and delivers IRQ 0 as virtual time passes', () => {
    const { dev, clock, advance } = board();
    const bus = dev.bus;
    for (const [p, v] of [[0x20, 0x11], [0x21, 0x20], [0x21, 0x04], [0x21, 0x01], [0x21, 0xfe]]) bus.out8(p, v);
    bus.out8(0x43, 0x34);
    bus.out8(0x40, 100);
    bus.out8(0x40, 0);
    // Run "blocks" of 1000 instructions, servicing events between them.
    let interrupts = 0;
    for (let i = 0; i < 1000; i++) {
      advance(1000);
      clock.runDue();
      if (dev.pic.hasInterrupt()) {
        expect(dev.pic.acknowledge()).toBe(0x20);
        bus.out8(0x20, 0x20);
        interrupts++;
      }
    }
    // 1e6 instructions = 1 ms of guest time = 1193 PIT ticks: 11 periods of 100 ticks.
    expect(interrupts).toBe(11);
  });

  it('gathers port I/O, interrupts and device counters into stats sections', () => {
    const { dev } = board();
    dev.bus.out8(0x3f8, 0x41);
    dev.bus.in8(0x80);
    const sections = dev.statsSections();
    expect(sections.map((s) => s.title)).toEqual(['port I/O by device', 'interrupts by IRQ', 'devices']);
    const io = Object.fromEntries(sections[0].rows.map((r) => [r.name, r.value]));
    expect(io['uart16550 (COM1) writes']).toBe(1);
    expect(io['pit8254 writes']).toBe(0);
    expect(io['unhandled port 0x0080']).toBe(1);
    const devices = Object.fromEntries(sections[2].rows.map((r) => [r.name, r.value]));
    expect(devices['COM1 bytes out']).toBe(1);
  });
});
