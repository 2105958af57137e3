// Interrupt request lines between devices and the interrupt controller.
//
// A device drives its line to a level; the controller (pic-pair.ts) decides
// what a level change means (edge- or level-triggered, per ICW1.LTIM).
// IrqLine remembers the level so repeated set(true) calls are not new edges.

/** What devices raise interrupts into: the cascaded 8259A pair implements it. */
export interface IrqSink {
  raiseIrq(irq: number): void;
  lowerIrq(irq: number): void;
}

export class IrqLine {
  private level = false;

  constructor(
    private readonly sink: IrqSink,
    readonly irq: number,
  ) {}

  set(level: boolean): void {
    if (level === this.level) return;
    this.level = level;
    if (level) this.sink.raiseIrq(this.irq);
    else this.sink.lowerIrq(this.irq);
  }

  get high(): boolean {
    return this.level;
  }
}
