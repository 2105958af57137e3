// The PC devices of an x86dbt machine, wired together on one port bus:
//   0x20-0x21 PIC master, 0xA0-0xA1 PIC slave (IRQ 2 cascade)
//   0x40-0x43 PIT (counter 0 -> IRQ 0), 0x61 system control port B
//   0x3F8-0x3FF COM1 16550 UART (IRQ 4)
//   0xE9 debug console, 0xF4-0xF7 isa-debug-exit, 0x510-0x511 fw_cfg
//   the local APIC's register page (MMIO, 0xFEE00000 after reset), which
//   passes the PIC's INTR on through LINT0
//
// The machine loop's contract with this module:
//   - port I/O instructions call bus.in8/16/32 and bus.out8/16/32;
//   - before running, bound the run to clock.nextEventTime(); between blocks
//     call clock.runDue(), then, if EFLAGS.IF is set and no interrupt shadow
//     is active, hasInterrupt() -> acknowledge() gives the vector (the APIC's
//     first, then the PIC's when LINT0 lets it through);
//   - on HLT with no interrupt pending, clock.skipTo(clock.nextEventTime())
//     (nothing armed and IF clear means the guest has stopped for good);
//   - after each block or callout, stop.request ends the run when set.

import type { StatSection } from '../stats/report.js';
import type { VirtualClock } from '../time/clock.js';
import { DEBUG_CONSOLE_PORT, DEBUG_EXIT_PORT, DEBUG_EXIT_PORTS, DebugConsole, DebugExit, StopLatch } from './debug-ports.js';
import { FW_CFG_DATA_PORT, FW_CFG_SELECTOR_PORT, FwCfg } from './fw-cfg.js';
import { IrqLine } from './irq.js';
import { LocalApic } from './local-apic.js';
import { PIC_MASTER_PORT, PIC_SLAVE_PORT, PicPair } from './pic-pair.js';
import { PIT_BASE_PORT, PIT_CONTROL_PORT, PIT_IRQ, Pit8254 } from './pit8254.js';
import { SYSTEM_CONTROL_PORT, SystemControlPort } from './port61.js';
import { PortBus } from './port-bus.js';
import { COM1_BASE, COM1_IRQ, Uart16550 } from './uart16550.js';

export interface PcDeviceOptions {
  clock: VirtualClock;
  /** Bytes the guest transmits on COM1 (the CLI writes them to stdout). */
  onSerialOutput: (byte: number) => void;
  /** Bytes the guest writes to port 0xE9. */
  onDebugConsole: (byte: number) => void;
  /** Guest RAM size fw_cfg reports (default 128 MiB). */
  ramBytes?: number;
  /** An interrupt became pending in the local APIC (the machine ends the engine's run). */
  onApicInterrupt?: () => void;
}

export class PcDevices {
  readonly bus = new PortBus();
  readonly pic = new PicPair();
  readonly stop = new StopLatch();
  readonly clock: VirtualClock;
  readonly pit: Pit8254;
  readonly port61: SystemControlPort;
  readonly com1: Uart16550;
  readonly debugExit: DebugExit;
  readonly debugConsole: DebugConsole;
  readonly apic: LocalApic;
  readonly fwCfg: FwCfg;
  /** An NMI sent through the APIC waits here for the machine loop. */
  nmiPending = false;

  constructor(options: PcDeviceOptions) {
    this.clock = options.clock;
    this.pit = new Pit8254(options.clock, new IrqLine(this.pic, PIT_IRQ));
    this.port61 = new SystemControlPort(options.clock, this.pit);
    this.com1 = new Uart16550(new IrqLine(this.pic, COM1_IRQ), { onTransmit: options.onSerialOutput });
    this.debugExit = new DebugExit(this.stop);
    this.debugConsole = new DebugConsole(options.onDebugConsole);
    const onApicInterrupt = options.onApicInterrupt ?? (() => {});
    this.apic = new LocalApic({
      clock: options.clock,
      onInterrupt: onApicInterrupt,
      onNmi: () => {
        this.nmiPending = true;
        onApicInterrupt();
      },
    });
    this.fwCfg = new FwCfg(options.ramBytes ?? 128 << 20);

    this.bus.register(this.pic.masterPorts, PIC_MASTER_PORT, PIC_MASTER_PORT + 1);
    this.bus.register(this.pic.slavePorts, PIC_SLAVE_PORT, PIC_SLAVE_PORT + 1);
    this.bus.register(this.pit, PIT_BASE_PORT, PIT_CONTROL_PORT);
    this.bus.register(this.port61, SYSTEM_CONTROL_PORT);
    this.bus.register(this.com1, COM1_BASE, COM1_BASE + 7);
    this.bus.register(this.debugConsole, DEBUG_CONSOLE_PORT);
    this.bus.register(this.debugExit, DEBUG_EXIT_PORT, DEBUG_EXIT_PORT + DEBUG_EXIT_PORTS - 1);
    this.bus.register(this.fwCfg, FW_CFG_SELECTOR_PORT, FW_CFG_DATA_PORT);
  }

  /** Whether a maskable interrupt waits for the CPU: in the APIC, or from the PIC through LINT0. */
  hasInterrupt(): boolean {
    return this.apic.hasInterrupt() || (this.pic.hasInterrupt() && this.apic.acceptsPicInterrupt());
  }

  /** INTA: the vector of the interrupt hasInterrupt() reported. */
  acknowledge(): number {
    return this.apic.hasInterrupt() ? this.apic.acknowledge() : this.pic.acknowledge();
  }

  /** Sections for --stats: port I/O by device, interrupts by IRQ, device timers. */
  statsSections(): StatSection[] {
    const timers = this.clock.timerCounts().map((t) => ({ name: `${t.name} events`, value: t.fired }));
    return [
      this.bus.statsSection(),
      this.pic.statsSection(),
      {
        title: 'devices',
        rows: [
          ...timers,
          { name: 'halt time skipped', value: this.clock.idleInsns, unit: 'insns' },
          { name: 'COM1 bytes out', value: this.com1.bytesTransmitted },
          { name: 'COM1 bytes in', value: this.com1.bytesReceived },
          { name: 'port 0xe9 bytes', value: this.debugConsole.bytesWritten },
          { name: 'APIC IPIs sent', value: this.apic.ipisSent },
          { name: 'APIC timer interrupts', value: this.apic.timerInterrupts },
        ],
      },
    ];
  }
}
