/* The smallest guest: greets, shows what the loader handed over, exits 0.
   Built twice: as a multiboot ELF image and as a flat binary with the
   a.out-kludge header, so both loader paths are exercised. */
#include "guest.h"

#ifdef AOUT_IMAGE
#define IMAGE_KIND "a.out-kludge flat binary"
#else
#define IMAGE_KIND "ELF"
#endif

int kmain(void)
{
    const struct multiboot_info *mbi = boot_info();
    serial_puts("Hello from x86dbt guest 'hello' (" IMAGE_KIND " image)\n");
    serial_printf("args: [%s]\n", cmdline_args());
    /* Only presence: the sizes depend on the firmware's reserved areas. */
    serial_printf("memory info: %s\n", (mbi->flags & MULTIBOOT_INFO_MEMORY) ? "present" : "absent");
    serial_printf("n=%u\n", cmdline_uint("n", 7));
    serial_puts("bye\n");
    return 0;
}
