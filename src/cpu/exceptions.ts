// Processor exceptions as typed events (SDM Vol. 3, 6.3). Semantics throw a
// CpuFault; the system layer catches it at the instruction boundary and
// delivers it through the IDT (or, before that exists, reports it).

export const enum Vector {
  DE = 0,
  DB = 1,
  NMI = 2,
  BP = 3,
  OF = 4,
  BR = 5,
  UD = 6,
  NM = 7,
  DF = 8,
  TS = 10,
  NP = 11,
  SS = 12,
  GP = 13,
  PF = 14,
  MF = 16,
  AC = 17,
  MC = 18,
}

export const VECTOR_NAMES: readonly string[] = [
  '#DE', '#DB', 'NMI', '#BP', '#OF', '#BR', '#UD', '#NM', '#DF', 'CSO', '#TS', '#NP', '#SS', '#GP', '#PF',
  'reserved15', '#MF', '#AC', '#MC', '#XM',
];

/** Vectors that push an error code (SDM Vol. 3, table 6-1). */
export function hasErrorCode(vector: number): boolean {
  return vector === 8 || (vector >= 10 && vector <= 14) || vector === 17;
}

export function vectorName(vector: number): string {
  return VECTOR_NAMES[vector] ?? `vector ${vector}`;
}

/** A fault or trap raised by an instruction; errorCode is -1 when the vector has none. */
export class CpuFault extends Error {
  constructor(
    readonly vector: number,
    readonly errorCode: number = -1,
    /** For #PF: the faulting linear address (CR2). */
    readonly address = 0,
  ) {
    super(`${vectorName(vector)}${errorCode >= 0 ? `(${errorCode.toString(16)})` : ''}`);
    this.name = 'CpuFault';
  }
}

export function fault(vector: number, errorCode = -1, address = 0): CpuFault {
  return new CpuFault(vector, errorCode, address);
}
