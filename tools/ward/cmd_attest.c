/*
 * cmd_attest.c: `ward attest verify`: checks a PSA attestation token (COSE
 * envelope, signature or MAC, profile, every claim) with the token library
 * and OpenSSL, and prints its claims. Exit 0 only for a valid token.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward_cmd.h"
#include "ward_cose_openssl.h"
#include "ward_token.h"

#define TOKEN_MAX 65536
#define KEY_FILE_MAX 65536

/* Read a whole file into buf. 0 on success, -1 (errno set, or ERANGE when
 * the file has more than cap bytes). */
static int read_file(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    size_t n = fread(buf, 1, cap, f);
    int c = fgetc(f);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        errno = EIO;
        return -1;
    }
    if (c != EOF) {
        errno = ERANGE;
        return -1;
    }
    *len = n;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parse hex into out (cap bytes); false on odd length, a non-hex digit or
 * too many bytes. */
static bool parse_hex(const char *s, uint8_t *out, size_t cap, size_t *len)
{
    size_t n = strlen(s);
    if (n % 2 != 0 || n / 2 > cap)
        return false;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    *len = n / 2;
    return true;
}

/* ---- output ------------------------------------------------------------- */

static void put_hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
}

/* Text from a token, made safe for a terminal: control bytes escaped. The
 * decoder has already checked it is valid UTF-8. */
static void put_text(const struct ward_token_text *t)
{
    for (size_t i = 0; i < t->len; i++) {
        unsigned char c = (unsigned char)t->p[i];
        if (c < 0x20 || c == 0x7f || c == '\\')
            printf("\\x%02x", c);
        else
            putchar(c);
    }
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void put_json_text(const char *p, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void put_json_hex(const char *name, const uint8_t *p, size_t n, bool comma)
{
    printf("%s\"%s\": \"", comma ? ", " : "", name);
    put_hex(p, n);
    putchar('"');
}

static const char *client_kind(int32_t id)
{
    return id < 0 ? "non-secure caller" : "secure partition";
}

static void print_human(const struct ward_cose_msg *m, const struct ward_token_claims *c)
{
    printf("token: valid\n");
    printf("envelope: %s, %s", m->kind == WARD_COSE_SIGN1 ? "COSE_Sign1" : "COSE_Mac0",
           ward_cose_alg_name(m->alg));
    if (m->kid != NULL) {
        printf(", kid ");
        put_hex(m->kid, m->kid_len);
    }
    printf("\nprofile: %s%s\n", ward_token_profile_name(c->profile),
           (c->present & WARD_HAS_PROFILE) ? "" : " (implied by its claim keys)");
    printf("client ID: %ld (%s)\n", (long)c->client_id, client_kind(c->client_id));
    printf("security lifecycle: 0x%04x (%s)\n", (unsigned)c->security_lifecycle,
           ward_token_lifecycle_name(c->security_lifecycle));
    printf("implementation ID: ");
    put_hex(c->implementation_id.p, c->implementation_id.len);
    printf("\ninstance ID: ");
    put_hex(c->instance_id.p, c->instance_id.len);
    printf("\nnonce: ");
    put_hex(c->nonce.p, c->nonce.len);
    putchar('\n');
    if (c->present & WARD_HAS_BOOT_SEED) {
        printf("boot seed: ");
        put_hex(c->boot_seed.p, c->boot_seed.len);
        putchar('\n');
    }
    if (c->present & WARD_HAS_CERT_REF) {
        printf("%s: ", c->profile == WARD_TOKEN_PROFILE_IOT_1 ? "hardware version"
                                                             : "certification reference");
        put_text(&c->certification_reference);
        putchar('\n');
    }
    if (c->present & WARD_HAS_VSI) {
        printf("verification service indicator: ");
        put_text(&c->verification_service);
        putchar('\n');
    }
    if (c->present & WARD_HAS_NO_SW_MEASUREMENTS)
        printf("software components: none (no software measurements)\n");
    else
        printf("software components: %zu\n", c->n_sw_components);
    for (size_t i = 0; i < c->n_sw_components; i++) {
        const struct ward_token_sw_component *s = &c->sw_components[i];
        printf("  [%zu]", i);
        const char *indent = " ";
        if (s->present & WARD_SWC_HAS_TYPE) {
            printf("%smeasurement type: ", indent);
            put_text(&s->measurement_type);
            putchar('\n');
            indent = "      ";
        }
        printf("%smeasurement value: ", indent);
        put_hex(s->measurement_value.p, s->measurement_value.len);
        printf("\n      signer ID: ");
        put_hex(s->signer_id.p, s->signer_id.len);
        putchar('\n');
        if (s->present & WARD_SWC_HAS_VERSION) {
            printf("      version: ");
            put_text(&s->version);
            putchar('\n');
        }
        if (s->present & WARD_SWC_HAS_DESC) {
            printf("      measurement description: ");
            put_text(&s->measurement_desc);
            putchar('\n');
        }
    }
}

static void print_json(const struct ward_cose_msg *m, const struct ward_token_claims *c)
{
    printf("{\"valid\": true, \"envelope\": \"%s\", \"algorithm\": \"%s\"",
           m->kind == WARD_COSE_SIGN1 ? "COSE_Sign1" : "COSE_Mac0",
           ward_cose_alg_name(m->alg));
    if (m->kid != NULL)
        put_json_hex("kid", m->kid, m->kid_len, true);
    printf(", \"profile\": \"%s\", \"claims\": {", ward_token_profile_name(c->profile));
    printf("\"client_id\": %ld", (long)c->client_id);
    printf(", \"security_lifecycle\": %u, \"security_lifecycle_state\": \"%s\"",
           (unsigned)c->security_lifecycle,
           ward_token_lifecycle_name(c->security_lifecycle));
    put_json_hex("implementation_id", c->implementation_id.p, c->implementation_id.len, true);
    put_json_hex("instance_id", c->instance_id.p, c->instance_id.len, true);
    put_json_hex("nonce", c->nonce.p, c->nonce.len, true);
    if (c->present & WARD_HAS_PROFILE) {
        printf(", \"profile\": ");
        put_json_text(c->profile_name.p, c->profile_name.len);
    }
    if (c->present & WARD_HAS_BOOT_SEED)
        put_json_hex("boot_seed", c->boot_seed.p, c->boot_seed.len, true);
    if (c->present & WARD_HAS_CERT_REF) {
        printf(", \"%s\": ", c->profile == WARD_TOKEN_PROFILE_IOT_1
                                 ? "hardware_version"
                                 : "certification_reference");
        put_json_text(c->certification_reference.p, c->certification_reference.len);
    }
    if (c->present & WARD_HAS_VSI) {
        printf(", \"verification_service_indicator\": ");
        put_json_text(c->verification_service.p, c->verification_service.len);
    }
    if (c->present & WARD_HAS_NO_SW_MEASUREMENTS)
        printf(", \"no_software_measurements\": true");
    if (c->present & WARD_HAS_SW_COMPONENTS) {
        printf(", \"software_components\": [");
        for (size_t i = 0; i < c->n_sw_components; i++) {
            const struct ward_token_sw_component *s = &c->sw_components[i];
            printf("%s{", i ? ", " : "");
            put_json_hex("measurement_value", s->measurement_value.p,
                         s->measurement_value.len, false);
            put_json_hex("signer_id", s->signer_id.p, s->signer_id.len, true);
            if (s->present & WARD_SWC_HAS_TYPE) {
                printf(", \"measurement_type\": ");
                put_json_text(s->measurement_type.p, s->measurement_type.len);
            }
            if (s->present & WARD_SWC_HAS_VERSION) {
                printf(", \"version\": ");
                put_json_text(s->version.p, s->version.len);
            }
            if (s->present & WARD_SWC_HAS_DESC) {
                printf(", \"measurement_desc\": ");
                put_json_text(s->measurement_desc.p, s->measurement_desc.len);
            }
            putchar('}');
        }
        putchar(']');
    }
    printf("}}\n");
}

/* ---- the command --------------------------------------------------------- */

int ward_cmd_attest_verify(int argc, char **argv)
{
    const struct ward_command *self = ward_find_command("attest", "verify");
    const char *token_path = NULL, *key_path = NULL, *nonce_hex = NULL;
    bool json = false;
    static uint8_t token[TOKEN_MAX], keybuf[KEY_FILE_MAX];
    uint8_t nonce[64];
    size_t token_len, key_len, nonce_len = 0;
    char why[192];
    int rc;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--key") == 0 || strcmp(a, "--nonce") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "ward: %s needs a value\n", a);
                return ward_usage(self);
            }
            *(strcmp(a, "--key") == 0 ? &key_path : &nonce_hex) = argv[++i];
        } else if (strncmp(a, "--key=", 6) == 0) {
            key_path = a + 6;
        } else if (strncmp(a, "--nonce=", 8) == 0) {
            nonce_hex = a + 8;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            printf("usage: ward %s %s %s\n", self->group, self->name, self->args);
            printf("  KEY: a PEM EC public key (P-256/384/521) for COSE_Sign1 tokens, or a\n"
                   "       file of raw HMAC key bytes for COSE_Mac0 tokens\n"
                   "  --nonce HEX: the challenge the token must carry (32, 48 or 64 bytes)\n"
                   "  --json: print the claims as one JSON object (byte strings in hex)\n"
                   "exit status: 0 valid token, 1 invalid token, 2 usage or I/O error\n");
            return WARD_EXIT_OK;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "ward: unknown option %s\n", a);
            return ward_usage(self);
        } else if (token_path == NULL) {
            token_path = a;
        } else {
            fprintf(stderr, "ward: unexpected argument %s\n", a);
            return ward_usage(self);
        }
    }
    if (token_path == NULL || key_path == NULL) {
        fprintf(stderr, "ward: %s\n", token_path == NULL ? "no TOKEN given" : "no --key given");
        return ward_usage(self);
    }
    if (nonce_hex != NULL) {
        if (!parse_hex(nonce_hex, nonce, sizeof(nonce), &nonce_len) ||
            (nonce_len != 32 && nonce_len != 48 && nonce_len != 64)) {
            fprintf(stderr, "ward: --nonce must be 32, 48 or 64 bytes in hex "
                            "(64, 96 or 128 hex digits)\n");
            return WARD_EXIT_USAGE;
        }
    }
    if (read_file(key_path, keybuf, sizeof(keybuf), &key_len) != 0) {
        fprintf(stderr, "ward: cannot read key %s: %s\n", key_path,
                errno == ERANGE ? "file too large" : strerror(errno));
        return WARD_EXIT_USAGE;
    }
    if (read_file(token_path, token, sizeof(token), &token_len) != 0) {
        if (errno == ERANGE) {
            fprintf(stderr, "ward: token: %s is larger than %d bytes\n", token_path,
                    TOKEN_MAX);
            return WARD_EXIT_INVALID;
        }
        fprintf(stderr, "ward: cannot read token %s: %s\n", token_path, strerror(errno));
        return WARD_EXIT_USAGE;
    }

    struct ward_cose_key key;
    if (ward_cose_key_load(&key, keybuf, key_len, why, sizeof(why)) != PSA_SUCCESS) {
        fprintf(stderr, "ward: key %s: %s\n", key_path, why);
        return WARD_EXIT_USAGE;
    }
    struct ward_cose_crypto crypto;
    struct ward_cose_msg msg;
    static struct ward_token_claims claims;
    struct ward_token_error err;
    ward_cose_openssl_crypto(&crypto, &key);
    psa_status_t st = ward_token_verify(token, token_len, &crypto,
                                        nonce_hex ? nonce : NULL, nonce_len, &msg, &claims,
                                        &err);
    if (st != PSA_SUCCESS) {
        char desc[32];
        fprintf(stderr, "ward: token: %s\n", err.msg);
        if (st == PSA_ERROR_NOT_SUPPORTED && err.claim == 0 && msg.alg != 0)
            fprintf(stderr, "ward: (the key is %s; the token uses %s)\n",
                    ward_cose_key_describe(&key, desc, sizeof(desc)),
                    ward_cose_alg_name(msg.alg));
        rc = WARD_EXIT_INVALID;
    } else {
        if (claims.profile != WARD_TOKEN_PROFILE_RFC9783)
            fprintf(stderr, "ward: warning: legacy profile %s (RFC 9783 tokens use %s)\n",
                    ward_token_profile_name(claims.profile), WARD_TOKEN_PROFILE_RFC9783_NAME);
        if ((claims.security_lifecycle & 0xff00) != 0x3000 &&
            (claims.security_lifecycle & 0xff00) != 0x4000)
            fprintf(stderr, "ward: warning: security lifecycle %s: a relying party should "
                            "trust only secured or non-PSA-RoT debug devices\n",
                    ward_token_lifecycle_name(claims.security_lifecycle));
        if (json)
            print_json(&msg, &claims);
        else
            print_human(&msg, &claims);
        rc = fflush(stdout) == 0 ? WARD_EXIT_OK : WARD_EXIT_USAGE;
    }
    ward_cose_key_free(&key);
    return rc;
}
