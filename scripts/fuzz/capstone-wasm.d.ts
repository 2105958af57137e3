// Types for the part of capstone-wasm the fuzzer uses. The package ships
// dist/index.d.ts but its "exports" map has no "types" entry, so TypeScript's
// bundler resolution cannot find it.

declare module 'capstone-wasm' {
  export interface CapstoneInsn {
    id: number;
    address: number | bigint;
    size: number;
    bytes: Uint8Array;
    mnemonic: string;
    opStr: string;
  }
  export class Capstone {
    constructor(arch: number, mode: number);
    disasm(data: number[] | Uint8Array, options?: { address?: number | bigint; count?: number }): CapstoneInsn[];
    close(): void;
    static version(): { major: number; minor: number };
  }
  export const Const: {
    readonly CS_ARCH_X86: number;
    readonly CS_MODE_16: number;
    readonly CS_MODE_32: number;
  };
  export function loadCapstone(args?: Record<string, unknown>): Promise<void>;
}
