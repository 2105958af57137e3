/* The second interpreter: a table of handler functions, one call per VM
   instruction (call [reg*4 + table]). The machine state lives in struct vm;
   a handler returns nonzero to stop. Most handlers are a few instructions
   long, so a page holds dozens of them; the long MIX handlers spread the
   others over several pages, away from the dispatch loop's. */
#include "bcvm.h"

#define HANDLER static int __attribute__((noinline))
#define FAULT(why) do { vm->status = (why); return 1; } while (0)
#define NEED(n) do { if (vm->sp < (n)) FAULT(VM_STACK_FAULT); } while (0)
#define ROOM(n) do { if (vm->sp + (n) > VM_STACK) FAULT(VM_STACK_FAULT); } while (0)
#define OPERAND() ((uint32_t)vm->code[vm->pc++])
#define LOCAL() ({ uint32_t l_ = OPERAND(); if (l_ >= VM_LOCALS) FAULT(VM_BAD_OPERAND); l_; })
#define TOP (vm->stack[vm->sp - 1])
#define BINARY(name, e)                                                  \
    HANDLER op_##name(struct vm *vm)                                     \
    {                                                                    \
        NEED(2);                                                         \
        uint32_t b = vm->stack[--vm->sp], a = TOP;                       \
        TOP = (e);                                                       \
        (void)a;                                                         \
        (void)b;                                                         \
        return 0;                                                        \
    }

HANDLER op_halt(struct vm *vm) { vm->pc--; vm->status = VM_HALTED; return 1; }
HANDLER op_bad(struct vm *vm) { vm->pc--; FAULT(VM_BAD_OPCODE); }
HANDLER op_push(struct vm *vm) { ROOM(1); uint32_t v = OPERAND(); vm->stack[vm->sp++] = v; return 0; }
HANDLER op_load(struct vm *vm) { uint32_t l = LOCAL(); ROOM(1); vm->stack[vm->sp++] = vm->locals[l]; return 0; }
HANDLER op_store(struct vm *vm) { uint32_t l = LOCAL(); NEED(1); vm->locals[l] = vm->stack[--vm->sp]; return 0; }
HANDLER op_inc(struct vm *vm) { vm->locals[LOCAL()]++; return 0; }
HANDLER op_dec(struct vm *vm) { vm->locals[LOCAL()]--; return 0; }
HANDLER op_addi(struct vm *vm) { NEED(1); TOP += OPERAND(); return 0; }
BINARY(add, a + b)
BINARY(sub, a - b)
BINARY(mul, a * b)
HANDLER op_divu(struct vm *vm) { NEED(2); if (TOP == 0) FAULT(VM_DIVIDE_BY_ZERO); uint32_t b = vm->stack[--vm->sp]; TOP /= b; return 0; }
HANDLER op_modu(struct vm *vm) { NEED(2); if (TOP == 0) FAULT(VM_DIVIDE_BY_ZERO); uint32_t b = vm->stack[--vm->sp]; TOP %= b; return 0; }
BINARY(and, a & b)
BINARY(or, a | b)
BINARY(xor, a ^ b)
BINARY(shl, a << (b & 31))
BINARY(shr, a >> (b & 31))
BINARY(ltu, a < b)
BINARY(eq, a == b)
BINARY(ne, a != b)
BINARY(rotl, (a << (b & 31)) | (a >> ((32 - b) & 31)))
HANDLER op_not(struct vm *vm) { NEED(1); TOP = ~TOP; return 0; }
HANDLER op_neg(struct vm *vm) { NEED(1); TOP = -TOP; return 0; }
HANDLER op_dup(struct vm *vm) { NEED(1); ROOM(1); vm->stack[vm->sp] = TOP; vm->sp++; return 0; }
HANDLER op_drop(struct vm *vm) { NEED(1); vm->sp--; return 0; }
HANDLER op_swap(struct vm *vm)
{
    NEED(2);
    uint32_t top = TOP;
    TOP = vm->stack[vm->sp - 2];
    vm->stack[vm->sp - 2] = top;
    return 0;
}
HANDLER op_over(struct vm *vm) { NEED(2); ROOM(1); vm->stack[vm->sp] = vm->stack[vm->sp - 2]; vm->sp++; return 0; }
HANDLER op_jmp(struct vm *vm) { uint32_t t = OPERAND(); vm->pc = t; return 0; }
HANDLER op_jz(struct vm *vm) { NEED(1); uint32_t t = OPERAND(); if (vm->stack[--vm->sp] == 0) vm->pc = t; return 0; }
HANDLER op_jnz(struct vm *vm) { NEED(1); uint32_t t = OPERAND(); if (vm->stack[--vm->sp] != 0) vm->pc = t; return 0; }
HANDLER op_call(struct vm *vm)
{
    if (vm->rsp == VM_RETURNS)
        FAULT(VM_STACK_FAULT);
    uint32_t t = OPERAND();
    vm->returns[vm->rsp++] = vm->pc;
    vm->pc = t;
    return 0;
}
HANDLER op_ret(struct vm *vm) { if (vm->rsp == 0) FAULT(VM_STACK_FAULT); vm->pc = vm->returns[--vm->rsp]; return 0; }
HANDLER op_ldm(struct vm *vm) { NEED(1); if (TOP >= VM_MEMORY) FAULT(VM_BAD_OPERAND); TOP = vm->memory[TOP]; return 0; }
HANDLER op_stm(struct vm *vm)
{
    NEED(2);
    if (TOP >= VM_MEMORY)
        FAULT(VM_BAD_OPERAND);
    vm->memory[TOP] = vm->stack[vm->sp - 2];
    vm->sp -= 2;
    return 0;
}

#define MIX_BODY(k)                                                      \
    {                                                                    \
        NEED(1);                                                         \
        uint32_t x = TOP;                                                \
        _Pragma("GCC unroll 64")                                         \
        for (int r = 0; r < MIX_ROUNDS(k); r++)                          \
            MIX_ROUND(x, k, r);                                          \
        TOP = x;                                                         \
        return 0;                                                        \
    }
#define MIX(k) HANDLER op_mix##k(struct vm *vm) MIX_BODY(k)
MIX_EACH(MIX)

static int (*const handlers[OP_COUNT])(struct vm *) = {
    [OP_HALT] = op_halt, [OP_PUSH] = op_push, [OP_LOAD] = op_load, [OP_STORE] = op_store,
    [OP_INC] = op_inc, [OP_DEC] = op_dec, [OP_ADDI] = op_addi,
    [OP_ADD] = op_add, [OP_SUB] = op_sub, [OP_MUL] = op_mul, [OP_DIVU] = op_divu,
    [OP_MODU] = op_modu, [OP_AND] = op_and, [OP_OR] = op_or, [OP_XOR] = op_xor,
    [OP_SHL] = op_shl, [OP_SHR] = op_shr, [OP_LTU] = op_ltu, [OP_EQ] = op_eq,
    [OP_NE] = op_ne, [OP_NOT] = op_not, [OP_NEG] = op_neg, [OP_ROTL] = op_rotl,
    [OP_DUP] = op_dup, [OP_DROP] = op_drop, [OP_SWAP] = op_swap, [OP_OVER] = op_over,
    [OP_JMP] = op_jmp, [OP_JZ] = op_jz, [OP_JNZ] = op_jnz, [OP_CALL] = op_call,
    [OP_RET] = op_ret, [OP_LDM] = op_ldm, [OP_STM] = op_stm,
#define MIX_ENTRY(k) [OP_MIX0 + k] = op_mix##k,
    MIX_EACH(MIX_ENTRY)
};

void vm_table(struct vm *vm)
{
    for (;;) {
        if (vm->pc >= vm->code_size) {
            vm->status = VM_BAD_OPCODE;
            return;
        }
        uint32_t op = (uint32_t)vm->code[vm->pc++];
        vm->executed++;
        if (op >= OP_COUNT) {
            op_bad(vm);
            return;
        }
        if (handlers[op](vm))
            return;
    }
}
