/* COM1, a 16550 UART at 0x3F8, polled. Output goes out byte for byte,
   "\n" is not translated. */
#ifndef GUEST_SERIAL_H
#define GUEST_SERIAL_H

#include <stdint.h>

#define COM1_BASE 0x3F8

void serial_init(void);
void serial_putc(char c);
void serial_puts(const char *s);
/* value in hexadecimal, exactly `digits` digits (1..8), no prefix */
void serial_put_hex(uint32_t value, int digits);
void serial_put_dec(uint32_t value);
void serial_put_dec_signed(int32_t value);
void serial_put_hex64(uint64_t value);
void serial_put_dec64(uint64_t value);

/* A small printf: %s %c %d %u %x %X %% with an optional '0' flag and width,
   and the 'll' length modifier on d/u/x (64-bit). */
void serial_printf(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif
