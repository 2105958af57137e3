#include "cmdline.h"

static const char *command_line = "";

void cmdline_init(const struct multiboot_info *mbi)
{
    if (mbi != 0 && (mbi->flags & MULTIBOOT_INFO_CMDLINE) && mbi->cmdline != 0)
        command_line = (const char *)mbi->cmdline;
}

const char *cmdline_full(void)
{
    return command_line;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

const char *cmdline_args(void)
{
    const char *p = command_line;
    while (is_blank(*p))
        p++;
    while (*p && !is_blank(*p))
        p++;
    while (is_blank(*p))
        p++;
    return p;
}

/* If the word at `word` is `key` (alone or followed by '='), returns the
   character after the key; otherwise 0. */
static const char *match_key(const char *word, const char *key)
{
    while (*key) {
        if (*word != *key)
            return 0;
        word++;
        key++;
    }
    return (*word == '=' || *word == '\0' || is_blank(*word)) ? word : 0;
}

static const char *find_key(const char *key)
{
    const char *p = cmdline_args();
    while (*p) {
        const char *after = match_key(p, key);
        if (after)
            return after;
        while (*p && !is_blank(*p))
            p++;
        while (is_blank(*p))
            p++;
    }
    return 0;
}

int cmdline_has(const char *key)
{
    return find_key(key) != 0;
}

static int digit_value(char c, unsigned base)
{
    int value;
    if (c >= '0' && c <= '9')
        value = c - '0';
    else if (c >= 'a' && c <= 'f')
        value = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
        value = c - 'A' + 10;
    else
        return -1;
    return value < (int)base ? value : -1;
}

uint32_t cmdline_uint(const char *key, uint32_t fallback)
{
    const char *p = find_key(key);
    if (p == 0 || *p != '=')
        return fallback;
    p++;
    unsigned base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    if (digit_value(*p, base) < 0)
        return fallback;
    uint32_t value = 0;
    int digit;
    while ((digit = digit_value(*p, base)) >= 0) {
        value = value * base + (uint32_t)digit;
        p++;
    }
    return (*p == '\0' || is_blank(*p)) ? value : fallback;
}
