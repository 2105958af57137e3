; mmuops: the page-table work a VMM's MMU virtualization pays for. Paging on
; with a 4 KiB identity map of 0-4 MiB; then `faults=M` demand page faults
; (M <= 4096) in a 16 MiB region whose page tables start empty, each mapped
; by the #PF handler; then `rounds=N` rounds, each moving one PTE to the next
; of 8 frames, INVLPG, a read through it, an INVLPG of a second page and a
; CR3 reload. Prints the fault count and a checksum of the reads, which
; depend only on M and N. The exit value is the number of failed checks.

%macro GUEST_GDT 0
%endmacro

%include "../exceptions/syskit.inc"

P equ 1
W equ 2

DEMAND_VIRT  equ 0x01000000     ; PDEs 4-7: mapped on demand, identity
DEMAND_PAGES equ 4096
WINDOW_VIRT  equ 0x00300000     ; the page whose PTE moves between frames
OTHER_VIRT   equ 0x00301000     ; the second page flushed each round

extern cmdline_uint

section .text
global kmain
kmain:
    call sys_init
    mov dword [isr_hook], demand_fault
    push dword 64
    push dword key_faults
    call cmdline_uint
    add esp, 8
    cmp eax, DEMAND_PAGES
    jbe .faults_ok
    mov eax, DEMAND_PAGES
.faults_ok:
    mov [fault_pages], eax
    push dword 1000
    push dword key_rounds
    call cmdline_uint
    add esp, 8
    mov [rounds], eax
    SAY "mmuops: "
    DEC [fault_pages]
    SAY " demand faults, "
    DEC [rounds]
    SAYLN " rounds of PTE move + INVLPG + CR3 reload"

    ; identity map of 0-4 MiB, empty page tables for the demand region
    mov edi, pt_low
    mov eax, P | W
    mov ecx, 1024
.identity:
    stosd
    add eax, 0x1000
    loop .identity
    mov eax, pt_low
    or eax, P | W
    mov [pd], eax
    mov ebx, 0
.demand_tables:
    mov eax, ebx
    shl eax, 12
    add eax, pt_demand
    or eax, P | W
    mov [pd + (DEMAND_VIRT >> 22) * 4 + ebx * 4], eax
    inc ebx
    cmp ebx, 4
    jb .demand_tables
    ; the 8 frames the window moves between, each tagged with its number
    xor ebx, ebx
.tag:
    mov eax, ebx
    shl eax, 12
    mov [frames + eax], ebx
    inc ebx
    cmp ebx, 8
    jb .tag
    mov eax, pd
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax

    ; demand faults: one write per page, every page a fault
    xor ecx, ecx
.touch:
    cmp ecx, [fault_pages]
    jae .touched
    mov eax, ecx
    shl eax, 12
    mov [DEMAND_VIRT + eax], ecx
    inc ecx
    jmp .touch
.touched:
    SAY "mmuops: demand faults taken "
    DEC [demand_faults]
    NL
    mov eax, [fault_pages]
    CHECK [demand_faults], eax, "mmuops: one fault per page"

    ; rounds: move the window's PTE, flush, read, flush another, reload CR3
    mov ecx, [rounds]
    xor edx, edx
    test ecx, ecx
    jz .rounds_done
.round:
    mov eax, ecx
    and eax, 7
    shl eax, 12
    add eax, frames
    or eax, P | W
    mov [pt_low + (WINDOW_VIRT >> 12) * 4], eax
    invlpg [WINDOW_VIRT]
    add edx, [WINDOW_VIRT]
    rol edx, 3
    invlpg [OTHER_VIRT]
    mov eax, cr3
    mov cr3, eax
    dec ecx
    jnz .round
.rounds_done:
    mov [checksum], edx
    SAY "mmuops: checksum "
    HEX [checksum], 8
    NL

    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax
    EXIT_WITH_FAILURES

; isr_hook: a #PF in the demand region maps the page onto the same physical
; address and retries; every other fault goes to record_fault.
demand_fault:
    cmp dword [esi + FRAME_VEC], 14
    jne record_fault
    mov eax, cr2
    sub eax, DEMAND_VIRT
    cmp eax, DEMAND_PAGES * 4096
    jae record_fault
    inc dword [demand_faults]
    shr eax, 12
    mov ebx, cr2
    and ebx, ~0xFFF
    or ebx, P | W
    mov [pt_demand + eax * 4], ebx
    ret

section .rodata
key_faults: db "faults", 0
key_rounds: db "rounds", 0

section .data
fault_pages:   dd 0
rounds:        dd 0
demand_faults: dd 0
checksum:      dd 0

section .bss
align 4096, resb 1
pd:        resd 1024
pt_low:    resd 1024
pt_demand: resd 4096
frames:    resb 4096 * 8
