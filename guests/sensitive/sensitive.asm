; sensitive: runs one observation routine at CPL 0 and again at CPL 3 and
; prints, side by side, what the sensitive but unprivileged instructions of
; IA-32 report (mov from cs/ss/ds, push cs, pushf after popf tried to change
; IF and IOPL, smsw, sgdt/sidt/sldt/str, lar/lsl/verr/verw, the CS pushed by
; a far call and by int n), plus what cli and in do. On real hardware the
; The routine runs a third time at CPL 3 with IOPL 3 (where cli, popf's IF
; and in are the user's to use). The kernel sees CPL 0 everywhere; a deprivileged kernel (trap-and-emulate) sees
; its real ring in cs/ss and has its popf silently ignore IF: the popf
; problem. A few checks at the end state what the architecture requires.

%macro GUEST_GDT 0
    DESC 0, 15, 0x82, 0x0           ; 0x30 LDT (base set at run time)
    DESC 0, 0xFFFFF, 0x9F, 0xC      ; 0x38 code, conforming, DPL 0, accessed
%endmacro
SEL_LDT        equ 0x30
SEL_CONFORMING equ 0x38
SEL_LDT_DATA   equ 0x07             ; LDT entry 0, RPL 3

%include "../exceptions/syskit.inc"

OBSERVE_VECTOR equ 0x31             ; a DPL-3 gate whose handler records the frame
NONE           equ 0xFFFFFFFF

section .rodata.obs_names
obs_names:                          ; the OBS names, in order

; OBS "name": stores eax as the next observation (edi = the buffer).
%assign obs_count 0
%macro OBS 1
    section .rodata
  %%name: db %1, 0
    section .rodata.obs_names
    dd %%name
    section .text
    mov [edi + obs_count * 4], eax
  %assign obs_count obs_count + 1
%endmacro

; A selector-query observation: eax = UNCHANGED, then `insn eax, ecx`
; (LAR/LSL leave the destination alone when ZF=0).
UNCHANGED equ 0xEEEEEEEE
%macro QUERY 3
    mov eax, UNCHANGED
    mov ecx, %2
    %1 eax, ecx
    OBS %3
%endmacro

; VERR/VERW: 1 if ZF=1.
%macro VERIFY 3
    mov ecx, %2
    %1 cx
    setz al
    movzx eax, al
    OBS %3
%endmacro

; Provokes an instruction that may fault; observes (vector << 16) | error,
; or NONE.
%macro MAY_FAULT 2+
    mov dword [fault_count], 0
    mov dword [resume_eip], %%after
    %2
%%after:
    mov dword [resume_eip], 0
    mov eax, NONE
    cmp dword [fault_count], 0
    je %%store
    mov eax, [fault_vec]
    shl eax, 16
    or eax, [fault_err]
%%store:
    OBS %1
%endmacro

; Far return through a frame naming [own_cs] (the selector the code was
; written with), to the next instruction.
%macro RETF_OWN_CS 0
    push dword [own_cs]
    push dword %%back
    retf
%%back:
%endmacro

section .text
global kmain
kmain:
    call sys_init
    call user_init
    mov eax, ldt
    mov edi, SEL_LDT
    call set_desc_base
    mov ax, SEL_LDT
    lldt ax
    mov eax, OBSERVE_VECTOR
    mov ebx, observe_gate
    mov cl, 0xEE
    call idt_set_gate
    SAYLN "sensitive: start"

    ; CPL 0, IF=1 (every PIC line is masked), IOPL 0
    mov edi, obs_cpl0
    mov dword [own_cs], SEL_KCODE
    push dword 0x202
    popfd
    call observe
    cli
    ; CPL 3, IF=1, IOPL 0
    mov dword [own_cs], SEL_UCODE | 3
    mov dword [user_buffer], obs_cpl3
    mov eax, observe_user
    mov ecx, 0x202
    call user_call
    ; CPL 3, IF=1, IOPL 3
    mov dword [user_buffer], obs_cpl3io3
    mov eax, observe_user
    mov ecx, 0x3202
    call user_call
    cli

    mov esi, 0
.print:
    mov ebx, [obs_names + esi * 4]
    pushad
    mov esi, ebx
    call puts
    popad
    SAY ": cpl0 "
    HEX [obs_cpl0 + esi * 4], 8
    SAY " cpl3 "
    HEX [obs_cpl3 + esi * 4], 8
    SAY " cpl3io3 "
    HEX [obs_cpl3io3 + esi * 4], 8
    NL
    inc esi
    cmp esi, OBS_TOTAL
    jb .print

    ; What the architecture requires of the two columns.
    mov eax, [obs_cpl0 + OBS_CS * 4]
    and eax, 3
    CHECK eax, 0, "check: cpl0 mov from cs shows RPL 0"
    mov eax, [obs_cpl3 + OBS_CS * 4]
    and eax, 3
    CHECK eax, 3, "check: cpl3 mov from cs shows RPL 3"
    mov eax, [obs_cpl0 + OBS_POPF_IF * 4]
    and eax, 0x200
    CHECK eax, 0, "check: cpl0 popf clears IF"
    mov eax, [obs_cpl3 + OBS_POPF_IF * 4]
    and eax, 0x200
    CHECK eax, 0x200, "check: cpl3 popf leaves IF set"
    mov eax, [obs_cpl0 + OBS_POPF_IOPL * 4]
    and eax, 0x3000
    CHECK eax, 0x3000, "check: cpl0 popf sets IOPL 3"
    mov eax, [obs_cpl3 + OBS_POPF_IOPL * 4]
    and eax, 0x3000
    CHECK eax, 0, "check: cpl3 popf leaves IOPL 0"
    mov eax, [obs_cpl0 + OBS_FAR_CS * 4]
    CHECK eax, [obs_cpl0 + OBS_CS * 4], "check: cpl0 far call pushes cs"
    mov eax, [obs_cpl3 + OBS_FAR_CS * 4]
    CHECK eax, [obs_cpl3 + OBS_CS * 4], "check: cpl3 far call pushes cs"
    mov eax, [obs_cpl0 + OBS_CLI * 4]
    CHECK eax, NONE, "check: cpl0 cli does not fault"
    mov eax, [obs_cpl3 + OBS_CLI * 4]
    CHECK eax, 0x000D0000, "check: cpl3 cli raises #GP(0)"
    mov eax, [obs_cpl3io3 + OBS_CLI * 4]
    CHECK eax, NONE, "check: cpl3 iopl3 cli does not fault"
    mov eax, [obs_cpl3io3 + OBS_POPF_IF * 4]
    and eax, 0x200
    CHECK eax, 0, "check: cpl3 iopl3 popf clears IF"
    mov eax, [obs_cpl0 + OBS_RETF * 4]
    CHECK eax, NONE, "check: cpl0 retf to its own cs does not fault"

    SAY "sensitive: done, failures "
    DEC [failures]
    NL
    EXIT_WITH_FAILURES

observe_user:
    mov edi, [user_buffer]
    call observe
    int USER_RETURN_VECTOR

; edi = buffer. The same code runs at CPL 0 and CPL 3.
observe:
    xor eax, eax
    mov ax, cs
OBS_CS equ obs_count
    OBS "mov ax, cs"
    xor eax, eax
    mov ax, ss
    OBS "mov ax, ss"
    xor eax, eax
    mov ax, ds
    OBS "mov ax, ds"
    push cs
    pop eax
    movzx eax, ax           ; upper half: zero or the old stack word (SDM PUSH)
    OBS "push cs"
    push ds
    pop ds
    xor eax, eax
    mov ax, ds
    OBS "pop ds, mov ax, ds"

    mov eax, [own_cs]       ; a far jump to the selector the code believes is its own
    mov [far_target + 4], ax
    mov dword [far_target], .jumped
    jmp far [far_target]
.jumped:
    xor eax, eax
    mov ax, cs
    OBS "jmp far own cs, mov ax, cs"

    xor eax, eax            ; known arithmetic flags: ZF, PF
    pushfd
    pop eax
    OBS "pushfd"

    pushfd                  ; popf with IF cleared (SDM POPF: IF kept if CPL > IOPL)
    pushfd
    and dword [esp], ~0x200
    popfd
    pushfd
    pop eax
    popfd                   ; back to the entry flags
OBS_POPF_IF equ obs_count
    OBS "popfd IF=0, pushfd"

    pushfd                  ; popf with IOPL 3 (SDM POPF: IOPL kept unless CPL 0)
    pushfd
    or dword [esp], 0x3000
    popfd
    pushfd
    pop eax
    popfd
OBS_POPF_IOPL equ obs_count
    OBS "popfd IOPL=3, pushfd"

    xor eax, eax
    smsw ax
    OBS "smsw ax"

    sgdt [table_reg]
    movzx eax, word [table_reg]
    OBS "sgdt limit"
    mov eax, [table_reg + 2]
    sub eax, gdt
    OBS "sgdt base - gdt"
    sidt [table_reg]
    movzx eax, word [table_reg]
    OBS "sidt limit"
    mov eax, [table_reg + 2]
    sub eax, idt
    OBS "sidt base - idt"
    xor eax, eax
    sldt ax
    OBS "sldt ax"
    xor eax, eax
    str ax
    OBS "str ax"

    QUERY lar, SEL_KCODE, "lar 0x08 kernel code"
    QUERY lar, SEL_KDATA, "lar 0x10 kernel data"
    QUERY lar, SEL_UCODE | 3, "lar 0x1b user code"
    QUERY lar, SEL_UDATA | 3, "lar 0x23 user data"
    QUERY lar, SEL_TSS, "lar 0x28 tss"
    QUERY lar, SEL_LDT, "lar 0x30 ldt"
    QUERY lar, SEL_CONFORMING, "lar 0x38 conforming code"
    QUERY lar, SEL_LDT_DATA, "lar 0x07 ldt data"
    QUERY lar, 0x1000, "lar 0x1000 past the gdt"
    QUERY lsl, SEL_KDATA, "lsl 0x10"
    QUERY lsl, SEL_UDATA | 3, "lsl 0x23"
    QUERY lsl, SEL_TSS, "lsl 0x28 tss"
    QUERY lsl, SEL_LDT_DATA, "lsl 0x07 ldt data"
    QUERY lsl, SEL_LDT_DATA + 8, "lsl 0x0f ldt data, 64 KiB"
    VERIFY verr, SEL_KCODE, "verr 0x08"
    VERIFY verr, SEL_UCODE | 3, "verr 0x1b"
    VERIFY verw, SEL_KDATA, "verw 0x10"
    VERIFY verw, SEL_UDATA | 3, "verw 0x23"
    VERIFY verr, SEL_CONFORMING, "verr 0x38 conforming"

    mov ax, cs              ; a far call to the current code segment
    mov [far_target + 4], ax
    mov dword [far_target], far_callee
    call far [far_target]
OBS_FAR_CS equ obs_count
    OBS "far call: pushed cs"

    mov dword [gate_cs], NONE
    mov dword [gate_ss], NONE
    xor eax, eax
    int OBSERVE_VECTOR
    mov eax, [gate_cs]
    OBS "int 0x31: pushed cs"
    mov eax, [gate_eflags]
    OBS "int 0x31: pushed eflags"
    mov eax, [gate_ss]
    OBS "int 0x31: pushed ss"
    mov eax, [gate_own_ss]
    OBS "int 0x31: handler ss"

    mov [saved_esp], esp    ; a far return to the selector the code believes is its own
OBS_RETF equ obs_count
    MAY_FAULT "retf to own cs: fault", RETF_OWN_CS
    mov esp, [saved_esp]

OBS_CLI equ obs_count
    MAY_FAULT "cli: fault", cli
    pushfd
    pop eax
    OBS "pushfd after cli"
    push dword 0x202        ; IF back on where allowed (a no-op at CPL 3)
    popfd
    MAY_FAULT "in al, 0x21: fault", in al, 0x21
    MAY_FAULT "mov eax, cr0: fault", mov eax, cr0
    ret

OBS_TOTAL equ obs_count

far_callee:
    movzx eax, word [esp + 4]
    retf

; The DPL-3 interrupt gate: records the pushed CS and EFLAGS, the pushed SS
; when the gate switched stacks, and its own SS.
observe_gate:
    push eax
    movzx eax, word [esp + 8]
    mov [gate_cs], eax
    mov eax, [esp + 12]
    mov [gate_eflags], eax
    test byte [esp + 8], 3
    jz .same_ring
    movzx eax, word [esp + 20]
    mov [gate_ss], eax
.same_ring:
    xor eax, eax
    mov ax, ss
    mov [gate_own_ss], eax
    pop eax
    iret

section .data
align 4
far_target:  dd 0, 0
table_reg:   dw 0
             dd 0
             dw 0
gate_cs:     dd 0
gate_eflags: dd 0
gate_ss:     dd 0
gate_own_ss: dd 0
own_cs:      dd 0
user_buffer: dd 0
saved_esp:   dd 0
align 8
ldt:
    DESC 0, 0xFFFFF, 0xF3, 0xC      ; entry 0: data, DPL 3, accessed
    DESC 0, 0x0FFFF, 0xF3, 0x4      ; entry 1: data, DPL 3, 64 KiB

section .bss
obs_cpl0: resd 64
obs_cpl3: resd 64
obs_cpl3io3: resd 64
