import { describe, expect, it } from 'vitest';
import { INSNS_PER_SECOND, PIT_INPUT_HZ, VirtualClock, ticksAt, timeOfTick } from '../../src/time/clock.js';

function manualClock(): { clock: VirtualClock; set: (t: number) => void } {
  let t = 0;
  return { clock: new VirtualClock(() => t), set: (v) => (t = v) };
}

describe('tick conversion', () => {
  it('the PIT input ticks every 838 or 839 instructions', () => {
    expect(timeOfTick(1, PIT_INPUT_HZ)).toBe(839); // ceil(1e9 / 1193182) = ceil(838.096)
    expect(ticksAt(838, PIT_INPUT_HZ)).toBe(0);
    expect(ticksAt(839, PIT_INPUT_HZ)).toBe(1);
    expect(ticksAt(INSNS_PER_SECOND, PIT_INPUT_HZ)).toBe(PIT_INPUT_HZ);
    expect(timeOfTick(PIT_INPUT_HZ, PIT_INPUT_HZ)).toBe(INSNS_PER_SECOND);
  });

  it('timeOfTick is the exact inverse of ticksAt, also far beyond 2^33 instructions', () => {
    for (const k of [0, 1, 2, 65535, 65536, 1193181, 1193183, 123456789, 2 ** 40 + 17, 2 ** 42 + 3]) {
      const t = timeOfTick(k, PIT_INPUT_HZ);
      expect(ticksAt(t, PIT_INPUT_HZ)).toBe(k);
      if (k > 0) expect(ticksAt(t - 1, PIT_INPUT_HZ)).toBe(k - 1);
    }
  });

  it('matches floor(t * hz / 1e9) computed with BigInt', () => {
    for (const t of [0, 999_999_999, 1e9, 8_589_934_593, 2 ** 52 - 1, 123_456_789_012_345]) {
      const exact = (BigInt(t) * BigInt(PIT_INPUT_HZ)) / BigInt(INSNS_PER_SECOND);
      expect(ticksAt(t, PIT_INPUT_HZ)).toBe(Number(exact));
    }
  });
});

describe('VirtualClock', () => {
  it('reads the instruction counter and adds halted time', () => {
    const { clock, set } = manualClock();
    set(100);
    expect(clock.now()).toBe(100);
    clock.skipTo(250);
    expect(clock.now()).toBe(250);
    expect(clock.idleInsns).toBe(150);
    set(110);
    expect(clock.now()).toBe(260);
    clock.skipTo(10); // the past: nothing happens
    expect(clock.now()).toBe(260);
    expect(clock.haltSkips).toBe(1);
  });

  it('refuses to skip to an infinite time', () => {
    const { clock } = manualClock();
    expect(() => clock.skipTo(clock.nextEventTime())).toThrow(/no event/);
  });

  it('fires due timers in time order, ties in creation order, and lets them re-arm', () => {
    const { clock, set } = manualClock();
    const log: string[] = [];
    const a = clock.createTimer('a', (due) => {
      log.push(`a@${due}`);
      if (due < 300) a.arm(due + 100);
    });
    const b = clock.createTimer('b', (due) => log.push(`b@${due}`));
    const c = clock.createTimer('c', (due) => log.push(`c@${due}`));
    a.arm(100);
    b.arm(150);
    c.arm(100);
    expect(clock.nextEventTime()).toBe(100);
    set(99);
    expect(clock.runDue()).toBe(0);
    set(250);
    expect(clock.runDue()).toBe(4);
    expect(log).toEqual(['a@100', 'c@100', 'b@150', 'a@200']);
    expect(clock.nextEventTime()).toBe(300);
    expect(b.armed).toBe(false);
    expect(clock.timerCounts()).toEqual([
      { name: 'a', fired: 2 },
      { name: 'b', fired: 1 },
      { name: 'c', fired: 1 },
    ]);
  });

  it('forbids a timer re-arming itself at or before its own due time', () => {
    const { clock, set } = manualClock();
    const t = clock.createTimer('loop', (due) => t.arm(due));
    t.arm(5);
    set(10);
    expect(() => clock.runDue()).toThrow(/re-armed/);
  });

  it('HLT skipping to the next event makes it due', () => {
    const { clock } = manualClock();
    let fired = -1;
    clock.createTimer('x', (due) => (fired = due)).arm(5000);
    clock.skipTo(clock.nextEventTime());
    clock.runDue();
    expect(fired).toBe(5000);
    expect(clock.nextEventTime()).toBe(Infinity);
  });
});
