// PC/AT system control port B (0x61): PIT counter 2 gate (bit 0) and speaker
// data enable (bit 1) are read/write, as are the parity and channel check
// enables (bits 2-3); bit 4 is the DRAM refresh toggle, which flips every
// 15.085 us of guest time (timing loops in old code count its flips); bit 5
// reads counter 2's OUT. The speaker itself makes no sound.

import { insnsToNanoseconds, type VirtualClock } from '../time/clock.js';
import type { Pit8254 } from './pit8254.js';
import type { PortDevice } from './port-bus.js';

export const SYSTEM_CONTROL_PORT = 0x61;
/** Refresh request period in guest nanoseconds. */
export const REFRESH_TOGGLE_NS = 15085;

export class SystemControlPort implements PortDevice {
  readonly name = 'port61';
  private written = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly pit: Pit8254,
  ) {}

  read8(): number {
    const refresh = Math.floor(insnsToNanoseconds(this.clock.now()) / REFRESH_TOGGLE_NS) & 1;
    return (this.written & 0x0f) | (refresh << 4) | (this.pit.out2() ? 0x20 : 0);
  }

  write8(_port: number, value: number): void {
    this.written = value & 0x0f;
    this.pit.setGate2((value & 1) !== 0);
  }
}
