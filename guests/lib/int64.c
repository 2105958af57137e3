/* 64-bit division helpers that GCC calls on IA-32 (the libgcc names and
   signatures), written here because the guests link no libgcc.

   When the divisor fits in 32 bits the quotient is found with one or two
   DIV instructions (SDM vol. 2, DIV: EDX:EAX / r/m32, #DE if the quotient
   overflows, so the high half is reduced first). A wider divisor leaves a
   quotient below 2^32, found by shift and subtract. Division by zero
   executes a DIV by zero, raising #DE as hardware division would. */
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *remainder);
int64_t __divmoddi4(int64_t n, int64_t d, int64_t *remainder);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);

/* EDX:EAX = high:low divided by divisor; requires high < divisor. */
static uint32_t divide_64_by_32(uint32_t high, uint32_t low, uint32_t divisor,
                                uint32_t *remainder)
{
    uint32_t quotient, rest;
    __asm__("divl %4" : "=a"(quotient), "=d"(rest) : "a"(low), "d"(high), "rm"(divisor));
    *remainder = rest;
    return quotient;
}

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *remainder)
{
    uint32_t d_high = (uint32_t)(d >> 32), d_low = (uint32_t)d;
    uint32_t n_high = (uint32_t)(n >> 32), n_low = (uint32_t)n;

    if (d_high == 0) {
        uint32_t q_high = 0, rest;
        if (d_low != 0 && n_high >= d_low) {
            q_high = n_high / d_low;
            n_high = n_high % d_low;
        }
        /* d_low == 0 gets here with n_high >= 0 = divisor: #DE */
        uint32_t q_low = divide_64_by_32(n_high, n_low, d_low, &rest);
        if (remainder)
            *remainder = rest;
        return ((uint64_t)q_high << 32) | q_low;
    }

    if (d > n) {
        if (remainder)
            *remainder = n;
        return 0;
    }
    /* n >= d >= 2^32: line d up under n's top bit, then subtract bit by bit */
    int shift = __builtin_clz(d_high) - __builtin_clz(n_high);
    uint64_t shifted = d << shift;
    uint32_t quotient = 0;
    for (int i = 0; i <= shift; i++) {
        quotient <<= 1;
        if (n >= shifted) {
            n -= shifted;
            quotient |= 1;
        }
        shifted >>= 1;
    }
    if (remainder)
        *remainder = n;
    return quotient;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
    return __udivmoddi4(n, d, 0);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
    uint64_t remainder;
    __udivmoddi4(n, d, &remainder);
    return remainder;
}

/* C division truncates toward zero: the quotient is negative when the signs
   differ, the remainder takes the dividend's sign. */
int64_t __divmoddi4(int64_t n, int64_t d, int64_t *remainder)
{
    uint64_t n_magnitude = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
    uint64_t d_magnitude = d < 0 ? 0 - (uint64_t)d : (uint64_t)d;
    uint64_t rest;
    uint64_t quotient = __udivmoddi4(n_magnitude, d_magnitude, &rest);
    if ((n < 0) != (d < 0))
        quotient = 0 - quotient;
    if (n < 0)
        rest = 0 - rest;
    if (remainder)
        *remainder = (int64_t)rest;
    return (int64_t)quotient;
}

int64_t __divdi3(int64_t n, int64_t d)
{
    return __divmoddi4(n, d, 0);
}

int64_t __moddi3(int64_t n, int64_t d)
{
    int64_t remainder;
    __divmoddi4(n, d, &remainder);
    return remainder;
}
