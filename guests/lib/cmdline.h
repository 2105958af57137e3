/* The kernel command line from the multiboot information (flags bit 2).
   As with GRUB and QEMU, its first word is the image's own name; the
   arguments follow, as space-separated key=value words. */
#ifndef GUEST_CMDLINE_H
#define GUEST_CMDLINE_H

#include <stdint.h>
#include "multiboot.h"

void cmdline_init(const struct multiboot_info *mbi);
/* The whole command line, or "" when the loader gave none. */
const char *cmdline_full(void);
/* The arguments: the command line without its first word and the blanks
   after it. */
const char *cmdline_args(void);
/* The value of key=N among the arguments (decimal, or hex with 0x), or
   `fallback` when the key is absent or its value is not a number. */
uint32_t cmdline_uint(const char *key, uint32_t fallback);
/* Nonzero when the arguments hold a word `key` or `key=...`. */
int cmdline_has(const char *key);

#endif
