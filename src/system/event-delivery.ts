// Raising an event and what happens when delivering it faults: the second
// exception is delivered serially, or becomes a double fault (SDM Vol. 3,
// 6.15, interrupt 8, table 6-5); a fault while delivering #DF is a triple
// fault, which stops the machine with the chain of events that led to it.
import { CpuFault, Vector, hasErrorCode, vectorName } from '../cpu/exceptions.js';
import type { Cpu } from '../cpu/context.js';
import { EventSource, deliverEvent } from './interrupts.js';

export interface EventRecord {
  vector: number;
  /** -1 when none is pushed. */
  errorCode: number;
  source: EventSource;
  /** EIP when the event was raised (the faulting instruction, or the return address). */
  eip: number;
  /** #PF: the faulting linear address. */
  address: number;
}

export class TripleFault extends Error {
  constructor(readonly chain: readonly EventRecord[]) {
    super(`triple fault: ${chain.map(describeEvent).join(' -> ')}`);
    this.name = 'TripleFault';
  }
}

export function describeEvent(e: EventRecord): string {
  const name = e.source === EventSource.EXCEPTION ? vectorName(e.vector) : e.source === EventSource.SOFTWARE ? `INT ${hex(e.vector)}` : `IRQ vector ${hex(e.vector)}`;
  const code = e.errorCode >= 0 ? `(${hex(e.errorCode)})` : '';
  const addr = e.vector === Vector.PF && e.source === EventSource.EXCEPTION ? ` addr=${hex(e.address)}` : '';
  return `${name}${code} at EIP=${hex(e.eip)}${addr}`;
}

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}

/** Contributory exceptions (SDM Vol. 3, table 6-4). */
function isContributory(v: number): boolean {
  return v === Vector.DE || (v >= Vector.TS && v <= Vector.GP);
}

/** Whether `second`, raised while delivering exception `first`, makes a double fault (table 6-5). */
function makesDoubleFault(first: number, second: number): boolean {
  if (isContributory(first)) return isContributory(second);
  if (first === Vector.PF) return second === Vector.PF || isContributory(second);
  return false;
}

export class EventDelivery {
  /** Exceptions delivered, by vector. */
  readonly exceptions = new Map<number, number>();
  /** Software interrupts (INT n, INT3, INTO) delivered, by vector. */
  readonly softwareInterrupts = new Map<number, number>();
  /** Hardware interrupts delivered, by vector. */
  readonly hardwareInterrupts = new Map<number, number>();
  doubleFaults = 0;

  constructor(private readonly c: Cpu) {}

  /** A fault or trap raised by an instruction (the CpuFault it threw). */
  raiseFault(f: CpuFault): void {
    const errorCode = hasErrorCode(f.vector) ? Math.max(0, f.errorCode) : -1;
    this.raise(f.vector, EventSource.EXCEPTION, errorCode, f.address);
  }

  /**
   * Delivers an event; throws TripleFault when the chain ends in one.
   * `faultEip`: for a software interrupt, the INT instruction's address, which
   * a fault raised while delivering it reports (SDM INT n: such faults are faults of the INT).
   */
  raise(vector: number, source: EventSource, errorCode: number, address = 0, faultEip = -1): void {
    const c = this.c;
    let cur: EventRecord = { vector, errorCode, source, eip: c.state.eip, address };
    const chain: EventRecord[] = [cur];
    for (;;) {
      if (cur.vector === Vector.PF && cur.source === EventSource.EXCEPTION) c.state.setCr(2, cur.address);
      try {
        deliverEvent(c, cur.vector, cur.source, cur.errorCode);
        this.count(cur);
        return;
      } catch (e) {
        if (!(e instanceof CpuFault)) throw e;
        if (cur.source === EventSource.SOFTWARE && faultEip >= 0) c.state.eip = faultEip;
        const next: EventRecord = {
          vector: e.vector,
          errorCode: hasErrorCode(e.vector) ? Math.max(0, e.errorCode) : -1,
          source: EventSource.EXCEPTION,
          eip: c.state.eip,
          address: e.address,
        };
        chain.push(next);
        if (cur.vector === Vector.DF && cur.source === EventSource.EXCEPTION) throw new TripleFault(chain);
        if (cur.source === EventSource.EXCEPTION && makesDoubleFault(cur.vector, next.vector)) {
          this.doubleFaults++;
          cur = { vector: Vector.DF, errorCode: 0, source: EventSource.EXCEPTION, eip: c.state.eip, address: 0 };
          chain.push(cur);
        } else {
          cur = next;
        }
      }
    }
  }

  private count(e: EventRecord): void {
    const map = e.source === EventSource.EXCEPTION ? this.exceptions : e.source === EventSource.SOFTWARE ? this.softwareInterrupts : this.hardwareInterrupts;
    map.set(e.vector, (map.get(e.vector) ?? 0) + 1);
  }
}
