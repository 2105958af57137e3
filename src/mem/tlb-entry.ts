// Software TLB entry format (one i32 per 4 KiB virtual page at TLB_BASE,
// cpu/layout.ts). The translator's inline fast path tests the same bits.
//
//   bits 31..12  physical page frame (the entry maps linear page -> this frame)
//   bit 0  T_READ        supervisor (CPL 0-2) reads allowed
//   bit 1  T_WRITE       supervisor writes allowed
//   bit 2  T_USER_READ   CPL 3 reads allowed
//   bit 3  T_USER_WRITE  CPL 3 writes allowed
//   bit 4  T_CODE        the frame holds cached decoded/translated code: writes
//                        must take the slow path so the cache is invalidated
// An entry of 0 is "not filled": every access takes the slow path. Frames
// outside guest RAM are never given access bits, so every access to them
// takes the slow path (reads give 0xFF bytes, writes are dropped).

export const T_READ = 1 << 0;
export const T_WRITE = 1 << 1;
export const T_USER_READ = 1 << 2;
export const T_USER_WRITE = 1 << 3;
export const T_CODE = 1 << 4;
export const T_ALL_ACCESS = T_READ | T_WRITE | T_USER_READ | T_USER_WRITE;
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const PAGE_MASK = PAGE_SIZE - 1;
