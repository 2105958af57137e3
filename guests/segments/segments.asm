; segments: protected-mode segmentation and privilege (SDM Vol. 3 chapters 3
; and 5). Its own descriptors: a data segment with a non-zero base, page- and
; byte-granular limits, an expand-down segment, a 16-bit code segment, a
; conforming one, ring-1 and ring-2 code and stacks, call gates, an LDT.
; It prints what segment loads fault with (#GP/#NP/#SS and error codes) and
; what succeeds, LAR/LSL/VERR/VERW for every descriptor, ARPL, the system
; registers, far calls and jumps (to 16-bit code, to conforming code, into
; the LDT), and a round trip from CPL 3 through call gates to CPL 2, to
; CPL 1 and on to CPL 0 with parameters copied between stacks, back by RETF.

%macro GUEST_GDT 0
    DESC 0, 0x00FFF, 0x93, 0x4      ; 0x30 data, base data_window, limit 0xfff bytes
    DESC 0, 0x0000F, 0x93, 0xC      ; 0x38 data, limit 0xf pages (0xffff)
    DESC 0, 0x00FFF, 0x97, 0x4      ; 0x40 data, expand-down, limit 0xfff
    DESC 0, 0x0FFFF, 0x9B, 0x0      ; 0x48 16-bit code, base code16
    DESC 0, 0xFFFFF, 0x9F, 0xC      ; 0x50 code, conforming, DPL 0
    dq 0                            ; 0x58 call gate DPL 3 -> ring 1, 2 params
    dq 0                            ; 0x60 call gate DPL 1 -> ring 0, 1 param
    dq 0                            ; 0x68 call gate DPL 3 -> ring 2
    dq 0                            ; 0x70 call gate DPL 0 -> ring 0
    DESC 0, 23, 0x82, 0x0           ; 0x78 LDT, 3 entries, base ldt
    DESC 0, 0xFFFFF, 0xBB, 0xC      ; 0x80 code DPL 1
    DESC 0, 0xFFFFF, 0xB3, 0xC      ; 0x88 data DPL 1
    DESC 0, 0xFFFFF, 0xDB, 0xC      ; 0x90 code DPL 2
    DESC 0, 0xFFFFF, 0xD3, 0xC      ; 0x98 data DPL 2
    DESC 0, 0xFFFFF, 0x73, 0xC      ; 0xa0 data DPL 3, not present
%endmacro
SEL_BASED     equ 0x30
SEL_PAGES     equ 0x38
SEL_EXPDOWN   equ 0x40
SEL_CODE16    equ 0x48
SEL_CONFORM   equ 0x50
GATE_RING1    equ 0x58
GATE_RING0    equ 0x60
GATE_RING2    equ 0x68
GATE_DPL0     equ 0x70
SEL_LDT       equ 0x78
SEL_R1CODE    equ 0x80
SEL_R1DATA    equ 0x88
SEL_R2CODE    equ 0x90
SEL_R2DATA    equ 0x98
SEL_ABSENT3   equ 0xA0
LDT_CODE      equ 0x04              ; LDT entry 0, RPL 0
LDT_DATA      equ 0x0C              ; LDT entry 1 (base data_window)
LDT_USER      equ 0x17              ; LDT entry 2, DPL 3, RPL 3
LDT_PAST      equ 0x1C              ; LDT entry 3: past the LDT limit

%include "../exceptions/syskit.inc"

; QUERY insn, selector: prints "insn 0x..: 0x........" or "fails (ZF=0)"
%macro QUERY 2
    mov eax, 0xEEEEEEEE
    mov ecx, %2
    %1 eax, ecx
    call print_query
%endmacro

; Ring 3 cannot print: keep vector and error of test n for the kernel.
%macro EXPECT_AT_CPL3 1
    mov eax, [fault_vec]
    mov [u_fault_vec + (%1 - 1) * 4], eax
    mov eax, [fault_err]
    mov [u_fault_err + (%1 - 1) * 4], eax
    mov dword [resume_eip], 0
%endmacro

; CPL3_RESULT n, "what", vector, error: prints what test n at CPL 3 saw
; and checks it (vector NONE: no fault expected).
NONE equ 0xFFFFFFFF
%macro CPL3_RESULT 4
    SAY "cpl3: ", %2, ":"
    push dword %1
    call print_cpl3_result
    add esp, 4
    mov eax, [u_fault_vec + (%1 - 1) * 4]
  %if %3 == NONE
    CHECK eax, NONE, "  as expected"
  %else
    shl eax, 16
    mov ax, [u_fault_err + (%1 - 1) * 4]
    CHECK eax, ((%3) << 16) | (%4), "  as expected"
  %endif
%endmacro

section .text
global kmain
kmain:
    call sys_init
    call user_init
    call build_descriptors
    SAYLN "segments: start"

    ; ---- system registers
    sgdt [table_reg]
    SAY "sgdt: limit "
    HEX [table_reg], 4
    SAY " base gdt+"
    mov eax, [table_reg + 2]
    sub eax, gdt
    HEX eax, 4
    NL
    sidt [table_reg]
    SAY "sidt: limit "
    HEX [table_reg], 4
    SAY " base idt+"
    mov eax, [table_reg + 2]
    sub eax, idt
    HEX eax, 4
    NL
    xor eax, eax
    sldt ax
    CHECK eax, 0, "sldt before lldt: 0"
    mov ax, SEL_LDT
    lldt ax
    xor eax, eax
    sldt ax
    CHECK eax, SEL_LDT, "sldt after lldt"
    xor eax, eax
    str ax
    CHECK eax, SEL_TSS, "str"
    xor eax, eax
    smsw ax
    SAY "smsw: "
    HEX eax, 4
    NL

    ; ---- loads that succeed, and what they address
    mov dword [data_window + 0x10], 0xB0B0B0B0
    mov ax, SEL_BASED
    mov fs, ax
    mov eax, [fs:0x10]
    CHECK eax, 0xB0B0B0B0, "fs base data_window: [fs:0x10]"
    mov ax, LDT_DATA
    mov gs, ax
    mov eax, [gs:0x10]
    CHECK eax, 0xB0B0B0B0, "gs = LDT entry 1 (base data_window): [gs:0x10]"
    ARM .load_pages
    mov ax, SEL_PAGES
    mov es, ax
    mov ax, SEL_EXPDOWN
    mov es, ax
    mov ax, SEL_EXPDOWN             ; expand-down data as a stack segment
    mov ss, ax
    mov ax, SEL_KDATA
    mov ss, ax
.load_pages:
    EXPECT_NONE "loads of page-granular and expand-down data (es, ss)"
    mov ax, SEL_KDATA
    mov es, ax
    mov fs, ax
    mov gs, ax

    ; ---- loads that fault (SDM MOV, LLDT, LTR, JMP: error code = selector)
    ARM .f1
.f1f: mov ss, word [sel_udata]      ; DPL 3 data into SS at CPL 0
.f1:
    EXPECT "mov ss, DPL-3 data at CPL 0", .f1f, 13, SEL_UDATA, NO_EIP
    ARM .f2
    mov ax, SEL_ABSENT3
.f2f: mov ds, ax
.f2:
    mov ax, SEL_KDATA
    mov ds, ax
    EXPECT "mov ds, not-present data", .f2f, 11, SEL_ABSENT3, NO_EIP
    ARM .f3
    mov ax, LDT_PAST
.f3f: mov ds, ax
.f3:
    mov ax, SEL_KDATA
    mov ds, ax
    EXPECT "mov ds, past the LDT limit", .f3f, 13, LDT_PAST & ~3, NO_EIP
    ARM .f4
    mov ax, SEL_CODE16
.f4f: mov ss, ax
.f4:
    EXPECT "mov ss, code segment", .f4f, 13, SEL_CODE16, NO_EIP
    ARM .f5
    mov ax, SEL_KDATA
.f5f: lldt ax
.f5:
    EXPECT "lldt with a data segment", .f5f, 13, SEL_KDATA, NO_EIP
    ARM .f6
    mov ax, SEL_TSS
.f6f: ltr ax
.f6:
    EXPECT "ltr with the busy TSS", .f6f, 13, SEL_TSS, NO_EIP
    ARM .f7
.f7f: jmp SEL_KDATA:.f7
.f7:
    EXPECT "jmp far to a data segment", .f7f, 13, SEL_KDATA, NO_EIP

    ; ---- far transfers at CPL 0
    mov ax, 0x1234
    call SEL_CODE16:0
    CHECK eax, 0x2468 | (SEL_CODE16 << 16), "call far to 16-bit code: ax doubled, cs seen"
    call SEL_CONFORM:conforming_probe
    CHECK eax, SEL_CONFORM, "call far to conforming code at CPL 0: cs"
    jmp LDT_CODE:.in_ldt
.in_ldt:
    xor eax, eax
    mov ax, cs
    jmp SEL_KCODE:.back_from_ldt
.back_from_ldt:
    CHECK eax, LDT_CODE, "jmp far into LDT code and back: cs there"
    jmp far [far_pointer]
.after_indirect:
    CHECK [indirect_reached], 1, "jmp far [m16:32] to conforming code and back"

    ; ---- ARPL (SDM ARPL: raise the destination's RPL to the source's)
    mov ax, SEL_KDATA
    mov bx, SEL_UDATA | 3
    arpl ax, bx
    setz cl
    movzx eax, ax
    movzx ecx, cl
    shl ecx, 16
    or eax, ecx
    CHECK eax, 0x10013, "arpl 0x0010, 0x0023: 0x0013 with ZF=1"
    mov ax, SEL_UDATA | 3
    mov bx, SEL_KDATA | 1
    arpl ax, bx
    setz cl
    movzx eax, ax
    movzx ecx, cl
    shl ecx, 16
    or eax, ecx
    CHECK eax, 0x00023, "arpl 0x0023, 0x0011: unchanged with ZF=0"

    ; ---- LAR/LSL/VERR/VERW on every descriptor, at CPL 0
    mov ebx, query_selectors
.query:
    mov edx, [ebx]
    cmp edx, -1
    je .queried
    SAY "selector "
    HEX edx, 4
    SAY ":"
    QUERY lar, edx
    QUERY lsl, edx
    SAY " verr "
    verr dx
    setz al
    movzx eax, al
    DEC eax
    SAY " verw "
    verw dx
    setz al
    movzx eax, al
    DEC eax
    NL
    add ebx, 4
    jmp .query
.queried:

    ; ---- CPL 3 and back through the gates
    mov eax, user_main
    mov ecx, 0x202
    call user_call
    SAYLN "back at CPL 0"
    CPL3_RESULT 1, "call through a DPL-0 gate", 13, GATE_DPL0
    CPL3_RESULT 2, "mov ds, DPL-0 data", 13, SEL_KDATA
    CPL3_RESULT 3, "mov ss, selector with RPL 0", 13, SEL_UDATA
    CPL3_RESULT 4, "mov ss, not-present data", 12, SEL_ABSENT3
    CPL3_RESULT 5, "mov es, DPL-3 LDT data", NONE, 0
    SAY "ring 1 via gate: cs "
    HEX [r1_cs], 4
    SAY " ss "
    HEX [r1_ss], 4
    SAY " caller cs "
    HEX [r1_caller_cs], 4
    SAY " params "
    HEX [r1_param1], 8
    SAY " "
    HEX [r1_param2], 8
    SAY " caller ss "
    HEX [r1_caller_ss], 4
    SAY " caller esp ustack_top-"
    DEC [r1_caller_esp]
    NL
    SAY "ring 0 via gate from ring 1: cs "
    HEX [r0_cs], 4
    SAY " ss "
    HEX [r0_ss], 4
    SAY " caller cs "
    HEX [r0_caller_cs], 4
    SAY " param "
    HEX [r0_param], 8
    SAY " caller ss "
    HEX [r0_caller_ss], 4
    SAY " esp kstack_top-"
    DEC [r0_esp]
    NL
    SAY "ring 2 via gate: cs "
    HEX [r2_cs], 4
    SAY " ss "
    HEX [r2_ss], 4
    SAY " esp ring2_stack_top-"
    DEC [r2_esp]
    NL
    CHECK [r1_cs], SEL_R1CODE | 1, "ring 1: cs"
    CHECK [r1_ss], SEL_R1DATA | 1, "ring 1: ss from the TSS"
    CHECK [r1_param1], 0x1111, "ring 1: first parameter copied"
    CHECK [r1_param2], 0x2222, "ring 1: second parameter copied"
    CHECK [r0_cs], SEL_KCODE, "ring 0: cs"
    CHECK [r0_param], 0x3333, "ring 0: parameter copied"
    CHECK [r2_cs], SEL_R2CODE | 2, "ring 2: cs"
    CHECK [u_result], 0x4242, "ring 3: eax from the ring-1 routine"
    CHECK [u_ss_after], SEL_UDATA | 3, "ring 3: ss after retf"
    CHECK [u_esp_after], 0, "ring 3: esp after retf (ustack_top-)"
    CHECK [u_conform_cs], SEL_CONFORM | 3, "ring 3: conforming code runs with cs RPL 3"
    SAY "ring 3: "
    HEX [u_ds], 4
    SAYLN " in ds after the ring transitions"

    SAY "segments: done, failures "
    DEC [failures]
    NL
    EXIT_WITH_FAILURES

; ---- CPL 3: gates, loads that fault, back to CPL 0
user_main:
    push dword 0x2222
    push dword 0x1111
    call GATE_RING1 | 3:0           ; the offset is the gate's
    mov [u_result], eax
    xor eax, eax
    mov ax, ss
    mov [u_ss_after], eax
    mov eax, ustack_top
    sub eax, esp
    mov [u_esp_after], eax
    call GATE_RING2 | 3:0
    call SEL_CONFORM | 3:conforming_probe
    mov [u_conform_cs], eax
    xor eax, eax
    mov ax, ds
    mov [u_ds], eax
    ARM .g1
.g1f: call GATE_DPL0 | 3:0
.g1:
    EXPECT_AT_CPL3 1
    ARM .g2
    mov ax, SEL_KDATA
.g2f: mov ds, ax
.g2:
    EXPECT_AT_CPL3 2
    ARM .g3
    mov ax, SEL_UDATA               ; RPL 0 != CPL 3
.g3f: mov ss, ax
.g3:
    EXPECT_AT_CPL3 3
    ARM .g4
    mov ax, SEL_ABSENT3 | 3
.g4f: mov ss, ax
.g4:
    EXPECT_AT_CPL3 4
    ARM .g5
    mov ax, LDT_USER
    mov es, ax                      ; DPL 3 LDT data: fine
    mov ax, SEL_UDATA | 3
    mov es, ax
.g5:
    EXPECT_AT_CPL3 5
    int USER_RETURN_VECTOR

ring1_entry:                        ; CPL 1 on SS1:ESP1 from the TSS
    xor eax, eax
    mov ax, cs
    mov [r1_cs], eax
    mov ax, ss
    mov [r1_ss], eax
    movzx eax, word [esp + 4]
    mov [r1_caller_cs], eax
    mov eax, [esp + 8]
    mov [r1_param1], eax
    mov eax, [esp + 12]
    mov [r1_param2], eax
    mov eax, ustack_top
    sub eax, [esp + 16]
    mov [r1_caller_esp], eax
    movzx eax, word [esp + 20]
    mov [r1_caller_ss], eax
    push dword 0x3333
    call GATE_RING0 | 1:0
    mov eax, 0x4242
    retf 8                          ; back to CPL 3, dropping the two params

ring0_entry:                        ; CPL 0 on SS0:ESP0 from the TSS
    xor eax, eax
    mov ax, cs
    mov [r0_cs], eax
    mov ax, ss
    mov [r0_ss], eax
    movzx eax, word [esp + 4]
    mov [r0_caller_cs], eax
    mov eax, [esp + 8]
    mov [r0_param], eax
    movzx eax, word [esp + 16]
    mov [r0_caller_ss], eax
    mov eax, kstack_top
    sub eax, esp
    mov [r0_esp], eax
    retf 4

ring2_entry:
    xor eax, eax
    mov ax, cs
    mov [r2_cs], eax
    mov ax, ss
    mov [r2_ss], eax
    mov eax, ring2_stack_top
    sub eax, esp
    mov [r2_esp], eax
    retf

conforming_probe:
    xor eax, eax
    mov ax, cs
    retf

indirect_target:                    ; reached by jmp far [far_pointer]
    mov dword [indirect_reached], 1
    jmp SEL_KCODE:kmain.after_indirect

; [esp + 4] = n: prints " vector V err 0xEEEE" or " no fault" for CPL-3 test n
print_cpl3_result:
    mov eax, [esp + 4]
    mov ebx, [u_fault_vec + eax * 4 - 4]
    cmp ebx, NONE
    jne .fault
    SAYLN " no fault"
    ret
.fault:
    SAY " vector "
    DEC ebx
    SAY " err "
    HEX [u_fault_err + eax * 4 - 4], 4
    NL
    ret

; eax = LAR/LSL result, 0xeeeeeeee when ZF was 0 (destination unchanged)
print_query:
    jnz .fails
    SAY " "
    HEX eax, 8
    ret
.fails:
    SAY " fails"
    ret

; Descriptors that need addresses: bases of the based, 16-bit and LDT
; segments, the call gates, the TSS's ring-1 and ring-2 stacks.
build_descriptors:
    mov eax, data_window
    mov edi, SEL_BASED
    call set_desc_base
    mov eax, code16
    mov edi, SEL_CODE16
    call set_desc_base
    mov eax, ldt
    mov edi, SEL_LDT
    call set_desc_base
    mov eax, data_window
    mov edi, 8                      ; LDT entry 1
    mov [ldt + edi + 2], ax
    shr eax, 16
    mov [ldt + edi + 4], al
    mov [ldt + edi + 7], ah
    mov edi, GATE_RING1
    mov eax, ring1_entry
    mov ebx, SEL_R1CODE
    mov ecx, 0xEC02                 ; P, DPL 3, 32-bit call gate; 2 params
    call set_call_gate
    mov edi, GATE_RING0
    mov eax, ring0_entry
    mov ebx, SEL_KCODE
    mov ecx, 0xAC01                 ; DPL 1; 1 param
    call set_call_gate
    mov edi, GATE_RING2
    mov eax, ring2_entry
    mov ebx, SEL_R2CODE
    mov ecx, 0xEC00                 ; DPL 3; no params
    call set_call_gate
    mov edi, GATE_DPL0
    mov eax, ring0_entry
    mov ebx, SEL_KCODE
    mov ecx, 0x8C00                 ; DPL 0
    call set_call_gate
    mov dword [tss + 12], ring1_stack_top       ; ESP1
    mov dword [tss + 16], SEL_R1DATA | 1        ; SS1
    mov dword [tss + 20], ring2_stack_top       ; ESP2
    mov dword [tss + 24], SEL_R2DATA | 2        ; SS2
    mov dword [far_pointer], indirect_target
    mov word [far_pointer + 4], SEL_CONFORM
    ret

; edi = selector, eax = offset, ebx = target selector, ch = type byte,
; cl = parameter count (SDM Vol. 3 5.8.3, call-gate descriptor)
set_call_gate:
    mov [gdt + edi], ax
    mov [gdt + edi + 2], bx
    mov [gdt + edi + 4], cl
    mov [gdt + edi + 5], ch
    shr eax, 16
    mov [gdt + edi + 6], ax
    ret

bits 16
code16:                             ; runs in a 16-bit code segment
    add ax, ax
    mov bx, cs
    shl ebx, 16
    mov bx, ax
    mov eax, ebx
    o32 retf                        ; the caller pushed a 32-bit frame
bits 32

section .rodata
align 4
query_selectors:
    dd SEL_KCODE, SEL_KDATA, SEL_UCODE | 3, SEL_UDATA | 3, SEL_TSS
    dd SEL_BASED, SEL_PAGES, SEL_EXPDOWN, SEL_CODE16, SEL_CONFORM
    dd GATE_RING1, GATE_RING0, GATE_DPL0, SEL_LDT, SEL_R1CODE, SEL_R1DATA
    dd SEL_R2CODE, SEL_R2DATA, SEL_ABSENT3, LDT_CODE, LDT_DATA, LDT_USER
    dd LDT_PAST, 0x1000, -1
sel_udata: dw SEL_UDATA

section .data
align 8
ldt:
    DESC 0, 0xFFFFF, 0x9B, 0xC      ; entry 0: code, DPL 0
    DESC 0, 0x00FFF, 0x93, 0x4      ; entry 1: data, base data_window
    DESC 0, 0xFFFFF, 0xF3, 0xC      ; entry 2: data, DPL 3
table_reg:    dw 0
              dd 0
far_pointer:  dd 0
              dw 0
align 4
indirect_reached: dd 0
r1_cs: dd 0
r1_ss: dd 0
r1_caller_cs: dd 0
r1_param1: dd 0
r1_param2: dd 0
r1_caller_esp: dd 0
r1_caller_ss: dd 0
r0_cs: dd 0
r0_ss: dd 0
r0_caller_cs: dd 0
r0_param: dd 0
r0_caller_ss: dd 0
r0_esp: dd 0
r2_cs: dd 0
r2_ss: dd 0
r2_esp: dd 0
u_result: dd 0
u_ss_after: dd 0
u_esp_after: dd 0
u_conform_cs: dd 0
u_ds: dd 0
u_fault_vec: times 5 dd 0
u_fault_err: times 5 dd 0

section .bss
align 4096, resb 1
data_window: resb 4096
ring1_stack: resb 4096
ring1_stack_top:
ring2_stack: resb 4096
ring2_stack_top:
