// Port I/O as the interpreter sees it (IN/OUT/INS/OUTS). The devices layer's
// port bus implements this; values are zero-extended to the access width.

export interface PortIO {
  in8(port: number): number;
  in16(port: number): number;
  in32(port: number): number;
  out8(port: number, value: number): void;
  out16(port: number, value: number): void;
  out32(port: number, value: number): void;
}

/** No devices: reads float high (all ones), writes are ignored. */
export class UnconnectedPorts implements PortIO {
  in8(): number {
    return 0xff;
  }
  in16(): number {
    return 0xffff;
  }
  in32(): number {
    return 0xffffffff;
  }
  out8(): void {}
  out16(): void {}
  out32(): void {}
}
