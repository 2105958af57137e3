/*
 * The real-CPU oracle: runs instruction test cases natively in a 32-bit Linux
 * process and reports the architectural state they leave.
 *
 * Build: gcc -m32 -O2 -no-pie -o harness harness.c   (see regenerate.sh); what it
 * shares with harness64.c is in harness-common.h.
 *
 * Each case's code is copied to a fixed RWX page (CODE_BASE) and followed by an
 * exit stub that stores all eight registers and EFLAGS with absolute moves (no
 * flag or register is touched before it is saved). The data area (DATA_BASE,
 * DATA_SIZE) is refilled per case from a seeded pattern plus the case's patches.
 * Faults are caught on an alternate signal stack (so the signal frame never
 * lands in the data area under the case's ESP) and recorded with the kernel's
 * trap number, which is the x86 exception vector.
 *
 * Protocol (little-endian, a stream on stdin / stdout; the TypeScript side is
 * scripts/cpu-oracle/native.ts):
 *   case:   u32 'CASE', u16 codeLen, u16 nPatches, u32 memSeed, u32 regs[8]
 *           (EAX ECX EDX EBX ESP EBP ESI EDI), u32 eflags, u8 code[codeLen],
 *           nPatches x { u16 offset, u16 len, u8 bytes[len] }
 *   result: u32 'RSLT', i32 vector (-1 none, 256 timeout), u32 errorCode,
 *           u32 faultAddress (si_addr of SIGSEGV/SIGBUS: CR2 for #PF), u32 eip, u32 regs[8], u32 eflags, u16 nRuns,
 *           nRuns x { u16 offset, u16 len, u8 bytes[len] } (data-area bytes
 *           that differ from the initial image)
 */
#define _GNU_SOURCE
#define HARNESS_NAME "harness"
#include "harness-common.h"

/* Order of the in_block matches POPAD: EDI ESI EBP (ESP) EBX EDX ECX EAX, then EFLAGS for POPFD. */
uint32_t in_block[9];
uint32_t in_esp;
uint32_t code_entry = CODE_BASE;
uint32_t saved_esp;
uint32_t return_ptr;
/* Filled by the exit stub: EAX ECX EDX EBX ESP EBP ESI EDI, EFLAGS. */
uint32_t out_regs[9];
uint32_t stub_stack[16];


__asm__(
    ".text\n"
    ".globl run_case\n"
    "run_case:\n"
    "  pushal\n"
    "  pushfl\n"
    "  movl %esp, saved_esp\n"
    "  movl $in_block, %esp\n"
    "  popal\n"
    "  popfl\n"
    "  movl in_esp, %esp\n"
    "  jmp *code_entry\n"
    ".globl case_return\n"
    "case_return:\n"
    "  movl saved_esp, %esp\n"
    "  popfl\n"
    "  popal\n"
    "  ret\n");

/* Saves the state at the fault and resumes the harness at case_return. */
static void on_fault(int sig, siginfo_t *info, void *ctx) {
  ucontext_t *uc = (ucontext_t *)ctx;
  greg_t *g = uc->uc_mcontext.gregs;
  fault_vector = sig == SIGALRM ? VECTOR_TIMEOUT : (int32_t)g[REG_TRAPNO];
  fault_error = sig == SIGALRM ? 0 : (uint32_t)g[REG_ERR];
  fault_eip = (uint32_t)g[REG_EIP];
  fault_addr = sig == SIGSEGV || sig == SIGBUS ? (uint32_t)(uintptr_t)info->si_addr : 0;
  out_regs[0] = g[REG_EAX];
  out_regs[1] = g[REG_ECX];
  out_regs[2] = g[REG_EDX];
  out_regs[3] = g[REG_EBX];
  out_regs[4] = g[REG_UESP];
  out_regs[5] = g[REG_EBP];
  out_regs[6] = g[REG_ESI];
  out_regs[7] = g[REG_EDI];
  out_regs[8] = g[REG_EFL];
  g[REG_EIP] = (greg_t)(uintptr_t)case_return;
  g[REG_UESP] = (greg_t)saved_esp;
  g[REG_EFL] &= ~(greg_t)(0x100 | 0x400 | 0x40000); /* TF, DF, AC */
}

/* Writes the exit stub at `p`: absolute stores of every register, then EFLAGS via a private stack. */
static uint32_t emit_stub(uint8_t *p) {
  static const uint8_t store_modrm[8] = {0, 0x0d, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d};
  uint8_t *s = p;
  *s++ = 0xa3; /* mov [moffs32], eax */
  put32(s, (uint32_t)(uintptr_t)&out_regs[0]);
  s += 4;
  for (int r = 1; r < 8; r++) {
    *s++ = 0x89;
    *s++ = store_modrm[r];
    put32(s, (uint32_t)(uintptr_t)&out_regs[r]);
    s += 4;
  }
  *s++ = 0xbc; /* mov esp, imm32 */
  put32(s, (uint32_t)(uintptr_t)&stub_stack[15]);
  s += 4;
  *s++ = 0x9c; /* pushfd */
  *s++ = 0x8f; /* pop dword [out_regs+32] */
  *s++ = 0x05;
  put32(s, (uint32_t)(uintptr_t)&out_regs[8]);
  s += 4;
  *s++ = 0xff; /* jmp [return_ptr] */
  *s++ = 0x25;
  put32(s, (uint32_t)(uintptr_t)&return_ptr);
  s += 4;
  return (uint32_t)(s - p);
}

static void set_case_regs(const uint32_t regs[9]) {
  in_block[7] = regs[0];
  in_block[6] = regs[1];
  in_block[5] = regs[2];
  in_block[4] = regs[3];
  in_block[3] = 0;
  in_block[2] = regs[5];
  in_block[1] = regs[6];
  in_block[0] = regs[7];
  in_block[8] = (regs[8] & 0x0cd5) | 0x202; /* arithmetic flags and DF; IF=1 as at CPL 3 */
  in_esp = regs[4];
}

static void write_case_regs(void) { fwrite(out_regs, 4, 9, stdout); }

int main(void) {
  setup_process();
  return_ptr = (uint32_t)(uintptr_t)case_return;
  serve_cases();
  return 0;
}
