/* Sieve of Eratosthenes over a byte array: counts the primes up to n and
   hashes them, reps times. Parameters: n (2..4194304), reps. */
#include "guest.h"

#define MAX_N (4u << 20)

static uint8_t composite[MAX_N + 1];

/* Sieves 0..n; returns the number of primes, their hash in *hash. */
static uint32_t sieve(uint32_t n, uint32_t *hash)
{
    for (uint32_t i = 0; i <= n; i++)
        composite[i] = 0;
    for (uint32_t i = 2; i * i <= n; i++) {
        if (composite[i])
            continue;
        for (uint32_t j = i * i; j <= n; j += i)
            composite[j] = 1;
    }
    uint32_t count = 0, h = 0;
    for (uint32_t i = 2; i <= n; i++) {
        if (!composite[i]) {
            count++;
            h = h * 31 + i;
        }
    }
    *hash = h;
    return count;
}

int kmain(void)
{
    uint32_t n = cmdline_uint("n", 10000);
    uint32_t reps = cmdline_uint("reps", 1);
    if (n < 2 || n > MAX_N || reps == 0) {
        serial_printf("sieve: need 2 <= n <= %u and reps >= 1\n", MAX_N);
        return 2;
    }
    uint32_t primes = 0, checksum = 0;
    for (uint32_t rep = 0; rep < reps; rep++) {
        uint32_t hash;
        uint32_t count = sieve(n, &hash);
        if (rep > 0 && count != primes) {
            serial_printf("sieve: rep %u counted %u primes, rep 0 counted %u\n", rep, count, primes);
            return 1;
        }
        primes = count;
        checksum = (checksum ^ hash) * 0x01000193u;
    }
    serial_printf("sieve n=%u reps=%u: primes=%u checksum=%08x\n", n, reps, primes, checksum);
    return 0;
}
