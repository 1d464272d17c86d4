/*
 * emul_ctx.h: the coroutine switch under emul. On x86-64 a dozen
 * instructions that save the callee-saved registers and swap stacks; on
 * other machines ucontext, whose swapcontext also makes a sigprocmask
 * system call per switch (about 0.3 us here). Partitions never change the
 * signal mask, so nothing is lost by not saving it.
 */
#ifndef WARD_EMUL_CTX_H
#define WARD_EMUL_CTX_H

#include <stddef.h>

#if defined(__x86_64__)
#define EMUL_CTX_NATIVE 1
struct emul_ctx {
    void *sp; /* saved stack pointer; registers are on that stack */
};
#else
#include <ucontext.h>
struct emul_ctx {
    ucontext_t uc;
};
#endif

/* Make ctx start entry (which must never return) on the given stack the
 * first time it is switched to. Returns 0, or -1 on failure. */
int emul_ctx_init(struct emul_ctx *ctx, void *stack, size_t size,
                  void (*entry)(void));

/* Save the running context in from and continue in to. */
void emul_ctx_swap(struct emul_ctx *from, struct emul_ctx *to);

#endif /* WARD_EMUL_CTX_H */
