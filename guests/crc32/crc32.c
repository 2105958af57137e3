/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) of a generated
   buffer, computed table-driven and bit by bit; the two must agree.
   Parameters: n (buffer bytes, 1..1048576), reps (each rep changes one
   byte of the buffer first). */
#include "guest.h"
#include "random.h"

#define MAX_N (1u << 20)
#define POLYNOMIAL 0xEDB88320u

static uint8_t buffer[MAX_N];
static uint32_t table[256];

static void build_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int bit = 0; bit < 8; bit++)
            c = (c & 1) ? (c >> 1) ^ POLYNOMIAL : c >> 1;
        table[i] = c;
    }
}

static uint32_t crc32_table(const uint8_t *data, uint32_t length)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < length; i++)
        crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

static uint32_t crc32_bitwise(const uint8_t *data, uint32_t length)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < length; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (POLYNOMIAL & (0u - (crc & 1)));
    }
    return ~crc;
}

int kmain(void)
{
    uint32_t n = cmdline_uint("n", 4096);
    uint32_t reps = cmdline_uint("reps", 1);
    if (n == 0 || n > MAX_N || reps == 0) {
        serial_printf("crc32: need 1 <= n <= %u and reps >= 1\n", MAX_N);
        return 2;
    }
    build_table();
    /* the standard check value: CRC-32 of "123456789" is cbf43926 */
    const uint8_t check[] = "123456789";
    uint32_t check_table = crc32_table(check, 9), check_bitwise = crc32_bitwise(check, 9);
    serial_printf("crc32 check: table=%08x bitwise=%08x\n", check_table, check_bitwise);

    uint32_t seed = 0x2545F491u;
    for (uint32_t i = 0; i < n; i++)
        buffer[i] = (uint8_t)xorshift32(&seed);
    uint32_t checksum = 0, last = 0;
    for (uint32_t rep = 0; rep < reps; rep++) {
        buffer[(rep * 2654435761u) % n] ^= (uint8_t)(rep | 1);
        uint32_t by_table = crc32_table(buffer, n);
        uint32_t by_bits = crc32_bitwise(buffer, n);
        if (by_table != by_bits) {
            serial_printf("crc32: rep %u: table %08x != bitwise %08x\n", rep, by_table, by_bits);
            return 1;
        }
        checksum = (checksum << 5 | checksum >> 27) ^ by_table;
        last = by_table;
    }
    serial_printf("crc32 n=%u reps=%u: last=%08x checksum=%08x\n", n, reps, last, checksum);
    return check_table == check_bitwise ? 0 : 1;
}
