import { describe, expect, it } from 'vitest';
import { type IrqSink, IrqLine } from '../../src/devices/irq.js';
import { Uart16550 } from '../../src/devices/uart16550.js';

function rig() {
  const out: number[] = [];
  const irq: string[] = [];
  const sink: IrqSink = { raiseIrq: (n) => irq.push(`+${n}`), lowerIrq: (n) => irq.push(`-${n}`) };
  const line = new IrqLine(sink, 4);
  const uart = new Uart16550(line, { onTransmit: (b) => out.push(b) });
  const rd = (off: number): number => uart.read8(0x3f8 + off);
  const wr = (off: number, v: number): void => uart.write8(0x3f8 + off, v);
  return { uart, out, irq, line, rd, wr };
}

describe('16550 UART registers', () => {
  it('transmits THR writes to the output callback; LSR always has THRE and TEMT', () => {
    const r = rig();
    expect(r.rd(5)).toBe(0x60);
    for (const c of 'Hi\n') r.wr(0, c.charCodeAt(0));
    expect(String.fromCharCode(...r.out)).toBe('Hi\n');
    expect(r.rd(5)).toBe(0x60);
    expect(r.uart.bytesTransmitted).toBe(3);
  });

  it('DLAB switches offsets 0 and 1 to the divisor latch', () => {
    const r = rig();
    r.wr(3, 0x80);
    r.wr(0, 0x01);
    r.wr(1, 0x00);
    expect(r.rd(0)).toBe(0x01);
    expect(r.rd(1)).toBe(0x00);
    expect(r.uart.baudRate).toBe(115200);
    expect(r.out).toEqual([]); // a divisor write is not a transmission
    r.wr(3, 0x03);
    expect(r.rd(3)).toBe(0x03);
    expect(r.rd(1)).toBe(0x00); // IER again
    r.wr(1, 0xff);
    expect(r.rd(1)).toBe(0x0f); // only four IER bits exist
  });

  it('keeps the scratch register and MCR', () => {
    const r = rig();
    r.wr(7, 0x5a);
    expect(r.rd(7)).toBe(0x5a);
    r.wr(4, 0xff);
    expect(r.rd(4)).toBe(0x1f);
  });

  it('queued input sets LSR.DR and is read from RBR in order', () => {
    const r = rig();
    r.uart.receive([0x41, 0x42]);
    expect(r.rd(5) & 1).toBe(1);
    expect(r.rd(0)).toBe(0x41);
    expect(r.rd(0)).toBe(0x42);
    expect(r.rd(5) & 1).toBe(0);
    expect(r.uart.bytesReceived).toBe(2);
    expect(r.rd(0)).toBe(0); // empty receiver
  });

  it('IIR reports FIFO state in bits 7-6 after FCR enables FIFOs', () => {
    const r = rig();
    expect(r.rd(2)).toBe(0x01);
    r.wr(2, 0xc7);
    expect(r.rd(2)).toBe(0xc1);
    r.wr(2, 0x00);
    expect(r.rd(2)).toBe(0x01);
  });

  it('MSR without loopback reports DCD, DSR and CTS', () => {
    const r = rig();
    expect(r.rd(6)).toBe(0xb0);
  });
});

describe('16550 UART interrupts (IRQ 4)', () => {
  it('received data raises IRQ 4 when IER bit 0 enables it, until the data is read', () => {
    const r = rig();
    r.uart.receive([1]);
    expect(r.irq).toEqual([]);
    r.wr(1, 0x01);
    expect(r.irq).toEqual(['+4']);
    expect(r.rd(2)).toBe(0x04);
    r.rd(0);
    expect(r.irq).toEqual(['+4', '-4']);
    expect(r.rd(2)).toBe(0x01);
    r.uart.receive([2]);
    expect(r.irq).toEqual(['+4', '-4', '+4']);
  });

  it('THR-empty interrupt: raised when enabled, cleared by reading IIR, re-armed by each write', () => {
    const r = rig();
    r.wr(1, 0x02);
    expect(r.line.high).toBe(true);
    expect(r.rd(2)).toBe(0x02);
    expect(r.line.high).toBe(false);
    expect(r.rd(2)).toBe(0x01);
    r.wr(0, 0x41);
    expect(r.line.high).toBe(true);
    r.wr(1, 0x00);
    expect(r.line.high).toBe(false);
  });

  it('received data has priority over THR empty in IIR', () => {
    const r = rig();
    r.wr(1, 0x03);
    r.uart.receive([9]);
    expect(r.rd(2)).toBe(0x04);
    r.rd(0);
    expect(r.rd(2)).toBe(0x02);
  });

  it('with FIFOs, fewer bytes than the trigger level report a character timeout', () => {
    const r = rig();
    r.wr(2, 0x81); // FIFO on, trigger level 8
    r.wr(1, 0x01);
    r.uart.receive([1, 2, 3]);
    expect(r.rd(2)).toBe(0xcc);
    r.uart.receive([4, 5, 6, 7, 8]);
    expect(r.rd(2)).toBe(0xc4);
  });
});

describe('16550 UART loopback (MCR bit 4)', () => {
  it('sends THR bytes back to the receiver, not to the output', () => {
    const r = rig();
    r.wr(4, 0x1e); // loopback, RTS, OUT1, OUT2
    r.wr(0, 0xae);
    expect(r.out).toEqual([]);
    expect(r.rd(5) & 1).toBe(1);
    expect(r.rd(0)).toBe(0xae);
  });

  it('maps MCR outputs to MSR inputs with change bits, and raises the modem status interrupt', () => {
    const r = rig();
    r.wr(1, 0x08);
    r.wr(4, 0x10); // loopback, all outputs low: CTS, DSR, DCD fall
    expect(r.rd(2)).toBe(0x00);
    expect(r.rd(6)).toBe(0x0b);
    expect(r.rd(2)).toBe(0x01); // reading MSR cleared the change bits
    r.wr(4, 0x1f); // DTR RTS OUT1 OUT2 high
    expect(r.rd(6)).toBe(0xf0 | 0x0b);
    r.wr(4, 0x1b); // OUT1 (RI) falls: trailing edge bit
    expect(r.rd(6) & 0x4f).toBe(0x04);
  });

  it('an FCR receiver reset drops looped-back bytes but never host input', () => {
    const r = rig();
    r.uart.receive([0x31]);
    r.wr(4, 0x10);
    r.wr(0, 0x55);
    r.wr(2, 0x03);
    expect(r.uart.pendingInput).toBe(1);
    r.wr(4, 0x00);
    expect(r.rd(0)).toBe(0x31);
  });
});
