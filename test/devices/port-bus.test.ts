import { describe, expect, it } from 'vitest';
import { type PortDevice, PortBus } from '../../src/devices/port-bus.js';

/** A byte device that records accesses; registers read back what was written, plus the port's low bits. */
function byteDevice(name: string): PortDevice & { log: string[]; regs: Map<number, number> } {
  const log: string[] = [];
  const regs = new Map<number, number>();
  return {
    name,
    log,
    regs,
    read8(port) {
      log.push(`r8 ${port.toString(16)}`);
      return regs.get(port) ?? port & 0xff;
    },
    write8(port, value) {
      log.push(`w8 ${port.toString(16)}=${value.toString(16)}`);
      regs.set(port, value);
    },
  };
}

describe('PortBus', () => {
  it('routes byte accesses and counts them per device', () => {
    const bus = new PortBus();
    const d = byteDevice('dev');
    bus.register(d, 0x100, 0x103);
    bus.out8(0x101, 0x1ab);
    expect(bus.in8(0x101)).toBe(0xab);
    expect(bus.in8(0x102)).toBe(0x02);
    expect(bus.countsOf(d)).toEqual({ reads: 2, writes: 1 });
    expect(d.log).toEqual(['w8 101=ab', 'r8 101', 'r8 102']);
  });

  it('splits wide accesses into bytes, low port first, for a byte-only device', () => {
    const bus = new PortBus();
    const d = byteDevice('dev');
    bus.register(d, 0x200, 0x203);
    bus.out32(0x200, 0x44332211);
    expect(d.log).toEqual(['w8 200=11', 'w8 201=22', 'w8 202=33', 'w8 203=44']);
    expect(bus.in16(0x202)).toBe(0x4433);
    expect(bus.in32(0x200)).toBe(0x44332211);
    expect(bus.countsOf(d)).toEqual({ reads: 6, writes: 4 });
  });

  it('uses a device wide handler only when the device owns the whole access', () => {
    const bus = new PortBus();
    const calls: string[] = [];
    const wide: PortDevice = {
      name: 'wide',
      read8: () => 0x12,
      write8: (p, v) => calls.push(`w8 ${p.toString(16)}=${v.toString(16)}`),
      read16: () => 0xbeef,
      write16: (p, v) => calls.push(`w16 ${p.toString(16)}=${v.toString(16)}`),
      read32: () => 0xcafebabe,
    };
    bus.register(wide, 0x300, 0x303);
    expect(bus.in16(0x300)).toBe(0xbeef);
    expect(bus.in32(0x300)).toBe(0xcafebabe);
    bus.out16(0x302, 0x5566);
    // 0x303-0x304: the second byte is unowned, so the access is split.
    bus.out16(0x303, 0x7788);
    expect(bus.in16(0x303)).toBe(0xff12);
    expect(calls).toEqual(['w16 302=5566', 'w8 303=88']);
    // A 32-bit write with no write32 handler becomes two 16-bit ones.
    bus.out32(0x300, 0x11223344);
    expect(calls.slice(2)).toEqual(['w16 300=3344', 'w16 302=1122']);
  });

  it('reads unhandled ports as all ones, ignores writes and counts them by port', () => {
    const bus = new PortBus();
    expect(bus.in8(0x80)).toBe(0xff);
    expect(bus.in16(0x80)).toBe(0xffff);
    expect(bus.in32(0x1234)).toBe(0xffffffff);
    bus.out8(0x80, 1);
    bus.out32(0x80, 1);
    expect(bus.unhandledCounts).toEqual({ reads: 3, writes: 2 });
    expect(bus.unhandledPorts()).toEqual([
      { port: 0x80, reads: 2, writes: 2 },
      { port: 0x1234, reads: 1, writes: 0 },
    ]);
  });

  it('counts the unowned bytes of a partly owned wide access as unhandled', () => {
    const bus = new PortBus();
    const d = byteDevice('dev');
    bus.register(d, 0x10);
    expect(bus.in16(0x0f)).toBe(0x10ff);
    expect(bus.unhandledPorts()).toEqual([{ port: 0x0f, reads: 1, writes: 0 }]);
    expect(bus.countsOf(d).reads).toBe(1);
  });

  it('refuses overlapping registrations and bad ranges', () => {
    const bus = new PortBus();
    bus.register(byteDevice('a'), 0x60, 0x64);
    expect(() => bus.register(byteDevice('b'), 0x64, 0x70)).toThrow(/0x64 of b already belongs to a/);
    expect(() => bus.register(byteDevice('c'), 0x10, 0x0f)).toThrow(/bad range/);
    expect(() => bus.register(byteDevice('c'), 0xffff, 0x10000)).toThrow(/bad range/);
  });

  it('reports port I/O by device as a stats section', () => {
    const bus = new PortBus();
    const d = byteDevice('uart');
    bus.register(d, 0x3f8, 0x3ff);
    bus.out8(0x3f8, 65);
    bus.in8(0x80);
    const s = bus.statsSection();
    expect(s.title).toBe('port I/O by device');
    expect(s.rows).toEqual([
      { name: 'uart reads', value: 0 },
      { name: 'uart writes', value: 1 },
      { name: 'unhandled reads', value: 1 },
      { name: 'unhandled writes', value: 0 },
      { name: 'unhandled port 0x0080', value: 1 },
    ]);
  });
});
