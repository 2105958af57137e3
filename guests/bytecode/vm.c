/* The interpreter: one switch on the opcode per VM instruction, compiled to
   a jump table, the classic indirect-branch-heavy dispatch loop. */
#include "vm.h"

#define STACK_DEPTH 64
#define RETURN_DEPTH 16

struct vm_result vm_run(const int32_t *code, uint32_t code_size, uint32_t *locals)
{
    uint32_t stack[STACK_DEPTH];
    uint32_t returns[RETURN_DEPTH];
    uint32_t sp = 0, rsp = 0, pc = 0, executed = 0;
    struct vm_result result = { VM_HALTED, 0, 0 };

#define FAULT(why) do { result.status = (why); goto stop; } while (0)
#define NEED(count) do { if (sp < (count)) FAULT(VM_STACK_FAULT); } while (0)
#define ROOM(count) do { if (sp + (count) > STACK_DEPTH) FAULT(VM_STACK_FAULT); } while (0)
#define BINARY(expression) do { NEED(2); uint32_t b = stack[--sp], a = stack[sp - 1]; \
                                stack[sp - 1] = (expression); (void)a; (void)b; } while (0)

    for (;;) {
        if (pc >= code_size)
            FAULT(VM_BAD_OPCODE);
        uint32_t at = pc;
        int32_t op = code[pc++];
        executed++;
        switch (op) {
        case OP_HALT:
            pc = at;
            goto stop;
        case OP_PUSH:
            ROOM(1);
            stack[sp++] = (uint32_t)code[pc++];
            break;
        case OP_LOAD:
            if ((uint32_t)code[pc] >= VM_LOCALS)
                FAULT(VM_BAD_LOCAL);
            ROOM(1);
            stack[sp++] = locals[code[pc++]];
            break;
        case OP_STORE:
            if ((uint32_t)code[pc] >= VM_LOCALS)
                FAULT(VM_BAD_LOCAL);
            NEED(1);
            locals[code[pc++]] = stack[--sp];
            break;
        case OP_INC:
            if ((uint32_t)code[pc] >= VM_LOCALS)
                FAULT(VM_BAD_LOCAL);
            locals[code[pc++]]++;
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
            if (rsp == RETURN_DEPTH)
                FAULT(VM_STACK_FAULT);
            returns[rsp++] = pc + 1;
            pc = (uint32_t)code[pc];
            break;
        case OP_RET:
            if (rsp == 0)
                FAULT(VM_STACK_FAULT);
            pc = returns[--rsp];
            break;
        default:
            pc = at;
            FAULT(VM_BAD_OPCODE);
        }
    }
stop:
    result.pc = pc;
    result.executed = executed;
    return result;
}
