// CPUID leaves of the modeled processor: a P6-family (Pentium Pro class)
// integer core with x87, TSC, CMPXCHG8B, CMOVcc and an on-chip local APIC, and
// nothing newer (no MMX, no SSE). Leaves above the maximum return the highest basic leaf's values,
// as Intel processors do (SDM CPUID, "INPUT EAX = 0").
export const CPUID_VENDOR = 'GenuineIntel';
/** Family 6, model 1, stepping 9 (Pentium Pro). */
export const CPUID_SIGNATURE = (6 << 8) | (1 << 4) | 9;
/** Leaf 1 EDX: FPU(0) PSE(3) TSC(4) MSR(5) CX8(8) APIC(9) CMOV(15) (docs/cpu-model.md). */
export const CPUID_FEATURES_EDX = (1 << 0) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 9) | (1 << 15);
export const CPUID_MAX_LEAF = 1;

function vendorWord(k: number): number {
  let v = 0;
  for (let b = 0; b < 4; b++) v |= CPUID_VENDOR.charCodeAt(k * 4 + b) << (8 * b);
  return v;
}

/** [EAX, EBX, ECX, EDX] for input EAX = `leaf`. */
export function cpuidLeaf(leaf: number): [number, number, number, number] {
  const l = leaf >>> 0 > CPUID_MAX_LEAF ? CPUID_MAX_LEAF : leaf >>> 0;
  if (l === 0) return [CPUID_MAX_LEAF, vendorWord(0), vendorWord(2), vendorWord(1)];
  return [CPUID_SIGNATURE, 0, 0, CPUID_FEATURES_EDX];
}
