/*
 * What the two real-CPU harnesses share (harness.c runs cases in a 32-bit
 * process, harness64.c runs them re-encoded in a 64-bit one): the fixed
 * layout, the case/result protocol described in harness.c, the data area's
 * seeded pattern and its diff, the fault bookkeeping and the case loop.
 *
 * The including file defines HARNESS_NAME before including this, and after
 * it the mode-specific parts declared at the end: the exit stub, how a case's
 * registers are loaded and reported, run_case/case_return and the fault
 * handler.
 */
#ifndef HARNESS_COMMON_H
#define HARNESS_COMMON_H

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

static uint8_t *const code_page = (uint8_t *)(uintptr_t)CODE_BASE;
static uint8_t *const data_page = (uint8_t *)(uintptr_t)DATA_BASE;
static uint8_t initial[DATA_SIZE];

static volatile int32_t fault_vector;
static volatile uint32_t fault_error;
static volatile uint32_t fault_eip;
static volatile uint32_t fault_addr;

static void die(const char *why) {
  fprintf(stderr, HARNESS_NAME ": %s\n", why);
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

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static int read_exact(void *dst, size_t n) { return fread(dst, 1, n, stdin) == n; }

static void write_u32(uint32_t v) { fwrite(&v, 4, 1, stdout); }

static void write_diff(void) {
  /* Count runs first, then emit; runs separated by fewer than 4 equal bytes are merged. */
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

/* The mode-specific parts, defined by the including file. */
void run_case(void);
void case_return(void);
/* Writes the exit stub at `p` (it stores every register and EFLAGS, then jumps to case_return). */
static uint32_t emit_stub(uint8_t *p);
/* Sets up a case's registers: EAX..EDI, then EFLAGS. */
static void set_case_regs(const uint32_t regs[9]);
/* Writes the registers the case left (EAX..EDI), then EFLAGS, as nine u32. */
static void write_case_regs(void);
/* Saves the state at a fault (or the watchdog's SIGALRM) and resumes at case_return. */
static void on_fault(int sig, siginfo_t *info, void *ctx);

/* Maps the code page and the data area, installs the fault handler on an alternate stack. */
static void setup_process(void) {
  map_fixed(CODE_BASE, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, "cannot map the code page");
  map_fixed(DATA_BASE, DATA_SIZE, PROT_READ | PROT_WRITE,
            "cannot map the data area at 0x8000 (it lies below 64 KiB so 16-bit addressing reaches it): "
            "lower vm.mmap_min_addr to 4096 or less");
  /* An alternate stack: the signal frame never lands in the data area under the case's ESP. */
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
}

/* Reads cases from stdin until it ends, runs each, writes its result to stdout. */
static void serve_cases(void) {
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

    set_case_regs(regs);
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
    write_case_regs();
    write_diff();
  }
  fflush(stdout);
}

#endif
