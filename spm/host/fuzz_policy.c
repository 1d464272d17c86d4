/*
 * fuzz_policy.c: the policy parser over arbitrary text. Names never
 * resolve here, so only numeric subjects can succeed; an accepted policy
 * must be internally consistent.
 */
#include <stdlib.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int no_name(const char *name, uint32_t *id)
{
    (void)name;
    (void)id;
    return -1;
}

static const struct ward_policy_resolver resolver = {no_name, no_name};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ward_policy p;
    char err[256];
    if (ward_policy_parse((const char *)data, size, &resolver, &p, err, sizeof(err)) !=
        PSA_SUCCESS) {
        /* Fails closed. */
        if (p.rule_count != 0 || p.default_allow || !p.present)
            abort();
        return 0;
    }
    if (p.rule_count > WARD_POLICY_MAX_RULES)
        abort();
    for (unsigned i = 0; i < p.rule_count; i++) {
        const struct ward_policy_rule *r = &p.rules[i];
        if (r->sid_count > WARD_POLICY_MAX_SIDS || (r->has_id && r->client_id >= 0))
            abort();
        for (unsigned k = 0; k < r->sid_count; k++)
            if (!ward_policy_allows(&p, r, r->sids[k]))
                abort();
    }
    return 0;
}
