/*
 * emul_ctx.c: the two implementations of emul_ctx.h. The x86-64 switch
 * saves exactly what the System V ABI makes callee-saved: rbx, rbp,
 * r12-r15, the MXCSR control bits and the x87 control word.
 */
#include "emul_ctx.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define CORO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CORO_ASAN 1
#endif
#endif
#ifdef CORO_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

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

int emul_coro_start(struct emul_coro *c, size_t stack_size, void (*entry)(void))
{
    if (c->stack == NULL) {
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        size_t size = (stack_size + page - 1) & ~(page - 1);
        /* One guard page below the stack turns an overflow into a fault. */
        uint8_t *m = mmap(NULL, size + page, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED)
            return -1;
        if (mprotect(m, page, PROT_NONE) != 0) {
            munmap(m, size + page);
            return -1;
        }
        c->stack = m + page;
        c->stack_size = size;
    }
#ifdef CORO_ASAN
    /* An abandoned run leaves its frames' redzones poisoned. */
    __asan_unpoison_memory_region(c->stack, c->stack_size);
#endif
    return emul_ctx_init(&c->ctx, c->stack, c->stack_size, entry);
}

void emul_coro_resume(struct emul_coro *c)
{
    struct emul_ctx here;
#ifdef CORO_ASAN
    void *fake = NULL;
    __sanitizer_start_switch_fiber(&fake, c->stack, c->stack_size);
#endif
    c->resumer = &here;
    emul_ctx_swap(&here, &c->ctx);
#ifdef CORO_ASAN
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
}

void emul_coro_entered(struct emul_coro *c)
{
#ifdef CORO_ASAN
    __sanitizer_finish_switch_fiber(NULL, &c->resumer_bottom, &c->resumer_size);
#else
    (void)c;
#endif
}

void emul_coro_yield(struct emul_coro *c)
{
#ifdef CORO_ASAN
    __sanitizer_start_switch_fiber(&c->fake_stack, c->resumer_bottom, c->resumer_size);
#endif
    emul_ctx_swap(&c->ctx, c->resumer);
#ifdef CORO_ASAN
    __sanitizer_finish_switch_fiber(c->fake_stack, &c->resumer_bottom,
                                    &c->resumer_size);
#endif
}

_Noreturn void emul_coro_exit(struct emul_coro *c)
{
    struct emul_ctx scratch;
#ifdef CORO_ASAN
    /* NULL: this fiber is finished and its fake stack can go. */
    __sanitizer_start_switch_fiber(NULL, c->resumer_bottom, c->resumer_size);
#endif
    emul_ctx_swap(&scratch, c->resumer);
    abort(); /* never resumed */
}
