// One Intel 8259A programmable interrupt controller (datasheet 231468):
// ICW1-ICW4 initialization, OCW1 mask, OCW2 EOI/rotation, OCW3 register
// select, special mask mode and poll. The cascade between two chips is
// pic-pair.ts; this file knows nothing about the other chip.
//
// Requests: in edge-triggered mode a low-to-high transition of an IR input
// sets its IRR bit; in level-triggered mode (ICW1.LTIM) IRR follows the input.
// In both modes a request whose input falls before it is acknowledged is
// withdrawn, so an acknowledge that finds nothing returns IR7 without setting
// ISR (the datasheet's "default IR7", the spurious interrupt).
//
// Not modelled: 8080/8085 mode (ICW1.ADI, ICW4.uPM = 0 are accepted and the
// chip still answers 8086-style vectors), buffered mode (ICW4.BUF, M/S).

/** Outcome of an interrupt acknowledge on one chip: the IR level, or SPURIOUS. */
export const SPURIOUS = -1;

const enum InitStep {
  Ready,
  Icw2,
  Icw3,
  Icw4,
}

export interface PicChipOptions {
  /** Vector base (ICW2) in effect before the guest programs the chip. */
  vectorBase: number;
  /** ICW3 in effect before the guest programs the chip (master: slave inputs bitmask; slave: its id). */
  cascade: number;
  /** Mask register (OCW1) in effect before the guest programs the chip. */
  mask: number;
}

export class Pic8259 {
  irr = 0;
  isr = 0;
  imr: number;
  /** Current levels of the eight IR inputs. */
  private inputs = 0;
  vectorBase: number;
  /** ICW3 as written. */
  cascade: number;
  single = false;
  levelTriggered = false;
  autoEoi = false;
  rotateInAutoEoi = false;
  specialFullyNested = false;
  specialMask = false;
  /** IR level with the lowest priority; the one after it has the highest. */
  lowestPriority = 7;
  private readIsr = false;
  private pollNext = false;
  private initStep = InitStep.Ready;
  private expectIcw4 = false;

  constructor(
    readonly name: string,
    options: PicChipOptions,
  ) {
    this.vectorBase = options.vectorBase & 0xf8;
    this.cascade = options.cascade & 0xff;
    this.imr = options.mask & 0xff;
  }

  // ── IR inputs ──

  raise(ir: number): void {
    const bit = 1 << ir;
    if (this.inputs & bit) return;
    this.inputs |= bit;
    this.irr |= bit;
  }

  lower(ir: number): void {
    const bit = 1 << ir;
    this.inputs &= ~bit;
    this.irr &= ~bit;
  }

  // ── priority resolution ──

  /** Priority rank of an IR level: 0 is the highest. */
  private rank(ir: number): number {
    return (ir - this.lowestPriority - 1) & 7;
  }

  private highest(bits: number): number {
    let best = -1;
    for (let ir = 0; ir < 8; ir++) {
      if (bits & (1 << ir) && (best < 0 || this.rank(ir) < this.rank(best))) best = ir;
    }
    return best;
  }

  /** The IR level the chip would present on INT now, or -1. */
  pending(): number {
    const requests = this.irr & ~this.imr;
    if (requests === 0) return -1;
    const best = this.highest(requests);
    let inService = this.isr;
    // Special mask mode: a masked level in service no longer inhibits lower ones.
    if (this.specialMask) inService &= ~this.imr;
    // Special fully nested mode: a slave in service does not block its own further requests.
    if (this.specialFullyNested && this.cascade & (1 << best)) inService &= ~(1 << best);
    const top = this.highest(inService);
    if (top >= 0 && this.rank(top) <= this.rank(best)) return -1;
    return best;
  }

  get interruptOutput(): boolean {
    return this.pending() >= 0;
  }

  /** The INTA cycle: returns the IR level granted (ISR set unless auto-EOI) or SPURIOUS. */
  acknowledge(): number {
    const ir = this.pending();
    if (ir < 0) return SPURIOUS;
    const bit = 1 << ir;
    if (!this.levelTriggered) this.irr &= ~bit;
    if (this.autoEoi) {
      if (this.rotateInAutoEoi) this.lowestPriority = ir;
    } else {
      this.isr |= bit;
    }
    return ir;
  }

  // ── ports: A0 = 0 is the command port, A0 = 1 the data port ──

  readCommand(): number {
    if (this.pollNext) return this.poll();
    return this.readIsr ? this.isr : this.irr;
  }

  readData(): number {
    if (this.pollNext) return this.poll();
    return this.imr;
  }

  writeCommand(value: number): void {
    if (value & 0x10) this.icw1(value);
    else if (value & 0x08) this.ocw3(value);
    else this.ocw2(value);
  }

  writeData(value: number): void {
    switch (this.initStep) {
      case InitStep.Ready:
        this.imr = value; // OCW1
        return;
      case InitStep.Icw2:
        this.vectorBase = value & 0xf8;
        this.initStep = !this.single ? InitStep.Icw3 : this.expectIcw4 ? InitStep.Icw4 : InitStep.Ready;
        return;
      case InitStep.Icw3:
        this.cascade = value;
        this.initStep = this.expectIcw4 ? InitStep.Icw4 : InitStep.Ready;
        return;
      case InitStep.Icw4:
        this.autoEoi = (value & 0x02) !== 0;
        this.specialFullyNested = (value & 0x10) !== 0;
        this.initStep = InitStep.Ready;
        return;
    }
  }

  get initializing(): boolean {
    return this.initStep !== InitStep.Ready;
  }

  /** ICW1 starts the initialization sequence and resets the chip (datasheet, "Initialization Command Words"). */
  private icw1(value: number): void {
    this.levelTriggered = (value & 0x08) !== 0;
    this.single = (value & 0x02) !== 0;
    this.expectIcw4 = (value & 0x01) !== 0;
    // The edge sense circuit is reset: inputs must rise again to request.
    this.irr = this.levelTriggered ? this.inputs : 0;
    this.isr = 0;
    this.imr = 0;
    this.lowestPriority = 7;
    this.specialMask = false;
    this.readIsr = false;
    this.pollNext = false;
    this.autoEoi = false;
    this.rotateInAutoEoi = false;
    this.specialFullyNested = false;
    this.initStep = InitStep.Icw2;
  }

  /** OCW2: EOI and priority rotation, selected by bits R, SL, EOI (7-5) and level L (2-0). */
  private ocw2(value: number): void {
    const level = value & 7;
    switch (value >> 5) {
      case 0b001: // non-specific EOI
        this.clearHighestInService(false);
        return;
      case 0b011: // specific EOI
        this.isr &= ~(1 << level);
        return;
      case 0b101: // rotate on non-specific EOI
        this.clearHighestInService(true);
        return;
      case 0b100: // set rotate in automatic EOI mode
        this.rotateInAutoEoi = true;
        return;
      case 0b000: // clear rotate in automatic EOI mode
        this.rotateInAutoEoi = false;
        return;
      case 0b111: // rotate on specific EOI
        this.isr &= ~(1 << level);
        this.lowestPriority = level;
        return;
      case 0b110: // set priority
        this.lowestPriority = level;
        return;
      default: // 0b010: no operation
        return;
    }
  }

  private clearHighestInService(rotate: boolean): void {
    const top = this.highest(this.isr);
    if (top < 0) return;
    this.isr &= ~(1 << top);
    if (rotate) this.lowestPriority = top;
  }

  /** OCW3: special mask mode (ESMM/SMM), poll (P), read register select (RR/RIS). */
  private ocw3(value: number): void {
    if (value & 0x40) this.specialMask = (value & 0x20) !== 0;
    if (value & 0x04) this.pollNext = true;
    if (value & 0x02) this.readIsr = (value & 0x01) !== 0;
  }

  /** Poll command: the read acts as an acknowledge; bit 7 = request present, bits 2-0 = its level. */
  private poll(): number {
    this.pollNext = false;
    const ir = this.acknowledge();
    return ir === SPURIOUS ? 0 : 0x80 | ir;
  }
}
