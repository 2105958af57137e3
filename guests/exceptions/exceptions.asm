; exceptions: provokes each processor exception the IA-32 model can raise at
; CPL 0 and reports the vector, the error code and the saved EIP relative to
; the faulting instruction's label, so two engines can be diffed line by line.
; Expected values follow the SDM Vol. 3 chapter 6 (exception classes, error
; codes, and the double-fault conditions of table 6-5).
; Not checked here because QEMU's TCG does not model them (so no recording
; could be trusted): #GP on data accesses beyond a segment limit, through a
; null selector or writing a read-only segment, and the EXT bit of an error
; code raised while delivering a processor exception.

%macro GUEST_GDT 0
    DESC 0, 0xFFFFF, 0x12, 0xC      ; 0x30 data, not present
    DESC 0, 0xFFFFF, 0x98, 0xC      ; 0x38 code, execute-only
    DESC 0, 0xFFFFF, 0x90, 0xC      ; 0x40 data, read-only
%endmacro
SEL_NOTPRESENT equ 0x30
SEL_EXECONLY   equ 0x38
SEL_READONLY   equ 0x40

%include "syskit.inc"

section .text
global kmain
kmain:
    call sys_init
    SAYLN "exceptions: start"

    ; ---- #DE (fault: EIP of the divide)
    ARM .de1
    xor ecx, ecx
    mov eax, 1
    xor edx, edx
.de1f: div ecx
.de1:
    EXPECT "#DE div by zero", .de1f, 0, 0, 0
    ARM .de2
    mov eax, 0x80000000
    cdq
    mov ecx, -1
.de2f: idiv ecx
.de2:
    EXPECT "#DE idiv overflow", .de2f, 0, 0, 0

    ; ---- #DB single step (trap after the instruction following the POPF
    ; that set TF: SDM Vol. 3 17.3.1.4)
    ARM .db1
    pushfd
    or dword [esp], 0x100
    popfd
.db1f: nop
    nop
.db1:
    EXPECT "#DB single step", .db1f, 1, 0, 1

    ; ---- #BP (trap: EIP after the instruction)
    ARM .bp1
.bp1f: int3
.bp1:
    EXPECT "#BP int3", .bp1f, 3, 0, 1
    ARM .bp2
.bp2f: int 3
.bp2:
    EXPECT "#BP int 3 (cd 03)", .bp2f, 3, 0, 2

    ; ---- #OF (trap)
    ARM .of1
    mov al, 0x7F
    add al, 1
.of1f: into
.of1:
    EXPECT "#OF into with OF=1", .of1f, 4, 0, 1
    ARM .of2
    mov al, 1
    add al, 1
    into
.of2:
    EXPECT_NONE "into with OF=0: no fault"

    ; ---- #BR (fault)
    ARM .br1
    mov eax, 20
.br1f: bound eax, [bounds]
.br1:
    EXPECT "#BR bound 20 in [0,10]", .br1f, 5, 0, 0
    ARM .br2
    mov eax, 10
    bound eax, [bounds]
.br2:
    EXPECT_NONE "bound 10 in [0,10]: no fault"

    ; ---- #UD
    ARM .ud1
.ud1f: ud2
.ud1:
    EXPECT "#UD ud2", .ud1f, 6, 0, 0
    ARM .ud2
.ud2f: db 0xF0, 0x01, 0xC0          ; lock add eax, eax: LOCK without memory
.ud2:
    EXPECT "#UD lock add eax,eax", .ud2f, 6, 0, 0
    ARM .ud3
.ud3f: db 0x8E, 0xC8                ; mov cs, ax
.ud3:
    EXPECT "#UD mov cs,ax", .ud3f, 6, 0, 0
    ARM .ud4
.ud4f: db 0x0F, 0xFF                ; ud0
.ud4:
    EXPECT "#UD 0f ff", .ud4f, 6, 0, 0

    ; ---- #NM (x87 instruction with CR0.TS=1, EM=0)
    ARM .nm1
    mov eax, cr0
    or eax, 8
    and eax, ~4
    mov cr0, eax
.nm1f: fninit
.nm1:
    clts
    EXPECT "#NM fninit with CR0.TS", .nm1f, 7, 0, 0
    ARM .nm2
    fninit
.nm2:
    EXPECT_NONE "fninit after clts: no fault"

    ; ---- #GP with selector error codes (SDM: MOV Sreg)
    ARM .gp1
    mov ax, 0x1000
.gp1f: mov ds, ax
.gp1:
    mov ax, SEL_KDATA
    mov ds, ax
    EXPECT "#GP mov ds past the GDT limit", .gp1f, 13, 0x1000, 0
    ARM .gp2
    mov ax, SEL_EXECONLY
.gp2f: mov ds, ax
.gp2:
    mov ax, SEL_KDATA
    mov ds, ax
    EXPECT "#GP mov ds execute-only code", .gp2f, 13, SEL_EXECONLY, 0
    ARM .gp3
    mov ax, SEL_READONLY
.gp3f: mov ss, ax
.gp3:
    EXPECT "#GP mov ss read-only data", .gp3f, 13, SEL_READONLY, 0
    ARM .gp4
    xor ax, ax
.gp4f: mov ss, ax
.gp4:
    EXPECT "#GP mov ss null", .gp4f, 13, 0, 0
    ARM .gp5
    mov ax, SEL_KDATA | 3
.gp5f: mov ds, ax
.gp5:
    mov ax, SEL_KDATA
    mov ds, ax
    EXPECT "#GP mov ds with RPL 3 > DPL 0", .gp5f, 13, SEL_KDATA, 0
    ARM .gp9
    lidt [idt_short]
.gp9f: int 0x40
.gp9:
    lidt [idt_desc]
    EXPECT "#GP int 0x40 past the IDT limit", .gp9f, 13, 0x40 * 8 + 2, 0

    ; ---- #NP
    ARM .np1
    mov ax, SEL_NOTPRESENT
.np1f: mov ds, ax
.np1:
    mov ax, SEL_KDATA
    mov ds, ax
    EXPECT "#NP mov ds not present", .np1f, 11, SEL_NOTPRESENT, 0
    mov eax, 0x31
    mov ebx, isr_13
    mov cl, 0x0E                    ; 32-bit interrupt gate, P=0
    call idt_set_gate
    ARM .np2
.np2f: int 0x31                     ; gate present bit clear
.np2:
    EXPECT "#NP int 0x31 gate not present", .np2f, 11, 0x31 * 8 + 2, 0

    ; ---- #SS
    ARM .ss1
    mov ax, SEL_NOTPRESENT
.ss1f: mov ss, ax
.ss1:
    EXPECT "#SS mov ss not present", .ss1f, 12, SEL_NOTPRESENT, 0

    ; ---- #PF (error code and CR2), with a small identity-mapped space
    call paging_on
    ARM .pf1
.pf1f: mov eax, [PF_ABSENT + 0x10]
.pf1:
    EXPECT "#PF read not-present", .pf1f, 14, 0, 0
    CHECK [fault_cr2], PF_ABSENT + 0x10, "  cr2"
    ARM .pf2
.pf2f: mov dword [PF_ABSENT + 0x24], 1
.pf2:
    EXPECT "#PF write not-present", .pf2f, 14, 2, 0
    CHECK [fault_cr2], PF_ABSENT + 0x24, "  cr2"
    ARM .pf3
    mov dword [PF_READONLY + 8], 5
.pf3:
    EXPECT_NONE "supervisor write to read-only page, CR0.WP=0: no fault"
    mov eax, cr0
    or eax, 1 << 16
    mov cr0, eax
    ARM .pf4
.pf4f: mov dword [PF_READONLY + 8], 6
.pf4:
    EXPECT "#PF write read-only, CR0.WP=1", .pf4f, 14, 3, 0
    CHECK [fault_cr2], PF_READONLY + 8, "  cr2"
    CHECK [PF_READONLY + 8], 5, "  value kept"
    call paging_off

    ; ---- a benign exception whose gate is not present: #NP, handled
    ; serially (SDM Vol. 3 6.15 table 6-5); EXT (bit 0) clear for int3
    mov byte [idt + 3 * 8 + 5], 0x0E
    ARM .ext2
.ext2f: int3
.ext2:
    mov byte [idt + 3 * 8 + 5], 0x8E
    EXPECT "int3 with gate 3 absent -> #NP", .ext2f, 11, 3 * 8 + 2, 0

    ; ---- #DF: a contributory exception (#GP, #DE) whose delivery raises
    ; another (#NP for the absent gate). CS:EIP saved by #DF are undefined.
    mov byte [idt + 13 * 8 + 5], 0x0E
    ARM .df1
    mov ax, 0x1000
.df1f: mov ds, ax
.df1:
    mov ax, SEL_KDATA
    mov ds, ax
    mov byte [idt + 13 * 8 + 5], 0x8E
    EXPECT "#DF from #GP with gate 13 absent", .df1f, 8, 0, NO_EIP
    mov byte [idt + 0 * 8 + 5], 0x0E
    ARM .df2
    xor ecx, ecx
.df2f: div ecx
.df2:
    mov byte [idt + 0 * 8 + 5], 0x8E
    EXPECT "#DF from #DE with gate 0 absent", .df2f, 8, 0, NO_EIP

    SAY "exceptions: done, failures "
    DEC [failures]
    NL
    EXIT_WITH_FAILURES

PF_ABSENT   equ 0x300000
PF_READONLY equ 0x301000

; Identity-maps the first 4 MiB with 4 KiB pages, except PF_ABSENT (not
; present) and PF_READONLY (read-only), and turns paging on.
paging_on:
    mov edi, page_table
    mov eax, 0x003          ; present, writable
    mov ecx, 1024
.fill:
    mov [edi], eax
    add eax, 0x1000
    add edi, 4
    loop .fill
    mov dword [page_table + (PF_ABSENT >> 12) * 4], PF_ABSENT
    mov dword [page_table + (PF_READONLY >> 12) * 4], PF_READONLY | 1
    mov eax, page_table
    or eax, 3
    mov [page_dir], eax
    mov eax, page_dir
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    ret

paging_off:
    mov eax, cr0
    and eax, ~(0x80000000 | (1 << 16))
    mov cr0, eax
    ret

section .data
align 4
bounds:   dd 0, 10
idt_short:
    dw 0x30 * 8 - 1
    dd idt

section .bss
align 4096, resb 1
page_dir:   resd 1024
page_table: resd 1024
