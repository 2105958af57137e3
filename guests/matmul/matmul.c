/* Integer matrix multiply C = A x B of n x n int32 matrices (i-k-j order),
   hashing C, reps times (each rep changes one element of A first).
   Parameters: n (1..256), reps. */
#include "guest.h"
#include "random.h"

#define MAX_N 256

static int32_t a[MAX_N][MAX_N], b[MAX_N][MAX_N], c[MAX_N][MAX_N];

static void multiply(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < n; j++)
            c[i][j] = 0;
        for (uint32_t k = 0; k < n; k++) {
            int32_t aik = a[i][k];
            for (uint32_t j = 0; j < n; j++)
                c[i][j] += aik * b[k][j];
        }
    }
}

static uint32_t hash_result(uint32_t n)
{
    uint32_t h = 0x811C9DC5u;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++)
            h = (h ^ (uint32_t)c[i][j]) * 0x01000193u;
    return h;
}

int kmain(void)
{
    uint32_t n = cmdline_uint("n", 32);
    uint32_t reps = cmdline_uint("reps", 1);
    if (n == 0 || n > MAX_N || reps == 0) {
        serial_printf("matmul: need 1 <= n <= %u and reps >= 1\n", MAX_N);
        return 2;
    }
    uint32_t seed = 12345;
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < n; j++) {
            a[i][j] = (int32_t)(xorshift32(&seed) % 2001) - 1000;
            b[i][j] = (int32_t)(xorshift32(&seed) % 2001) - 1000;
        }
    }
    uint32_t checksum = 0;
    for (uint32_t rep = 0; rep < reps; rep++) {
        a[rep % n][(rep * 7) % n] += 1;
        multiply(n);
        checksum = checksum * 0x9E3779B1u + hash_result(n);
    }
    int32_t trace = 0;
    for (uint32_t i = 0; i < n; i++)
        trace += c[i][i];
    serial_printf("matmul n=%u reps=%u: trace=%d c[n-1][0]=%d checksum=%08x\n",
                  n, reps, trace, c[n - 1][0], checksum);
    return 0;
}
