// Model-specific registers beyond the time-stamp counter (which the system
// layer keeps in the state block): a bank the machine installs on the CPU
// (Cpu.msrs). An index the bank does not know raises #GP(0), as on hardware.

export interface MsrBank {
  /** The register's value as [low 32 bits, high 32 bits], or null when it does not exist. */
  read(index: number): [number, number] | null;
  /** Writes the register; false when it does not exist or the value is invalid for it (#GP(0)). */
  write(index: number, lo: number, hi: number): boolean;
}
