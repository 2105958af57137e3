/* serial_printf: the formatting subset the guests need, nothing more. */
#include <stdarg.h>
#include "serial.h"

/* Writes `value` in `base` into the end of buf; returns the first digit. */
static char *format_unsigned(uint64_t value, unsigned base, int upper, char *end)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;
    do {
        *--p = digits[value % base];
        value /= base;
    } while (value != 0);
    return p;
}

static void put_padded(const char *text, int length, int width, char pad)
{
    for (int i = length; i < width; i++)
        serial_putc(pad);
    for (int i = 0; i < length; i++)
        serial_putc(text[i]);
}

void serial_printf(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    for (const char *f = format; *f; f++) {
        if (*f != '%') {
            serial_putc(*f);
            continue;
        }
        f++;
        char pad = ' ';
        if (*f == '0') {
            pad = '0';
            f++;
        }
        int width = 0;
        while (*f >= '0' && *f <= '9')
            width = width * 10 + (*f++ - '0');
        int is_long_long = 0;
        if (f[0] == 'l' && f[1] == 'l') {
            is_long_long = 1;
            f += 2;
        }
        char buffer[24];
        char *end = buffer + sizeof buffer;
        char *start;
        switch (*f) {
        case 's': {
            const char *s = va_arg(args, const char *);
            int length = 0;
            while (s[length])
                length++;
            put_padded(s, length, width, ' ');
            break;
        }
        case 'c':
            serial_putc((char)va_arg(args, int));
            break;
        case 'd': {
            int64_t value = is_long_long ? va_arg(args, int64_t) : va_arg(args, int32_t);
            uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
            start = format_unsigned(magnitude, 10, 0, end);
            if (value < 0)
                *--start = '-';
            put_padded(start, (int)(end - start), width, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t value = is_long_long ? va_arg(args, uint64_t) : va_arg(args, uint32_t);
            start = format_unsigned(value, *f == 'u' ? 10 : 16, *f == 'X', end);
            put_padded(start, (int)(end - start), width, pad);
            break;
        }
        case '%':
            serial_putc('%');
            break;
        case '\0':
            f--; /* a lone '%' at the end: stop at the terminator */
            break;
        default:
            serial_putc('%');
            serial_putc(*f);
            break;
        }
    }
    va_end(args);
}
