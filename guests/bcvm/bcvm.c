/* Runs four bytecode programs on two interpreters of one stack machine
   (bcvm.h): vm-switch.c dispatches through a switch compiled to a jump
   table, vm-table.c through a table of handler functions. The programs:
   a checksum that runs every MIX op n times (through a VM subroutine for
   half of them), a recursive fib(f), a sieve counting primes below s, and a
   gcd/ALU loop over m values. Each result is checked against C and both
   interpreters must agree. Parameters: n, f, s, m. */
#include "guest.h"
#include "bcvm.h"

static int32_t code[1024];
static uint32_t size;
static uint32_t memory[VM_MEMORY];

static void emit(int32_t word) { code[size++] = word; }
static void emit2(enum opcode op, int32_t operand) { emit(op); emit(operand); }
static uint32_t emit_forward(enum opcode op) { emit2(op, -1); return size - 1; }
static void patch(uint32_t operand_at) { code[operand_at] = (int32_t)size; }

enum { N, I, SUM, X, J, COUNT, G };

/* for (i = 0; i < n; i++) sum = rotl(sum ^ mix29(...mix0(i)), 5) */
static uint32_t checksum_program(void)
{
    uint32_t start = size;
    uint32_t over = emit_forward(OP_JMP);
    uint32_t second_half = size;
    for (int k = MIX_OPS / 2; k < MIX_OPS; k++)
        emit(OP_MIX0 + k);
    emit(OP_RET);
    patch(over);
    emit2(OP_PUSH, 0); emit2(OP_STORE, SUM);
    emit2(OP_PUSH, 0); emit2(OP_STORE, I);
    uint32_t loop = size;
    emit2(OP_LOAD, I); emit2(OP_LOAD, N); emit(OP_LTU);
    uint32_t done = emit_forward(OP_JZ);
    emit2(OP_LOAD, I);
    for (int k = 0; k < MIX_OPS / 2; k++)
        emit(OP_MIX0 + k);
    emit2(OP_CALL, (int32_t)second_half);
    emit2(OP_LOAD, SUM); emit(OP_XOR); emit2(OP_PUSH, 5); emit(OP_ROTL); emit2(OP_STORE, SUM);
    emit2(OP_INC, I);
    emit2(OP_JMP, (int32_t)loop);
    patch(done);
    emit(OP_HALT);
    return start;
}

/* sum = fib(n), recursively */
static uint32_t fib_program(void)
{
    uint32_t start = size;
    emit2(OP_LOAD, N);
    uint32_t call = size;
    emit2(OP_CALL, -1);
    emit2(OP_STORE, SUM);
    emit(OP_HALT);
    code[call + 1] = (int32_t)size;
    uint32_t fib = size;
    emit(OP_DUP); emit2(OP_PUSH, 2); emit(OP_LTU);
    uint32_t base = emit_forward(OP_JNZ);
    emit(OP_DUP); emit2(OP_ADDI, -1); emit2(OP_CALL, (int32_t)fib);
    emit(OP_SWAP); emit2(OP_ADDI, -2); emit2(OP_CALL, (int32_t)fib);
    emit(OP_ADD);
    patch(base);
    emit(OP_RET);
    return start;
}

/* count = primes below n (memory[k] = 1 marks a composite) */
static uint32_t sieve_program(void)
{
    uint32_t start = size;
    emit2(OP_PUSH, 0); emit2(OP_STORE, I);
    uint32_t clear = size;
    emit2(OP_LOAD, I); emit2(OP_LOAD, N); emit(OP_LTU);
    uint32_t cleared = emit_forward(OP_JZ);
    emit2(OP_PUSH, 0); emit2(OP_LOAD, I); emit(OP_STM);
    emit2(OP_INC, I); emit2(OP_JMP, (int32_t)clear);
    patch(cleared);
    emit2(OP_PUSH, 0); emit2(OP_STORE, COUNT);
    emit2(OP_PUSH, 2); emit2(OP_STORE, I);
    uint32_t outer = size;
    emit2(OP_LOAD, I); emit2(OP_LOAD, N); emit(OP_LTU);
    uint32_t done = emit_forward(OP_JZ);
    emit2(OP_LOAD, I); emit(OP_LDM);
    uint32_t composite = emit_forward(OP_JNZ);
    emit2(OP_INC, COUNT);
    emit2(OP_LOAD, I); emit(OP_DUP); emit(OP_MUL); emit2(OP_STORE, J);
    uint32_t inner = size;
    emit2(OP_LOAD, J); emit2(OP_LOAD, N); emit(OP_LTU);
    uint32_t inner_done = emit_forward(OP_JZ);
    emit2(OP_PUSH, 1); emit2(OP_LOAD, J); emit(OP_STM);
    emit2(OP_LOAD, J); emit2(OP_LOAD, I); emit(OP_ADD); emit2(OP_STORE, J);
    emit2(OP_JMP, (int32_t)inner);
    patch(inner_done);
    patch(composite);
    emit2(OP_INC, I); emit2(OP_JMP, (int32_t)outer);
    patch(done);
    emit(OP_HALT);
    return start;
}

/* for (i = n; i != 0; i--) { a = i * i + 1; b = 3 * i + 7; g = gcd(a, b);
     sum += g + ((~(i << 3) | (i >> 2)) & 0xffff) / (g + 1) - (-(i != 7) == (i == 9)) } */
static uint32_t gcd_program(void)
{
    uint32_t start = size;
    emit2(OP_PUSH, 0); emit2(OP_STORE, SUM);
    emit2(OP_LOAD, N); emit2(OP_STORE, I);
    uint32_t loop = size;
    emit2(OP_LOAD, I);
    uint32_t done = emit_forward(OP_JZ);
    emit2(OP_LOAD, I); emit(OP_DUP); emit(OP_MUL); emit2(OP_ADDI, 1);
    emit2(OP_LOAD, I); emit2(OP_PUSH, 3); emit(OP_MUL); emit2(OP_ADDI, 7);
    /* ( a b ): while (b) { a, b = b, a % b } */
    uint32_t gcd = size;
    emit(OP_DUP);
    uint32_t gcd_done = emit_forward(OP_JZ);
    emit(OP_SWAP); emit(OP_OVER); emit(OP_MODU);
    emit2(OP_JMP, (int32_t)gcd);
    patch(gcd_done);
    emit(OP_DROP); emit2(OP_STORE, G);
    emit2(OP_LOAD, G);
    emit2(OP_LOAD, I); emit2(OP_PUSH, 3); emit(OP_SHL); emit(OP_NOT);
    emit2(OP_LOAD, I); emit2(OP_PUSH, 2); emit(OP_SHR); emit(OP_OR);
    emit2(OP_PUSH, 0xffff); emit(OP_AND);
    emit2(OP_LOAD, G); emit2(OP_ADDI, 1); emit(OP_DIVU);
    emit(OP_ADD);
    emit2(OP_LOAD, I); emit2(OP_PUSH, 7); emit(OP_NE); emit(OP_NEG);
    emit2(OP_LOAD, I); emit2(OP_PUSH, 9); emit(OP_EQ); emit(OP_EQ);
    emit(OP_SUB);
    emit2(OP_LOAD, SUM); emit(OP_ADD); emit2(OP_STORE, SUM);
    emit2(OP_DEC, I);
    emit2(OP_JMP, (int32_t)loop);
    patch(done);
    emit(OP_HALT);
    return start;
}

static uint32_t rotl(uint32_t x, unsigned r) { return (x << r) | (x >> (32 - r)); }

static uint32_t checksum_reference(uint32_t n)
{
    uint32_t sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t x = i;
        for (int k = 0; k < MIX_OPS; k++)
            x = mix_reference(x, k);
        sum = rotl(sum ^ x, 5);
    }
    return sum;
}

static uint32_t fib_reference(uint32_t n)
{
    uint32_t a = 0, b = 1;
    while (n-- > 0) {
        uint32_t t = a + b;
        a = b;
        b = t;
    }
    return a;
}

static uint32_t sieve_reference(uint32_t n)
{
    uint32_t count = 0;
    for (uint32_t i = 2; i < n; i++) {
        uint32_t prime = 1;
        for (uint32_t d = 2; d * d <= i; d++)
            if (i % d == 0) {
                prime = 0;
                break;
            }
        count += prime;
    }
    return count;
}

static uint32_t gcd_reference(uint32_t n)
{
    uint32_t sum = 0;
    for (uint32_t i = n; i != 0; i--) {
        uint32_t a = i * i + 1, b = 3 * i + 7;
        while (b != 0) {
            uint32_t t = a % b;
            a = b;
            b = t;
        }
        uint32_t g = a;
        sum += g + ((~(i << 3) | (i >> 2)) & 0xffff) / (g + 1) - ((uint32_t)-(i != 7) == (i == 9));
    }
    return sum;
}

static const char *const program_names[] = { "checksum", "fib", "sieve", "gcd" };

int kmain(void)
{
    uint32_t args[4] = { cmdline_uint("n", 200), cmdline_uint("f", 18), cmdline_uint("s", 5000), cmdline_uint("m", 1000) };
    if (args[1] > VM_RETURNS - 2)
        args[1] = VM_RETURNS - 2;
    if (args[2] > VM_MEMORY)
        args[2] = VM_MEMORY;
    uint32_t starts[4];
    starts[0] = checksum_program();
    starts[1] = fib_program();
    starts[2] = sieve_program();
    starts[3] = gcd_program();
    uint32_t results[4], expected[4] = { checksum_reference(args[0]), fib_reference(args[1]), sieve_reference(args[2]), gcd_reference(args[3]) };
    int failures = 0;
    serial_printf("bcvm: %u opcodes, %u code words\n", (unsigned)OP_COUNT, size);
    for (int p = 0; p < 4; p++) {
        uint32_t executed[2];
        for (int which = 0; which < 2; which++) {
            struct vm vm = { .code = code, .code_size = size, .pc = starts[p], .memory = memory };
            vm.locals[N] = args[p];
            if (which == 0)
                vm_switch(&vm);
            else
                vm_table(&vm);
            uint32_t result = p == 2 ? vm.locals[COUNT] : vm.locals[SUM];
            executed[which] = vm.executed;
            if (vm.status != VM_HALTED) {
                serial_printf("%s: %s VM stopped with status %u at pc %u\n", program_names[p], which == 0 ? "switch" : "table", vm.status, vm.pc);
                failures++;
            } else if (which == 0) {
                results[p] = result;
            } else if (result != results[p]) {
                serial_printf("%s: the VMs disagree: %u and %u\n", program_names[p], results[p], result);
                failures++;
            }
        }
        serial_printf("%s(%u) = %u (%s), %u vm-instructions per VM\n", program_names[p], args[p], results[p],
                      results[p] == expected[p] ? "ok" : "WRONG", executed[0]);
        if (results[p] != expected[p] || executed[0] != executed[1])
            failures++;
    }
    return failures;
}
