; irqflags: `rounds=N` critical sections `pushfd; cli; ...; popfd` with
; interrupts on — the sequence a kernel runs around every shared update and
; the one a VMM must virtualize (popf changes the interrupt flag only at
; CPL 0). Each section updates a counter and a checksum; a second loop does
; the same with cli/sti. Prints both results, which depend only on N, and
; checks IF after each loop. The exit value is the number of failed checks.

%macro GUEST_GDT 0
%endmacro

%include "../exceptions/syskit.inc"

IF_MASK equ 0x200

extern cmdline_uint

section .text
global kmain
kmain:
    call sys_init
    push dword 1000
    push dword key_rounds
    call cmdline_uint
    add esp, 8
    mov [rounds], eax
    SAY "irqflags: "
    DEC [rounds]
    SAYLN " critical sections"
    sti                             ; every PIC line is masked: nothing arrives

    mov ecx, [rounds]
    xor edx, edx
    test ecx, ecx
    jz .popf_done
.popf_loop:
    pushfd
    cli
    inc dword [sections]
    add edx, ecx
    rol edx, 1
    popfd
    dec ecx
    jnz .popf_loop
.popf_done:
    mov [checksum], edx
    pushfd
    pop eax
    and eax, IF_MASK
    CHECK eax, IF_MASK, "irqflags: popfd restored IF"

    mov ecx, [rounds]
    xor edx, edx
    test ecx, ecx
    jz .sti_done
.sti_loop:
    cli
    inc dword [sections]
    add edx, ecx
    rol edx, 1
    sti
    dec ecx
    jnz .sti_loop
.sti_done:
    mov [checksum2], edx
    pushfd
    pop eax
    and eax, IF_MASK
    CHECK eax, IF_MASK, "irqflags: sti left IF on"
    cli

    SAY "irqflags: sections "
    DEC [sections]
    SAY ", checksums "
    HEX [checksum], 8
    SAY " "
    HEX [checksum2], 8
    NL
    mov eax, [checksum]
    CHECK [checksum2], eax, "irqflags: both loops computed the same"
    EXIT_WITH_FAILURES

section .rodata
key_rounds: db "rounds", 0

section .data
rounds:    dd 0
sections:  dd 0
checksum:  dd 0
checksum2: dd 0
