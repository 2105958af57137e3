/* Memory operations with the x86 string instructions (SDM vol. 2: REP
   prefixes, MOVS, STOS, SCAS, CMPS, LODS), each step checked against what
   it must have produced. Parameters: n (bytes, a multiple of 4, 64..1048576),
   reps. */
#include "guest.h"

#define MAX_N (1u << 20)

static uint8_t source[MAX_N], dest[MAX_N];

static void fill_bytes(void *to, uint8_t value, uint32_t count)
{
    __asm__ volatile("rep stosb" : "+D"(to), "+c"(count) : "a"(value) : "memory");
}

static void fill_dwords(void *to, uint32_t value, uint32_t count)
{
    __asm__ volatile("rep stosl" : "+D"(to), "+c"(count) : "a"(value) : "memory");
}

static void copy_bytes(void *to, const void *from, uint32_t count)
{
    __asm__ volatile("rep movsb" : "+D"(to), "+S"(from), "+c"(count) : : "memory");
}

static void copy_dwords(void *to, const void *from, uint32_t count)
{
    __asm__ volatile("rep movsl" : "+D"(to), "+S"(from), "+c"(count) : : "memory");
}

/* memmove for to > from: copies from the top down with DF = 1 */
static void copy_bytes_backward(uint8_t *to, const uint8_t *from, uint32_t count)
{
    uint8_t *last_to = to + count - 1;
    const uint8_t *last_from = from + count - 1;
    __asm__ volatile("std\n\trep movsb\n\tcld"
                     : "+D"(last_to), "+S"(last_from), "+c"(count) : : "memory");
}

static uint32_t string_length(const uint8_t *s)
{
    uint32_t count = 0xFFFFFFFFu;
    __asm__ volatile("repne scasb" : "+D"(s), "+c"(count) : "a"(0) : "memory");
    return ~count - 1; /* ECX went down once per byte scanned, NUL included */
}

/* index of the first byte where a and b differ, or count if none */
static uint32_t first_difference(const uint8_t *a, const uint8_t *b, uint32_t count)
{
    uint32_t left = count;
    uint8_t equal;
    __asm__ volatile("repe cmpsb" : "+S"(a), "+D"(b), "+c"(left), "=@ccz"(equal) : : "memory");
    return equal ? count : count - left - 1;
}

/* rotate-and-add over dwords with LODSD and LOOP; count >= 1 */
static uint32_t dword_hash(const void *from, uint32_t count)
{
    uint32_t hash = 0, scratch;
    __asm__ volatile("1:\n\tlodsl\n\troll $5, %0\n\taddl %%eax, %0\n\tloop 1b"
                     : "+r"(hash), "+S"(from), "+c"(count), "=&a"(scratch) : : "memory");
    return hash;
}

static int fail(uint32_t rep, const char *what, uint32_t got, uint32_t expected)
{
    serial_printf("memops: rep %u: %s is %u, expected %u\n", rep, what, got, expected);
    return 1;
}

int kmain(void)
{
    uint32_t n = cmdline_uint("n", 4096);
    uint32_t reps = cmdline_uint("reps", 1);
    if (n < 64 || n > MAX_N || n % 4 != 0 || reps == 0) {
        serial_printf("memops: need 64 <= n <= %u, n a multiple of 4, reps >= 1\n", MAX_N);
        return 2;
    }
    uint32_t checksum = 0, length = 0, difference = 0;
    for (uint32_t rep = 0; rep < reps; rep++) {
        /* every byte of source nonzero, so the only NUL is the one put below */
        fill_dwords(source, (0x9E3779B9u ^ rep) | 0x01010101u, n / 4);
        for (uint32_t i = rep % 61; i < n; i += 61)
            source[i] = (uint8_t)(i * 7 + rep) | 1;
        fill_bytes(dest, 0xA5, n);
        if (dest[n - 1] != 0xA5)
            return fail(rep, "dest[n-1] after rep stosb", dest[n - 1], 0xA5);
        copy_dwords(dest, source, n / 4);
        if (dest[n - 1] != source[n - 1])
            return fail(rep, "dest[n-1] after rep movsd", dest[n - 1], source[n - 1]);
        copy_bytes(dest + 1, source + 3, n - 8);  /* dest[1 + k] = source[3 + k] */
        copy_bytes_backward(dest + 5, dest, n - 5); /* now dest[6 + k] = source[3 + k] */

        uint32_t zero_at = (rep * 2654435761u) % n;
        dest[zero_at] = 0;
        length = string_length(dest);
        if (length != zero_at)
            return fail(rep, "strlen", length, zero_at);

        uint32_t compared = n - 16;
        difference = first_difference(dest + 6, source + 3, compared);
        uint32_t expected = (zero_at >= 6 && zero_at - 6 < compared) ? zero_at - 6 : compared;
        if (difference != expected)
            return fail(rep, "first difference", difference, expected);

        checksum = (checksum * 0x01000193u) ^ dword_hash(dest, n / 4) ^ length ^ (difference << 12);
    }
    serial_printf("memops n=%u reps=%u: strlen=%u diff=%u checksum=%08x\n",
                  n, reps, length, difference, checksum);
    return 0;
}
