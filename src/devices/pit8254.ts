// Intel 8254 programmable interval timer at ports 0x40-0x43: counters 0-2 at
// 0x40-0x42, the control word at 0x43. Counter 0's OUT drives IRQ 0; counter
// 2's gate and OUT are reached through port 0x61 (port61.ts).
//
// Time: the input clock is PIT_INPUT_HZ derived exactly from the virtual clock
// (time/clock.ts), so the counters and IRQ 0 are deterministic. Counter 0's OUT
// level is followed with one clock timer armed at its next transition: a
// rising edge raises IRQ 0 and a falling edge lowers it, which is what the
// edge-triggered 8259A sees on real hardware.
//
// Control word (datasheet, "Control Word Format"): SC1 SC0 RW1 RW0 M2 M1 M0 BCD.
// RW = 00 is the counter latch command; SC = 11 is the read-back command.
// Reading 0x43 returns 0 (the register is write-only; QEMU answers 0 too).

import { PIT_INPUT_HZ, ticksAt, timeOfTick, type Timer, type VirtualClock } from '../time/clock.js';
import type { IrqLine } from './irq.js';
import { type Access, PitCounter } from './pit-counter.js';
import type { PortDevice } from './port-bus.js';

export const PIT_BASE_PORT = 0x40;
export const PIT_CONTROL_PORT = 0x43;
export const PIT_IRQ = 0;

export class Pit8254 implements PortDevice {
  readonly name = 'pit8254';
  /** Counter 0 (system timer) and 1 (DRAM refresh) have their gates tied high; counter 2's comes from port 0x61. */
  readonly counters = [new PitCounter(true), new PitCounter(true), new PitCounter(false)];
  private readonly timer: Timer;

  constructor(
    private readonly clock: VirtualClock,
    private readonly irq0: IrqLine,
  ) {
    this.timer = clock.createTimer('pit counter 0', (due) => this.updateIrq0(this.tickAt(due)));
    // As a PC BIOS leaves it: counter 0 in mode 3 with count 0 (65536), about 18.2 Hz.
    this.write8(PIT_CONTROL_PORT, 0x36);
    this.write8(PIT_BASE_PORT, 0);
    this.write8(PIT_BASE_PORT, 0);
  }

  /** PIT input ticks completed at the current virtual time. */
  tickNow(): number {
    return this.tickAt(this.clock.now());
  }

  read8(port: number): number {
    this.clock.runDue();
    const index = port - PIT_BASE_PORT;
    if (index === 3) return 0;
    return this.counters[index].read(this.tickNow()) & 0xff;
  }

  write8(port: number, value: number): void {
    this.clock.runDue();
    const index = port - PIT_BASE_PORT;
    const now = this.tickNow();
    if (index === 3) this.control(value, now);
    else this.counters[index].write(value, now);
    this.updateIrq0(now);
  }

  /** Counter 2 gate (port 0x61 bit 0). */
  setGate2(level: boolean): void {
    this.clock.runDue();
    this.counters[2].setGate(level, this.tickNow());
  }

  /** Counter 2 OUT (port 0x61 bit 5). */
  out2(): boolean {
    this.clock.runDue();
    return this.counters[2].out(this.tickNow());
  }

  private control(value: number, now: number): void {
    const select = value >> 6;
    if (select === 3) {
      // Read-back: bit 5 = /COUNT, bit 4 = /STATUS, bits 3-1 select counters 2-0.
      for (let i = 0; i < 3; i++) {
        if (!(value & (2 << i))) continue;
        if (!(value & 0x20)) this.counters[i].latchCount(now);
        if (!(value & 0x10)) this.counters[i].latchStatus(now);
      }
      return;
    }
    const access = ((value >> 4) & 3) as Access;
    const counter = this.counters[select];
    if (access === 0) counter.latchCount(now);
    else counter.control(access, (value >> 1) & 7, (value & 1) !== 0, now);
  }

  private tickAt(t: number): number {
    return ticksAt(t, PIT_INPUT_HZ);
  }

  /** Drives IRQ 0 from counter 0's OUT at PIT tick `tick` and arms the timer for its next change. */
  private updateIrq0(tick: number): void {
    const c0 = this.counters[0];
    this.irq0.set(c0.out(tick));
    const next = c0.nextOutChange(tick);
    if (next === Infinity) this.timer.disarm();
    else this.timer.arm(timeOfTick(next, PIT_INPUT_HZ));
  }
}
