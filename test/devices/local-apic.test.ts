import { describe, expect, it } from 'vitest';
import { ApicReg, LocalApic } from '../../src/devices/local-apic.js';
import { VirtualClock } from '../../src/time/clock.js';

/** An APIC on a clock the test moves, software-enabled (SVR bit 8) as a kernel leaves it. */
function apic() {
  let t = 0;
  const clock = new VirtualClock(() => t);
  let interrupts = 0;
  let nmis = 0;
  const a = new LocalApic({ clock, onInterrupt: () => interrupts++, onNmi: () => nmis++ });
  a.writeRegister(ApicReg.SVR, 0x1ff);
  return {
    a,
    advance: (n: number) => {
      t += n;
      clock.runDue();
    },
    interrupts: () => interrupts,
    nmis: () => nmis,
  };
}

describe('local APIC (SDM vol. 3 ch. 10)', () => {
  it('delivers the highest requested vector above the priority, and EOI retires the one in service', () => {
    const { a } = apic();
    a.accept(0x41);
    a.accept(0x62);
    expect(a.hasInterrupt()).toBe(true);
    expect(a.acknowledge()).toBe(0x62);
    // 0x41 is in a lower class than 0x62 in service: held back until EOI.
    expect(a.readRegister(ApicReg.PPR)).toBe(0x60);
    expect(a.hasInterrupt()).toBe(false);
    a.writeRegister(ApicReg.EOI, 0);
    expect(a.readRegister(ApicReg.ISR + 0x30)).toBe(0);
    expect(a.hasInterrupt()).toBe(true);
    expect(a.acknowledge()).toBe(0x41);
  });

  it('TPR blocks vectors of its class and below', () => {
    const { a } = apic();
    a.writeRegister(ApicReg.TPR, 0x50);
    a.accept(0x55);
    expect(a.hasInterrupt()).toBe(false);
    a.writeRegister(ApicReg.TPR, 0x40);
    expect(a.hasInterrupt()).toBe(true);
  });

  it('a one-shot timer counts down at the divided bus clock and fires once', () => {
    const { a, advance } = apic();
    a.writeRegister(ApicReg.TIMER_DIVIDE, 0x3); // divide by 16
    a.writeRegister(ApicReg.LVT_TIMER, 0xec);
    a.writeRegister(ApicReg.TIMER_INITIAL, 100);
    advance(160);
    expect(a.readRegister(ApicReg.TIMER_CURRENT)).toBe(90);
    expect(a.hasInterrupt()).toBe(false);
    advance(1600);
    expect(a.readRegister(ApicReg.TIMER_CURRENT)).toBe(0);
    expect(a.acknowledge()).toBe(0xec);
    a.writeRegister(ApicReg.EOI, 0);
    advance(10_000);
    expect(a.hasInterrupt()).toBe(false);
  });

  it('a periodic timer reloads; a masked one counts without requesting', () => {
    const { a, advance } = apic();
    a.writeRegister(ApicReg.TIMER_DIVIDE, 0xb); // divide by 1
    a.writeRegister(ApicReg.LVT_TIMER, (1 << 17) | (1 << 16) | 0xec);
    a.writeRegister(ApicReg.TIMER_INITIAL, 1000);
    advance(2500);
    expect(a.hasInterrupt()).toBe(false);
    expect(a.readRegister(ApicReg.TIMER_CURRENT)).toBe(500);
    a.writeRegister(ApicReg.LVT_TIMER, (1 << 17) | 0xec);
    advance(500);
    expect(a.acknowledge()).toBe(0xec);
    expect(a.timerInterrupts).toBe(1);
  });

  it('a self-IPI sets its vector; an illegal vector is an ESR error, latched by an ESR write', () => {
    const { a, nmis } = apic();
    a.writeRegister(ApicReg.ICR_LOW, (1 << 18) | 0x77); // shorthand self, fixed
    expect(a.acknowledge()).toBe(0x77);
    a.writeRegister(ApicReg.ICR_LOW, (1 << 18) | 0x05);
    expect(a.readRegister(ApicReg.ESR)).toBe(0);
    a.writeRegister(ApicReg.ESR, 0);
    expect(a.readRegister(ApicReg.ESR)).toBe(1 << 5);
    a.writeRegister(ApicReg.ICR_LOW, (1 << 18) | (4 << 8)); // NMI to self
    expect(nmis()).toBe(1);
  });

  it('clearing the software enable masks every LVT entry', () => {
    const { a } = apic();
    a.writeRegister(ApicReg.LVT_TIMER, 0xec);
    a.writeRegister(ApicReg.SVR, 0xff);
    expect(a.readRegister(ApicReg.LVT_TIMER) & (1 << 16)).not.toBe(0);
  });
});
