; timer: the 8254 PIT and the two 8259A PICs. Remaps the PICs (ICW1-4 to
; vectors 0x20/0x28), programs PIT channel 0 in mode 2 and then mode 3,
; counts ticks with sti/hlt, reads the PIT back (latch and read-back status),
; looks at the PIC's ISR inside the handler and at IRR while IRQ 0 is masked,
; and hammers a counter shared with the interrupt handler inside
; pushf/cli/popf critical sections. Every printed fact is independent of the
; host's speed: tick counts that were waited for, register bits, checks.

%macro GUEST_GDT 0
%endmacro

%include "../exceptions/syskit.inc"

PIC1_CMD  equ 0x20
PIC1_DATA equ 0x21
PIC2_CMD  equ 0xA0
PIC2_DATA equ 0xA1
PIT_CH0   equ 0x40
PIT_CMD   equ 0x43
IRQ_BASE  equ 0x20
DIVISOR   equ 1193                  ; ~1 kHz from 1.193182 MHz
MAX_HALTS equ 1000                  ; a bound on every hlt wait
MAX_POLLS equ 20000000              ; a bound on every polling wait
SECTIONS  equ 20000                 ; critical sections in the counter test

section .text
global kmain
kmain:
    call sys_init
    SAYLN "timer: start"
    mov eax, IRQ_BASE
    mov ebx, irq0_handler
    mov cl, 0x8E
    call idt_set_gate
    mov eax, IRQ_BASE + 1
.other_irqs:
    mov ebx, other_irq_handler
    call idt_set_gate
    inc eax
    cmp eax, IRQ_BASE + 16
    jb .other_irqs

    call pic_remap
    SAYLN "pic: remapped to 0x20/0x28, only IRQ 0 unmasked"
    in al, PIC1_DATA
    movzx eax, al
    CHECK eax, 0xFE, "pic: master mask reads back"
    in al, PIC2_DATA
    movzx eax, al
    CHECK eax, 0xFF, "pic: slave mask reads back"

    ; ---- mode 2, rate generator
    mov al, 0x34                    ; channel 0, lobyte/hibyte, mode 2, binary
    call pit_program
    call read_back_mode
    CHECK eax, 0x34, "pit: read-back status (mode 2, lo/hi) low bits"
    call latch_count
    cmp eax, DIVISOR
    setbe al
    movzx eax, al
    CHECK eax, 1, "pit: latched count <= divisor"
    mov ecx, 10
    call wait_ticks
    cmp eax, 10                     ; a stalled host may merge the last two
    setae al
    movzx eax, al
    CHECK eax, 1, "mode 2: waited for 10 ticks with sti/hlt"
    CHECK [isr_in_handler], 1, "pic: ISR bit 0 set inside the handler"
    CHECK [isr_after_eoi], 0, "pic: ISR clear after EOI"

    ; ---- IRQ 0 masked: the PIT keeps counting (its count reloads), the
    ; request shows up in IRR but is not delivered; on unmasking exactly one
    ; is delivered
    cli
    mov al, 0xFF
    out PIC1_DATA, al
    mov dword [ticks], 0
    sti
    call wait_count_wrap
    CHECK eax, 1, "masked: the count wrapped"
    call wait_irr0                  ; the edge reaches the PIC (bounded wait)
    CHECK eax, 1, "masked: IRR bit 0 set"
    cli
    CHECK [ticks], 0, "masked: no tick delivered"
    mov al, 0xFE
    out PIC1_DATA, al
    sti
    nop
    nop
    cli
    CHECK [ticks], 1, "unmasked: the one pending tick delivered"

    ; ---- pushf/cli/popf critical sections on a counter the handler also
    ; updates (+1000 per tick); IF must come back set after each popf
    mov dword [shared], 0
    mov dword [if_lost], 0
    mov eax, [ticks_total]
    mov [ticks_before], eax
    sti
    mov ecx, SECTIONS
.section:
    pushfd
    cli
    mov eax, [shared]
    add eax, 1
    mov [shared], eax
    popfd
    pushfd
    test dword [esp], 0x200
    jnz .if_ok
    inc dword [if_lost]
.if_ok:
    add esp, 4
    loop .section
    ; The last popf left IF set: ticks keep arriving with no further sti
    ; (a deprivileged popf that silently kept IF clear stops them here).
    mov eax, [ticks_total]
    add eax, 2
    mov edx, MAX_POLLS
.after_popf:
    cmp [ticks_total], eax
    jae .after_popf_done
    dec edx
    jnz .after_popf
.after_popf_done:
    cmp [ticks_total], eax
    setae al
    movzx eax, al
    CHECK eax, 1, "critical sections: ticks arrive after popf without sti"
    mov ecx, 3                      ; make sure some ticks land in the test
    call wait_ticks
    cli
    mov eax, [ticks_total]
    sub eax, [ticks_before]
    imul eax, 1000
    add eax, SECTIONS
    CHECK [shared], eax, "critical sections: counter = sections + 1000 x ticks"
    CHECK [if_lost], 0, "critical sections: IF set after every popf"

    ; ---- mode 3, square wave
    mov al, 0x36                    ; channel 0, lobyte/hibyte, mode 3, binary
    call pit_program
    call read_back_mode
    CHECK eax, 0x36, "pit: read-back status (mode 3, lo/hi) low bits"
    mov ecx, 10
    call wait_ticks
    cmp eax, 10                     ; a stalled host may merge the last two
    setae al
    movzx eax, al
    CHECK eax, 1, "mode 3: waited for 10 ticks with sti/hlt"

    cli
    mov al, 0xFF
    out PIC1_DATA, al
    CHECK [other_irqs], 0, "no other IRQ seen"
    SAY "timer: done, failures "
    DEC [failures]
    NL
    EXIT_WITH_FAILURES

; ICW1-ICW4 for both PICs (SDM-era 8259A datasheet): edge triggered,
; cascaded, vectors IRQ_BASE and IRQ_BASE + 8, slave on IRQ 2, 8086 mode;
; then OCW1 masks.
pic_remap:
    mov al, 0x11                    ; ICW1: ICW4 needed, cascade, edge
    out PIC1_CMD, al
    out PIC2_CMD, al
    mov al, IRQ_BASE                ; ICW2: vector base
    out PIC1_DATA, al
    mov al, IRQ_BASE + 8
    out PIC2_DATA, al
    mov al, 0x04                    ; ICW3: slave on IRQ 2
    out PIC1_DATA, al
    mov al, 0x02                    ; ICW3: slave identity 2
    out PIC2_DATA, al
    mov al, 0x01                    ; ICW4: 8086 mode, normal EOI
    out PIC1_DATA, al
    out PIC2_DATA, al
    mov al, 0xFE                    ; OCW1: only IRQ 0
    out PIC1_DATA, al
    mov al, 0xFF
    out PIC2_DATA, al
    ret

; al = control word for channel 0; loads DIVISOR
pit_program:
    out PIT_CMD, al
    mov al, DIVISOR & 0xFF
    out PIT_CH0, al
    mov al, DIVISOR >> 8
    out PIT_CH0, al
    ret

; eax = channel 0's status byte from a read-back command, low 6 bits
; (access mode, mode, BCD: bit 7 is the output pin and bit 6 null count,
; which depend on timing)
read_back_mode:
    mov al, 0xE2                    ; read-back: status only, channel 0
    out PIT_CMD, al
    in al, PIT_CH0
    and eax, 0x3F
    ret

; eax = channel 0's current count (counter latch command)
latch_count:
    xor eax, eax
    out PIT_CMD, al                 ; latch channel 0
    in al, PIT_CH0
    mov ah, al
    in al, PIT_CH0
    xchg al, ah
    movzx eax, ax
    ret

; Polls the count until it goes up (the counter reloaded), bounded; eax = 1
; when it did, 0 on timeout.
wait_count_wrap:
    push ecx
    push ebx
    call latch_count
    mov ebx, eax
    mov ecx, MAX_POLLS
.poll:
    call latch_count
    cmp eax, ebx
    ja .wrapped
    mov ebx, eax
    loop .poll
    xor eax, eax
    jmp .done
.wrapped:
    mov eax, 1
.done:
    pop ebx
    pop ecx
    ret

; Polls the master PIC's IRR until bit 0 is set, bounded; eax = 1 when it
; was, 0 on timeout.
wait_irr0:
    push ecx
    mov ecx, MAX_POLLS
.poll:
    mov al, 0x0A                    ; OCW3: read IRR
    out PIC1_CMD, al
    in al, PIC1_CMD
    test al, 1
    jnz .set
    loop .poll
    xor eax, eax
    pop ecx
    ret
.set:
    mov eax, 1
    pop ecx
    ret

; ecx = ticks to wait for with sti/hlt (at most MAX_HALTS halts); eax = the
; ticks counted. Returns with IF=0.
wait_ticks:
    cli
    mov dword [ticks], 0
    mov edx, MAX_HALTS
.halt:
    sti
    hlt                             ; sti's shadow: no interrupt before hlt
    cli
    cmp [ticks], ecx
    jae .done
    dec edx
    jnz .halt
.done:
    mov eax, [ticks]
    ret

irq0_handler:
    push eax
    inc dword [ticks]
    inc dword [ticks_total]
    add dword [shared], 1000
    mov al, 0x0B                    ; OCW3: read ISR
    out PIC1_CMD, al
    in al, PIC1_CMD
    and eax, 1
    mov [isr_in_handler], eax
    mov al, 0x20                    ; OCW2: non-specific EOI
    out PIC1_CMD, al
    in al, PIC1_CMD                 ; OCW3 still selects ISR
    and eax, 1
    mov [isr_after_eoi], eax
    pop eax
    iret

other_irq_handler:
    push eax
    inc dword [other_irqs]
    mov al, 0x20
    out PIC2_CMD, al
    out PIC1_CMD, al
    pop eax
    iret

section .data
ticks:          dd 0
ticks_total:    dd 0
ticks_before:   dd 0
shared:         dd 0
if_lost:        dd 0
other_irqs:     dd 0
isr_in_handler: dd 0xFF
isr_after_eoi:  dd 0xFF
