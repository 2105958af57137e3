// Deterministic virtual time (DESIGN decision 5).
//
// The clock is retired guest instructions (CpuState.insnsRetired) plus the
// time skipped while the CPU was halted. Nothing here reads the wall clock, so
// a run is a pure function of the image and its input.
//
// Nominal guest speed: 1 instruction = 1 ns (a 1 GHz, one-instruction-per-cycle
// guest). Every device clock is derived from instruction time with exact
// integer arithmetic: tick k of a `hz` clock happens at instruction time
// ceil(k * 1e9 / hz), and at time t the clock has completed floor(t * hz / 1e9)
// ticks. The PIT's 1.193182 MHz input therefore ticks every 838 or 839
// instructions (838.096 on average).
//
// Event queue: a device creates one Timer per kind of event and arms it at an
// absolute instruction time. The machine loop asks nextEventTime() to bound how
// long it runs before servicing devices, calls runDue() between blocks (events
// are therefore serviced a little late, never early, and always in time order),
// and on HLT calls skipTo(nextEventTime()). A timer callback receives the time
// it was due, so device state is computed at the exact event time even when it
// is serviced late.
//
// Halted time is kept here (idleInsns), not in CpuState.insnsRetired, so the
// instruction count stays a count of instructions; a machine that wants RDTSC
// to advance across HLT adds the skipped time to TSC_OFFSET.

/** Instructions per second of guest time at the nominal speed. */
export const INSNS_PER_SECOND = 1_000_000_000;
/** Nanoseconds per instruction at the nominal speed. */
export const NS_PER_INSN = 1e9 / INSNS_PER_SECOND;
/** 8254 PIT input clock (the PC's 14.31818 MHz crystal divided by 12). */
export const PIT_INPUT_HZ = 1_193_182;

/** floor(a / b) for non-negative integers whose products stay below 2^53. */
function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q -= 1;
  else if ((q + 1) * b <= a) q += 1;
  return q;
}

function ceilDiv(a: number, b: number): number {
  const q = floorDiv(a, b);
  return q * b === a ? q : q + 1;
}

/**
 * Ticks of a `hz` clock completed by instruction time t: floor(t * hz / 1e9),
 * exact for every integer t below 2^53 (t is split so no product exceeds 2^53).
 */
export function ticksAt(t: number, hz: number): number {
  const q = Math.floor(t / INSNS_PER_SECOND);
  const r = t - q * INSNS_PER_SECOND;
  return q * hz + floorDiv(r * hz, INSNS_PER_SECOND);
}

/** Instruction time at which tick k of a `hz` clock happens: ceil(k * 1e9 / hz). Inverse of ticksAt. */
export function timeOfTick(k: number, hz: number): number {
  const q = Math.floor(k / hz);
  const r = k - q * hz;
  return q * INSNS_PER_SECOND + ceilDiv(r * INSNS_PER_SECOND, hz);
}

/** Guest nanoseconds elapsed at instruction time t. */
export function insnsToNanoseconds(t: number): number {
  return t * NS_PER_INSN;
}

/** Where the clock reads retired instructions from (the machine passes () => cpu.insnsRetired). */
export type InstructionCounter = () => number;

export type TimerCallback = (due: number) => void;

/** One kind of device event; armed at an absolute instruction time, or disarmed. */
export class Timer {
  /** Instruction time the timer fires at; Infinity when disarmed. */
  due = Infinity;
  /** Times this timer has fired (for the statistics). */
  fired = 0;
  /** Set while the callback runs: re-arming must move strictly forward in time. */
  firingAt = -1;

  constructor(
    readonly name: string,
    readonly callback: TimerCallback,
    /** Creation order; breaks ties between timers due at the same time. */
    readonly order: number,
  ) {}

  arm(at: number): void {
    if (!Number.isFinite(at) || at < 0) throw new Error(`timer ${this.name}: bad time ${at}`);
    if (this.firingAt >= 0 && at <= this.firingAt) {
      throw new Error(`timer ${this.name}: re-armed at ${at}, not after its due time ${this.firingAt}`);
    }
    this.due = at;
  }

  disarm(): void {
    this.due = Infinity;
  }

  get armed(): boolean {
    return this.due !== Infinity;
  }
}

export class VirtualClock {
  private readonly timers: Timer[] = [];
  private idle = 0;
  private idleSkips = 0;

  constructor(private readonly retired: InstructionCounter) {}

  /** Current virtual time in instructions (retired + skipped while halted). */
  now(): number {
    return this.retired() + this.idle;
  }

  /** Current virtual time in guest nanoseconds. */
  nowNanoseconds(): number {
    return insnsToNanoseconds(this.now());
  }

  /** Instructions of time skipped by HLT so far. */
  get idleInsns(): number {
    return this.idle;
  }

  /** HLT: let time pass without retiring instructions, up to t. No effect if t is not in the future. */
  skipTo(t: number): void {
    if (!Number.isFinite(t)) throw new Error('clock: cannot skip to an infinite time (no event is armed)');
    const now = this.now();
    if (t > now) {
      this.idle += t - now;
      this.idleSkips += 1;
    }
  }

  createTimer(name: string, callback: TimerCallback): Timer {
    const timer = new Timer(name, callback, this.timers.length);
    this.timers.push(timer);
    return timer;
  }

  /** Earliest armed event time, or Infinity when nothing is armed. */
  nextEventTime(): number {
    let best = Infinity;
    for (const t of this.timers) if (t.due < best) best = t.due;
    return best;
  }

  /**
   * Fires every timer due at or before now(), earliest first (ties in creation
   * order); a callback may re-arm its timer or others. Returns the number fired.
   */
  runDue(): number {
    const now = this.now();
    let fired = 0;
    for (;;) {
      let next: Timer | null = null;
      for (const t of this.timers) {
        if (t.due <= now && (next === null || t.due < next.due)) next = t;
      }
      if (next === null) return fired;
      const due = next.due;
      next.due = Infinity;
      next.fired += 1;
      next.firingAt = due;
      try {
        next.callback(due);
      } finally {
        next.firingAt = -1;
      }
      fired += 1;
    }
  }

  /** Timer activity for the statistics. */
  timerCounts(): { name: string; fired: number }[] {
    return this.timers.map((t) => ({ name: t.name, fired: t.fired }));
  }

  get haltSkips(): number {
    return this.idleSkips;
  }
}
