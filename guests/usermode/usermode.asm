; usermode: a tiny kernel that runs "processes" at CPL 3. It loads a TSS
; (SS0:ESP0), enters ring 3 with IRET, serves int 0x80 system calls through a
; DPL-3 gate, and reflects ring-3 faults to the kernel, which prints them and
; either repairs and resumes the process (#PF on a supervisor page: the page
; is opened read-only to user) or kills it (#GP from cli, a DPL-0 gate, a
; write to the read-only page). One process runs with IOPL 3 and writes to
; COM1 itself. Paging: the first 4 MiB identity-mapped with user pages, one
; supervisor page.

%macro GUEST_GDT 0
%endmacro

%include "../exceptions/syskit.inc"

SYSCALL_VECTOR equ 0x80
SYS_WRITE  equ 1            ; ebx = string, ecx = length
SYS_GETPID equ 2            ; returns the pid
SYS_ADD    equ 3            ; returns ebx + ecx
SYS_EXIT   equ 4            ; ebx = status; does not return
SYS_HEX    equ 5            ; prints ebx in hex
SYS_FRAME  equ 6            ; prints what the gate pushed

; SYSCALL number[, ebx[, ecx]] (ring 3)
%macro SYSCALL 1-3
    mov eax, %1
  %if %0 > 1
    mov ebx, %2
  %endif
  %if %0 > 2
    mov ecx, %3
  %endif
    int SYSCALL_VECTOR
%endmacro

; WRITE "text" (ring 3)
%macro WRITE 1
    section .rodata
  %%s: db %1
  %%e:
    section .text
    SYSCALL SYS_WRITE, %%s, %%e - %%s
%endmacro

section .text
global kmain
kmain:
    call sys_init
    call user_init
    mov eax, SYSCALL_VECTOR
    mov ebx, syscall_entry
    mov cl, 0xEE                    ; DPL 3: int 0x80 allowed from ring 3
    call idt_set_gate
    mov dword [isr_hook], process_fault
    call paging_on
    SAYLN "usermode: start, paging on, TSS loaded"
    mov dword [secret], 0x5EC2E7

    ; each process: pid, entry, EFLAGS, expected status (0xdead: killed)
    mov esi, processes
.run:
    mov eax, [esi]
    test eax, eax
    jz .all_done
    mov [current_pid], eax
    SAY "kernel: run pid "
    DEC eax
    SAY " eflags "
    HEX [esi + 8], 8
    NL
    mov eax, [esi + 4]
    mov [current_entry], eax
    mov ecx, [esi + 8]
    mov dword [process_status], 0xFFFFFFFF
    call user_call
    SAY "kernel: pid "
    DEC [current_pid]
    SAY " ended, status "
    HEX [process_status], 8
    NL
    CHECK [process_status], [esi + 12], "kernel: status as expected"
    add esi, 16
    jmp .run
.all_done:
    mov eax, [secret]
    CHECK eax, 0x5EC2E7, "kernel: secret unchanged"
    call secret_pte
    mov eax, [edi]
    and eax, 4
    CHECK eax, 0, "kernel: secret page back to supervisor"
    call paging_off
    SAY "usermode: done, failures "
    DEC [failures]
    NL
    EXIT_WITH_FAILURES

; ---------------------------------------------------------------- kernel

; int 0x80 from ring 3: the CPU switched to SS0:ESP0 from the TSS and pushed
; SS, ESP, EFLAGS, CS, EIP.
syscall_entry:
    push ds
    push es
    pushad
    mov bp, SEL_KDATA
    mov ds, bp
    mov es, bp
    mov ebp, esp
    cmp eax, SYS_WRITE
    je .write
    cmp eax, SYS_GETPID
    je .getpid
    cmp eax, SYS_ADD
    je .add
    cmp eax, SYS_EXIT
    je .exit
    cmp eax, SYS_HEX
    je .hex
    cmp eax, SYS_FRAME
    je .frame
    SAY "kernel: unknown syscall "
    DEC eax
    NL
    mov eax, -1
    jmp .return
.write:
    SAY "pid "
    DEC [current_pid]
    SAY " write: "
    cmp ecx, 200                    ; a bounded copy out of user memory
    jbe .write_loop
    mov ecx, 200
.write_loop:
    jecxz .written
    movzx eax, byte [ebx]
    push ecx
    push eax
    call serial_putc
    add esp, 4
    pop ecx
    inc ebx
    dec ecx
    jmp .write_loop
.written:
    mov eax, [ebp + 24 + 4]         ; the saved ecx: bytes written
    jmp .return
.getpid:
    mov eax, [current_pid]
    SAY "pid "
    DEC eax
    SAYLN " getpid"
    jmp .return
.add:
    lea eax, [ebx + ecx]
    SAY "pid "
    DEC [current_pid]
    SAY " add("
    DEC ebx
    SAY ", "
    DEC ecx
    SAY ") = "
    DEC eax
    NL
    jmp .return
.hex:
    SAY "pid "
    DEC [current_pid]
    SAY " hex "
    HEX ebx, 8
    NL
    xor eax, eax
    jmp .return
.frame:
    SAY "pid "
    DEC [current_pid]
    SAY " frame: cs "
    HEX [ebp + 40 + 4], 4
    SAY " eflags "
    HEX [ebp + 40 + 8], 8
    SAY " ss "
    HEX [ebp + 40 + 16], 4
    SAY " esp0 frame at kstack_top"
    lea eax, [ebp + 40]
    sub eax, kstack_top
    neg eax
    SAY "-"
    DEC eax
    SAY " user esp ustack_top-"
    mov eax, ustack_top
    sub eax, [ebp + 40 + 12]
    DEC eax
    NL
    xor eax, eax
    jmp .return
.exit:
    mov [process_status], ebx
    jmp user_return
.return:
    mov [ebp + 28], eax             ; the saved eax
    popad
    pop es
    pop ds
    iret

; isr_hook for exceptions: a fault in ring 3 is the process's; a kernel
; fault ends the run.
process_fault:
    test byte [esi + FRAME_CS], 3
    jz unexpected_fault
    SAY "kernel: pid "
    DEC [current_pid]
    SAY " fault vector "
    DEC [esi + FRAME_VEC]
    SAY " err "
    HEX [esi + FRAME_ERR], 4
    cmp dword [esi + FRAME_VEC], 14
    jne .no_cr2
    SAY " cr2 secret+"
    mov eax, cr2
    sub eax, secret
    HEX eax, 4
.no_cr2:
    SAY " eip entry+"
    mov eax, [esi + FRAME_EIP]
    sub eax, [current_entry]
    HEX eax, 4
    ; a read of the supervisor page: open it read-only to user and resume
    cmp dword [esi + FRAME_VEC], 14
    jne .kill
    cmp dword [esi + FRAME_ERR], 5  ; present, read, user
    jne .kill
    mov eax, cr2
    and eax, ~0xFFF
    cmp eax, secret
    jne .kill
    SAYLN ": page opened read-only to user, resumed"
    call secret_pte
    or dword [edi], 4
    and dword [edi], ~2
    invlpg [secret]
    ret
.kill:
    SAYLN ": killed"
    mov dword [process_status], 0xDEAD
    ; the supervisor page goes back to supervisor-only, writable
    call secret_pte
    mov dword [edi], secret + 3     ; present, writable, supervisor
    invlpg [secret]
    jmp user_return

; edi = the address of the PTE that maps `secret`
secret_pte:
    mov edi, secret
    shr edi, 12
    lea edi, [page_table + edi * 4]
    ret

; The first 4 MiB identity-mapped, user and writable, except `secret`
; (supervisor only).
paging_on:
    mov edi, page_table
    mov eax, 0x007
    mov ecx, 1024
.fill:
    mov [edi], eax
    add eax, 0x1000
    add edi, 4
    loop .fill
    call secret_pte
    mov dword [edi], secret + 3     ; present, writable, supervisor
    mov eax, page_table
    or eax, 7
    mov [page_dir], eax
    mov eax, page_dir
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80010000              ; PG, and WP so ring 0 honours R/W too
    mov cr0, eax
    ret

paging_off:
    mov eax, cr0
    and eax, ~0x80010000
    mov cr0, eax
    ret

; ---------------------------------------------------------------- processes

section .data
align 4
processes:
    dd 1, proc_hello, 0x202, 43
    dd 2, proc_cli, 0x202, 0xDEAD
    dd 3, proc_secret, 0x202, 0xDEAD
    dd 4, proc_io, 0x3202, 3        ; IOPL 3
    dd 5, proc_gate, 0x202, 0xDEAD
    dd 0
current_pid:    dd 0
current_entry:  dd 0
process_status: dd 0

section .text
proc_hello:
    WRITE {"hello from ring 3", 10}
    SYSCALL SYS_FRAME
    SYSCALL SYS_GETPID
    mov esi, eax
    SYSCALL SYS_ADD, 40, 2
    lea ebx, [eax + esi]            ; 42 + pid
    SYSCALL SYS_EXIT

proc_cli:
    WRITE {"about to cli", 10}
.fault:
    cli
    WRITE {"still alive after cli", 10}
    SYSCALL SYS_EXIT, 0

proc_secret:
    WRITE {"reading the supervisor page", 10}
    mov ebx, [secret]
    SYSCALL SYS_HEX, ebx
    WRITE {"writing it", 10}
    mov dword [secret], 0
    WRITE {"still alive after the write", 10}
    SYSCALL SYS_EXIT, 0

proc_io:
    mov esi, io_text                ; IOPL 3: port I/O allowed at CPL 3
.next:
    lodsb
    test al, al
    jz .done
    mov ah, al
    mov dx, COM1 + 5
    mov ecx, 100000
.wait:
    in al, dx
    test al, 0x20
    jnz .ready
    loop .wait
.ready:
    mov al, ah
    mov dx, COM1
    out dx, al
    jmp .next
.done:
    cli                             ; allowed too: CPL <= IOPL
    sti
    SYSCALL SYS_EXIT, 3

proc_gate:
    WRITE {"int 0x31 through a DPL-0 gate", 10}
    int 0x31
    SYSCALL SYS_EXIT, 0

section .rodata
io_text: db "pid 4 (IOPL 3) writes to COM1 itself", 10, 0

section .bss
align 4096, resb 1
page_dir:   resd 1024
page_table: resd 1024
secret:     resd 1024               ; a page of its own
