; smc: self-modifying code. Patches an immediate and an opcode inside a loop
; body that has already run many times, patches the instruction right after
; the store (same basic block), redirects a call by rewriting its rel32, and
; writes fresh functions into a buffer page and calls them. Each part prints
; a checksum that only comes out right if the new code ran every time (SDM
; Vol. 3 11.6: x86 detects stores to code it is about to execute).

%macro GUEST_GDT 0
%endmacro

%include "../exceptions/syskit.inc"

ITERATIONS equ 1000

section .text
global kmain
kmain:
    call sys_init
    SAYLN "smc: start"

    ; ---- 1. the immediate of `add eax, imm32` changes at iterations
    ; 250, 500 and 750 (to 2, 3, 4), from inside the loop
    xor eax, eax
    xor ecx, ecx
    mov dword [.imm_site + 1], 1
.imm_loop:
.imm_site:
    add eax, strict dword 0x12345678    ; 05 imm32; imm set above
    inc ecx
    cmp ecx, 250
    je .imm_patch
    cmp ecx, 500
    je .imm_patch
    cmp ecx, 750
    je .imm_patch
    jmp .imm_next
.imm_patch:
    inc dword [.imm_site + 1]
.imm_next:
    cmp ecx, ITERATIONS
    jb .imm_loop
    SAY "imm patch: sum "
    HEX eax, 8
    NL
    CHECK eax, 250 * (1 + 2 + 3 + 4), "imm patch"

    ; ---- 2. the opcode flips between add (01 d8) and sub (29 d8) every
    ; 100 iterations
    mov byte [.op_site], 0x01
    mov eax, 0x10000
    mov ebx, 7
    xor ecx, ecx
.op_loop:
.op_site:
    add eax, ebx
    inc ecx
    mov edx, ecx
    push eax
    mov eax, edx
    xor edx, edx
    push ecx
    mov ecx, 100
    div ecx
    pop ecx
    pop eax
    test edx, edx
    jnz .op_next
    xor byte [.op_site], 0x01 ^ 0x29
.op_next:
    cmp ecx, ITERATIONS
    jb .op_loop
    SAY "opcode patch: eax "
    HEX eax, 8
    SAY ", opcode now "
    movzx edx, byte [.op_site]
    HEX edx, 2
    NL
    CHECK eax, 0x10000, "opcode patch (5 x +700, 5 x -700)"

    ; ---- 3. the store patches the next instruction, in the same block,
    ; 200 times with a different immediate each time
    xor ebx, ebx
    xor ecx, ecx
.next_loop:
    mov [.next_site + 1], cl         ; mov al, imm8 gets the counter
.next_site:
    mov al, 0xFF
    movzx eax, al
    add ebx, eax
    inc ecx
    cmp ecx, 200
    jb .next_loop
    SAY "next-instruction patch: sum "
    HEX ebx, 8
    NL
    CHECK ebx, 199 * 200 / 2, "next-instruction patch"

    ; ---- 4. a call whose rel32 is rewritten before each call to
    ; alternate two targets
    xor ebx, ebx
    xor ecx, ecx
.call_loop:
    mov eax, target_a
    test ecx, 1
    jz .set
    mov eax, target_b
.set:
    sub eax, .call_site + 5         ; rel32 = target - end of the call
    mov [.call_site + 1], eax
.call_site:
    call target_b
    inc ecx
    cmp ecx, 300
    jb .call_loop
    SAY "call retarget: "
    HEX ebx, 8
    NL
    CHECK ebx, 150 * 1 + 150 * 1000, "call retarget (150 a, 150 b)"

    ; ---- 5. fresh code: `mov eax, imm32; ret` written into a page,
    ; called, rewritten, called
    xor ebx, ebx
    mov ecx, 1
.fresh_loop:
    mov byte [code_page], 0xB8      ; mov eax, imm32
    mov [code_page + 1], ecx
    mov byte [code_page + 5], 0xC3  ; ret
    call code_page
    add ebx, eax
    inc ecx
    cmp ecx, 100
    jbe .fresh_loop
    SAY "fresh code: sum "
    HEX ebx, 8
    NL
    CHECK ebx, 100 * 101 / 2, "fresh code (mov eax, n; ret)"

    ; ---- 6. a generated loop: sum of 1..n with n patched in, called for
    ; several n; the code is written at a different page offset each time
    xor ebx, ebx
    mov edx, 10
.gen_loop:
    mov edi, edx
    and edi, 0x7F0
    add edi, code_page + 0x800
    push edi
    mov esi, gen_template
    mov ecx, gen_template_end - gen_template
    rep movsb
    pop edi
    mov [edi + gen_n - gen_template + 1], edx
    call edi
    add ebx, eax
    add edx, 10
    cmp edx, 100
    jbe .gen_loop
    SAY "generated loops: sum "
    HEX ebx, 8
    NL
    ; sum over n = 10, 20, ..., 100 of n(n+1)/2
    CHECK ebx, 55 + 210 + 465 + 820 + 1275 + 1830 + 2485 + 3240 + 4095 + 5050, "generated loops"

    SAY "smc: done, failures "
    DEC [failures]
    NL
    EXIT_WITH_FAILURES

target_a:
    add ebx, 1
    ret
target_b:
    add ebx, 1000
    ret

; copied, then called: returns 1 + 2 + ... + n (n patched into the mov)
gen_template:
    xor eax, eax
gen_n:
    mov ecx, strict dword 0
.add:
    add eax, ecx
    loop .add                       ; position-independent: rel8
    ret
gen_template_end:

section .bss
align 4096, resb 1
code_page: resb 4096
