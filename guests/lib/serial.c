#include "serial.h"
#include "io.h"

/* 16550 register offsets from the base port */
#define UART_DATA 0 /* THR on write; DLL when LCR.DLAB = 1 */
#define UART_IER  1 /* interrupt enable; DLM when LCR.DLAB = 1 */
#define UART_FCR  2 /* FIFO control */
#define UART_LCR  3 /* line control */
#define UART_MCR  4 /* modem control */
#define UART_LSR  5 /* line status */

#define LCR_DLAB      0x80
#define LCR_8N1       0x03
#define LSR_THR_EMPTY 0x20

void serial_init(void)
{
    outb(COM1_BASE + UART_IER, 0x00);  /* no interrupts */
    outb(COM1_BASE + UART_LCR, LCR_DLAB);
    outb(COM1_BASE + UART_DATA, 0x01); /* divisor 1: 115200 baud */
    outb(COM1_BASE + UART_IER, 0x00);  /* divisor high byte */
    outb(COM1_BASE + UART_LCR, LCR_8N1);
    outb(COM1_BASE + UART_FCR, 0xC7);  /* enable and clear FIFOs, 14-byte trigger */
    outb(COM1_BASE + UART_MCR, 0x0B);  /* DTR, RTS, OUT2 */
}

void serial_putc(char c)
{
    while ((inb(COM1_BASE + UART_LSR) & LSR_THR_EMPTY) == 0)
        ;
    outb(COM1_BASE + UART_DATA, (uint8_t)c);
}

void serial_puts(const char *s)
{
    while (*s)
        serial_putc(*s++);
}

static const char hex_digits[] = "0123456789abcdef";

void serial_put_hex(uint32_t value, int digits)
{
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        serial_putc(hex_digits[(value >> shift) & 0xF]);
}

void serial_put_hex64(uint64_t value)
{
    serial_put_hex((uint32_t)(value >> 32), 8);
    serial_put_hex((uint32_t)value, 8);
}

void serial_put_dec64(uint64_t value)
{
    char digits[20];
    int count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    while (count > 0)
        serial_putc(digits[--count]);
}

void serial_put_dec(uint32_t value)
{
    char digits[10];
    int count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    while (count > 0)
        serial_putc(digits[--count]);
}

void serial_put_dec_signed(int32_t value)
{
    if (value < 0) {
        serial_putc('-');
        serial_put_dec(0u - (uint32_t)value);
    } else {
        serial_put_dec((uint32_t)value);
    }
}
