/* The first interpreter: one switch on the opcode per VM instruction,
   compiled to a jump table (jmp [reg*4 + table]). Its pc, sp and return
   stack depth live in registers. Most cases are a few instructions long;
   the long MIX cases spread them over several pages, most of them away from
   the page of the indirect jump. */
#include "bcvm.h"

#define MIX_CASE(k)                                              \
    case OP_MIX0 + (k): {                                        \
        NEED(1);                                                 \
        uint32_t x = stack[sp - 1];                              \
        _Pragma("GCC unroll 64")                                 \
        for (int r = 0; r < MIX_ROUNDS(k); r++)                  \
            MIX_ROUND(x, k, r);                                  \
        stack[sp - 1] = x;                                       \
        break;                                                   \
    }

void vm_switch(struct vm *vm)
{
    const int32_t *code = vm->code;
    uint32_t *stack = vm->stack, *returns = vm->returns, *locals = vm->locals, *memory = vm->memory;
    uint32_t pc = vm->pc, sp = vm->sp, rsp = vm->rsp, executed = 0;
    enum vm_status status = VM_HALTED;

#define FAULT(why) do { status = (why); goto stop; } while (0)
#define NEED(n) do { if (sp < (n)) FAULT(VM_STACK_FAULT); } while (0)
#define ROOM(n) do { if (sp + (n) > VM_STACK) FAULT(VM_STACK_FAULT); } while (0)
#define LOCAL() ({ uint32_t l_ = (uint32_t)code[pc++]; if (l_ >= VM_LOCALS) FAULT(VM_BAD_OPERAND); l_; })
#define BINARY(e) do { NEED(2); uint32_t b = stack[--sp], a = stack[sp - 1]; stack[sp - 1] = (e); (void)a; (void)b; } while (0)

    for (;;) {
        if (pc >= vm->code_size)
            FAULT(VM_BAD_OPCODE);
        uint32_t at = pc;
        uint32_t op = (uint32_t)code[pc++];
        executed++;
        switch (op) {
        case OP_HALT:
            pc = at;
            goto stop;
        case OP_PUSH:
            ROOM(1);
            stack[sp++] = (uint32_t)code[pc++];
            break;
        case OP_LOAD: {
            uint32_t l = LOCAL();
            ROOM(1);
            stack[sp++] = locals[l];
            break;
        }
        case OP_STORE: {
            uint32_t l = LOCAL();
            NEED(1);
            locals[l] = stack[--sp];
            break;
        }
        case OP_INC: locals[LOCAL()]++; break;
        case OP_DEC: locals[LOCAL()]--; break;
        case OP_ADDI:
            NEED(1);
            stack[sp - 1] += (uint32_t)code[pc++];
            break;
        case OP_ADD: BINARY(a + b); break;
        case OP_SUB: BINARY(a - b); break;
        case OP_MUL: BINARY(a * b); break;
        case OP_DIVU:
            NEED(2);
            if (stack[sp - 1] == 0)
                FAULT(VM_DIVIDE_BY_ZERO);
            BINARY(a / b);
            break;
        case OP_MODU:
            NEED(2);
            if (stack[sp - 1] == 0)
                FAULT(VM_DIVIDE_BY_ZERO);
            BINARY(a % b);
            break;
        case OP_AND: BINARY(a & b); break;
        case OP_OR: BINARY(a | b); break;
        case OP_XOR: BINARY(a ^ b); break;
        case OP_SHL: BINARY(a << (b & 31)); break;
        case OP_SHR: BINARY(a >> (b & 31)); break;
        case OP_LTU: BINARY(a < b); break;
        case OP_EQ: BINARY(a == b); break;
        case OP_NE: BINARY(a != b); break;
        case OP_NOT: NEED(1); stack[sp - 1] = ~stack[sp - 1]; break;
        case OP_NEG: NEED(1); stack[sp - 1] = -stack[sp - 1]; break;
        case OP_ROTL: BINARY((a << (b & 31)) | (a >> ((32 - b) & 31))); break;
        case OP_DUP:
            NEED(1);
            ROOM(1);
            stack[sp] = stack[sp - 1];
            sp++;
            break;
        case OP_DROP:
            NEED(1);
            sp--;
            break;
        case OP_SWAP: {
            NEED(2);
            uint32_t top = stack[sp - 1];
            stack[sp - 1] = stack[sp - 2];
            stack[sp - 2] = top;
            break;
        }
        case OP_OVER:
            NEED(2);
            ROOM(1);
            stack[sp] = stack[sp - 2];
            sp++;
            break;
        case OP_JMP:
            pc = (uint32_t)code[pc];
            break;
        case OP_JZ:
            NEED(1);
            pc = stack[--sp] == 0 ? (uint32_t)code[pc] : pc + 1;
            break;
        case OP_JNZ:
            NEED(1);
            pc = stack[--sp] != 0 ? (uint32_t)code[pc] : pc + 1;
            break;
        case OP_CALL:
            if (rsp == VM_RETURNS)
                FAULT(VM_STACK_FAULT);
            returns[rsp++] = pc + 1;
            pc = (uint32_t)code[pc];
            break;
        case OP_RET:
            if (rsp == 0)
                FAULT(VM_STACK_FAULT);
            pc = returns[--rsp];
            break;
        case OP_LDM:
            NEED(1);
            if (stack[sp - 1] >= VM_MEMORY)
                FAULT(VM_BAD_OPERAND);
            stack[sp - 1] = memory[stack[sp - 1]];
            break;
        case OP_STM: /* ( value address -- ) */
            NEED(2);
            if (stack[sp - 1] >= VM_MEMORY)
                FAULT(VM_BAD_OPERAND);
            memory[stack[sp - 1]] = stack[sp - 2];
            sp -= 2;
            break;
        MIX_EACH(MIX_CASE)
        default:
            pc = at;
            FAULT(VM_BAD_OPCODE);
        }
    }
stop:
    vm->pc = pc;
    vm->sp = sp;
    vm->rsp = rsp;
    vm->executed += executed;
    vm->status = status;
}
