// Every event in the guest world reaches the VMM first, which sorts it
// (DESIGN, "Events"): a #GP raised by a privileged or sensitive instruction
// because the guest runs deprivileged is emulated on the virtual CPU; its own
// hidden faults (trace writes) never become events here, they are handled in
// the memory slow path; everything else is the guest's own event and is
// reflected through the guest's IDT (shadowed, so gate DPLs compare with the
// compressed CPL as bare metal compares them with the guest's), on the
// guest's stacks. External interrupts are injected only when the virtual IF
// allows (the machine asks interruptsEnabled()).
import { Vector, vectorName } from '../cpu/exceptions.js';
import { EventSource } from '../system/interrupts.js';

export const enum Sorted {
  /** A deprivileged instruction: emulate it on the virtual CPU. */
  EMULATE,
  /** The guest's own event: deliver it through its (shadowed) IDT. */
  REFLECT,
}

/** Sorts an event raised in the guest world; `emulable` says whether the instruction at EIP is one the VMM emulates. */
export function sortEvent(vector: number, source: EventSource, emulable: boolean): Sorted {
  if (source === EventSource.EXCEPTION && vector === Vector.GP && emulable) return Sorted.EMULATE;
  return Sorted.REFLECT;
}

/** A short name of an event for the statistics. */
export function eventName(vector: number, source: EventSource): string {
  const hex = '0x' + vector.toString(16).padStart(2, '0');
  if (source === EventSource.EXTERNAL) return `injected interrupt vector ${hex}`;
  if (source === EventSource.SOFTWARE) return `software interrupt ${hex}`;
  return `reflected exception ${vectorName(vector)}`;
}
