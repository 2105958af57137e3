// The PC/AT interrupt controller: a master 8259A at ports 0x20/0x21 and a
// slave at 0xA0/0xA1 whose INT output drives the master's IR2.
//
// CPU side: the machine loop, between blocks, asks hasInterrupt() and, when
// EFLAGS.IF allows, calls acknowledge() for the vector (the two INTA cycles).
// Device side: raiseIrq/lowerIrq drive IRQ lines 0-15. IRQ 2 is the cascade
// input; as on the AT bus, a device wired to IRQ 2 reaches the slave's IR1
// (IRQ 9).
//
// Initial state: there is no BIOS, so the pair starts the way a PC BIOS leaves
// it: master vectors 0x08-0x0F, slave 0x70-0x77, slave on IR2, 8086 mode,
// edge-triggered, every IRQ masked except the cascade. A guest that wants
// interrupts reprograms the chips (as every kernel does).

import type { StatRow, StatSection } from '../stats/report.js';
import type { IrqSink } from './irq.js';
import { Pic8259, SPURIOUS } from './pic8259.js';
import type { PortDevice } from './port-bus.js';

export const PIC_MASTER_PORT = 0x20;
export const PIC_SLAVE_PORT = 0xa0;
/** Master input the slave's INT output is wired to. */
export const CASCADE_IRQ = 2;
/** Where a device raising IRQ 2 actually lands (AT bus rerouting). */
export const REROUTED_IRQ2 = 9;

export class PicPair implements IrqSink {
  readonly master = new Pic8259('pic-master', { vectorBase: 0x08, cascade: 1 << CASCADE_IRQ, mask: 0xfb });
  readonly slave = new Pic8259('pic-slave', { vectorBase: 0x70, cascade: CASCADE_IRQ, mask: 0xff });
  /** Acknowledged interrupts by IRQ (0-15), spurious ones excluded. */
  readonly acknowledged = new Array<number>(16).fill(0);
  spuriousMaster = 0;
  spuriousSlave = 0;

  /** Port devices for the bus: master at 0x20-0x21, slave at 0xA0-0xA1. */
  readonly masterPorts: PortDevice = this.ports(this.master, 'pic-master');
  readonly slavePorts: PortDevice = this.ports(this.slave, 'pic-slave');

  raiseIrq(irq: number): void {
    this.checkIrq(irq);
    if (irq === CASCADE_IRQ) irq = REROUTED_IRQ2;
    if (irq < 8) this.master.raise(irq);
    else {
      this.slave.raise(irq - 8);
      this.syncCascade();
    }
  }

  lowerIrq(irq: number): void {
    this.checkIrq(irq);
    if (irq === CASCADE_IRQ) irq = REROUTED_IRQ2;
    if (irq < 8) this.master.lower(irq);
    else {
      this.slave.lower(irq - 8);
      this.syncCascade();
    }
  }

  /** The master's INT output: an unmasked request of high enough priority is waiting. */
  hasInterrupt(): boolean {
    return this.master.interruptOutput;
  }

  /**
   * The INTA sequence: returns the vector and does the ISR bookkeeping. With
   * nothing to grant, the master answers IR7's vector without setting ISR; if
   * the master grants the cascade input but the slave has withdrawn its
   * request, the slave answers its IR7 (IRQ 15) vector and only the master's
   * ISR bit 2 is set (the handler must EOI the master alone).
   */
  acknowledge(): number {
    const ir = this.master.acknowledge();
    if (ir === SPURIOUS) {
      this.spuriousMaster++;
      return this.master.vectorBase + 7;
    }
    if (!this.master.single && this.master.cascade & (1 << ir)) {
      const sir = this.slave.acknowledge();
      this.syncCascade();
      if (sir === SPURIOUS) {
        this.spuriousSlave++;
        return this.slave.vectorBase + 7;
      }
      this.acknowledged[8 + sir]++;
      return this.slave.vectorBase + sir;
    }
    this.acknowledged[ir]++;
    return this.master.vectorBase + ir;
  }

  statsSection(): StatSection {
    const rows: StatRow[] = [];
    this.acknowledged.forEach((n, irq) => {
      if (n > 0) rows.push({ name: `IRQ ${irq}`, value: n });
    });
    rows.push({ name: 'spurious IRQ 7', value: this.spuriousMaster });
    rows.push({ name: 'spurious IRQ 15', value: this.spuriousSlave });
    return { title: 'interrupts by IRQ', rows };
  }

  private checkIrq(irq: number): void {
    if (!Number.isInteger(irq) || irq < 0 || irq > 15) throw new Error(`pic: no IRQ ${irq}`);
  }

  /** The slave's INT output is the level on the master's IR2. */
  private syncCascade(): void {
    if (this.slave.interruptOutput) this.master.raise(CASCADE_IRQ);
    else this.master.lower(CASCADE_IRQ);
  }

  private ports(chip: Pic8259, name: string): PortDevice {
    return {
      name,
      read8: (port) => {
        const v = port & 1 ? chip.readData() : chip.readCommand();
        if (chip === this.slave) this.syncCascade();
        return v;
      },
      write8: (port, value) => {
        if (port & 1) chip.writeData(value);
        else chip.writeCommand(value);
        if (chip === this.slave) this.syncCascade();
      },
    };
  }
}
