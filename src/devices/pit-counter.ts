// One counter of the Intel 8254 PIT (datasheet 231164) as a pure function of
// its input clock: the state is "loaded with N at input tick S, counting since
// then", and the count, the OUT level and the next OUT transition at any tick
// are computed from it. No per-tick work is ever done.
//
// Elapsed ticks e = 0 at the tick the count is loaded (the first input tick
// after the count is written, or after the gate trigger in modes 1 and 5).
// With N the initial count (0 means 2^16, or 10^4 in BCD):
//   mode 0  OUT low until e = N, then high; count N - e, wrapping.
//   mode 1  like mode 0, started by a gate rising edge; OUT high until then.
//   mode 2  OUT low for the one tick where e mod N = N - 1; period N.
//   mode 3  OUT high for ceil(N/2) ticks then low for floor(N/2); period N.
//   mode 4  OUT low for the one tick e = N.
//   mode 5  like mode 4, started by a gate rising edge.
// Modes 6 and 7 are modes 2 and 3 (the datasheet's "don't care" bit).
// Gate: low stops counting; in modes 2 and 3 it also forces OUT high and its
// rising edge reloads the count; in modes 1 and 5 only its rising edge matters.
// A new count written in modes 2 and 3 takes effect at the end of the current
// period (the datasheet lets mode 3 switch at a half period; we use the period).
// Mode 3 count reads follow the datasheet's count-by-two sequence: for odd N,
// N - 1 is loaded and the count rests at 0 for the extra clock of the high half.

export const enum Access {
  Latch = 0,
  LowByte = 1,
  HighByte = 2,
  Word = 3,
}

/** A tick far in the future: "never". */
const NEVER = Infinity;

export class PitCounter {
  mode = 0;
  access: Access = Access.Word;
  bcd = false;
  /** Initial count as programmed (0 = maximum). */
  initial = 0;
  /** True once a count is written after the last control word. */
  loaded = false;
  /** Null count flag of the read-back status byte: count written, not yet loaded into the counting element. */
  private nullCountUntil = -1;
  gate: boolean;
  /** Modes 1 and 5: a gate rising edge has started the count. */
  private triggered = false;
  /** Tick at which elapsed time last started running, and elapsed ticks accumulated before it. */
  private segmentStart = 0;
  private elapsedBase = 0;
  private running = false;
  /** Modes 2 and 3: a count written while counting, loaded at the end of the period. */
  private pendingCount: number | null = null;
  private pendingAt = NEVER;

  // Byte sequencing for reads and writes of the two-byte access mode.
  private writeLow: number | null = null;
  private readHighNext = false;
  private latched: number[] = [];
  private statusLatch: number | null = null;

  constructor(gate: boolean) {
    this.gate = gate;
  }

  private get modulus(): number {
    return this.bcd ? 10000 : 0x10000;
  }

  /** N with 0 meaning the maximum. */
  private get period(): number {
    return this.initial === 0 ? this.modulus : this.initial;
  }

  private get periodic(): boolean {
    return (this.mode & 3) === 2 || (this.mode & 3) === 3;
  }

  private get baseMode(): number {
    return this.mode >= 6 ? this.mode - 4 : this.mode;
  }

  /** Control word for this counter (bits 5-0: RW1 RW0 M2 M1 M0 BCD) at tick `now`. */
  control(access: Access, mode: number, bcd: boolean, now: number): void {
    this.access = access;
    this.mode = mode;
    this.bcd = bcd;
    this.loaded = false;
    this.running = false;
    this.triggered = false;
    this.pendingCount = null;
    this.pendingAt = NEVER;
    this.elapsedBase = 0;
    this.writeLow = null;
    this.readHighNext = false;
    this.latched = [];
    this.segmentStart = now;
  }

  /** Latch command: freezes the count for the next read(s), unless already latched. */
  latchCount(now: number): void {
    if (this.latched.length > 0) return;
    const c = this.encode(this.count(now));
    if (this.access === Access.LowByte) this.latched = [c & 0xff];
    else if (this.access === Access.HighByte) this.latched = [c >> 8];
    else this.latched = [c & 0xff, c >> 8];
  }

  /** Read-back status byte: OUT, null count, RW, mode, BCD. */
  latchStatus(now: number): void {
    if (this.statusLatch !== null) return;
    const nullCount = !this.loaded || now < this.nullCountUntil;
    this.statusLatch =
      (this.out(now) ? 0x80 : 0) | (nullCount ? 0x40 : 0) | (this.access << 4) | (this.mode << 1) | (this.bcd ? 1 : 0);
  }

  read(now: number): number {
    if (this.statusLatch !== null) {
      const s = this.statusLatch;
      this.statusLatch = null;
      return s;
    }
    if (this.latched.length > 0) return this.latched.shift()!;
    const c = this.encode(this.count(now));
    switch (this.access) {
      case Access.LowByte:
        return c & 0xff;
      case Access.HighByte:
        return c >> 8;
      default: {
        const v = this.readHighNext ? c >> 8 : c & 0xff;
        this.readHighNext = !this.readHighNext;
        return v;
      }
    }
  }

  write(value: number, now: number): void {
    let count: number;
    switch (this.access) {
      case Access.LowByte:
        count = value;
        break;
      case Access.HighByte:
        count = value << 8;
        break;
      default:
        if (this.writeLow === null) {
          this.writeLow = value;
          return;
        }
        count = this.writeLow | (value << 8);
        this.writeLow = null;
    }
    this.setCount(this.decode(count), now);
  }

  private setCount(n: number, now: number): void {
    this.settle(now);
    const firstLoad = !this.loaded;
    this.loaded = true;
    this.nullCountUntil = now + 1;
    const mode = this.baseMode;
    if (this.periodic && !firstLoad && this.running) {
      // Modes 2 and 3: the new count is loaded when the current period ends.
      this.pendingCount = n;
      this.pendingAt = this.nextPeriodEnd(now);
      return;
    }
    this.initial = n;
    if (mode === 1 || mode === 5) {
      if (firstLoad) this.triggered = false;
      if (!this.triggered) return; // waits for a gate trigger
    }
    this.start(now + 1);
  }

  /** Gate input change at tick `now`. */
  setGate(level: boolean, now: number): void {
    this.settle(now);
    if (level === this.gate) return;
    const rising = level && !this.gate;
    const mode = this.baseMode;
    if (!level) {
      if (mode !== 1 && mode !== 5) this.pause(now);
    } else if (rising && this.loaded) {
      if (mode === 1 || mode === 5 || mode === 2 || mode === 3) {
        this.gate = level;
        this.triggered = true;
        this.start(now + 1);
        return;
      }
      this.resume(now);
    }
    this.gate = level;
  }

  /** Begin counting: e = 0 at tick `at`. */
  private start(at: number): void {
    this.elapsedBase = 0;
    this.segmentStart = at;
    this.running = this.gate || this.baseMode === 1 || this.baseMode === 5;
    this.pendingCount = null;
    this.pendingAt = NEVER;
  }

  private pause(now: number): void {
    if (!this.running) return;
    this.elapsedBase = this.elapsed(now);
    this.running = false;
  }

  private resume(now: number): void {
    // Counting continues from the next tick: e at tick now + 1 is one more than now.
    this.segmentStart = now;
    this.running = true;
  }

  /** Applies a pending mode 2/3 reload whose time has come. */
  private settle(now: number): void {
    if (this.pendingCount !== null && now >= this.pendingAt) {
      const at = this.pendingAt;
      this.initial = this.pendingCount;
      this.start(at);
    }
  }

  /** Elapsed ticks at tick `now` (0 before the count is loaded). */
  private elapsed(now: number): number {
    if (!this.running) return this.elapsedBase;
    return this.elapsedBase + Math.max(0, now - this.segmentStart);
  }

  private get started(): boolean {
    const mode = this.baseMode;
    return this.loaded && (mode === 1 || mode === 5 ? this.triggered : true);
  }

  /** Counting element value (binary, 0..modulus-1) at tick `now`. */
  count(now: number): number {
    this.settle(now);
    if (!this.loaded) return 0;
    const n = this.period;
    if (!this.started) return this.initial;
    const e = this.elapsed(now);
    const mod = this.modulus;
    switch (this.baseMode) {
      case 2:
        return (n - (e % n)) % mod;
      case 3: {
        const high = Math.ceil(n / 2);
        const phase = e % n;
        const even = n & ~1;
        // Odd N: N - 1 is loaded and the high half ends one clock after the count expires at 0.
        const v = phase < high ? even - 2 * phase : even - 2 * (phase - high);
        return v % mod;
      }
      default:
        return (((n - e) % mod) + mod) % mod;
    }
  }

  /** OUT level at tick `now`. */
  out(now: number): boolean {
    this.settle(now);
    const mode = this.baseMode;
    if (!this.loaded) return mode !== 0;
    if (!this.started) return true;
    const n = this.period;
    const e = this.elapsed(now);
    switch (mode) {
      case 0:
      case 1:
        return e >= n;
      case 2:
        return !this.gate || e % n !== n - 1;
      case 3:
        return !this.gate || e % n < Math.ceil(n / 2);
      default: // 4, 5
        return e !== n;
    }
  }

  /** First tick after `now` at which OUT changes level, or Infinity. */
  nextOutChange(now: number): number {
    this.settle(now);
    if (!this.started || !this.running) return NEVER;
    const n = this.period;
    const e = this.elapsed(now);
    // Tick at which e would be 0 (e is clamped to 0 before the load tick).
    const origin = this.segmentStart - this.elapsedBase;
    let target = NEVER;
    switch (this.baseMode) {
      case 0:
      case 1:
        if (e < n) target = n;
        break;
      case 2:
      case 3: {
        // Falls where e mod N = fall, rises where e mod N = 0. N = 1 never changes
        // (mode 2 holds OUT low, mode 3 high); the datasheet calls it illegal.
        if (n === 1) break;
        const fall = this.baseMode === 2 ? n - 1 : Math.ceil(n / 2);
        const phase = e % n;
        const toFall = ((((fall - phase - 1) % n) + n) % n) + 1;
        target = e + Math.min(toFall, n - phase);
        break;
      }
      default:
        if (e < n) target = n;
        else if (e === n) target = n + 1;
    }
    const change = target === NEVER ? NEVER : origin + target;
    // A pending reload changes the waveform: re-evaluate no later than then.
    return Math.min(change, this.pendingAt);
  }

  private nextPeriodEnd(now: number): number {
    const n = this.period;
    const e = this.elapsed(now);
    return now + (n - (e % n));
  }

  private encode(count: number): number {
    if (!this.bcd) return count & 0xffff;
    let v = 0;
    for (let shift = 0, c = count; shift < 16; shift += 4, c = Math.floor(c / 10)) v |= (c % 10) << shift;
    return v;
  }

  private decode(count: number): number {
    if (!this.bcd) return count & 0xffff;
    let v = 0;
    for (let shift = 12; shift >= 0; shift -= 4) v = v * 10 + Math.min(9, (count >> shift) & 0xf);
    return v;
  }
}
