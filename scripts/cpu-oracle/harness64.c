/*
 * The long-mode real-CPU oracle: runs 32-bit test code re-encoded for 64-bit
 * mode (scripts/cpu-oracle/long-mode.ts) natively in a 64-bit Linux process,
 * for hosts that cannot execute 32-bit code. The re-encoded instructions have
 * the same semantics as the originals on the low 32 bits of every register.
 *
 * Build: gcc -O2 -o harness64 harness64.c   (see regenerate.sh; native.ts builds it too)
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
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>

#define CODE_BASE 0x00100000u
#define CODE_SIZE 0x2000u
#define DATA_BASE 0x00008000u
#define DATA_SIZE 0x4000u
#define MAX_CODE 0x1000u
#define MAGIC_CASE 0x45534143u /* "CASE" */
#define MAGIC_RSLT 0x544c5352u /* "RSLT" */
#define VECTOR_TIMEOUT 256

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

void run_case(void);
void case_return(void);

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

static uint8_t *const code_page = (uint8_t *)(uintptr_t)CODE_BASE;
static uint8_t *const data_page = (uint8_t *)(uintptr_t)DATA_BASE;
static uint32_t *const in_regs = (uint32_t *)(uintptr_t)IN_REGS;
static uint64_t *const in_flags = (uint64_t *)(uintptr_t)IN_FLAGS;
static uint32_t *const out_regs = (uint32_t *)(uintptr_t)OUT_REGS;
static uint64_t *const out_flags = (uint64_t *)(uintptr_t)OUT_FLAGS;
static uint8_t initial[DATA_SIZE];

static volatile int32_t fault_vector;
static volatile uint32_t fault_error;
static volatile uint32_t fault_eip;
static volatile uint32_t fault_addr;

static void die(const char *why) {
  fprintf(stderr, "harness64: %s\n", why);
  exit(2);
}

/* Same LCG as test/support/cpu-fixture.ts fillDataArea (Numerical Recipes constants). */
static void fill_pattern(uint8_t *dst, uint32_t seed) {
  uint32_t x = seed;
  for (uint32_t i = 0; i < DATA_SIZE; i++) {
    x = x * 1664525u + 1013904223u;
    dst[i] = (uint8_t)(x >> 24);
  }
}

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

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

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

static int read_exact(void *dst, size_t n) { return fread(dst, 1, n, stdin) == n; }

static void write_u32(uint32_t v) { fwrite(&v, 4, 1, stdout); }

static void write_diff(void) {
  /* Runs separated by fewer than 4 equal bytes are merged (as harness.c does). */
  static uint16_t offs[DATA_SIZE / 2], lens[DATA_SIZE / 2];
  uint32_t n = 0, i = 0;
  while (i < DATA_SIZE) {
    if (data_page[i] == initial[i]) {
      i++;
      continue;
    }
    uint32_t start = i, last = i;
    for (i++; i < DATA_SIZE && i - last <= 4; i++)
      if (data_page[i] != initial[i]) last = i;
    offs[n] = (uint16_t)start;
    lens[n] = (uint16_t)(last - start + 1);
    n++;
    i = last + 1;
  }
  uint16_t n16 = (uint16_t)n;
  fwrite(&n16, 2, 1, stdout);
  for (uint32_t k = 0; k < n; k++) {
    fwrite(&offs[k], 2, 1, stdout);
    fwrite(&lens[k], 2, 1, stdout);
    fwrite(data_page + offs[k], 1, lens[k], stdout);
  }
}

static void map_fixed(uint32_t addr, uint32_t size, int prot, const char *why) {
  if (mmap((void *)(uintptr_t)addr, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) !=
      (void *)(uintptr_t)addr)
    die(why);
}

int main(void) {
  map_fixed(CODE_BASE, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, "cannot map the code page");
  map_fixed(DATA_BASE, DATA_SIZE, PROT_READ | PROT_WRITE,
            "cannot map the data area at 0x8000: lower vm.mmap_min_addr to 4096 or less");
  map_fixed(CTRL_BASE, CTRL_SIZE, PROT_READ | PROT_WRITE, "cannot map the control page");
  *(uint64_t *)(uintptr_t)CODE_ENTRY = CODE_BASE;
  *(uint64_t *)(uintptr_t)RETURN_PTR = (uint64_t)(uintptr_t)case_return;

  static uint8_t altstack[65536];
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  if (sigaltstack(&ss, NULL) != 0) die("sigaltstack");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  int sigs[] = {SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGTRAP, SIGALRM};
  for (unsigned k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
    if (sigaction(sigs[k], &sa, NULL) != 0) die("sigaction");

  static uint8_t code[MAX_CODE];
  for (;;) {
    uint32_t hdr[2];
    if (!read_exact(hdr, 8)) break;
    if (hdr[0] != MAGIC_CASE) die("bad case magic");
    uint32_t code_len = hdr[1] & 0xffff, n_patches = hdr[1] >> 16;
    uint32_t seed, regs[9];
    if (!read_exact(&seed, 4) || !read_exact(regs, 36)) die("truncated case header");
    if (code_len > MAX_CODE) die("code too long");
    if (!read_exact(code, code_len)) die("truncated code");

    fill_pattern(initial, seed);
    for (uint32_t k = 0; k < n_patches; k++) {
      uint16_t ol[2];
      if (!read_exact(ol, 4)) die("truncated patch");
      if ((uint32_t)ol[0] + ol[1] > DATA_SIZE) die("patch outside the data area");
      if (!read_exact(initial + ol[0], ol[1])) die("truncated patch bytes");
    }
    memcpy(data_page, initial, DATA_SIZE);

    /* Stray control flow outside the case lands on INT3 (recorded as vector 3). */
    memset(code_page, 0xcc, CODE_SIZE);
    memcpy(code_page, code, code_len);
    emit_stub(code_page + code_len);

    for (int r = 0; r < 8; r++) in_regs[r] = regs[r];
    *in_flags = (regs[8] & 0x0cd5) | 0x202; /* arithmetic flags and DF; IF=1 as at CPL 3 */
    memset(out_regs, 0, 32);
    *out_flags = 0;
    fault_vector = -1;
    fault_error = 0;
    fault_eip = 0;
    fault_addr = 0;

    struct itimerval watchdog = {{0, 0}, {1, 0}}, off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &watchdog, NULL);
    run_case();
    setitimer(ITIMER_REAL, &off, NULL);

    write_u32(MAGIC_RSLT);
    write_u32((uint32_t)fault_vector);
    write_u32(fault_error);
    write_u32(fault_addr);
    write_u32(fault_vector < 0 ? CODE_BASE + code_len : fault_eip);
    fwrite(out_regs, 4, 8, stdout);
    write_u32((uint32_t)*out_flags);
    write_diff();
  }
  fflush(stdout);
  return 0;
}
