/* What a C guest kernel includes: it defines kmain, the library does the
   rest (start.asm and boot.c: stack, .bss, UART, command line, exit). */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdint.h>
#include "cmdline.h"
#include "exit.h"
#include "multiboot.h"
#include "serial.h"
#include "string.h"

/* The guest's main program. Its return value is the exit value written to
   the debug-exit port: 0 for success. */
int kmain(void);

/* The multiboot information the loader passed (never null once kmain runs). */
const struct multiboot_info *boot_info(void);

#endif
