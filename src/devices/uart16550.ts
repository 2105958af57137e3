// National Semiconductor 16550A UART, as COM1 at 0x3F8-0x3FF on IRQ 4.
//
// Registers by offset (DLAB = LCR bit 7): 0 RBR/THR (DLAB: DLL), 1 IER
// (DLAB: DLM), 2 IIR/FCR, 3 LCR, 4 MCR, 5 LSR, 6 MSR, 7 SCR.
//
// Transmission is instantaneous: a byte written to THR goes to the output
// callback at once (or, in loopback, to the receiver), so LSR.THRE and TEMT
// always read 1 and the THR-empty interrupt condition is re-armed by every
// write, as on the chip once the byte has left the shift register.
//
// Input: bytes queued by the host (stdin) model a sender that waits for the
// receiver, so they are never overrun and never discarded by an FCR receive
// FIFO reset (which drops only bytes the guest looped back to itself). With
// FIFOs enabled, fewer bytes than the trigger level report the character
// timeout interrupt at once, the host sender being idle by then.
// Line errors (overrun, parity, framing, break) never occur, so the receiver
// line status interrupt never fires.
//
// Interrupt output: as in QEMU, the IRQ line is not gated by MCR.OUT2, so
// guests that leave OUT2 clear behave as they do under QEMU.

import type { IrqLine } from './irq.js';
import type { PortDevice } from './port-bus.js';

export const COM1_BASE = 0x3f8;
export const COM1_IRQ = 4;

const IER_RDA = 0x01;
const IER_THRE = 0x02;
const IER_MSI = 0x08;

const LSR_DR = 0x01;
const LSR_THRE = 0x20;
const LSR_TEMT = 0x40;

const MCR_DTR = 0x01;
const MCR_RTS = 0x02;
const MCR_OUT1 = 0x04;
const MCR_OUT2 = 0x08;
const MCR_LOOP = 0x10;

const MSR_CTS = 0x10;
const MSR_DSR = 0x20;
const MSR_RI = 0x40;
const MSR_DCD = 0x80;

/** IIR interrupt identification codes (bits 3-0). */
export const enum Iir {
  None = 0x01,
  ModemStatus = 0x00,
  ThrEmpty = 0x02,
  ReceivedData = 0x04,
  CharacterTimeout = 0x0c,
}

const FIFO_TRIGGER_LEVELS = [1, 4, 8, 14];
const FIFO_SIZE = 16;

export interface UartOptions {
  /** Receives every transmitted byte (not called in loopback mode). */
  onTransmit: (byte: number) => void;
  base?: number;
}

export class Uart16550 implements PortDevice {
  readonly name: string;
  readonly base: number;
  ier = 0;
  lcr = 0x03;
  mcr = 0;
  scr = 0;
  /** Divisor latch; 12 is 9600 baud, what a PC BIOS leaves. */
  divisor = 12;
  fifoEnabled = false;
  private triggerLevel = 1;
  private thrInterrupt = false;
  /** Modem input lines (MSR bits 7-4) and the latched change bits (3-0). */
  private modemInputs = MSR_DCD | MSR_DSR | MSR_CTS;
  private modemDeltas = 0;
  private readonly hostInput: number[] = [];
  private hostHead = 0;
  private readonly loopback: number[] = [];
  bytesTransmitted = 0;
  bytesReceived = 0;

  constructor(
    private readonly irq: IrqLine,
    private readonly options: UartOptions,
  ) {
    this.base = options.base ?? COM1_BASE;
    this.name = this.base === COM1_BASE ? 'uart16550 (COM1)' : `uart16550 @0x${this.base.toString(16)}`;
  }

  /** Queues bytes from the host as if sent by the other end of the line. */
  receive(bytes: Iterable<number>): void {
    for (const b of bytes) this.hostInput.push(b & 0xff);
    this.updateIrq();
  }

  /** Bytes queued and not yet read by the guest. */
  get pendingInput(): number {
    return this.loopback.length + this.hostInput.length - this.hostHead;
  }

  get dlab(): boolean {
    return (this.lcr & 0x80) !== 0;
  }

  get baudRate(): number {
    return this.divisor === 0 ? 0 : 115200 / this.divisor;
  }

  read8(port: number): number {
    const v = this.readRegister(port - this.base);
    this.updateIrq();
    return v;
  }

  write8(port: number, value: number): void {
    this.writeRegister(port - this.base, value);
    this.updateIrq();
  }

  private readRegister(offset: number): number {
    switch (offset) {
      case 0:
        return this.dlab ? this.divisor & 0xff : this.popReceived();
      case 1:
        return this.dlab ? this.divisor >> 8 : this.ier;
      case 2: {
        const id = this.interruptId();
        // Reading IIR while it reports THR empty clears that condition.
        if (id === Iir.ThrEmpty) this.thrInterrupt = false;
        return id | (this.fifoEnabled ? 0xc0 : 0);
      }
      case 3:
        return this.lcr;
      case 4:
        return this.mcr;
      case 5:
        return LSR_THRE | LSR_TEMT | (this.pendingInput > 0 ? LSR_DR : 0);
      case 6: {
        const v = this.modemInputs | this.modemDeltas;
        this.modemDeltas = 0;
        return v;
      }
      default:
        return this.scr;
    }
  }

  private writeRegister(offset: number, value: number): void {
    switch (offset) {
      case 0:
        if (this.dlab) this.divisor = (this.divisor & 0xff00) | value;
        else this.transmit(value);
        return;
      case 1:
        if (this.dlab) {
          this.divisor = (this.divisor & 0xff) | (value << 8);
          return;
        }
        // Enabling the THR-empty interrupt while THR is empty raises it at once.
        if (value & IER_THRE && !(this.ier & IER_THRE)) this.thrInterrupt = true;
        this.ier = value & 0x0f;
        return;
      case 2:
        this.writeFcr(value);
        return;
      case 3:
        this.lcr = value;
        return;
      case 4:
        this.writeMcr(value & 0x1f);
        return;
      case 7:
        this.scr = value;
        return;
      default:
        return; // LSR and MSR are read-only (their factory-test writes are not modelled)
    }
  }

  private transmit(byte: number): void {
    this.bytesTransmitted++;
    if (this.mcr & MCR_LOOP) {
      if (this.loopback.length < FIFO_SIZE) this.loopback.push(byte);
    } else {
      this.options.onTransmit(byte);
    }
    this.thrInterrupt = true;
  }

  private popReceived(): number {
    let byte: number | undefined;
    if (this.loopback.length > 0) byte = this.loopback.shift();
    else if (this.hostHead < this.hostInput.length) {
      byte = this.hostInput[this.hostHead++];
      if (this.hostHead === this.hostInput.length) {
        this.hostInput.length = 0;
        this.hostHead = 0;
      }
    }
    if (byte === undefined) return 0;
    this.bytesReceived++;
    return byte;
  }

  private writeFcr(value: number): void {
    const enable = (value & 0x01) !== 0;
    // Changing the FIFO enable resets both FIFOs, as does bit 1 for the receiver.
    if (enable !== this.fifoEnabled || value & 0x02) this.loopback.length = 0;
    this.fifoEnabled = enable;
    this.triggerLevel = FIFO_TRIGGER_LEVELS[value >> 6];
  }

  private writeMcr(value: number): void {
    this.mcr = value;
    const inputs =
      value & MCR_LOOP
        ? (value & MCR_RTS ? MSR_CTS : 0) |
          (value & MCR_DTR ? MSR_DSR : 0) |
          (value & MCR_OUT1 ? MSR_RI : 0) |
          (value & MCR_OUT2 ? MSR_DCD : 0)
        : MSR_DCD | MSR_DSR | MSR_CTS;
    const changed = inputs ^ this.modemInputs;
    // Delta bits: DCTS, DDSR, DDCD on any change; TERI only when RI falls.
    let deltas = 0;
    if (changed & MSR_CTS) deltas |= 0x01;
    if (changed & MSR_DSR) deltas |= 0x02;
    if (changed & MSR_RI && !(inputs & MSR_RI)) deltas |= 0x04;
    if (changed & MSR_DCD) deltas |= 0x08;
    this.modemDeltas |= deltas;
    this.modemInputs = inputs;
  }

  /** Highest-priority pending interrupt (IIR bits 3-0). */
  interruptId(): Iir {
    const available = this.pendingInput;
    if (this.ier & IER_RDA && available > 0) {
      if (!this.fifoEnabled || Math.min(available, FIFO_SIZE) >= this.triggerLevel) return Iir.ReceivedData;
      return Iir.CharacterTimeout;
    }
    if (this.ier & IER_THRE && this.thrInterrupt) return Iir.ThrEmpty;
    if (this.ier & IER_MSI && this.modemDeltas) return Iir.ModemStatus;
    return Iir.None;
  }

  private updateIrq(): void {
    this.irq.set(this.interruptId() !== Iir.None);
  }
}
