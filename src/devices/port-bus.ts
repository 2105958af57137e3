// The x86 I/O port space (64 Ki byte ports) with devices registered on ranges.
//
// Accesses come from IN/OUT/INS/OUTS (SDM Vol. 1, 18.2). A device sees the
// absolute port number. Wide accesses go to a device's read16/read32 handler
// only when the device has one and owns every byte of the access; otherwise
// they are split into byte accesses, low port first, as an 8-bit ISA bus does.
// A port nobody owns reads as all ones (a floating ISA bus) and ignores writes;
// such accesses are counted per port for the statistics.

import type { StatRow, StatSection } from '../stats/report.js';

export interface PortDevice {
  /** Name shown in the statistics. */
  readonly name: string;
  read8(port: number): number;
  write8(port: number, value: number): void;
  read16?(port: number): number;
  write16?(port: number, value: number): void;
  read32?(port: number): number;
  write32?(port: number, value: number): void;
}

export interface PortCounts {
  reads: number;
  writes: number;
}

interface Registration {
  device: PortDevice;
  counts: PortCounts;
}

const NO_DEVICE = -1;
const PORT_COUNT = 0x10000;

export class PortBus {
  private readonly owner = new Int32Array(PORT_COUNT).fill(NO_DEVICE);
  private readonly devices: Registration[] = [];
  private readonly unhandled = new Map<number, PortCounts>();
  private unhandledReads = 0;
  private unhandledWrites = 0;

  /** Gives ports first..last (inclusive) to device; a port already owned is an error. */
  register(device: PortDevice, first: number, last = first): void {
    if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last >= PORT_COUNT || last < first) {
      throw new Error(`port bus: bad range ${first}..${last} for ${device.name}`);
    }
    let index = this.devices.findIndex((r) => r.device === device);
    if (index < 0) {
      index = this.devices.length;
      this.devices.push({ device, counts: { reads: 0, writes: 0 } });
    }
    for (let p = first; p <= last; p++) {
      const other = this.owner[p];
      if (other !== NO_DEVICE && other !== index) {
        throw new Error(`port bus: port 0x${p.toString(16)} of ${device.name} already belongs to ${this.devices[other].device.name}`);
      }
    }
    this.owner.fill(index, first, last + 1);
  }

  in8(port: number): number {
    port &= 0xffff;
    const r = this.at(port);
    if (!r) {
      this.countUnhandled(port, false);
      return 0xff;
    }
    r.counts.reads++;
    return r.device.read8(port) & 0xff;
  }

  out8(port: number, value: number): void {
    port &= 0xffff;
    const r = this.at(port);
    if (!r) {
      this.countUnhandled(port, true);
      return;
    }
    r.counts.writes++;
    r.device.write8(port, value & 0xff);
  }

  in16(port: number): number {
    port &= 0xffff;
    const r = this.wholeAccessOwner(port, 2);
    if (r === null) {
      this.countUnhandled(port, false);
      return 0xffff;
    }
    if (r && r.device.read16) {
      r.counts.reads++;
      return r.device.read16(port) & 0xffff;
    }
    return this.in8(port) | (this.in8(port + 1) << 8);
  }

  out16(port: number, value: number): void {
    port &= 0xffff;
    const r = this.wholeAccessOwner(port, 2);
    if (r === null) {
      this.countUnhandled(port, true);
      return;
    }
    if (r && r.device.write16) {
      r.counts.writes++;
      r.device.write16(port, value & 0xffff);
      return;
    }
    this.out8(port, value);
    this.out8(port + 1, value >>> 8);
  }

  in32(port: number): number {
    port &= 0xffff;
    const r = this.wholeAccessOwner(port, 4);
    if (r === null) {
      this.countUnhandled(port, false);
      return 0xffffffff;
    }
    if (r && r.device.read32) {
      r.counts.reads++;
      return r.device.read32(port) >>> 0;
    }
    return (this.in16(port) | (this.in16(port + 2) << 16)) >>> 0;
  }

  out32(port: number, value: number): void {
    port &= 0xffff;
    const r = this.wholeAccessOwner(port, 4);
    if (r === null) {
      this.countUnhandled(port, true);
      return;
    }
    if (r && r.device.write32) {
      r.counts.writes++;
      r.device.write32(port, value >>> 0);
      return;
    }
    this.out16(port, value);
    this.out16(port + 2, value >>> 16);
  }

  /** Access counts of one registered device. */
  countsOf(device: PortDevice): PortCounts {
    const r = this.devices.find((d) => d.device === device);
    if (!r) throw new Error(`port bus: ${device.name} is not registered`);
    return { ...r.counts };
  }

  get unhandledCounts(): PortCounts {
    return { reads: this.unhandledReads, writes: this.unhandledWrites };
  }

  /** Unowned ports that were accessed, by port number. */
  unhandledPorts(): { port: number; reads: number; writes: number }[] {
    return [...this.unhandled.entries()].sort((a, b) => a[0] - b[0]).map(([port, c]) => ({ port, ...c }));
  }

  /** "port I/O by device" for --stats: one row per device plus the unhandled ports. */
  statsSection(): StatSection {
    const rows: StatRow[] = [];
    for (const r of this.devices) {
      rows.push({ name: `${r.device.name} reads`, value: r.counts.reads });
      rows.push({ name: `${r.device.name} writes`, value: r.counts.writes });
    }
    rows.push({ name: 'unhandled reads', value: this.unhandledReads });
    rows.push({ name: 'unhandled writes', value: this.unhandledWrites });
    for (const u of this.unhandledPorts()) {
      rows.push({ name: `unhandled port 0x${u.port.toString(16).padStart(4, '0')}`, value: u.reads + u.writes });
    }
    return { title: 'port I/O by device', rows };
  }

  private at(port: number): Registration | undefined {
    const i = this.owner[port];
    return i === NO_DEVICE ? undefined : this.devices[i];
  }

  /**
   * For an access of `width` bytes: the one device owning every byte, `false`
   * when the bytes are owned by different devices or only partly owned (the
   * access is then split), or null when no byte is owned at all.
   */
  private wholeAccessOwner(port: number, width: number): Registration | false | null {
    const first = this.owner[port];
    let anyOwned = first !== NO_DEVICE;
    let same = true;
    for (let i = 1; i < width; i++) {
      const o = this.owner[(port + i) & 0xffff];
      if (o !== NO_DEVICE) anyOwned = true;
      if (o !== first) same = false;
    }
    if (!anyOwned) return null;
    return same ? this.devices[first] : false;
  }

  private countUnhandled(port: number, write: boolean): void {
    let c = this.unhandled.get(port);
    if (!c) {
      c = { reads: 0, writes: 0 };
      this.unhandled.set(port, c);
    }
    if (write) {
      c.writes++;
      this.unhandledWrites++;
    } else {
      c.reads++;
      this.unhandledReads++;
    }
  }
}
