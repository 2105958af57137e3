/* 64-bit integer arithmetic on IA-32: multiply, unsigned and signed divide
   and remainder (through the __udivdi3 family in guests/lib/int64.c, both
   the 32-bit-divisor and the wide-divisor paths), variable shifts. Every
   quotient and remainder is checked (q * d + r == n, |r| < |d|). Parameters:
   n (iterations). */
#include "guest.h"

static int check_failed(uint32_t i, const char *what)
{
    serial_printf("int64: iteration %u: %s division check failed\n", i, what);
    return 1;
}

int kmain(void)
{
    uint32_t n = cmdline_uint("n", 1000);
    uint64_t state = 0x853C49E6748FEA9BULL;
    uint64_t hash = 0xCBF29CE484222325ULL;
    for (uint32_t i = 0; i < n; i++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t a = state;

        uint64_t narrow = (uint32_t)(a >> 33) | 1;   /* divisor below 2^32 */
        uint64_t wide = (a >> (i % 29 + 3)) | 1;     /* divisor usually above */
        uint64_t q1 = a / narrow, r1 = a % narrow;
        uint64_t q2 = a / wide, r2 = a % wide;
        if (q1 * narrow + r1 != a || r1 >= narrow)
            return check_failed(i, "narrow unsigned");
        if (q2 * wide + r2 != a || r2 >= wide)
            return check_failed(i, "wide unsigned");

        int64_t s = (int64_t)(a ^ (a << 7));
        int64_t d = (int64_t)(int32_t)(uint32_t)(a >> 16) | 1;
        if (i & 4)
            d = (int64_t)(a >> 3) | 1; /* wide, and negative when bit 63 is set */
        if (d == -1)
            d = 3;                     /* INT64_MIN / -1 would overflow */
        int64_t sq = s / d, sr = s % d;
        uint64_t sr_magnitude = sr < 0 ? 0 - (uint64_t)sr : (uint64_t)sr;
        uint64_t d_magnitude = d < 0 ? 0 - (uint64_t)d : (uint64_t)d;
        if ((uint64_t)sq * (uint64_t)d + (uint64_t)sr != (uint64_t)s || sr_magnitude >= d_magnitude ||
            (sr != 0 && (sr < 0) != (s < 0)))
            return check_failed(i, "signed");

        uint64_t shifted_left = a << (i & 63);
        uint64_t shifted_right = a >> ((i * 7) & 63);
        int64_t arithmetic_right = s >> ((i * 13) & 63);
        uint64_t product = a * (wide | 0x100000001ULL);

        hash ^= q1 ^ (r1 << 3) ^ q2 ^ (r2 << 1) ^ (uint64_t)sq ^ (uint64_t)sr;
        hash ^= shifted_left ^ shifted_right ^ (uint64_t)arithmetic_right ^ product;
        hash *= 0x100000001B3ULL;
    }
    serial_printf("int64 n=%u: state=%016llx checksum=%016llx\n", n, state, hash);
    return 0;
}
