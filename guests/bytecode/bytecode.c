/* Runs a small program on the stack machine in vm.c. Phase A sums a hash
   of i for i < n through a VM subroutine; phase B counts Collatz steps for
   every start below m = min(n / 16, 100000) + 2 (all of whose trajectories
   stay below 2^32). Parameters: n. */
#include "guest.h"
#include "vm.h"

enum { N, I, SUM, X, STEPS, K, M };

static int32_t code[256];
static uint32_t size;

static void emit(int32_t word)
{
    code[size++] = word;
}

static void emit2(enum opcode op, int32_t operand)
{
    emit(op);
    emit(operand);
}

/* a jump whose target is not known yet; patch() sets it to here */
static uint32_t emit_forward(enum opcode op)
{
    emit2(op, -1);
    return size - 1;
}

static void patch(uint32_t operand_at)
{
    code[operand_at] = (int32_t)size;
}

static void assemble(void)
{
    uint32_t over_subroutine = emit_forward(OP_JMP);

    /* subroutine: pushes ((i * i) ^ (i >> 3)) % 1009 */
    uint32_t hash_i = size;
    emit2(OP_LOAD, I);
    emit(OP_DUP);
    emit(OP_MUL);
    emit2(OP_LOAD, I);
    emit2(OP_PUSH, 3);
    emit(OP_SHR);
    emit(OP_XOR);
    emit2(OP_PUSH, 1009);
    emit(OP_MODU);
    emit(OP_RET);
    patch(over_subroutine);

    /* phase A: for (i = 0; i < n; i++) sum += hash_i() */
    emit2(OP_PUSH, 0);
    emit2(OP_STORE, I);
    emit2(OP_PUSH, 0);
    emit2(OP_STORE, SUM);
    uint32_t a_loop = size;
    emit2(OP_LOAD, I);
    emit2(OP_LOAD, N);
    emit(OP_LTU);
    uint32_t a_done = emit_forward(OP_JZ);
    emit2(OP_CALL, (int32_t)hash_i);
    emit2(OP_LOAD, SUM);
    emit(OP_ADD);
    emit2(OP_STORE, SUM);
    emit2(OP_INC, I);
    emit2(OP_JMP, (int32_t)a_loop);
    patch(a_done);

    /* phase B: for (k = 1; k < m; k++) for (x = k; x != 1; steps++)
                    x = x & 1 ? 3x + 1 : x >> 1 */
    emit2(OP_PUSH, 1);
    emit2(OP_STORE, K);
    emit2(OP_PUSH, 0);
    emit2(OP_STORE, STEPS);
    uint32_t b_outer = size;
    emit2(OP_LOAD, K);
    emit2(OP_LOAD, M);
    emit(OP_LTU);
    uint32_t b_done = emit_forward(OP_JZ);
    emit2(OP_LOAD, K);
    emit2(OP_STORE, X);
    uint32_t b_inner = size;
    emit2(OP_LOAD, X);
    emit2(OP_PUSH, 1);
    emit(OP_EQ);
    uint32_t b_next = emit_forward(OP_JNZ);
    emit2(OP_LOAD, X);
    emit2(OP_PUSH, 1);
    emit(OP_AND);
    uint32_t b_even = emit_forward(OP_JZ);
    emit2(OP_LOAD, X);
    emit2(OP_PUSH, 3);
    emit(OP_MUL);
    emit2(OP_PUSH, 1);
    emit(OP_ADD);
    emit2(OP_STORE, X);
    uint32_t b_odd_done = emit_forward(OP_JMP);
    patch(b_even);
    emit2(OP_LOAD, X);
    emit2(OP_PUSH, 1);
    emit(OP_SHR);
    emit2(OP_STORE, X);
    patch(b_odd_done);
    emit2(OP_INC, STEPS);
    emit2(OP_JMP, (int32_t)b_inner);
    patch(b_next);
    emit2(OP_INC, K);
    emit2(OP_JMP, (int32_t)b_outer);
    patch(b_done);
    emit(OP_HALT);
}

int kmain(void)
{
    uint32_t n = cmdline_uint("n", 1000);
    uint32_t m = n / 16;
    if (m > 100000)
        m = 100000;
    m += 2;

    assemble();
    uint32_t locals[VM_LOCALS] = { 0 };
    locals[N] = n;
    locals[M] = m;
    struct vm_result result = vm_run(code, size, locals);
    if (result.status != VM_HALTED) {
        serial_printf("bytecode: VM stopped with status %u at pc %u\n", result.status, result.pc);
        return 1;
    }
    serial_printf("bytecode n=%u m=%u: program %u words, sum=%u steps=%u vm-instructions=%u\n",
                  n, m, size, locals[SUM], locals[STEPS], result.executed);
    return 0;
}
