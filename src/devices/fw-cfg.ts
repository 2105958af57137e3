// QEMU's firmware configuration interface, the I/O-port flavour a guest
// reaches without a BIOS (QEMU docs/specs/fw_cfg.rst): a 16-bit selector
// written to port 0x510 picks an item, and each byte read from port 0x511
// returns the item's next byte (0 past its end, and for items that do not
// exist). Items: the "QEMU" signature, the interface ID (1: no DMA), the
// RAM size, the processor count and maximum (1: this machine has one CPU),
// and an empty file directory. Writes to items are not supported.
import type { PortDevice } from './port-bus.js';

export const FW_CFG_SELECTOR_PORT = 0x510;
export const FW_CFG_DATA_PORT = 0x511;

export const FwCfgItem = {
  SIGNATURE: 0x00,
  ID: 0x01,
  RAM_SIZE: 0x03,
  NB_CPUS: 0x05,
  MAX_CPUS: 0x0f,
  FILE_DIR: 0x19,
} as const;

function le(value: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let k = 0; k < bytes; k++) out[k] = Math.floor(value / 2 ** (8 * k)) & 0xff;
  return out;
}

export class FwCfg implements PortDevice {
  readonly name = 'fw_cfg';
  private readonly items = new Map<number, Uint8Array>();
  private selected: Uint8Array | null = null;
  private offset = 0;

  constructor(ramBytes: number) {
    this.items.set(FwCfgItem.SIGNATURE, new TextEncoder().encode('QEMU'));
    this.items.set(FwCfgItem.ID, le(1, 4));
    this.items.set(FwCfgItem.RAM_SIZE, le(ramBytes, 8));
    this.items.set(FwCfgItem.NB_CPUS, le(1, 2));
    this.items.set(FwCfgItem.MAX_CPUS, le(1, 2));
    // The directory is a big-endian count followed by that many entries: none.
    this.items.set(FwCfgItem.FILE_DIR, new Uint8Array(4));
  }

  private select(key: number): void {
    this.selected = this.items.get(key & 0x3fff) ?? null;
    this.offset = 0;
  }

  private nextByte(): number {
    const item = this.selected;
    if (item === null || this.offset >= item.length) return 0;
    return item[this.offset++];
  }

  read8(port: number): number {
    return port === FW_CFG_DATA_PORT ? this.nextByte() : 0;
  }

  read16(port: number): number {
    if (port !== FW_CFG_SELECTOR_PORT) return this.nextByte() | (this.nextByte() << 8);
    return 0;
  }

  write8(port: number, value: number): void {
    if (port === FW_CFG_SELECTOR_PORT) this.select(value & 0xff);
  }

  write16(port: number, value: number): void {
    if (port === FW_CFG_SELECTOR_PORT) this.select(value & 0xffff);
  }
}
