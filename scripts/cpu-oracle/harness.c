/*
 * The real-CPU oracle: runs instruction test cases natively in a 32-bit Linux
 * process and reports the architectural state they leave.
 *
 * Build: gcc -m32 -O2 -no-pie -o harness harness.c   (see regenerate.sh)
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

/* Order of the in_block matches POPAD: EDI ESI EBP (ESP) EBX EDX ECX EAX, then EFLAGS for POPFD. */
uint32_t in_block[9];
uint32_t in_esp;
uint32_t code_entry = CODE_BASE;
uint32_t saved_esp;
uint32_t return_ptr;
/* Filled by the exit stub: EAX ECX EDX EBX ESP EBP ESI EDI, EFLAGS. */
uint32_t out_regs[9];
uint32_t stub_stack[16];

void run_case(void);
void case_return(void);

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

static uint8_t *const code_page = (uint8_t *)CODE_BASE;
static uint8_t *const data_page = (uint8_t *)DATA_BASE;
static uint8_t initial[DATA_SIZE];

static volatile int32_t fault_vector;
static volatile uint32_t fault_error;
static volatile uint32_t fault_eip;
static volatile uint32_t fault_addr;

static void die(const char *why) {
  fprintf(stderr, "harness: %s\n", why);
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

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

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

static int read_exact(void *dst, size_t n) { return fread(dst, 1, n, stdin) == n; }

static void write_u32(uint32_t v) { fwrite(&v, 4, 1, stdout); }

static void write_diff(void) {
  /* Count runs first, then emit; runs separated by fewer than 4 equal bytes are merged. */
  uint16_t offs[DATA_SIZE / 2], lens[DATA_SIZE / 2];
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

int main(void) {
  if (mmap((void *)CODE_BASE, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != (void *)CODE_BASE)
    die("cannot map the code page");
  if (mmap((void *)DATA_BASE, DATA_SIZE, PROT_READ | PROT_WRITE,
           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != (void *)DATA_BASE)
    die("cannot map the data area at 0x8000 (it lies below 64 KiB so 16-bit addressing reaches it): "
        "lower vm.mmap_min_addr to 4096 or less");
  return_ptr = (uint32_t)(uintptr_t)case_return;

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
    fwrite(out_regs, 4, 9, stdout);
    write_diff();
  }
  fflush(stdout);
  return 0;
}
