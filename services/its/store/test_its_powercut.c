/*
 * Power-fail tests of the ITS store. A fixed workload of sets, overwrites
 * and removes (several compactions long) runs with the power cut at every
 * single program and erase in turn, in every way the RAM flash can leave
 * the interrupted operation, and again during the recovery that follows;
 * then on the crash-simulating file model with a crash at every sync,
 * keeping no, all, or a random subset of the unsynced pages. After each
 * crash every object must show its last acknowledged value, or for the
 * operation in flight its old or its new one, and nothing else may exist.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "its_store.h"

#define KEYS 7u
#define OPS 90u

struct op {
    bool remove;
    uint64_t key;
    uint32_t len;
    uint32_t seed;
};

struct obj {
    bool present;
    uint32_t len;
    uint32_t seed;
};

struct geometry {
    uint32_t ss, ns;
    struct its_store_config cfg;
};

static const struct geometry ram_geo = {512, 4, {100, 8}};
/* The smallest medium: one data sector and the spare. */
static const struct geometry ram_geo2 = {1024, 2, {100, 8}};
static const struct geometry sim_geo = {8192, 4, {2000, 8}};

static struct op workload[OPS];
static unsigned refused; /* sets refused for room in the last run */

/* Keys spread over two owners so iteration is checked per owner. */
static uint64_t key_of(unsigned k)
{
    return (uint64_t)(k & 1u) << 32 | (k + 1u);
}

/* Keys 0, 1 and 2 are cold: written large at the start and once more at op 60, so
 * compaction has to carry them (across page boundaries on the file
 * model). Keys 2.. are hot. */
static void make_workload(uint32_t max_len)
{
    uint32_t r = 12345;
    for (unsigned i = 0; i < OPS; i++) {
        r = r * 1103515245u + 12345u;
        unsigned k = i < 3 ? i : i == 60 ? 1u : 3u + (r >> 16) % (KEYS - 3u);
        workload[i].key = key_of(k);
        workload[i].remove = i >= 3 && i != 60 && ((r >> 8) % 100u) < 15u;
        workload[i].seed = i + 1u;
        /* Mostly mid-sized values, some empty, some at the maximum. */
        uint32_t pick = (r >> 4) % 10u;
        workload[i].len = (i < 3 || i == 60 || pick == 1) ? max_len
                          : pick == 0          ? 0
                                      : (r >> 12) % (max_len / 2u + 1u);
    }
}

static void fill(uint8_t *buf, uint32_t len, uint32_t seed)
{
    for (uint32_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(seed * 131u + i * 17u + (i >> 8));
}

static unsigned index_of(uint64_t key)
{
    for (unsigned k = 0; k < KEYS; k++)
        if (key_of(k) == key)
            return k;
    fail_msg("unexpected key %llx", (unsigned long long)key);
    return 0;
}

/* Run the workload until an operation fails with a medium error; returns
 * the index of that operation (OPS if none did). acked is the state every
 * completed operation promised. */
static unsigned run(struct its_store *st, struct obj acked[KEYS],
                    uint8_t *buf)
{
    refused = 0;
    for (unsigned i = 0; i < OPS; i++) {
        const struct op *o = &workload[i];
        struct obj *a = &acked[index_of(o->key)];
        psa_status_t ps;
        if (o->remove) {
            ps = its_store_remove(st, o->key);
            if (ps == PSA_SUCCESS)
                a->present = false;
            else if (ps != PSA_ERROR_DOES_NOT_EXIST)
                return i;
        } else {
            fill(buf, o->len, o->seed);
            ps = its_store_set(st, o->key, o->seed, buf, o->len);
            if (ps == PSA_SUCCESS)
                *a = (struct obj){true, o->len, o->seed};
            else if (ps == PSA_ERROR_INSUFFICIENT_STORAGE)
                refused++;
            else
                return i;
        }
    }
    return OPS;
}

static bool matches(struct its_store *st, uint64_t key, const struct obj *o,
                    uint8_t *buf, uint8_t *want)
{
    size_t size, len;
    uint32_t flags;
    psa_status_t ps = its_store_get_info(st, key, &size, &flags);
    if (!o->present)
        return ps == PSA_ERROR_DOES_NOT_EXIST;
    if (ps != PSA_SUCCESS || size != o->len || flags != o->seed)
        return false;
    if (its_store_get(st, key, 0, o->len, buf, &len) != PSA_SUCCESS ||
        len != o->len)
        return false;
    fill(want, o->len, o->seed);
    return memcmp(buf, want, o->len) == 0;
}

/* After recovery: every object at its acknowledged value, the in-flight
 * one (index failed) at its old or new value, and no other key. */
static void verify(struct its_store *st, const struct obj acked[KEYS],
                   unsigned failed, uint8_t *buf, uint8_t *want,
                   const char *what)
{
    for (unsigned k = 0; k < KEYS; k++) {
        uint64_t key = key_of(k);
        if (matches(st, key, &acked[k], buf, want))
            continue;
        if (failed < OPS && workload[failed].key == key) {
            const struct op *o = &workload[failed];
            struct obj next = {!o->remove, o->remove ? 0 : o->len, o->seed};
            if (matches(st, key, &next, buf, want))
                continue;
        }
        fail_msg("%s: op %u: key %u neither old nor new", what, failed, k);
    }
    size_t total = 0;
    for (uint32_t owner = 0; owner < 2; owner++) {
        struct its_store_iter it;
        uint64_t key;
        its_store_iter_init(&it, owner);
        while (its_store_iter_next(st, &it, &key) == PSA_SUCCESS) {
            (void)index_of(key);
            total++;
        }
    }
    struct its_store_usage u;
    assert_int_equal(its_store_usage(st, &u), PSA_SUCCESS);
    assert_int_equal(u.objects, total);
}

/* The store must stay fully usable after recovery. */
static void use_after(struct its_store *st, const struct its_flash *fl,
                      const struct its_store_config *cfg, uint8_t *buf,
                      uint8_t *want)
{
    struct obj o = {true, cfg->max_object_size / 3u, 777};
    fill(buf, o.len, o.seed);
    for (unsigned k = 0; k < KEYS; k++) {
        psa_status_t ps = its_store_remove(st, key_of(k));
        assert_true(ps == PSA_SUCCESS || ps == PSA_ERROR_DOES_NOT_EXIST);
    }
    for (unsigned i = 0; i < 2 * KEYS; i++)
        assert_int_equal(its_store_set(st, key_of(i % KEYS), o.seed, buf,
                                       o.len),
                         PSA_SUCCESS);
    its_store_close(st);
    assert_int_equal(its_store_open(st, fl, cfg), PSA_SUCCESS);
    for (unsigned k = 0; k < KEYS; k++)
        assert_true(matches(st, key_of(k), &o, buf, want));
}

/* ---- RAM flash: a cut at every program and erase -------------------- */

static void ram_round(const struct geometry *g, uint64_t cut,
                      enum its_ram_cut_mode mode, bool cut_recovery,
                      uint64_t *total_ops, uint8_t *buf, uint8_t *want)
{
    struct its_ram_flash rf;
    struct its_store st;
    struct obj acked[KEYS] = {{0}};
    char what[64];
    snprintf(what, sizeof(what), "cut %llu mode %d",
             (unsigned long long)cut, (int)mode);

    assert_int_equal(its_ram_flash_init(&rf, g->ss, g->ns), PSA_SUCCESS);
    assert_int_equal(its_store_format(&rf.flash, &g->cfg), PSA_SUCCESS);
    assert_int_equal(its_store_open(&st, &rf.flash, &g->cfg), PSA_SUCCESS);
    uint64_t base = rf.ops;
    its_ram_flash_cut_after(&rf, cut, mode);
    unsigned failed = run(&st, acked, buf);
    if (total_ops != NULL)
        *total_ops = rf.ops - base;
    its_store_close(&st);
    its_ram_flash_power_on(&rf);

    if (cut_recovery) {
        /* Cut again at each step of the recovery itself. */
        size_t bytes = (size_t)g->ss * g->ns;
        uint8_t *snap = malloc(bytes);
        assert_non_null(snap);
        memcpy(snap, rf.mem, bytes);
        uint64_t before = rf.ops;
        assert_int_equal(its_store_open(&st, &rf.flash, &g->cfg),
                         PSA_SUCCESS);
        its_store_close(&st);
        uint64_t steps = rf.ops - before;
        for (uint64_t j = 0; j < steps; j++) {
            for (int m = 0; m <= ITS_RAM_CUT_DONE; m++) {
                memcpy(rf.mem, snap, bytes);
                its_ram_flash_cut_after(&rf, j, (enum its_ram_cut_mode)m);
                (void)its_store_open(&st, &rf.flash, &g->cfg);
                its_store_close(&st);
                its_ram_flash_power_on(&rf);
                assert_int_equal(its_store_open(&st, &rf.flash, &g->cfg),
                                 PSA_SUCCESS);
                verify(&st, acked, failed, buf, want, what);
                its_store_close(&st);
            }
        }
        memcpy(rf.mem, snap, bytes);
        free(snap);
    }

    psa_status_t ps = its_store_open(&st, &rf.flash, &g->cfg);
    if (ps != PSA_SUCCESS)
        fail_msg("%s: open after cut: %d (%s)", what, (int)ps,
                 st.why ? st.why : "");
    verify(&st, acked, failed, buf, want, what);
    use_after(&st, &rf.flash, &g->cfg, buf, want);
    its_store_close(&st);
    assert_int_equal(rf.nor_violations, 0);
    its_ram_flash_free(&rf);
}

static void cut_everywhere(const struct geometry *g)
{
    static uint8_t buf[4096], want[4096];
    uint64_t total = 0;
    make_workload(g->cfg.max_object_size);
    ram_round(g, UINT64_MAX, ITS_RAM_CUT_NOTHING, false, &total, buf, want);
    /* The workload must reach several compactions to mean anything, and
     * mostly succeed. */
    assert_true(total > 3 * OPS / 2);
    assert_true(refused < OPS / 4);
    print_message("%u sectors: %u of %u sets refused for room\n", g->ns,
                  refused, OPS);
    for (uint64_t cut = 0; cut < total; cut++)
        for (int m = 0; m <= ITS_RAM_CUT_DONE; m++)
            ram_round(g, cut, (enum its_ram_cut_mode)m,
                      m == ITS_RAM_CUT_HALF, NULL, buf, want);
    print_message("%u sectors: power cut at %llu operations x 4 modes\n",
                  g->ns, (unsigned long long)total);
}

static void test_cut_at_every_program_and_erase(void **state)
{
    (void)state;
    cut_everywhere(&ram_geo);
}

static void test_cut_two_sectors(void **state)
{
    (void)state;
    cut_everywhere(&ram_geo2);
}

/* ---- crash-simulating file: a crash at every sync ---------------------- */

static void sim_round(uint64_t crash, uint64_t seed, uint64_t *total_syncs,
                      uint8_t *buf, uint8_t *want)
{
    const struct geometry *g = &sim_geo;
    struct its_crashsim_flash cf;
    struct its_store st;
    struct obj acked[KEYS] = {{0}};
    char what[64];
    snprintf(what, sizeof(what), "crash at sync %llu seed %llu",
             (unsigned long long)crash, (unsigned long long)seed);

    assert_int_equal(its_crashsim_init(&cf, g->ss, g->ns), PSA_SUCCESS);
    assert_int_equal(its_store_format(&cf.flash, &g->cfg), PSA_SUCCESS);
    assert_int_equal(its_store_open(&st, &cf.flash, &g->cfg), PSA_SUCCESS);
    uint64_t base = cf.syncs;
    if (crash != UINT64_MAX)
        its_crashsim_crash_at(&cf, base + crash, seed);
    unsigned failed = run(&st, acked, buf);
    if (total_syncs != NULL)
        *total_syncs = cf.syncs - base;
    its_store_close(&st);
    its_crashsim_power_on(&cf);
    psa_status_t ps = its_store_open(&st, &cf.flash, &g->cfg);
    if (ps != PSA_SUCCESS)
        fail_msg("%s: open after crash: %d (%s)", what, (int)ps,
                 st.why ? st.why : "");
    verify(&st, acked, failed, buf, want, what);
    use_after(&st, &cf.flash, &g->cfg, buf, want);
    its_store_close(&st);
    its_crashsim_free(&cf);
}

static void test_crash_at_every_sync(void **state)
{
    static uint8_t buf[4096], want[4096];
    uint64_t total = 0;
    (void)state;
    make_workload(sim_geo.cfg.max_object_size);
    sim_round(UINT64_MAX, 0, &total, buf, want);
    assert_true(total >= OPS / 2);
    for (uint64_t s = 0; s < total; s++)
        for (uint64_t seed = 0; seed < 8; seed++)
            sim_round(s, seed, NULL, buf, want);
    print_message("crash at %llu syncs x 8 page subsets\n",
                  (unsigned long long)total);
}

/* A crash while open is repairing (its seal and erases are unsynced). */
static void test_crash_during_recovery(void **state)
{
    static uint8_t buf[4096], want[4096];
    const struct geometry *g = &sim_geo;
    (void)state;
    make_workload(g->cfg.max_object_size);
    for (uint64_t s = 0; s < 40; s += 3) {
        struct its_crashsim_flash cf;
        struct its_store st;
        struct obj acked[KEYS] = {{0}};
        assert_int_equal(its_crashsim_init(&cf, g->ss, g->ns), PSA_SUCCESS);
        assert_int_equal(its_store_format(&cf.flash, &g->cfg), PSA_SUCCESS);
        assert_int_equal(its_store_open(&st, &cf.flash, &g->cfg),
                         PSA_SUCCESS);
        its_crashsim_crash_at(&cf, cf.syncs + s, 5);
        unsigned failed = run(&st, acked, buf);
        its_store_close(&st);
        its_crashsim_power_on(&cf);
        /* The first sync of recovery (if any) crashes too. */
        its_crashsim_crash_at(&cf, cf.syncs, 3);
        (void)its_store_open(&st, &cf.flash, &g->cfg);
        its_store_close(&st);
        its_crashsim_power_on(&cf);
        assert_int_equal(its_store_open(&st, &cf.flash, &g->cfg),
                         PSA_SUCCESS);
        verify(&st, acked, failed, buf, want, "recovery crash");
        its_store_close(&st);
        its_crashsim_free(&cf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cut_at_every_program_and_erase),
        cmocka_unit_test(test_cut_two_sectors),
        cmocka_unit_test(test_crash_at_every_sync),
        cmocka_unit_test(test_crash_during_recovery),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
