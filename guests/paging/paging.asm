; paging: two-level IA-32 paging (SDM Vol. 3 chapter 4) exercised and printed
; line by line: an identity map of 4 KiB pages, a 4 MiB page (CR4.PSE) that
; maps elsewhere, user/supervisor and read-only pages seen from CPL 3,
; CR0.WP for supervisor writes, a #PF handler that maps pages on demand
; (printing CR2 and error codes), accessed/dirty bits in PTEs and in the
; 4 MiB PDE, INVLPG after changing a PTE, and a CR3 switch between two
; address spaces that map the same virtual page to different frames.

%macro GUEST_GDT 0
%endmacro

%include "../exceptions/syskit.inc"

PSE_VIRT    equ 0x00400000      ; PDE 1: a 4 MiB page ...
PSE_PHYS    equ 0x00800000      ; ... onto physical 8 MiB
SPACE_VIRT  equ 0x00C00000      ; PDE 3: differs between the two address spaces
REMAP_VIRT  equ 0x00C01000      ; PDE 3: the page whose PTE is changed
DEMAND_VIRT equ 0x01000000      ; PDE 4..: mapped on demand by the #PF handler
DEMAND_END  equ 0x01800000
POOL_PAGES  equ 8

P equ 1
W equ 2
U equ 4
A equ 0x20
D equ 0x40
PS equ 0x80

NO_FAULT equ 0xFFFFFFFF

; REPORT_PF "what", cr2 base symbol, expected error code (or NO_FAULT):
; prints "what: vector 14 err 0x.. cr2 base+0x... ok" or "what: no fault ok"
; (FAIL when it is not the expected outcome at base+0).
%macro REPORT_PF 3
    SAY %1
    mov dword [resume_eip], 0
    push dword %3
    push dword %2
    call report_pf
    add esp, 8
%endmacro

section .text
global kmain
kmain:
    call sys_init
    call user_init
    mov dword [isr_hook], paging_fault
    SAYLN "paging: start"

    ; the 4 MiB page's target, written before paging is on
    mov dword [PSE_PHYS + 0x1234], 0xCAFE0001
    mov dword [PSE_PHYS + 0x3FFFFC], 0xCAFE0002

    call build_tables
    mov eax, cr4
    or eax, 0x10                    ; CR4.PSE
    mov cr4, eax
    mov eax, pd1
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    SAYLN "paging on: 4 KiB identity map of 0-4 MiB, PSE on"

    ; ---- identity map and the 4 MiB page
    mov eax, [PSE_VIRT + 0x1234]
    CHECK eax, 0xCAFE0001, "pse: 0x00401234 reads physical 0x00801234"
    mov eax, [PSE_VIRT + 0x3FFFFC]
    CHECK eax, 0xCAFE0002, "pse: 0x007ffffc reads physical 0x00bffffc"
    mov eax, [pd1 + 4]
    and eax, 0xFFF
    SAY "pse: pde after reads, flags "
    HEX eax, 3
    NL
    mov dword [PSE_VIRT + 0x10], 7
    mov eax, [pd1 + 4]
    and eax, 0xFFF
    SAY "pse: pde after a write, flags "
    HEX eax, 3
    NL

    ; ---- accessed and dirty bits of a 4 KiB page
    mov eax, page_ad
    call pte_of
    and dword [edi], ~(A | D)
    invlpg [page_ad]
    mov eax, [edi]
    and eax, 0xFFF
    SAY "a/d: pte cleared, flags "
    HEX eax, 3
    NL
    mov eax, [page_ad]
    mov eax, [edi]
    and eax, 0xFFF
    SAY "a/d: after a read, flags "
    HEX eax, 3
    NL
    mov dword [page_ad], 1
    mov eax, [edi]
    and eax, 0xFFF
    SAY "a/d: after a write, flags "
    HEX eax, 3
    NL

    ; ---- CR0.WP and a read-only page at CPL 0
    ARM .wp0
    mov dword [page_ro], 0x11
.wp0:
    REPORT_PF "wp=0: supervisor write to a read-only page", page_ro, NO_FAULT
    mov eax, cr0
    or eax, 1 << 16
    mov cr0, eax
    ARM .wp1
    mov dword [page_ro], 0x22
.wp1:
    REPORT_PF "wp=1: supervisor write to a read-only page", page_ro, 3
    CHECK [page_ro], 0x11, "wp=1: value kept"
    mov eax, cr0
    and eax, ~(1 << 16)
    mov cr0, eax

    ; ---- CPL 3 against supervisor and read-only pages
    mov dword [page_sup], 0x5555
    ARM user_read_sup.after
    mov eax, user_read_sup
    mov ecx, 0x202
    call user_call
    REPORT_PF "cpl3: read of a supervisor page", page_sup, 5
    ARM user_write_sup.after
    mov eax, user_write_sup
    mov ecx, 0x202
    call user_call
    REPORT_PF "cpl3: write to a supervisor page", page_sup, 7
    ARM user_read_ro.after
    mov eax, user_read_ro
    mov ecx, 0x202
    call user_call
    REPORT_PF "cpl3: read of a read-only user page", page_ro, NO_FAULT
    CHECK [user_value], 0x11, "cpl3: value read"
    ARM user_write_ro.after
    mov eax, user_write_ro
    mov ecx, 0x202
    call user_call
    REPORT_PF "cpl3: write to a read-only user page", page_ro, 7
    CHECK [page_sup], 0x5555, "cpl3: supervisor page unchanged"

    ; ---- demand paging: the handler maps each absent page it is asked for
    mov dword [DEMAND_VIRT + 0x10], 0xD1
    mov eax, [DEMAND_VIRT + 0x2004]
    mov dword [DEMAND_VIRT + 0x400008], 0xD2
    mov dword [DEMAND_VIRT + 0x2008], 0xD3      ; the page just mapped
    mov dword [DEMAND_VIRT + 0x3000], 0xD4
    mov eax, [DEMAND_VIRT + 0x10]
    add eax, [DEMAND_VIRT + 0x400008]
    add eax, [DEMAND_VIRT + 0x2008]
    add eax, [DEMAND_VIRT + 0x3000]
    CHECK eax, 0xD1 + 0xD2 + 0xD3 + 0xD4, "demand: sum of the values written"
    CHECK [demand_faults], 4, "demand: faults taken"
    CHECK [pool_used], 6, "demand: pool pages used (2 tables, 4 pages)"

    ; ---- INVLPG: the PTE of REMAP_VIRT moves from frame_x to frame_y
    mov dword [frame_x], 0x0000AAAA
    mov dword [frame_y], 0x0000BBBB
    mov eax, [REMAP_VIRT]
    SAY "invlpg: read through the old PTE "
    HEX eax, 8
    NL
    mov eax, frame_y
    or eax, P | W
    mov [pt_space1 + 4], eax
    mov eax, [REMAP_VIRT]
    SAY "invlpg: PTE changed, no flush (TLB may keep the old one) "
    HEX eax, 8
    NL
    invlpg [REMAP_VIRT]
    mov eax, [REMAP_VIRT]
    CHECK eax, 0xBBBB, "invlpg: after invlpg reads the new frame"
    mov eax, frame_x
    or eax, P | W
    mov [pt_space1 + 4], eax
    mov eax, cr3
    mov cr3, eax
    mov eax, [REMAP_VIRT]
    CHECK eax, 0xAAAA, "invlpg: PTE back, after a CR3 reload reads the old frame"

    ; ---- two address spaces
    mov dword [frame_a], 0x1111
    mov dword [frame_b], 0x2222
    mov eax, [SPACE_VIRT]
    CHECK eax, 0x1111, "cr3: space 1 sees frame a"
    mov eax, pd2
    mov cr3, eax
    mov eax, [SPACE_VIRT]
    CHECK eax, 0x2222, "cr3: space 2 sees frame b"
    mov dword [SPACE_VIRT + 4], 0x2345
    mov eax, [PSE_VIRT + 0x1234]
    CHECK eax, 0xCAFE0001, "cr3: space 2 shares the 4 MiB page"
    mov eax, pd1
    mov cr3, eax
    mov eax, [SPACE_VIRT + 4]
    CHECK eax, 0, "cr3: back in space 1, the write went to frame b"
    CHECK [frame_b + 4], 0x2345, "cr3: frame b holds it"

    mov eax, cr0
    and eax, ~0x80000000
    mov cr0, eax
    SAY "paging: done, failures "
    DEC [failures]
    NL
    EXIT_WITH_FAILURES

; ring-3 probes: each ends with int USER_RETURN_VECTOR; a fault resumes at
; .after
user_read_sup:
    mov eax, [page_sup]
.after:
    int USER_RETURN_VECTOR
user_write_sup:
    mov dword [page_sup], 0x6666
.after:
    int USER_RETURN_VECTOR
user_read_ro:
    mov eax, [page_ro]
    mov [user_value], eax
.after:
    int USER_RETURN_VECTOR
user_write_ro:
    mov dword [page_ro], 0x7777
.after:
    int USER_RETURN_VECTOR

; [esp + 4] = the base CR2 is printed against, [esp + 8] = expected error
report_pf:
    cmp dword [fault_count], 0
    jne .faulted
    SAY ": no fault"
    cmp dword [esp + 8], NO_FAULT
    jne .fail
    jmp .ok
.faulted:
    SAY ": vector "
    DEC [fault_vec]
    SAY " err "
    HEX [fault_err], 4
    SAY " cr2 base+"
    mov eax, [fault_cr2]
    sub eax, [esp + 4]
    HEX eax, 4
    jnz .fail
    cmp dword [fault_vec], 14
    jne .fail
    mov eax, [fault_err]
    cmp eax, [esp + 8]
    jne .fail
.ok:
    SAYLN " ok"
    ret
.fail:
    inc dword [failures]
    SAYLN " FAIL"
    ret

; isr_hook: #PF in the demand region maps a page (and a page table if the
; PDE is absent) and retries; every other fault goes to record_fault.
paging_fault:
    cmp dword [esi + FRAME_VEC], 14
    jne record_fault
    mov eax, cr2
    cmp eax, DEMAND_VIRT
    jb record_fault
    cmp eax, DEMAND_END
    jae record_fault
    inc dword [demand_faults]
    SAY "demand: #PF err "
    HEX [esi + FRAME_ERR], 4
    SAY " cr2 "
    HEX eax, 8
    mov ebx, eax
    shr ebx, 22
    lea ebx, [pd1 + ebx * 4]        ; the PDE
    test dword [ebx], P
    jnz .have_table
    call pool_page
    or eax, P | W
    mov [ebx], eax
    SAY ", new page table"
.have_table:
    mov ebx, [ebx]
    and ebx, ~0xFFF
    mov eax, cr2
    shr eax, 12
    and eax, 0x3FF
    lea ebx, [ebx + eax * 4]        ; the PTE
    call pool_page
    or eax, P | W
    mov [ebx], eax
    SAY ", mapped pool page "
    mov eax, [pool_used]
    dec eax
    DEC eax
    NL
    ret                             ; the faulting instruction runs again

; eax = a zeroed page from the pool
pool_page:
    mov eax, [pool_used]
    cmp eax, POOL_PAGES
    jae .empty
    inc dword [pool_used]
    shl eax, 12
    add eax, pool
    push edi
    push ecx
    push eax
    mov edi, eax
    xor eax, eax
    mov ecx, 1024
    rep stosd
    pop eax
    pop ecx
    pop edi
    ret
.empty:
    SAYLN "demand: pool exhausted"
    mov eax, 0x7E
    jmp exit

; eax = an address below 4 MiB; edi = its PTE in the identity table
pte_of:
    mov edi, eax
    shr edi, 12
    lea edi, [pt_low + edi * 4]
    ret

; pd1: identity 0-4 MiB (user, writable; page_sup supervisor, page_ro
; read-only), the 4 MiB page, space 1's table. pd2: the same but space 2's.
build_tables:
    mov edi, pt_low
    mov eax, P | W | U
    mov ecx, 1024
.identity:
    stosd
    add eax, 0x1000
    loop .identity
    mov eax, page_sup
    call pte_of
    and dword [edi], ~U
    mov eax, page_ro
    call pte_of
    and dword [edi], ~W
    mov eax, frame_a
    or eax, P | W
    mov [pt_space1], eax
    mov eax, frame_x
    or eax, P | W
    mov [pt_space1 + 4], eax
    mov eax, frame_b
    or eax, P | W
    mov [pt_space2], eax
    mov eax, pt_low
    or eax, P | W | U
    mov [pd1], eax
    mov [pd2], eax
    mov dword [pd1 + 4], PSE_PHYS | PS | P | W
    mov dword [pd2 + 4], PSE_PHYS | PS | P | W
    mov eax, pt_space1
    or eax, P | W
    mov [pd1 + 12], eax
    mov eax, pt_space2
    or eax, P | W
    mov [pd2 + 12], eax
    ret

section .data
user_value:    dd 0
demand_faults: dd 0
pool_used:     dd 0

section .bss
align 4096, resb 1
pd1:       resd 1024
pd2:       resd 1024
pt_low:    resd 1024
pt_space1: resd 1024
pt_space2: resd 1024
page_sup:  resb 4096
page_ro:   resb 4096
page_ad:   resb 4096
frame_a:   resb 4096
frame_b:   resb 4096
frame_x:   resb 4096
frame_y:   resb 4096
pool:      resb 4096 * POOL_PAGES
