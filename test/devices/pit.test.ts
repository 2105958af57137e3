import { describe, expect, it } from 'vitest';
import type { IrqSink } from '../../src/devices/irq.js';
import { IrqLine } from '../../src/devices/irq.js';
import { PicPair } from '../../src/devices/pic-pair.js';
import { Pit8254 } from '../../src/devices/pit8254.js';
import { SystemControlPort } from '../../src/devices/port61.js';
import { PIT_INPUT_HZ, VirtualClock, ticksAt, timeOfTick } from '../../src/time/clock.js';

/** A PIT whose IRQ 0 edges are recorded with the PIT tick they happen at. */
function rig(startTime = 0) {
  let t = startTime;
  const clock = new VirtualClock(() => t);
  const edges: { level: boolean; tick: number }[] = [];
  const sink: IrqSink = {
    raiseIrq: () => edges.push({ level: true, tick: ticksAt(clock.now(), PIT_INPUT_HZ) }),
    lowerIrq: () => edges.push({ level: false, tick: ticksAt(clock.now(), PIT_INPUT_HZ) }),
  };
  const pit = new Pit8254(clock, new IrqLine(sink, 0));
  const port61 = new SystemControlPort(clock, pit);
  return {
    clock,
    pit,
    port61,
    edges,
    tick: () => ticksAt(clock.now(), PIT_INPUT_HZ),
    /** Moves time to PIT tick k (at its exact instruction time) without servicing events. */
    toTick: (k: number) => (t = timeOfTick(k, PIT_INPUT_HZ) - clock.idleInsns),
    /** Like a halted CPU: jump from event to event, servicing each exactly on time. */
    runEvents: (count: number) => {
      for (let i = 0; i < count; i++) {
        clock.skipTo(clock.nextEventTime());
        clock.runDue();
      }
    },
  };
}

function program(pit: Pit8254, control: number, count: number | null): void {
  pit.write8(0x43, control);
  if (count === null) return;
  const access = (control >> 4) & 3;
  if (access === 1 || access === 3) pit.write8(0x40 + (control >> 6), count & 0xff);
  if (access === 2 || access === 3) pit.write8(0x40 + (control >> 6), count >> 8);
}

describe('8254 PIT: IRQ 0 timing from virtual time', () => {
  it('starts like the BIOS left it: mode 3, count 65536 (18.2 Hz)', () => {
    const r = rig();
    r.runEvents(4);
    const rises = r.edges.filter((e) => e.level).map((e) => e.tick);
    // Loaded at tick 1; OUT high first, so the first rising edge is one period later.
    expect(rises.slice(1)).toEqual([1 + 65536, 1 + 2 * 65536]);
  });

  it('mode 2 with divisor N raises IRQ 0 every N input ticks, low for one tick before each edge', () => {
    const r = rig(5_000_000);
    r.edges.length = 0;
    const n = 1193;
    program(r.pit, 0x34, n);
    const load = r.tick() + 1;
    r.runEvents(10);
    expect(r.edges).toEqual(
      [1, 2, 3, 4, 5].flatMap((k) => [
        { level: false, tick: load + k * n - 1 },
        { level: true, tick: load + k * n },
      ]),
    );
  });

  it('mode 3 with an odd divisor is high ceil(N/2) ticks and low floor(N/2)', () => {
    const r = rig();
    r.edges.length = 0;
    program(r.pit, 0x36, 5);
    const load = r.tick() + 1;
    r.runEvents(6);
    expect(r.edges.map((e) => `${e.level ? '+' : '-'}${e.tick - load}`)).toEqual(['-3', '+5', '-8', '+10', '-13', '+15']);
  });

  it('mode 0 drops OUT at the control word and raises it once, N ticks after loading', () => {
    const r = rig(1000);
    r.edges.length = 0;
    program(r.pit, 0x30, 100);
    const load = r.tick() + 1;
    expect(r.edges).toEqual([{ level: false, tick: load - 1 }]);
    r.runEvents(1);
    expect(r.edges[1]).toEqual({ level: true, tick: load + 100 });
    expect(r.clock.nextEventTime()).toBe(Infinity);
  });

  it('mode 4 pulses OUT low for one tick at terminal count', () => {
    const r = rig();
    r.edges.length = 0;
    program(r.pit, 0x38, 50);
    const load = r.tick() + 1;
    r.runEvents(2);
    expect(r.edges).toEqual([
      { level: false, tick: load + 50 },
      { level: true, tick: load + 51 },
    ]);
    expect(r.clock.nextEventTime()).toBe(Infinity);
  });

  it('a new mode 2 count takes effect at the end of the current period', () => {
    const r = rig();
    program(r.pit, 0x34, 100);
    const load = r.tick() + 1;
    r.toTick(load + 30);
    r.clock.runDue();
    r.edges.length = 0;
    r.pit.write8(0x40, 40);
    r.pit.write8(0x40, 0);
    r.runEvents(4);
    expect(r.edges.filter((e) => e.level).map((e) => e.tick - load)).toEqual([100, 140]);
  });

  it('drives the 8259A: 100 Hz for one second of halted guest time is 100 interrupts', () => {
    const clock = new VirtualClock(() => 0);
    const pic = new PicPair();
    const pit = new Pit8254(clock, new IrqLine(pic, 0));
    pic.master.writeData(0xfa); // unmask IRQ 0
    program(pit, 0x34, 11932); // 1193182 / 11932 = 100.0 Hz
    let taken = 0;
    const times: number[] = [];
    while (taken < 100) {
      clock.skipTo(clock.nextEventTime());
      clock.runDue();
      if (pic.hasInterrupt()) {
        expect(pic.acknowledge()).toBe(0x08);
        pic.master.writeCommand(0x20);
        times.push(clock.now());
        taken++;
      }
    }
    // Loaded at tick 1; the k-th interrupt comes at tick 1 + k * 11932, i.e. just past 1 s for k = 100.
    expect(times[0]).toBe(timeOfTick(1 + 11932, PIT_INPUT_HZ));
    expect(times[99]).toBe(timeOfTick(1 + 100 * 11932, PIT_INPUT_HZ));
    expect(times[99]).toBeGreaterThan(1e9);
    expect(times[98]).toBeLessThan(1e9);
    expect(pic.acknowledged[0]).toBe(100);
  });
});

describe('8254 PIT: counter reads', () => {
  it('reads the live count low byte then high byte', () => {
    const r = rig();
    program(r.pit, 0x34, 1000);
    const load = r.tick() + 1;
    r.toTick(load + 10);
    expect(r.pit.read8(0x40) | (r.pit.read8(0x40) << 8)).toBe(990);
  });

  it('the latch command freezes the count until both bytes are read', () => {
    const r = rig();
    program(r.pit, 0x34, 1000);
    const load = r.tick() + 1;
    r.toTick(load + 300);
    r.pit.write8(0x43, 0x00); // latch counter 0
    r.toTick(load + 500);
    r.pit.write8(0x43, 0x00); // a second latch before reading is ignored
    expect(r.pit.read8(0x40) | (r.pit.read8(0x40) << 8)).toBe(700);
    expect(r.pit.read8(0x40) | (r.pit.read8(0x40) << 8)).toBe(500);
  });

  it('mode 0 keeps counting down through zero, wrapping to 0xFFFF', () => {
    const r = rig();
    program(r.pit, 0x30, 5);
    const load = r.tick() + 1;
    r.toTick(load + 7);
    expect(r.pit.read8(0x40) | (r.pit.read8(0x40) << 8)).toBe(0xfffe);
  });

  it('low-byte-only and high-byte-only access modes', () => {
    const r = rig();
    program(r.pit, 0x14, 200); // counter 0, LSB only, mode 2
    const load = r.tick() + 1;
    r.toTick(load + 50);
    expect(r.pit.read8(0x40)).toBe(150);
    program(r.pit, 0x24, 0x02 << 8); // MSB only: count 0x200
    const load2 = r.tick() + 1;
    r.toTick(load2 + 0x100);
    expect(r.pit.read8(0x40)).toBe(0x01);
  });

  it('mode 3 counts down by two', () => {
    const r = rig();
    program(r.pit, 0x36, 10);
    const load = r.tick() + 1;
    const reads: number[] = [];
    for (let e = 0; e < 10; e++) {
      r.toTick(load + e);
      r.pit.write8(0x43, 0x00);
      reads.push(r.pit.read8(0x40) | (r.pit.read8(0x40) << 8));
    }
    expect(reads).toEqual([10, 8, 6, 4, 2, 10, 8, 6, 4, 2]);
  });

  it('mode 3 with an odd count loads N - 1 and holds 0 for the extra clock of the high half', () => {
    const r = rig();
    program(r.pit, 0x36, 5);
    const load = r.tick() + 1;
    const reads: number[] = [];
    for (let e = 0; e < 6; e++) {
      r.toTick(load + e);
      r.pit.write8(0x43, 0x00);
      reads.push(r.pit.read8(0x40) | (r.pit.read8(0x40) << 8));
    }
    expect(reads).toEqual([4, 2, 0, 4, 2, 4]);
  });

  it('BCD counting: count 1000 written as 0x1000 reads back in BCD', () => {
    const r = rig();
    program(r.pit, 0x35, 0x1000); // mode 2, BCD
    const load = r.tick() + 1;
    r.toTick(load + 1);
    expect(r.pit.read8(0x40) | (r.pit.read8(0x40) << 8)).toBe(0x0999);
    r.edges.length = 0;
    r.runEvents(2);
    expect(r.edges[1]).toEqual({ level: true, tick: load + 1000 });
  });

  it('read-back command latches status (OUT, null count, access, mode, BCD) and count', () => {
    const r = rig();
    program(r.pit, 0x34, 1000);
    // Same tick as the write: the count is not loaded yet (null count).
    r.pit.write8(0x43, 0xe2); // read-back status only, counter 0
    expect(r.pit.read8(0x40)).toBe(0x80 | 0x40 | 0x30 | 0x04);
    const load = r.tick() + 1;
    r.toTick(load + 999); // OUT is low while the count is 1, the tick before reload
    r.pit.write8(0x43, 0xc2); // count and status, counter 0
    expect(r.pit.read8(0x40)).toBe(0x30 | 0x04); // status first, OUT low, count loaded
    expect(r.pit.read8(0x40) | (r.pit.read8(0x40) << 8)).toBe(1);
    expect(r.pit.read8(0x43)).toBe(0);
  });
});

describe('8254 PIT counter 2 and port 0x61', () => {
  it('the gate holds counter 2 until port 0x61 bit 0 is set; bit 5 shows OUT', () => {
    const r = rig();
    program(r.pit, 0xb0, 100); // counter 2, mode 0
    const load = r.tick() + 1;
    r.toTick(load + 500);
    expect(r.port61.read8() & 0x20).toBe(0); // gate low: not counting
    r.port61.write8(0x61, 0x01);
    const start = r.tick();
    // Counting resumes with the first clock after the gate rises: N clocks to OUT high.
    r.toTick(start + 99);
    expect(r.port61.read8() & 0x20).toBe(0);
    r.toTick(start + 100);
    expect(r.port61.read8() & 0x21).toBe(0x21);
  });

  it('in mode 1 a gate rising edge triggers a one-shot', () => {
    const r = rig();
    program(r.pit, 0xb2, 20); // counter 2, mode 1
    expect(r.pit.out2()).toBe(true);
    r.port61.write8(0x61, 0x01);
    const trig = r.tick() + 1;
    r.toTick(trig + 5);
    expect(r.pit.out2()).toBe(false);
    r.toTick(trig + 20);
    expect(r.pit.out2()).toBe(true);
  });

  it('the refresh bit (4) toggles every 15.085 us of guest time', () => {
    let t = 0;
    const clock = new VirtualClock(() => t);
    const port61 = new SystemControlPort(clock, new Pit8254(clock, new IrqLine({ raiseIrq() {}, lowerIrq() {} }, 0)));
    const seen: number[] = [];
    for (t of [0, 15084, 15085, 30169, 30170]) seen.push((port61.read8() >> 4) & 1);
    expect(seen).toEqual([0, 0, 1, 1, 0]);
  });

  it('keeps the written low nibble of port 0x61', () => {
    const r = rig();
    r.port61.write8(0x61, 0xff);
    expect(r.port61.read8() & 0x0f).toBe(0x0f);
  });
});
