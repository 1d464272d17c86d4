#!/usr/bin/env python3
"""wycheproof_gen.py: turns Wycheproof JSON test files into one C header of
constant structs for test_crypto_wycheproof.c. Standard library only; run by
CMake at build time. It converts encodings (an RSA public key from n and e to
the DER RSAPublicKey PSA imports, an ECDH private integer to the fixed-length
scalar PSA imports) but never changes a test's data or its expected result.

usage: wycheproof_gen.py OUT.h FILE.json...
"""
import json
import os
import sys

HASHES = {
    "SHA-256": ("PSA_ALG_SHA_256", 32),
    "SHA-384": ("PSA_ALG_SHA_384", 48),
    "SHA-512": ("PSA_ALG_SHA_512", 64),
}
# Wycheproof curve name -> (C kind of the private key, key bits).
CURVES = {
    "secp256r1": 256,
    "secp384r1": 384,
    "secp521r1": 521,
    "curve25519": 255,
}
RESULTS = {"valid": "WYC_VALID", "invalid": "WYC_INVALID", "acceptable": "WYC_ACCEPTABLE"}


class GenError(Exception):
    pass


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def der_uint(v):
    b = v.to_bytes(max(1, (v.bit_length() + 7) // 8), "big")
    if b[0] & 0x80:
        b = b"\x00" + b
    return b"\x02" + der_len(len(b)) + b


def rsa_public_der(n_hex, e_hex):
    """RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }"""
    body = der_uint(int(n_hex, 16)) + der_uint(int(e_hex, 16))
    return b"\x30" + der_len(len(body)) + body


def c_bytes(data):
    if not data:
        return "NULL, 0"
    lines = []
    for i in range(0, len(data), 24):
        lines.append('"' + "".join("\\x%02x" % c for c in data[i:i + 24]) + '"')
    return "(const uint8_t *)\n        " + "\n        ".join(lines) + ", %d" % len(data)


def c_str(s):
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            out.append("\\x%02x" % ord(ch) if ord(ch) < 256 else "?")
    return '"' + "".join(out) + '"'


def hexb(s):
    try:
        return bytes.fromhex(s)
    except ValueError as exc:
        raise GenError("bad hex %r: %s" % (s[:40], exc)) from exc


def scalar(hex_priv, bits):
    """The integer of a Wycheproof private key as PSA's fixed-length scalar."""
    size = (bits + 7) // 8
    v = hexb(hex_priv)
    v = v.lstrip(b"\x00") if len(v) > size else v
    if len(v) > size:
        raise GenError("private key longer than the curve")
    return b"\x00" * (size - len(v)) + v


def hash_of(name, where):
    if name not in HASHES:
        raise GenError("%s: unsupported hash %s" % (where, name))
    return HASHES[name]


def group_fields(kind, g, where):
    """(key bytes, key bits, hash macro, private-key bits) of one test group."""
    if kind == "WYC_ECDSA":
        key = g["key"]
        bits = CURVES.get(key["curve"])
        if bits is None:
            raise GenError("%s: unsupported curve %s" % (where, key["curve"]))
        return hexb(key["uncompressed"]), bits, hash_of(g["sha"], where)[0]
    if kind in ("WYC_RSA_PKCS1", "WYC_RSA_PSS"):
        hmac, hlen = hash_of(g["sha"], where)
        if kind == "WYC_RSA_PSS" and (g.get("mgf") != "MGF1" or g.get("mgfSha") != g["sha"]
                                      or g.get("sLen") != hlen):
            # PSA_ALG_RSA_PSS(h) is MGF1 with h and a salt of h's length.
            raise GenError("%s: PSS parameters PSA_ALG_RSA_PSS cannot express" % where)
        # Wycheproof spells the size "keysize" or "keySize"; the modulus says it.
        return rsa_public_der(g["n"], g["e"]), int(g["n"], 16).bit_length(), hmac
    bits = CURVES.get(g["curve"])
    if bits is None:
        raise GenError("%s: unsupported curve %s" % (where, g["curve"]))
    return None, bits, "0"


KINDS = {
    "EcdsaP1363Verify": "WYC_ECDSA",
    "EcdhEcpointTest": "WYC_ECDH",
    "XdhComp": "WYC_XDH",
    "RsassaPkcs1Verify": "WYC_RSA_PKCS1",
    "RsassaPssVerify": "WYC_RSA_PSS",
}


def gen_file(path, out):
    stem = os.path.basename(path)[:-len(".json")]
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    ident = "wyc_" + "".join(c if c.isalnum() else "_" for c in stem)
    groups = []
    kind = None
    total = 0
    last_tc = 0
    for gi, g in enumerate(doc["testGroups"]):
        where = "%s group %d" % (stem, gi)
        gkind = KINDS.get(g["type"])
        if gkind is None or (kind is not None and gkind != kind):
            raise GenError("%s: unexpected group type %s" % (where, g["type"]))
        kind = gkind
        key, bits, hmac = group_fields(kind, g, where)
        tname = "%s_g%d" % (ident, gi)
        out.append("static const struct wyc_test %s[] = {" % tname)
        for t in g["tests"]:
            if t["tcId"] != last_tc + 1:
                raise GenError("%s: tcId %d out of order or missing" % (where, t["tcId"]))
            last_tc = t["tcId"]
            if t["result"] not in RESULTS:
                raise GenError("%s: tcId %d: result %s" % (where, t["tcId"], t["result"]))
            if kind in ("WYC_ECDH", "WYC_XDH"):
                a, b = hexb(t["public"]), scalar(t["private"], bits)
                c = hexb(t["shared"])
            else:
                a, b, c = hexb(t["msg"]), hexb(t["sig"]), b""
            out.append("    { %d, %s, %s, %s,\n      %s,\n      %s,\n      %s }," % (
                t["tcId"], RESULTS[t["result"]], c_str(t["comment"]),
                c_str(",".join(t["flags"])), c_bytes(a), c_bytes(b), c_bytes(c)))
            total += 1
        out.append("};")
        groups.append("    { %s, %d, %s, %s, sizeof %s / sizeof %s[0] }," % (
            c_bytes(key) if key is not None else "NULL, 0", bits, hmac, tname, tname, tname))
    if kind is None:
        raise GenError("%s: no test groups" % stem)
    # Every file is complete: tcIds run 1..numberOfTests with none left out.
    if total != doc["numberOfTests"]:
        raise GenError("%s: %d tests, numberOfTests says %d" % (stem, total, doc["numberOfTests"]))
    out.append("static const struct wyc_group %s_groups[] = {" % ident)
    out.extend(groups)
    out.append("};")
    out.append("static const struct wyc_file %s = {\n    %s, %s, %s_groups,\n"
               "    sizeof %s_groups / sizeof %s_groups[0], %d\n};\n" % (
                   ident, c_str(stem), kind, ident, ident, ident, total))


PREAMBLE = """\
/* Generated by wycheproof_gen.py from the Wycheproof test files in
 * services/crypto/tests/vectors/wycheproof/ (origin, commit and licence in
 * its README.md). Do not edit. */
#ifndef WYCHEPROOF_VECTORS_H
#define WYCHEPROOF_VECTORS_H

#include <stddef.h>
#include <stdint.h>
#include "psa/crypto.h"

enum wyc_result { WYC_VALID, WYC_INVALID, WYC_ACCEPTABLE };
enum wyc_kind { WYC_ECDSA, WYC_ECDH, WYC_XDH, WYC_RSA_PKCS1, WYC_RSA_PSS };

/* One test. Signatures: a = message, b = signature. Key agreement:
 * a = peer public key, b = private key (PSA's fixed-length scalar),
 * shared = the expected shared secret. */
struct wyc_test {
    unsigned tc_id;
    enum wyc_result result;
    const char *comment;
    const char *flags; /* comma-separated */
    const uint8_t *a;
    size_t a_len;
    const uint8_t *b;
    size_t b_len;
    const uint8_t *shared;
    size_t shared_len;
};

/* A group shares the public key (signatures: SEC1 uncompressed point or
 * DER RSAPublicKey; NULL for key agreement), its bits and the hash. */
struct wyc_group {
    const uint8_t *key;
    size_t key_len;
    size_t bits;
    psa_algorithm_t hash;
    const struct wyc_test *tests;
    size_t count;
};

struct wyc_file {
    const char *name;
    enum wyc_kind kind;
    const struct wyc_group *groups;
    size_t n_groups;
    size_t n_tests;
};
"""


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    out = [PREAMBLE]
    try:
        for path in argv[2:]:
            gen_file(path, out)
    except (GenError, KeyError, ValueError, OSError) as exc:
        sys.stderr.write("wycheproof_gen.py: %s\n" % exc)
        return 1
    out.append("#endif /* WYCHEPROOF_VECTORS_H */\n")
    tmp = argv[1] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    os.replace(tmp, argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
