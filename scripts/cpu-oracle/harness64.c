/*
 * The long-mode real-CPU oracle: runs 32-bit test code re-encoded for 64-bit
 * mode (scripts/cpu-oracle/long-mode.ts) natively in a 64-bit Linux process,
 * for hosts that cannot execute 32-bit code. The re-encoded instructions have
 * the same semantics as the originals on the low 32 bits of every register.
 *
 * Build: gcc -O2 -o harness64 harness64.c   (see regenerate.sh; native.ts builds it too);
 * what it shares with harness.c is in harness-common.h.
 *
 * Same protocol and fixed layout as harness.c (CODE_BASE, DATA_BASE): the
 * TypeScript side (native.ts) is shared. Registers are loaded zero-extended
 * and reported as their low 32 bits; EIP is the low 32 bits of RIP, in the
 * re-encoded code (long-mode.ts maps it back to the 32-bit code).
 *
 * Everything the generated exit stub touches (the output block, its private
 * stack, the return pointer) lives in a control page mapped at a fixed low
 * address, so the stub can use absolute disp32 addressing (ModRM with a SIB
 * byte, base 101 and no index: absolute in 64-bit mode, unlike ModRM rm=101,
 * which is RIP-relative there). Nothing else of the process lies below 4 GiB
 * (position-independent executable), so a stray 32-bit address faults as it
 * does in the 32-bit harness.
 *
 * Protocol (little-endian, a stream on stdin / stdout):
 *   case:   u32 'CASE', u16 codeLen, u16 nPatches, u32 memSeed, u32 regs[8]
 *           (EAX ECX EDX EBX ESP EBP ESI EDI), u32 eflags, u8 code[codeLen],
 *           nPatches x { u16 offset, u16 len, u8 bytes[len] }
 *   result: u32 'RSLT', i32 vector (-1 none, 256 timeout), u32 errorCode,
 *           u32 faultAddress (si_addr of SIGSEGV/SIGBUS: CR2 for #PF), u32 eip,
 *           u32 regs[8], u32 eflags, u16 nRuns,
 *           nRuns x { u16 offset, u16 len, u8 bytes[len] } (data-area bytes
 *           that differ from the initial image)
 */
#define _GNU_SOURCE
#define HARNESS_NAME "harness64"
#include "harness-common.h"

/* The control page and its fields (absolute addresses, used by the asm below and the stub). */
#define CTRL_BASE 0x00200000u
#define CTRL_SIZE 0x1000u
#define IN_REGS (CTRL_BASE + 0x000)    /* u32[8] EAX..EDI */
#define IN_FLAGS (CTRL_BASE + 0x040)   /* u64, popped by POPFQ */
#define OUT_REGS (CTRL_BASE + 0x080)   /* u32[8] EAX..EDI, stored by the stub */
#define OUT_FLAGS (CTRL_BASE + 0x0c0)  /* u64, pushed by the stub's PUSHFQ */
#define SAVED_RSP (CTRL_BASE + 0x100)  /* u64, the harness stack at run_case */
#define CODE_ENTRY (CTRL_BASE + 0x108) /* u64, CODE_BASE */
#define RETURN_PTR (CTRL_BASE + 0x110) /* u64, case_return */
#define STUB_STACK_TOP (CTRL_BASE + 0x200)

#define STR_(x) #x
#define STR(x) STR_(x)

/* Loads EFLAGS first (through a stack pointer aimed at IN_FLAGS), then the
 * registers with MOVs (no flag changes), ESP last, and jumps to the code. */
__asm__(
    ".text\n"
    ".globl run_case\n"
    "run_case:\n"
    "  push %rbx\n"
    "  push %rbp\n"
    "  push %r12\n"
    "  push %r13\n"
    "  push %r14\n"
    "  push %r15\n"
    "  pushfq\n"
    "  movq %rsp, " STR(SAVED_RSP) "\n"
    "  movl $" STR(IN_FLAGS) ", %esp\n"
    "  popfq\n"
    "  movl " STR(IN_REGS) "+0, %eax\n"
    "  movl " STR(IN_REGS) "+4, %ecx\n"
    "  movl " STR(IN_REGS) "+8, %edx\n"
    "  movl " STR(IN_REGS) "+12, %ebx\n"
    "  movl " STR(IN_REGS) "+20, %ebp\n"
    "  movl " STR(IN_REGS) "+24, %esi\n"
    "  movl " STR(IN_REGS) "+28, %edi\n"
    "  movl " STR(IN_REGS) "+16, %esp\n"
    "  jmp *" STR(CODE_ENTRY) "\n"
    ".globl case_return\n"
    "case_return:\n"
    "  movq " STR(SAVED_RSP) ", %rsp\n"
    "  popfq\n"
    "  pop %r15\n"
    "  pop %r14\n"
    "  pop %r13\n"
    "  pop %r12\n"
    "  pop %rbp\n"
    "  pop %rbx\n"
    "  ret\n");

static uint32_t *const in_regs = (uint32_t *)(uintptr_t)IN_REGS;
static uint64_t *const in_flags = (uint64_t *)(uintptr_t)IN_FLAGS;
static uint32_t *const out_regs = (uint32_t *)(uintptr_t)OUT_REGS;
static uint64_t *const out_flags = (uint64_t *)(uintptr_t)OUT_FLAGS;

/* Saves the state at the fault and resumes the harness at case_return. */
static void on_fault(int sig, siginfo_t *info, void *ctx) {
  ucontext_t *uc = (ucontext_t *)ctx;
  greg_t *g = uc->uc_mcontext.gregs;
  fault_vector = sig == SIGALRM ? VECTOR_TIMEOUT : (int32_t)g[REG_TRAPNO];
  fault_error = sig == SIGALRM ? 0 : (uint32_t)g[REG_ERR];
  fault_eip = (uint32_t)g[REG_RIP];
  fault_addr = sig == SIGSEGV || sig == SIGBUS ? (uint32_t)(uintptr_t)info->si_addr : 0;
  out_regs[0] = (uint32_t)g[REG_RAX];
  out_regs[1] = (uint32_t)g[REG_RCX];
  out_regs[2] = (uint32_t)g[REG_RDX];
  out_regs[3] = (uint32_t)g[REG_RBX];
  out_regs[4] = (uint32_t)g[REG_RSP];
  out_regs[5] = (uint32_t)g[REG_RBP];
  out_regs[6] = (uint32_t)g[REG_RSI];
  out_regs[7] = (uint32_t)g[REG_RDI];
  *out_flags = (uint64_t)g[REG_EFL];
  g[REG_RIP] = (greg_t)(uintptr_t)case_return;
  g[REG_RSP] = (greg_t) * (uint64_t *)(uintptr_t)SAVED_RSP;
  g[REG_EFL] &= ~(greg_t)(0x100 | 0x400 | 0x40000); /* TF, DF, AC */
}

/* ModRM (mod 00, rm 100) + SIB (no index, base 101) + disp32: an absolute address in 64-bit mode. */
static uint8_t *abs_operand(uint8_t *s, unsigned reg, uint32_t addr) {
  *s++ = (uint8_t)((reg << 3) | 4);
  *s++ = 0x25;
  put32(s, addr);
  return s + 4;
}

/* Writes the exit stub at `p`: absolute stores of every register, then EFLAGS via a private stack. */
static uint32_t emit_stub(uint8_t *p) {
  uint8_t *s = p;
  for (unsigned r = 0; r < 8; r++) {
    *s++ = 0x89; /* mov [OUT_REGS + 4r], r32 */
    s = abs_operand(s, r, OUT_REGS + 4 * r);
  }
  *s++ = 0xbc; /* mov esp, imm32 (zero-extends into RSP) */
  put32(s, STUB_STACK_TOP);
  s += 4;
  *s++ = 0x9c; /* pushfq */
  *s++ = 0x8f; /* pop qword [OUT_FLAGS] */
  s = abs_operand(s, 0, OUT_FLAGS);
  *s++ = 0xff; /* jmp qword [RETURN_PTR] */
  s = abs_operand(s, 4, RETURN_PTR);
  return (uint32_t)(s - p);
}

static void set_case_regs(const uint32_t regs[9]) {
  for (int r = 0; r < 8; r++) in_regs[r] = regs[r];
  *in_flags = (regs[8] & 0x0cd5) | 0x202; /* arithmetic flags and DF; IF=1 as at CPL 3 */
  memset(out_regs, 0, 32);
  *out_flags = 0;
}

static void write_case_regs(void) {
  fwrite(out_regs, 4, 8, stdout);
  write_u32((uint32_t)*out_flags);
}

int main(void) {
  setup_process();
  map_fixed(CTRL_BASE, CTRL_SIZE, PROT_READ | PROT_WRITE, "cannot map the control page");
  *(uint64_t *)(uintptr_t)CODE_ENTRY = CODE_BASE;
  *(uint64_t *)(uintptr_t)RETURN_PTR = (uint64_t)(uintptr_t)case_return;
  serve_cases();
  return 0;
}
