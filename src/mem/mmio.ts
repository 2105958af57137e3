// Memory-mapped devices: physical addresses outside guest RAM that a device
// answers (the local APIC's register page). GuestMemory sends every access
// there through the slow path, since such frames never get TLB access bits.

export interface MmioDevice {
  /** Whether the device answers this physical address (an i32 or u32 view of it). */
  claims(phys: number): boolean;
  /** A read of 1, 2 or 4 bytes; the value zero-extended (4 bytes: any 32-bit view). */
  read(phys: number, size: number): number;
  write(phys: number, size: number, value: number): void;
}
