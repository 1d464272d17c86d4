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
#include <stdint.h>

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

/* A coroutine: a context on its own stack (lazily committed, with a guard
 * page), resumed by whoever calls emul_coro_resume and giving the thread
 * back with emul_coro_yield or, for good, emul_coro_exit. Under
 * AddressSanitizer the switches are announced as fiber switches. */
struct emul_coro {
    struct emul_ctx ctx;
    struct emul_ctx *resumer;
    uint8_t *stack;
    size_t stack_size;
    void *fake_stack;          /* AddressSanitizer bookkeeping */
    const void *resumer_bottom;
    size_t resumer_size;
};

/* (Re)start c at entry, on a stack of at least stack_size bytes (allocated
 * on the first start, reused after). Returns 0, or -1 if no stack. */
int emul_coro_start(struct emul_coro *c, size_t stack_size, void (*entry)(void));
/* Run c until it yields or exits. */
void emul_coro_resume(struct emul_coro *c);
/* Called first by an entry function, once on its new stack. */
void emul_coro_entered(struct emul_coro *c);
/* From inside c: back to the resumer; returns when resumed again. */
void emul_coro_yield(struct emul_coro *c);
/* From inside c: back to the resumer for good (c may be started again). */
_Noreturn void emul_coro_exit(struct emul_coro *c);

#endif /* WARD_EMUL_CTX_H */
