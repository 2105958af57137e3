import { describe, expect, it } from 'vitest';
import { PicPair } from '../../src/devices/pic-pair.js';
import { PortBus } from '../../src/devices/port-bus.js';

/** A pair on a bus, programmed as Linux does: master vectors 0x20, slave 0x28, all unmasked. */
function programmed(options: { masterIcw1?: number; masterIcw4?: number; slaveIcw4?: number } = {}) {
  const pic = new PicPair();
  const bus = new PortBus();
  bus.register(pic.masterPorts, 0x20, 0x21);
  bus.register(pic.slavePorts, 0xa0, 0xa1);
  bus.out8(0x20, options.masterIcw1 ?? 0x11);
  bus.out8(0x21, 0x20);
  bus.out8(0x21, 0x04);
  bus.out8(0x21, options.masterIcw4 ?? 0x01);
  bus.out8(0xa0, 0x11);
  bus.out8(0xa1, 0x28);
  bus.out8(0xa1, 0x02);
  bus.out8(0xa1, options.slaveIcw4 ?? 0x01);
  bus.out8(0x21, 0x00);
  bus.out8(0xa1, 0x00);
  return { pic, bus };
}

const EOI = 0x20;
const readIsr = (bus: PortBus, port: number): number => {
  bus.out8(port, 0x0b);
  return bus.in8(port);
};
const readIrr = (bus: PortBus, port: number): number => {
  bus.out8(port, 0x0a);
  return bus.in8(port);
};

describe('8259A pair: initial state and programming', () => {
  it('starts as a BIOS leaves it: vectors 0x08 and 0x70, everything masked but the cascade', () => {
    const pic = new PicPair();
    pic.raiseIrq(0);
    expect(pic.hasInterrupt()).toBe(false);
    pic.master.writeData(0xfa); // unmask IRQ 0
    expect(pic.hasInterrupt()).toBe(true);
    expect(pic.acknowledge()).toBe(0x08);
    pic.slave.writeData(0x00);
    pic.raiseIrq(8);
    pic.master.writeCommand(EOI);
    expect(pic.acknowledge()).toBe(0x70);
  });

  it('ICW1-ICW4 set the vector bases; OCW1 masks are read back from the data port', () => {
    const { pic, bus } = programmed();
    expect(pic.master.vectorBase).toBe(0x20);
    expect(pic.slave.vectorBase).toBe(0x28);
    bus.out8(0x21, 0xb8);
    expect(bus.in8(0x21)).toBe(0xb8);
    expect(pic.master.initializing).toBe(false);
  });

  it('ICW1 clears the masks, ISR and pending edges', () => {
    const { pic, bus } = programmed();
    pic.raiseIrq(5);
    bus.out8(0x21, 0xff);
    bus.out8(0x20, 0x11);
    expect(pic.master.initializing).toBe(true);
    expect(bus.in8(0x21)).toBe(0x00);
    expect(pic.master.irr).toBe(0);
    bus.out8(0x21, 0x30);
    bus.out8(0x21, 0x04);
    bus.out8(0x21, 0x01);
    expect(pic.hasInterrupt()).toBe(false); // IRQ 5 must rise again after initialization
    pic.lowerIrq(5);
    pic.raiseIrq(5);
    expect(pic.acknowledge()).toBe(0x35);
  });

  it('ICW1 without IC4 and in single mode skips ICW3 and ICW4', () => {
    const pic = new PicPair();
    pic.master.writeCommand(0x12); // single, no ICW4
    pic.master.writeData(0x40); // ICW2
    expect(pic.master.initializing).toBe(false);
    pic.master.writeData(0x00); // OCW1
    pic.raiseIrq(2 + 0); // rerouted to IRQ 9 on the slave, which is masked
    pic.master.raise(2); // the master's own IR2, not a cascade in single mode
    expect(pic.acknowledge()).toBe(0x42);
  });
});

describe('8259A pair: priorities, EOI and masks', () => {
  it('grants the highest priority request and nests only higher ones', () => {
    const { pic, bus } = programmed();
    pic.raiseIrq(3);
    pic.raiseIrq(1);
    expect(pic.acknowledge()).toBe(0x21);
    expect(readIsr(bus, 0x20)).toBe(0x02);
    expect(pic.hasInterrupt()).toBe(false); // IRQ 3 is lower than IRQ 1 in service
    pic.raiseIrq(0);
    expect(pic.acknowledge()).toBe(0x20); // IRQ 0 nests
    expect(readIsr(bus, 0x20)).toBe(0x03);
    bus.out8(0x20, EOI); // non-specific: clears the highest in service, IRQ 0
    expect(readIsr(bus, 0x20)).toBe(0x02);
    expect(pic.hasInterrupt()).toBe(false);
    bus.out8(0x20, EOI);
    expect(pic.acknowledge()).toBe(0x23);
    expect(pic.acknowledged.slice(0, 4)).toEqual([1, 1, 0, 1]);
  });

  it('specific EOI clears the named level only', () => {
    const { pic, bus } = programmed();
    pic.raiseIrq(4);
    pic.acknowledge();
    pic.raiseIrq(1);
    pic.acknowledge();
    expect(readIsr(bus, 0x20)).toBe(0x12);
    bus.out8(0x20, 0x60 | 4);
    expect(readIsr(bus, 0x20)).toBe(0x02);
  });

  it('OCW3 selects IRR or ISR for command port reads', () => {
    const { pic, bus } = programmed();
    pic.raiseIrq(6);
    pic.raiseIrq(7);
    expect(readIrr(bus, 0x20)).toBe(0xc0);
    pic.acknowledge();
    expect(readIrr(bus, 0x20)).toBe(0x80);
    expect(readIsr(bus, 0x20)).toBe(0x40);
    expect(bus.in8(0x20)).toBe(0x40); // the selection sticks
  });

  it('masked requests wait in IRR and are granted when unmasked', () => {
    const { pic, bus } = programmed();
    bus.out8(0x21, 0x01);
    pic.raiseIrq(0);
    expect(pic.hasInterrupt()).toBe(false);
    expect(readIrr(bus, 0x20)).toBe(0x01);
    bus.out8(0x21, 0x00);
    expect(pic.acknowledge()).toBe(0x20);
  });

  it('rotate on non-specific EOI makes the serviced level the lowest priority', () => {
    const { pic, bus } = programmed();
    pic.raiseIrq(0);
    expect(pic.acknowledge()).toBe(0x20);
    bus.out8(0x20, 0xa0);
    expect(pic.master.lowestPriority).toBe(0);
    pic.lowerIrq(0);
    pic.raiseIrq(0);
    pic.raiseIrq(5);
    expect(pic.acknowledge()).toBe(0x25); // priority order is now 1..7, 0
  });

  it('set priority (OCW2 0xC0 | L) and rotate on specific EOI', () => {
    const { pic, bus } = programmed();
    bus.out8(0x20, 0xc0 | 4); // IRQ 4 lowest, IRQ 5 highest
    pic.raiseIrq(3);
    pic.raiseIrq(6);
    expect(pic.acknowledge()).toBe(0x26);
    bus.out8(0x20, 0xe0 | 6); // rotate on specific EOI 6: 7 is now highest
    expect(pic.master.lowestPriority).toBe(6);
    expect(pic.acknowledge()).toBe(0x23);
  });

  it('automatic EOI leaves ISR clear (and can rotate)', () => {
    const { pic, bus } = programmed({ masterIcw4: 0x03 });
    pic.raiseIrq(1);
    expect(pic.acknowledge()).toBe(0x21);
    expect(readIsr(bus, 0x20)).toBe(0);
    bus.out8(0x20, 0x80); // rotate in automatic EOI mode
    pic.raiseIrq(3);
    expect(pic.acknowledge()).toBe(0x23);
    expect(pic.master.lowestPriority).toBe(3);
  });

  it('special mask mode lets lower levels in while a masked level is in service', () => {
    const { pic, bus } = programmed();
    pic.raiseIrq(1);
    pic.acknowledge();
    pic.raiseIrq(4);
    expect(pic.hasInterrupt()).toBe(false);
    bus.out8(0x21, 0x02); // mask IRQ 1 (in service)
    bus.out8(0x20, 0x68); // OCW3: set special mask
    expect(pic.acknowledge()).toBe(0x24);
    bus.out8(0x20, 0x48); // reset special mask
    expect(pic.master.specialMask).toBe(false);
  });

  it('poll command: the read acknowledges and returns 0x80 | level', () => {
    const { pic, bus } = programmed();
    bus.out8(0x20, 0x0c);
    expect(bus.in8(0x20)).toBe(0x00);
    pic.raiseIrq(6);
    bus.out8(0x20, 0x0c);
    expect(bus.in8(0x20)).toBe(0x86);
    expect(readIsr(bus, 0x20)).toBe(0x40);
  });
});

describe('8259A pair: triggering and spurious interrupts', () => {
  it('edge-triggered: a line held high requests once; it must fall and rise again', () => {
    const { pic, bus } = programmed();
    pic.raiseIrq(3);
    pic.raiseIrq(3);
    expect(pic.acknowledge()).toBe(0x23);
    bus.out8(0x20, EOI);
    expect(pic.hasInterrupt()).toBe(false);
    pic.lowerIrq(3);
    pic.raiseIrq(3);
    expect(pic.acknowledge()).toBe(0x23);
  });

  it('level-triggered (ICW1.LTIM): a line still high after EOI requests again', () => {
    const { pic, bus } = programmed({ masterIcw1: 0x19 });
    pic.raiseIrq(3);
    expect(pic.acknowledge()).toBe(0x23);
    expect(pic.hasInterrupt()).toBe(false);
    bus.out8(0x20, EOI);
    expect(pic.acknowledge()).toBe(0x23);
    bus.out8(0x20, EOI);
    pic.lowerIrq(3);
    expect(pic.hasInterrupt()).toBe(false);
  });

  it('a request withdrawn before the acknowledge gives the IR7 vector without setting ISR', () => {
    const { pic, bus } = programmed();
    pic.raiseIrq(5);
    expect(pic.hasInterrupt()).toBe(true);
    pic.lowerIrq(5);
    expect(pic.hasInterrupt()).toBe(false);
    expect(pic.acknowledge()).toBe(0x27);
    expect(readIsr(bus, 0x20)).toBe(0);
    expect(pic.spuriousMaster).toBe(1);
    expect(pic.acknowledged[7]).toBe(0);
  });

  it('the slave answers its IR7 (IRQ 15) vector when the master grants a cascade it no longer requests', () => {
    const { pic, bus } = programmed();
    pic.master.raise(2); // IR2 request with nothing behind it on the slave
    expect(pic.acknowledge()).toBe(0x2f);
    expect(readIsr(bus, 0x20)).toBe(0x04); // the master's ISR bit 2 is set: EOI the master only
    expect(readIsr(bus, 0xa0)).toBe(0);
    expect(pic.spuriousSlave).toBe(1);
  });
});

describe('8259A pair: cascade', () => {
  it('slave IRQs arrive through master IR2 with both ISR bits set', () => {
    const { pic, bus } = programmed();
    pic.raiseIrq(12);
    expect(pic.hasInterrupt()).toBe(true);
    expect(pic.acknowledge()).toBe(0x2c);
    expect(readIsr(bus, 0x20)).toBe(0x04);
    expect(readIsr(bus, 0xa0)).toBe(0x10);
    bus.out8(0xa0, EOI);
    bus.out8(0x20, EOI);
    expect(readIsr(bus, 0x20)).toBe(0);
    expect(pic.acknowledged[12]).toBe(1);
  });

  it('slave masks stop the request reaching the master', () => {
    const { pic, bus } = programmed();
    bus.out8(0xa1, 0x10);
    pic.raiseIrq(12);
    expect(pic.hasInterrupt()).toBe(false);
    bus.out8(0xa1, 0x00);
    expect(pic.acknowledge()).toBe(0x2c);
  });

  it('a second slave request waits for the slave EOI, then arrives as a new IR2 edge', () => {
    const { pic, bus } = programmed();
    pic.raiseIrq(9);
    pic.raiseIrq(14);
    expect(pic.acknowledge()).toBe(0x29);
    bus.out8(0x20, EOI);
    expect(pic.hasInterrupt()).toBe(false); // IRQ 14 is below IRQ 9 in service on the slave
    bus.out8(0xa0, EOI);
    expect(pic.acknowledge()).toBe(0x2e);
  });

  it('without special fully nested mode the master blocks higher slave requests while the slave is in service', () => {
    for (const sfnm of [false, true]) {
      const { pic } = programmed({ masterIcw4: sfnm ? 0x11 : 0x01 });
      pic.raiseIrq(12);
      expect(pic.acknowledge()).toBe(0x2c);
      pic.raiseIrq(9); // above IRQ 12 on the slave, so the slave raises INT again
      expect(pic.master.irr & 0x04).toBe(0x04);
      expect(pic.hasInterrupt()).toBe(sfnm);
      if (sfnm) expect(pic.acknowledge()).toBe(0x29);
    }
  });

  it('IRQ 2 from a device lands on IRQ 9, as on the AT bus', () => {
    const { pic } = programmed();
    pic.raiseIrq(2);
    expect(pic.acknowledge()).toBe(0x29);
    expect(() => pic.raiseIrq(16)).toThrow(/no IRQ 16/);
  });

  it('counts interrupts by IRQ for the statistics', () => {
    const { pic, bus } = programmed();
    for (let i = 0; i < 3; i++) {
      pic.raiseIrq(0);
      pic.acknowledge();
      bus.out8(0x20, EOI);
      pic.lowerIrq(0);
    }
    pic.raiseIrq(4);
    pic.acknowledge();
    pic.acknowledge(); // nothing pending: spurious
    const s = pic.statsSection();
    expect(s.title).toBe('interrupts by IRQ');
    expect(s.rows).toEqual([
      { name: 'IRQ 0', value: 3 },
      { name: 'IRQ 4', value: 1 },
      { name: 'spurious IRQ 7', value: 1 },
      { name: 'spurious IRQ 15', value: 0 },
    ]);
  });
});
