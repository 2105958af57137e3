// The local APIC of the one processor, in xAPIC mode (SDM Vol. 3, chapter 10
// / 11 "Advanced Programmable Interrupt Controller"): its 4 KiB register
// page at IA32_APIC_BASE (0xFEE00000 after reset, relocatable), the interrupt
// request, in-service and trigger-mode registers with TPR/PPR priority, EOI,
// self-IPIs through the ICR, the LVT and the APIC timer on virtual time.
//
// With no other processor, an IPI reaches this APIC or nobody: INIT and
// STARTUP to others go nowhere, and the ICR's delivery-status bit reads idle
// since a send completes at once. The 8259 reaches the CPU through LINT0: its
// INTR is taken while the APIC is globally disabled or LINT0 is unmasked (the
// BSP resets to virtual-wire mode, LINT0 = ExtINT, as QEMU's APIC does).
import type { MmioDevice } from '../mem/mmio.js';
import type { Timer, VirtualClock } from '../time/clock.js';

export const APIC_DEFAULT_BASE = 0xfee00000;
/** IA32_APIC_BASE bits: BSP (8), global enable (11), base address (35:12, here 31:12). */
export const APIC_BASE_BSP = 1 << 8;
export const APIC_BASE_ENABLE = 1 << 11;
/** Version register: 0x14 (an integrated xAPIC), six LVT entries (max LVT index 5). */
export const APIC_VERSION = 0x00050014;
/** APIC timer input: one bus tick per instruction (1 GHz at the nominal 1 ns per instruction, as QEMU's). */
const TIMER_TICKS_PER_INSN = 1;

/** Register offsets in the page. */
export const enum ApicReg {
  ID = 0x20,
  VERSION = 0x30,
  TPR = 0x80,
  APR = 0x90,
  PPR = 0xa0,
  EOI = 0xb0,
  LDR = 0xd0,
  DFR = 0xe0,
  SVR = 0xf0,
  ISR = 0x100,
  TMR = 0x180,
  IRR = 0x200,
  ESR = 0x280,
  ICR_LOW = 0x300,
  ICR_HIGH = 0x310,
  LVT_TIMER = 0x320,
  LVT_THERMAL = 0x330,
  LVT_PERF = 0x340,
  LVT_LINT0 = 0x350,
  LVT_LINT1 = 0x360,
  LVT_ERROR = 0x370,
  TIMER_INITIAL = 0x380,
  TIMER_CURRENT = 0x390,
  TIMER_DIVIDE = 0x3e0,
}

export const LVT_MASKED = 1 << 16;
const LVT_TIMER_PERIODIC = 1 << 17;
const LVT_DELIVERY_MODE = 0x700;
const SVR_ENABLE = 1 << 8;
/** ESR bits 5 and 6: a sent or received interrupt named an illegal vector (0-15). */
const ESR_SEND_ILLEGAL_VECTOR = 1 << 5;
const ESR_RECEIVE_ILLEGAL_VECTOR = 1 << 6;
/** LVT entries in register order (timer, thermal, perf, LINT0, LINT1, error) and the bits each keeps. */
const LVT_REGS = [ApicReg.LVT_TIMER, ApicReg.LVT_THERMAL, ApicReg.LVT_PERF, ApicReg.LVT_LINT0, ApicReg.LVT_LINT1, ApicReg.LVT_ERROR];
const LVT_WRITABLE = [0x700ff, 0x107ff, 0x107ff, 0x1a7ff, 0x1a7ff, 0x100ff];
const LVT_TIMER_MODE = 0x60000;

export const enum DeliveryMode {
  FIXED = 0,
  LOWEST = 1,
  SMI = 2,
  NMI = 4,
  INIT = 5,
  STARTUP = 6,
  EXTINT = 7,
}

export interface LocalApicOptions {
  clock: VirtualClock;
  /** Called when an interrupt became pending (the machine ends the engine's run so it is taken). */
  onInterrupt: () => void;
  /** Called when an NMI is sent to this processor. */
  onNmi: () => void;
}

export class LocalApic implements MmioDevice {
  /** IA32_APIC_BASE as the MSR holds it (low 32 bits; the high ones are zero). */
  private baseMsr = APIC_DEFAULT_BASE | APIC_BASE_BSP | APIC_BASE_ENABLE;
  private id = 0;
  private tpr = 0;
  private ldr = 0;
  private dfr = 0xffffffff;
  private svr = 0xff;
  private esr = 0;
  /** Errors collected since the last ESR write (a write latches them into esr). */
  private esrPending = 0;
  private icrLow = 0;
  private icrHigh = 0;
  private readonly lvt = new Uint32Array(6);
  private readonly irr = new Uint32Array(8);
  private readonly isr = new Uint32Array(8);
  private readonly tmr = new Uint32Array(8);
  private timerInitial = 0;
  private timerDivide = 0;
  /** Virtual time the current count was loaded from the initial count (Infinity: stopped). */
  private timerStart = Infinity;
  private readonly timer: Timer;
  /** Statistics: interrupts accepted into the IRR, by source. */
  ipisSent = 0;
  timerInterrupts = 0;

  constructor(private readonly options: LocalApicOptions) {
    this.timer = options.clock.createTimer('apic timer', (due) => this.timerFired(due));
    this.reset();
  }

  reset(): void {
    this.id = 0;
    this.tpr = 0;
    this.ldr = 0;
    this.dfr = 0xffffffff;
    this.svr = 0xff;
    this.esr = 0;
    this.esrPending = 0;
    this.icrLow = 0;
    this.icrHigh = 0;
    this.lvt.fill(LVT_MASKED);
    this.lvt[3] = DeliveryMode.EXTINT << 8; // virtual wire: the 8259 through LINT0
    this.irr.fill(0);
    this.isr.fill(0);
    this.tmr.fill(0);
    this.timerInitial = 0;
    this.timerDivide = 0;
    this.timerStart = Infinity;
    this.timer.disarm();
  }

  // ---- IA32_APIC_BASE ----

  get baseMsrValue(): number {
    return this.baseMsr >>> 0;
  }

  /** WRMSR IA32_APIC_BASE; false when reserved bits are set (#GP). x2APIC (bit 10) is not offered. */
  writeBaseMsr(lo: number, hi: number): boolean {
    if (hi !== 0 || (lo & 0x6ff) !== 0) return false;
    const wasEnabled = this.globallyEnabled;
    this.baseMsr = (lo & ~0x6ff) | APIC_BASE_BSP;
    // Disabling the APIC globally resets it; it comes back as after power-up (SDM 10.4.3).
    if (wasEnabled && !this.globallyEnabled) this.reset();
    return true;
  }

  get globallyEnabled(): boolean {
    return (this.baseMsr & APIC_BASE_ENABLE) !== 0;
  }

  get softwareEnabled(): boolean {
    return (this.svr & SVR_ENABLE) !== 0;
  }

  // ---- MMIO ----

  claims(phys: number): boolean {
    return this.globallyEnabled && ((phys ^ this.baseMsr) & 0xfffff000) === 0;
  }

  read(phys: number, size: number): number {
    const off = phys & 0xfff;
    const v = this.readRegister(off & 0xff0) >>> (8 * (off & 3));
    return size === 4 ? v | 0 : v & (size === 2 ? 0xffff : 0xff);
  }

  write(phys: number, size: number, value: number): void {
    // The registers are 32 bits wide at 16-byte-aligned offsets; narrower writes are taken as the whole word.
    void size;
    this.writeRegister(phys & 0xff0, value >>> 0);
  }

  readRegister(off: number): number {
    switch (off) {
      case ApicReg.ID:
        return this.id << 24;
      case ApicReg.VERSION:
        return APIC_VERSION;
      case ApicReg.TPR:
        return this.tpr;
      case ApicReg.APR:
        return 0;
      case ApicReg.PPR:
        return this.ppr();
      case ApicReg.LDR:
        return this.ldr;
      case ApicReg.DFR:
        return this.dfr;
      case ApicReg.SVR:
        return this.svr;
      case ApicReg.ESR:
        return this.esr;
      case ApicReg.ICR_LOW:
        return this.icrLow; // delivery status (bit 12) is always idle
      case ApicReg.ICR_HIGH:
        return this.icrHigh;
      case ApicReg.TIMER_INITIAL:
        return this.timerInitial;
      case ApicReg.TIMER_CURRENT:
        return this.currentCount();
      case ApicReg.TIMER_DIVIDE:
        return this.timerDivide;
    }
    if (off >= ApicReg.ISR && off < ApicReg.ISR + 0x80) return this.isr[(off - ApicReg.ISR) >> 4];
    if (off >= ApicReg.TMR && off < ApicReg.TMR + 0x80) return this.tmr[(off - ApicReg.TMR) >> 4];
    if (off >= ApicReg.IRR && off < ApicReg.IRR + 0x80) return this.irr[(off - ApicReg.IRR) >> 4];
    const lvt = LVT_REGS.indexOf(off);
    if (lvt >= 0) return this.lvt[lvt];
    return 0;
  }

  writeRegister(off: number, v: number): void {
    switch (off) {
      case ApicReg.ID:
        this.id = v >>> 24;
        return;
      case ApicReg.TPR:
        this.tpr = v & 0xff;
        this.checkPending();
        return;
      case ApicReg.EOI:
        this.eoi();
        return;
      case ApicReg.LDR:
        this.ldr = v & 0xff000000;
        return;
      case ApicReg.DFR:
        this.dfr = (v | 0x0fffffff) >>> 0;
        return;
      case ApicReg.SVR:
        this.svr = v & 0x3ff;
        // Clearing the software enable masks every LVT entry (SDM 10.4.7.2).
        if (!this.softwareEnabled) for (let k = 0; k < 6; k++) this.lvt[k] |= LVT_MASKED;
        return;
      case ApicReg.ESR:
        this.esr = this.esrPending;
        this.esrPending = 0;
        return;
      case ApicReg.ICR_HIGH:
        this.icrHigh = v & 0xff000000;
        return;
      case ApicReg.ICR_LOW:
        this.icrLow = v & 0xfffcdfff & ~(1 << 12);
        this.sendIpi();
        return;
      case ApicReg.TIMER_INITIAL:
        this.timerInitial = v;
        this.startTimer(this.options.clock.now());
        return;
      case ApicReg.TIMER_DIVIDE:
        this.timerDivide = v & 0xb;
        return;
    }
    const lvt = LVT_REGS.indexOf(off);
    if (lvt < 0) return; // read-only or reserved
    let value = v & LVT_WRITABLE[lvt];
    if (!this.softwareEnabled) value |= LVT_MASKED;
    if (lvt === 0 && ((value ^ this.lvt[0]) & LVT_TIMER_MODE) !== 0) {
      this.lvt[0] = value;
      this.timerStart = Infinity; // a mode change stops the timer
      this.timer.disarm();
      return;
    }
    this.lvt[lvt] = value;
  }

  // ---- interrupt acceptance and delivery to the CPU ----

  /** Sets a vector's IRR bit as an edge-triggered fixed interrupt. */
  accept(vector: number): void {
    if (vector < 16) {
      this.esrPending |= ESR_RECEIVE_ILLEGAL_VECTOR;
      this.lvtError();
      return;
    }
    this.irr[vector >> 5] |= 1 << (vector & 31);
    this.tmr[vector >> 5] &= ~(1 << (vector & 31));
    this.checkPending();
  }

  /** Whether the APIC has an interrupt for the CPU: the highest requested above the processor priority. */
  hasInterrupt(): boolean {
    if (!this.globallyEnabled) return false;
    const v = highest(this.irr);
    return v >= 0 && (v & 0xf0) > (this.ppr() & 0xf0);
  }

  /** INTA: moves the highest requested vector into service and returns it. */
  acknowledge(): number {
    const v = highest(this.irr);
    this.irr[v >> 5] &= ~(1 << (v & 31));
    this.isr[v >> 5] |= 1 << (v & 31);
    return v;
  }

  /** Whether the 8259's INTR passes through LINT0 (global disable, or LINT0 unmasked as ExtINT). */
  acceptsPicInterrupt(): boolean {
    if (!this.globallyEnabled) return true;
    const lint0 = this.lvt[3];
    return (lint0 & LVT_MASKED) === 0 && (lint0 & LVT_DELIVERY_MODE) === DeliveryMode.EXTINT << 8;
  }

  private ppr(): number {
    const isrv = highest(this.isr);
    const isrClass = isrv < 0 ? 0 : isrv & 0xf0;
    return (this.tpr & 0xf0) >= isrClass ? this.tpr : isrClass;
  }

  private eoi(): void {
    const v = highest(this.isr);
    if (v < 0) return;
    this.isr[v >> 5] &= ~(1 << (v & 31));
    this.checkPending();
  }

  private checkPending(): void {
    if (this.hasInterrupt()) this.options.onInterrupt();
  }

  private lvtError(): void {
    const e = this.lvt[5];
    if ((e & LVT_MASKED) === 0) {
      const vector = e & 0xff;
      if (vector >= 16) {
        this.irr[vector >> 5] |= 1 << (vector & 31);
        this.checkPending();
      }
    }
  }

  /** ICR write: delivers the IPI to this processor if it is among the destinations. */
  private sendIpi(): void {
    const icr = this.icrLow;
    const mode = (icr >> 8) & 7;
    const vector = icr & 0xff;
    const shorthand = (icr >> 18) & 3;
    let toSelf: boolean;
    if (shorthand === 1 || shorthand === 2) toSelf = true;
    else if (shorthand === 3) toSelf = false;
    else toSelf = this.matchesDestination(this.icrHigh >>> 24, (icr & (1 << 11)) !== 0);
    this.ipisSent++;
    if (mode === DeliveryMode.FIXED || mode === DeliveryMode.LOWEST) {
      if (vector < 16) {
        this.esrPending |= ESR_SEND_ILLEGAL_VECTOR;
        this.lvtError();
        return;
      }
      if (toSelf) this.accept(vector);
    } else if (mode === DeliveryMode.NMI) {
      if (toSelf) this.options.onNmi();
    }
    // INIT and STARTUP have no other processor to reach; SMI is not modeled.
  }

  private matchesDestination(dest: number, logical: boolean): boolean {
    if (dest === 0xff) return true;
    if (!logical) return dest === this.id;
    const ldr = this.ldr >>> 24;
    if ((this.dfr >>> 28) === 0xf) return (dest & ldr) !== 0; // flat model
    // Cluster model: high nibble the cluster, low nibble a member bit mask.
    return (dest >>> 4) === (ldr >>> 4) && (dest & ldr & 0xf) !== 0;
  }

  // ---- timer ----

  private divisor(): number {
    const d = (this.timerDivide & 3) | ((this.timerDivide >> 1) & 4);
    return d === 7 ? 1 : 2 << d;
  }

  /** Virtual time one full count of `timerInitial` takes. */
  private period(): number {
    return (this.timerInitial * this.divisor()) / TIMER_TICKS_PER_INSN;
  }

  private startTimer(now: number): void {
    if (this.timerInitial === 0) {
      this.timerStart = Infinity;
      this.timer.disarm();
      return;
    }
    this.timerStart = now;
    this.timer.arm(now + this.period());
  }

  private currentCount(): number {
    if (this.timerStart === Infinity) return 0;
    const elapsed = Math.floor(((this.options.clock.now() - this.timerStart) * TIMER_TICKS_PER_INSN) / this.divisor());
    if (elapsed >= this.timerInitial) return 0;
    return this.timerInitial - elapsed;
  }

  private timerFired(due: number): void {
    const entry = this.lvt[0];
    if ((entry & LVT_MASKED) === 0) {
      this.timerInterrupts++;
      this.accept(entry & 0xff);
    }
    if ((entry & LVT_TIMER_PERIODIC) !== 0) this.startTimer(due);
    else this.timerStart = Infinity;
  }
}

/** Highest set bit of a 256-bit register, or -1. */
function highest(bits: Uint32Array): number {
  for (let w = 7; w >= 0; w--) if (bits[w] !== 0) return w * 32 + 31 - Math.clz32(bits[w]);
  return -1;
}
