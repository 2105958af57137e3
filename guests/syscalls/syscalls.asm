; syscalls: `rounds=N` system calls from ring 3 — the round trip every
; exception and interrupt costs under a VMM. User code makes int 0x80 calls
; through a DPL-3 gate (EAX = call number, EBX = argument); the kernel entry
; saves the registers, switches to its data segments, adds the argument to a
; sum, and returns with IRET. Prints the call count and the sum, which depend
; only on N. The exit value is the number of failed checks.

%macro GUEST_GDT 0
%endmacro

%include "../exceptions/syskit.inc"

SYSCALL_VECTOR equ 0x80
SYS_ADD        equ 1

extern cmdline_uint

section .text
global kmain
kmain:
    call sys_init
    call user_init
    mov eax, SYSCALL_VECTOR
    mov ebx, syscall_entry
    mov cl, 0xEE                    ; DPL 3: int 0x80 allowed from ring 3
    call idt_set_gate
    push dword 1000
    push dword key_rounds
    call cmdline_uint
    add esp, 8
    mov [rounds], eax
    SAY "syscalls: "
    DEC [rounds]
    SAYLN " round trips from ring 3"
    mov eax, user_loop
    mov ecx, 0x202                  ; EFLAGS: IF on (every PIC line is masked)
    call user_call
    SAY "syscalls: calls "
    DEC [calls]
    SAY ", sum "
    HEX [sum], 8
    NL
    mov eax, [rounds]
    CHECK [calls], eax, "syscalls: every call reached the kernel"
    EXIT_WITH_FAILURES

; Ring 3: rounds calls of SYS_ADD with arguments rounds..1, then back to the kernel.
user_loop:
    mov ecx, [rounds]
    test ecx, ecx
    jz .done
.next:
    mov eax, SYS_ADD
    mov ebx, ecx
    int SYSCALL_VECTOR
    dec ecx
    jnz .next
.done:
    int USER_RETURN_VECTOR

syscall_entry:
    push ds
    push es
    pushad
    mov bp, SEL_KDATA
    mov ds, bp
    mov es, bp
    cmp eax, SYS_ADD
    jne .return
    inc dword [calls]
    add [sum], ebx
.return:
    popad
    pop es
    pop ds
    iret

section .rodata
key_rounds: db "rounds", 0

section .data
rounds: dd 0
calls:  dd 0
sum:    dd 0
