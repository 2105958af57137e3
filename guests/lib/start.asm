; Multiboot v1 header and entry stub shared by the C guests.
;
; The loader enters _start in 32-bit protected mode with paging off,
; interrupts off, EAX = 0x2BADB002 and EBX = the multiboot information
; structure (Multiboot Specification 0.6.96, section 3.2). The stub zeroes
; .bss itself (the guest does not trust the loader to), sets up its own stack
; and hands the magic and the information pointer to lib_boot (boot.c), which
; never returns.
;
; Assemble with -DAOUT_KLUDGE for an image whose header carries its own load
; addresses (flag bit 16, "a.out kludge"): such an image is loaded as a flat
; binary, the header's addresses say where.

MB_MAGIC        equ 0x1BADB002
MB_PAGE_ALIGN   equ 1 << 0
MB_MEMORY_INFO  equ 1 << 1
MB_ADDRESS_INFO equ 1 << 16

%ifdef AOUT_KLUDGE
MB_FLAGS        equ MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_ADDRESS_INFO
%else
MB_FLAGS        equ MB_PAGE_ALIGN | MB_MEMORY_INFO
%endif

STACK_BYTES     equ 64 * 1024

extern lib_boot
extern __image_start, __load_end, __bss_start, __bss_end

section .multiboot progbits alloc noexec nowrite align=4
multiboot_header:
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)
%ifdef AOUT_KLUDGE
    dd multiboot_header     ; header_addr: where this header is in memory
    dd __image_start        ; load_addr: start of the text segment
    dd __load_end           ; load_end_addr: end of the data to load
    dd __bss_end            ; bss_end_addr: end of memory to zero
    dd _start               ; entry_addr
%endif

section .text
global _start
_start:
    cli
    cld
    mov edx, eax            ; keep the magic while rep stosd uses eax
    mov edi, __bss_start
    mov ecx, __bss_end
    sub ecx, edi
    shr ecx, 2              ; link.ld keeps .bss 4-byte aligned and sized
    xor eax, eax
    rep stosd
    mov esp, stack_top
    push 0
    popfd                   ; a known EFLAGS: IF=0, DF=0, no stale flags
    push ebx                ; multiboot information pointer
    push edx                ; multiboot magic
    call lib_boot
.halt:                      ; lib_boot does not return; stop here if it does
    cli
    hlt
    jmp .halt

section .bss
align 16
stack_bottom:
    resb STACK_BYTES
stack_top:
