// The MSRs of the modeled P6-class processor besides the TSC: IA32_APIC_BASE
// (0x1B, owned by the local APIC) and the SYSENTER target registers
// (0x174-0x176, SDM Vol. 3, 5.8.7). The SYSENTER registers exist on every
// P6 that has the MSRs, whether or not CPUID reports SEP; this model does not
// report SEP, so they are storage only. Every other index raises #GP(0); in
// particular IA32_EFER, since CPUID reports no extended leaves.
import type { MsrBank } from '../cpu/msrs.js';
import type { LocalApic } from '../devices/local-apic.js';

export const MSR_IA32_APIC_BASE = 0x1b;
export const MSR_SYSENTER_CS = 0x174;
export const MSR_SYSENTER_ESP = 0x175;
export const MSR_SYSENTER_EIP = 0x176;

export class P6Msrs implements MsrBank {
  sysenterCs = 0;
  sysenterEsp = 0;
  sysenterEip = 0;

  constructor(private readonly apic: LocalApic) {}

  read(index: number): [number, number] | null {
    switch (index >>> 0) {
      case MSR_IA32_APIC_BASE:
        return [this.apic.baseMsrValue, 0];
      case MSR_SYSENTER_CS:
        return [this.sysenterCs, 0];
      case MSR_SYSENTER_ESP:
        return [this.sysenterEsp, 0];
      case MSR_SYSENTER_EIP:
        return [this.sysenterEip, 0];
    }
    return null;
  }

  write(index: number, lo: number, hi: number): boolean {
    switch (index >>> 0) {
      case MSR_IA32_APIC_BASE:
        return this.apic.writeBaseMsr(lo >>> 0, hi >>> 0);
      // CS is 16 bits wide (its upper bits are ignored); ESP and EIP hold 32-bit addresses here.
      case MSR_SYSENTER_CS:
        this.sysenterCs = lo & 0xffff;
        return true;
      case MSR_SYSENTER_ESP:
        this.sysenterEsp = lo >>> 0;
        return true;
      case MSR_SYSENTER_EIP:
        this.sysenterEip = lo >>> 0;
        return true;
    }
    return false;
  }
}
