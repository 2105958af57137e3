/* The instruction set both of the bcvm guest's interpreters run: a stack
   machine whose code is an array of 32-bit words, an opcode then its operand
   for the ops that take one (PUSH/ADDI value, LOAD/STORE/INC/DEC local,
   JMP/JZ/JNZ/CALL absolute target). MIX0..MIX89 each hash the top of the
   stack in place: most in a round or a few, every sixteenth in many more,
   so both interpreters have many small handlers on each of several pages. */
#ifndef BCVM_H
#define BCVM_H

#include <stdint.h>

enum opcode {
    OP_HALT, OP_PUSH, OP_LOAD, OP_STORE, OP_INC, OP_DEC, OP_ADDI,
    OP_ADD, OP_SUB, OP_MUL, OP_DIVU, OP_MODU, OP_AND, OP_OR, OP_XOR,
    OP_SHL, OP_SHR, OP_LTU, OP_EQ, OP_NE, OP_NOT, OP_NEG, OP_ROTL,
    OP_DUP, OP_DROP, OP_SWAP, OP_OVER,
    OP_JMP, OP_JZ, OP_JNZ, OP_CALL, OP_RET,
    OP_LDM, OP_STM,
    OP_MIX0,
    OP_COUNT = OP_MIX0 + 90
};

#define MIX_OPS (OP_COUNT - OP_MIX0)
#define VM_LOCALS 16
#define VM_STACK 64
#define VM_RETURNS 64
#define VM_MEMORY 16384

enum vm_status { VM_HALTED, VM_BAD_OPCODE, VM_STACK_FAULT, VM_DIVIDE_BY_ZERO, VM_BAD_OPERAND };

struct vm {
    const int32_t *code;
    uint32_t code_size;
    uint32_t pc, sp, rsp;
    uint32_t executed;
    enum vm_status status;
    uint32_t locals[VM_LOCALS];
    uint32_t stack[VM_STACK];
    uint32_t returns[VM_RETURNS];
    uint32_t *memory; /* VM_MEMORY words */
};

/* Rounds of MIXk: one to four, and forty for every sixteenth. */
#define MIX_ROUNDS(k) ((k) % 16 == 15 ? 40 : 1 + ((k) * 7) % 4)

/* M(k) for k = 0..89 (k as a decimal literal, for names). */
#define MIX_TENS(M, t) M(t##0) M(t##1) M(t##2) M(t##3) M(t##4) M(t##5) M(t##6) M(t##7) M(t##8) M(t##9)
#define MIX_EACH(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) \
    MIX_TENS(M, 1) MIX_TENS(M, 2) MIX_TENS(M, 3) MIX_TENS(M, 4) \
    MIX_TENS(M, 5) MIX_TENS(M, 6) MIX_TENS(M, 7) MIX_TENS(M, 8)

/* One round of MIXk on x (r counts rounds; every round differs). */
#define MIX_ROUND(x, k, r) \
    ((x) = (((x) ^ ((x) >> (((k) + (r)) % 13 + 3))) * (0x9E3779B1u + 2u * (uint32_t)((k) * 64 + (r)))) + (uint32_t)((k) * 131 + (r)))

/* Reference: MIXk computed by a loop (the interpreters unroll it). */
static inline uint32_t mix_reference(uint32_t x, int k)
{
    for (int r = 0; r < MIX_ROUNDS(k); r++)
        MIX_ROUND(x, k, r);
    return x;
}

/* Switch dispatch through a jump table (jmp [reg*4 + table]). */
void vm_switch(struct vm *vm);
/* Dispatch through a table of handler functions (call [reg*4 + table]). */
void vm_table(struct vm *vm);

#endif
