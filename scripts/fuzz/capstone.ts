// capstone-wasm as the fuzzer's reference decoder. Its disasm() throws on bytes
// it cannot decode; a thrown error is the "invalid" answer, not a failure.

import { Capstone, Const, loadCapstone } from 'capstone-wasm';

/** What capstone says about one byte string: null when it cannot decode it. */
export interface CapstoneResult {
  size: number;
  /** Lower-case, possibly with prefix words ("rep movsb", "lock add"). */
  mnemonic: string;
  opStr: string;
}

export class CapstoneReference {
  private constructor(
    private readonly cs32: Capstone,
    private readonly cs16: Capstone,
  ) {}

  static async open(): Promise<CapstoneReference> {
    await loadCapstone();
    return new CapstoneReference(
      new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_32),
      new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_16),
    );
  }

  /** `address` is where the bytes are taken to sit (it moves relative targets only). */
  decode(bytes: Uint8Array, code32: boolean, address = 0): CapstoneResult | null {
    try {
      const first = (code32 ? this.cs32 : this.cs16).disasm(bytes, { address, count: 1 })[0];
      return first ? { size: first.size, mnemonic: first.mnemonic, opStr: first.opStr } : null;
    } catch {
      return null;
    }
  }

  close(): void {
    this.cs32.close();
    this.cs16.close();
  }
}
