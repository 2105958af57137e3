/* Naive doubly recursive Fibonacci: a call- and return-heavy workload.
   Parameters: n (0..47, fib(47) is the largest that fits 32 bits). */
#include "guest.h"

static uint32_t calls;

/* no tail-recursion elimination: keep both calls real calls */
static __attribute__((noinline, optimize("no-optimize-sibling-calls"))) uint32_t fib(uint32_t n)
{
    calls++;
    if (n < 2)
        return n;
    return fib(n - 1) + fib(n - 2);
}

int kmain(void)
{
    uint32_t n = cmdline_uint("n", 20);
    if (n > 47) {
        serial_puts("fib: need n <= 47\n");
        return 2;
    }
    uint32_t result = fib(n);
    serial_printf("fib n=%u: fib=%u calls=%u\n", n, result, calls);
    return 0;
}
