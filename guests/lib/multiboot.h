/* The multiboot v1 information structure handed over in EBX
   (Multiboot Specification 0.6.96, section 3.3). Only the leading fields
   the guests read are declared. */
#ifndef GUEST_MULTIBOOT_H
#define GUEST_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u

#define MULTIBOOT_INFO_MEMORY  (1u << 0) /* mem_lower, mem_upper valid */
#define MULTIBOOT_INFO_CMDLINE (1u << 2) /* cmdline valid */

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower; /* KiB of memory below 1 MiB */
    uint32_t mem_upper; /* KiB of memory from 1 MiB up to the first hole */
    uint32_t boot_device;
    uint32_t cmdline;   /* physical address of a NUL-terminated string */
    uint32_t mods_count;
    uint32_t mods_addr;
};

#endif
