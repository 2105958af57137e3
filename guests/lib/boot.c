/* From the entry stub to kmain and out through the debug-exit port. */
#include "guest.h"

void lib_boot(uint32_t magic, const struct multiboot_info *mbi) __attribute__((noreturn));

static const struct multiboot_info *boot_information;

const struct multiboot_info *boot_info(void)
{
    return boot_information;
}

static uint64_t read_tsc(void)
{
    uint64_t value;
    __asm__ volatile("rdtsc" : "=A"(value));
    return value;
}

void lib_boot(uint32_t magic, const struct multiboot_info *mbi)
{
    serial_init();
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC || mbi == 0) {
        serial_printf("boot: not started by a multiboot loader (eax=%08x)\n", magic);
        guest_exit(0x7F);
    }
    boot_information = mbi;
    cmdline_init(mbi);

    /* "tsc" on the command line reports the time stamp counter ticks spent
       in kmain; under qemu -icount shift=0 a tick is one instruction, which
       is how scripts/measure-guests.sh sizes the runs. */
    int report_ticks = cmdline_has("tsc");
    uint64_t start = report_ticks ? read_tsc() : 0;
    int status = kmain();
    if (report_ticks)
        serial_printf("tsc: %llu\n", read_tsc() - start);
    guest_exit((uint8_t)status);
}
