/*
 * emul_ctx.c: the two implementations of emul_ctx.h. The x86-64 switch
 * saves exactly what the System V ABI makes callee-saved: rbx, rbp,
 * r12-r15, the MXCSR control bits and the x87 control word.
 */
#include "emul_ctx.h"

#include <stdint.h>

#ifdef EMUL_CTX_NATIVE

/* void ward_emul_ctx_switch(void **save_sp, void *to_sp) */
void ward_emul_ctx_switch(void **save_sp, void *to_sp);
__asm__(".text\n"
        ".globl ward_emul_ctx_switch\n"
        ".hidden ward_emul_ctx_switch\n"
        ".type ward_emul_ctx_switch, @function\n"
        "ward_emul_ctx_switch:\n"
        "  pushq %rbp\n"
        "  pushq %rbx\n"
        "  pushq %r12\n"
        "  pushq %r13\n"
        "  pushq %r14\n"
        "  pushq %r15\n"
        "  subq $8, %rsp\n"
        "  stmxcsr (%rsp)\n"
        "  fnstcw 4(%rsp)\n"
        "  movq %rsp, (%rdi)\n"
        "  movq %rsi, %rsp\n"
        "  ldmxcsr (%rsp)\n"
        "  fldcw 4(%rsp)\n"
        "  addq $8, %rsp\n"
        "  popq %r15\n"
        "  popq %r14\n"
        "  popq %r13\n"
        "  popq %r12\n"
        "  popq %rbx\n"
        "  popq %rbp\n"
        "  ret\n"
        ".size ward_emul_ctx_switch, .-ward_emul_ctx_switch\n");

int emul_ctx_init(struct emul_ctx *ctx, void *stack, size_t size,
                  void (*entry)(void))
{
    uint32_t control[2];
    uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)top;
    if (size < 256)
        return -1;
    /* The new context inherits this thread's floating-point control. */
    __asm__ volatile("stmxcsr %0" : "=m"(control[0]));
    __asm__ volatile("fnstcw %0" : "=m"(control[1]));
    *--sp = 0;                  /* entry's return address: none */
    *--sp = (uint64_t)(uintptr_t)entry; /* where the first switch's ret goes */
    for (int i = 0; i < 6; i++) /* rbp rbx r12 r13 r14 r15 */
        *--sp = 0;
    *--sp = (uint64_t)control[0] | (uint64_t)(control[1] & 0xFFFFu) << 32;
    ctx->sp = sp;
    return 0;
}

void emul_ctx_swap(struct emul_ctx *from, struct emul_ctx *to)
{
    ward_emul_ctx_switch(&from->sp, to->sp);
}

#else /* ucontext */

int emul_ctx_init(struct emul_ctx *ctx, void *stack, size_t size,
                  void (*entry)(void))
{
    if (getcontext(&ctx->uc) != 0)
        return -1;
    ctx->uc.uc_stack.ss_sp = stack;
    ctx->uc.uc_stack.ss_size = size;
    ctx->uc.uc_link = NULL;
    makecontext(&ctx->uc, entry, 0);
    return 0;
}

void emul_ctx_swap(struct emul_ctx *from, struct emul_ctx *to)
{
    swapcontext(&from->uc, &to->uc);
}

#endif
