/* A small stack machine: the instruction set the bytecode guest's program
   is written in. Code is an array of 32-bit words: an opcode, then its
   operand for the ops that take one (PUSH value, LOAD/STORE local index,
   JMP/JZ/JNZ/CALL absolute target). */
#ifndef BYTECODE_VM_H
#define BYTECODE_VM_H

#include <stdint.h>

enum opcode {
    OP_HALT, OP_PUSH, OP_LOAD, OP_STORE, OP_INC,
    OP_ADD, OP_SUB, OP_MUL, OP_DIVU, OP_MODU,
    OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR,
    OP_LTU, OP_EQ, OP_DUP, OP_DROP, OP_SWAP,
    OP_JMP, OP_JZ, OP_JNZ, OP_CALL, OP_RET,
    OP_COUNT
};

#define VM_LOCALS 8

enum vm_status { VM_HALTED, VM_BAD_OPCODE, VM_STACK_FAULT, VM_DIVIDE_BY_ZERO, VM_BAD_LOCAL };

struct vm_result {
    enum vm_status status;
    uint32_t pc;       /* where it stopped */
    uint32_t executed; /* VM instructions run */
};

struct vm_result vm_run(const int32_t *code, uint32_t code_size, uint32_t *locals);

#endif
