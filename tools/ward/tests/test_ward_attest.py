#!/usr/bin/env python3
"""CLI tests of `ward attest verify`: exit codes (0 valid, 1 invalid token,
2 usage/IO), the key messages, --nonce and --json. Tokens with broken claims
are crafted here as COSE_Mac0 with the RFC 9783 HMAC key (python's hmac),
using the CBOR encoder of tools/cbor_diag.py.

usage: test_ward_attest.py WARD VECTORS_DIR TOOLS_DIR TOKEN_MINT
(TOKEN_MINT builds tokens with Ward's own builder under fresh keys.)
"""
import atexit
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import tempfile

WARD, VEC, TOOLS, MINT = sys.argv[1:5]
sys.path.insert(0, TOOLS)
from cbor_diag import Pairs, Tag, encode  # noqa: E402

failures = []
TMP = tempfile.mkdtemp(prefix="ward-cli-test-")
atexit.register(shutil.rmtree, TMP, True)


def vec(name):
    return os.path.join(VEC, name)


def write(name, data):
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def run(*args):
    p = subprocess.run([WARD] + list(args), capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def check(name, args, code, out=None, err=None, err_exact=None):
    rc, so, se = run(*args)
    problems = []
    if rc != code:
        problems.append("exit %d, expected %d" % (rc, code))
    if out is not None and out not in so:
        problems.append("stdout lacks %r" % out)
    if err is not None and err not in se:
        problems.append("stderr lacks %r" % err)
    if err_exact is not None and se.strip() != err_exact:
        problems.append("stderr is %r, expected %r" % (se.strip(), err_exact))
    if problems:
        failures.append(name)
        print("FAIL %s: %s\n  stdout: %s\n  stderr: %s" % (name, "; ".join(problems), so, se))
    else:
        print("ok   %s" % name)
    return so, se


HKEY = open(vec("tfm-hs-iak.bin"), "rb").read()
NONCE = bytes([1] * 32)
UEID = bytes([1]) + bytes([0xC5] * 32)


def rfc_claims(**override):
    c = {
        265: "tag:psacertified.org,2023:psa#tfm",
        10: NONCE,
        256: UEID,
        2396: bytes(32),
        2394: -1,
        2395: 0x3000,
        2399: [Pairs([(1, "BL"), (2, bytes([3] * 32)), (5, bytes([4] * 32))])],
    }
    for k, v in override.items():
        key = int(k[1:]) if k.startswith("k") else -int(k[1:])
        if v is None:
            c.pop(key, None)
        else:
            c[key] = v
    return c


def mac0(claims, key=HKEY, alg=5):
    protected = encode({1: alg})
    payload = encode(claims)
    digest = {5: hashlib.sha256, 6: hashlib.sha384, 7: hashlib.sha512}[alg]
    tbs = encode(["MAC0", protected, b"", payload])
    tag = hmac.new(key, tbs, digest).digest()
    return encode(Tag(17, [protected, {}, payload, tag]))


SIGN1 = vec("psa-sign1.cbor")
MAC0 = vec("psa-mac0.cbor")
PEM = vec("tfm-es-iak-pub.pem")
PRIV_PEM = vec("tfm-es-iak.pem")
BIN = vec("tfm-hs-iak.bin")

# --- usage and I/O errors: exit 2 ----------------------------------------
check("no arguments", [], 2, err="usage: ward")
check("help", ["--help"], 0, out="ward attest verify")
check("unknown command", ["attest", "sign"], 2, err='unknown command "attest sign"')
check("group only", ["attest"], 2, err="usage: ward")
check("verify help", ["attest", "verify", "--help"], 0, out="exit status")
check("no token", ["attest", "verify", "--key", PEM], 2, err="no TOKEN given")
check("no key", ["attest", "verify", SIGN1], 2, err="no --key given")
check("key without value", ["attest", "verify", SIGN1, "--key"], 2, err="--key needs a value")
check("unknown option", ["attest", "verify", SIGN1, "--key", PEM, "--frob"], 2,
      err="unknown option --frob")
check("extra argument", ["attest", "verify", SIGN1, SIGN1, "--key", PEM], 2,
      err="unexpected argument")
check("missing token file", ["attest", "verify", os.path.join(TMP, "nope"), "--key", PEM], 2,
      err="cannot read token")
check("missing key file", ["attest", "verify", SIGN1, "--key", os.path.join(TMP, "nope")], 2,
      err="cannot read key")
bad_pem = write("bad.pem", b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
check("unreadable PEM", ["attest", "verify", SIGN1, "--key", bad_pem], 2,
      err="PEM data is neither")
check("empty key file", ["attest", "verify", SIGN1, "--key", write("empty.key", b"")], 2,
      err="not a valid raw HMAC key length")
check("nonce odd hex", ["attest", "verify", SIGN1, "--key", PEM, "--nonce", "abc"], 2,
      err="--nonce must be")
check("nonce not hex", ["attest", "verify", SIGN1, "--key", PEM, "--nonce", "zz" * 32], 2,
      err="--nonce must be")
check("nonce wrong size", ["attest", "verify", SIGN1, "--key", PEM, "--nonce", "01" * 16], 2,
      err="--nonce must be")

# --- valid tokens: exit 0 ---------------------------------------------------
so, _ = check("RFC Sign1", ["attest", "verify", SIGN1, "--key", PEM], 0, out="token: valid")
for line in ("envelope: COSE_Sign1, ES256", "profile: tag:psacertified.org,2023:psa#tfm",
             "client ID: 2147483647 (secure partition)",
             "security lifecycle: 0x3000 (secured)", "measurement type: PRoT",
             "boot seed: 0000000000000000", "nonce: " + "01" * 32):
    if line not in so:
        failures.append("RFC Sign1 output")
        print("FAIL RFC Sign1 output lacks %r" % line)
check("RFC Sign1, private PEM", ["attest", "verify", SIGN1, "--key", PRIV_PEM], 0)
check("RFC Sign1, certificate", ["attest", "verify", SIGN1, "--key", vec("tfm-es-iak-cert.pem")], 0)
check("RFC Sign1, --key=", ["attest", "verify", SIGN1, "--key=" + PEM], 0)
check("RFC Mac0", ["attest", "verify", MAC0, "--key", BIN], 0, out="envelope: COSE_Mac0, HMAC 256/256")
check("nonce matches", ["attest", "verify", SIGN1, "--key", PEM, "--nonce", "01" * 32], 0)
check("--nonce= form", ["attest", "verify", MAC0, "--key", BIN, "--nonce=" + "01" * 32], 0)
so, _ = check("json", ["attest", "verify", SIGN1, "--key", PEM, "--json"], 0)
try:
    j = json.loads(so)
    c = j["claims"]
    assert j["valid"] is True and j["envelope"] == "COSE_Sign1" and j["algorithm"] == "ES256"
    assert j["profile"] == "tag:psacertified.org,2023:psa#tfm"
    assert c["nonce"] == "01" * 32 and c["client_id"] == 2147483647
    assert c["security_lifecycle"] == 0x3000 and c["security_lifecycle_state"] == "secured"
    assert c["instance_id"] == "01" + "02" * 32 and c["boot_seed"] == "00" * 8
    sw = c["software_components"]
    assert len(sw) == 1 and sw[0]["measurement_type"] == "PRoT"
    assert sw[0]["measurement_value"] == "03" * 32 and sw[0]["signer_id"] == "04" * 32
    print("ok   json fields")
except (ValueError, KeyError, AssertionError) as e:
    failures.append("json fields")
    print("FAIL json fields: %r\n%s" % (e, so))

# JSON escaping of text claims, and every optional claim printed.
tricky = 'quote " backslash \\ tab \t unicode \u00e9\u20ac'
tok = write("tricky.cbor", mac0(rfc_claims(k2400=tricky, k2398="1234567890123-12345",
                                           k268=bytes(range(32)))))
so, _ = check("json escaping", ["attest", "verify", tok, "--key", BIN, "--json"], 0)
try:
    c = json.loads(so)["claims"]
    assert c["verification_service_indicator"] == tricky
    assert c["certification_reference"] == "1234567890123-12345"
    assert c["boot_seed"] == bytes(range(32)).hex()
    print("ok   json escaping round trip")
except (ValueError, KeyError, AssertionError) as e:
    failures.append("json escaping round trip")
    print("FAIL json escaping round trip: %r\n%s" % (e, so))
check("human output escapes control characters", ["attest", "verify", tok, "--key", BIN], 0,
      out="tab \\x09 unicode \u00e9\u20ac")

# Legacy profiles verify, with a warning.
v2 = write("v2.cbor", mac0(rfc_claims(k265="http://arm.com/psa/2.0.0", k2397=bytes(32))))
check("psa 2.0.0 profile", ["attest", "verify", v2, "--key", BIN], 0,
      out="profile: http://arm.com/psa/2.0.0", err="warning: legacy profile")
p1 = mac0({-75000: "PSA_IOT_PROFILE_1", -75001: -1, -75002: 0x3000, -75003: bytes(32),
           -75004: bytes(32), -75005: "0604565272829", -75007: 1, -75008: NONCE,
           -75009: UEID})
p1 = write("p1.cbor", p1)
check("PSA_IOT_PROFILE_1", ["attest", "verify", p1, "--key", BIN], 0,
      out="hardware version: 0604565272829")
check("PSA_IOT_PROFILE_1 json", ["attest", "verify", p1, "--key", BIN, "--json"], 0,
      out='"no_software_measurements": true')
dbg = write("decom.cbor", mac0(rfc_claims(k2395=0x6000)))
check("decommissioned warns", ["attest", "verify", dbg, "--key", BIN], 0,
      out="0x6000 (decommissioned)", err="should trust only secured")
h384 = write("h384.cbor", mac0(rfc_claims(), alg=6))
check("HMAC 384/384", ["attest", "verify", h384, "--key", BIN], 0, out="HMAC 384/384")
unknown = write("unknown.cbor", mac0(rfc_claims(k99999={"x": [1, 2]}, m75002=0x7000)))
check("unknown claims ignored", ["attest", "verify", unknown, "--key", BIN], 0)

# Tokens from Ward's own builder, every algorithm, verify with the CLI.
for alg, name in (("ES256", "ES256"), ("ES384", "ES384"), ("ES512", "ES512"),
                  ("HS256", "HMAC 256/256"), ("HS384", "HMAC 384/384"), ("HS512", "HMAC 512/512")):
    for nonce in ("5a" * 32, "5a" * 48, "5a" * 64):
        tokp, keyp = os.path.join(TMP, "mint.cbor"), os.path.join(TMP, "mint.key")
        p = subprocess.run([MINT, alg, tokp, keyp, nonce], capture_output=True, text=True)
        if p.returncode != 0:
            failures.append("mint " + alg)
            print("FAIL mint %s: %s" % (alg, p.stderr))
            continue
        check("built %s, %d-byte nonce" % (alg, len(nonce) // 2),
              ["attest", "verify", tokp, "--key", keyp, "--nonce", nonce], 0, out=name)
        check("built %s, other nonce" % alg,
              ["attest", "verify", tokp, "--key", keyp, "--nonce", "a5" * (len(nonce) // 2)], 1,
              err="does not match the expected nonce")

# --- invalid tokens: exit 1 -------------------------------------------------
check("wrong EC key", ["attest", "verify", SIGN1, "--key", vec("other-p256-pub.pem")], 1,
      err_exact="ward: token: COSE_Sign1: signature does not verify with the given key")
check("P-384 key for ES256", ["attest", "verify", SIGN1, "--key", vec("other-p384-pub.pem")], 1,
      err="wrong key type for the algorithm")
check("HMAC key for Sign1", ["attest", "verify", SIGN1, "--key", BIN], 1,
      err="the key is HMAC (64 bytes); the token uses ES256")
check("EC key for Mac0", ["attest", "verify", MAC0, "--key", PEM], 1,
      err="wrong key type")
check("wrong HMAC key", ["attest", "verify", MAC0, "--key", write("k2", bytes(64))], 1,
      err_exact="ward: token: COSE_Mac0: MAC tag does not verify with the given key")
check("nonce mismatch", ["attest", "verify", SIGN1, "--key", PEM, "--nonce", "02" * 32], 1,
      err_exact="ward: token: claim 10 (nonce): does not match the expected nonce")
check("48-byte nonce mismatch", ["attest", "verify", SIGN1, "--key", PEM, "--nonce", "01" * 48], 1,
      err="does not match the expected nonce")
raw = bytearray(open(SIGN1, "rb").read())
for i in (6, 40, 200, len(raw) - 1):
    b = bytearray(raw)
    b[i] ^= 0x01
    check("flipped byte %d" % i, ["attest", "verify", write("flip%d" % i, bytes(b)), "--key", PEM], 1,
          err="ward: token: ")
check("truncated", ["attest", "verify", write("trunc", bytes(raw[:-1])), "--key", PEM], 1,
      err="malformed CBOR")
check("trailing byte", ["attest", "verify", write("trail", bytes(raw) + b"\0"), "--key", PEM], 1,
      err="trailing bytes")
check("empty token", ["attest", "verify", write("empty", b""), "--key", PEM], 1,
      err="malformed CBOR")
check("untagged", ["attest", "verify", write("untagged", bytes(raw[1:])), "--key", PEM], 1,
      err="not a tagged COSE_Sign1")
check("too large", ["attest", "verify", write("big", bytes(65537)), "--key", PEM], 1,
      err="larger than 65536 bytes")
cases = [
    ("lifecycle 0x7000", dict(k2395=0x7000),
     "ward: token: claim 2395 (security lifecycle): value 0x7000 is not a valid state"),
    ("client id 0", dict(k2394=0), "ward: token: claim 2394 (client ID): value 0 is not a valid client ID"),
    ("nonce 16 bytes", dict(k10=bytes(16)), "ward: token: claim 10 (nonce): 16 bytes, must be 32, 48 or 64"),
    ("nonce array", dict(k10=[NONCE, NONCE]),
     "ward: token: claim 10 (nonce): an array of nonces is not allowed (one nonce only)"),
    ("ueid 32 bytes", dict(k256=bytes(32)), "ward: token: claim 256 (instance ID): 32 bytes, must be 33"),
    ("ueid type", dict(k256=bytes(33)),
     "ward: token: claim 256 (instance ID): first byte 0x00, must be 0x01 (UEID type RAND)"),
    ("implementation id missing", dict(k2396=None),
     "ward: token: claim 2396 (implementation ID): missing (mandatory)"),
    ("boot seed 7", dict(k268=bytes(7)), "ward: token: claim 268 (boot seed): 7 bytes, must be 8 to 32"),
    ("cert ref", dict(k2398="1234567890123"),
     'ward: token: claim 2398 (certification reference): "1234567890123" does not match [0-9]{13}-[0-9]{5}'),
    ("no sw components", dict(k2399=None),
     "ward: token: claim 2399 (software components): missing (mandatory)"),
    ("sw without signer", dict(k2399=[{2: bytes(32)}]),
     "ward: token: claim 2399 (software components): component 0: signer ID (5) is missing"),
    ("profile unknown", dict(k265="tag:example.com,2024:x"),
     'ward: token: claim 265 (profile): "tag:example.com,2024:x" is not a supported profile'),
    ("profile missing", dict(k265=None),
     "ward: token: claim 265 (profile): missing, and the token has no PSA_IOT_PROFILE_1 claims either"),
    ("vsi empty", dict(k2400=""), "ward: token: claim 2400 (verification service indicator): empty string"),
]
for name, override, msg in cases:
    check(name, ["attest", "verify", write(name.replace(" ", "_"), mac0(rfc_claims(**override))),
                 "--key", BIN], 1, err_exact=msg)
dup = Pairs(list(rfc_claims().items()) + [(10, NONCE)])
check("duplicate claim", ["attest", "verify", write("dup", mac0(dup)), "--key", BIN], 1,
      err="duplicate map key")
check("detached payload", ["attest", "verify",
                           write("detached", encode(Tag(17, [encode({1: 5}), {}, None, bytes(32)]))),
                           "--key", BIN], 1, err="detached")

if failures:
    print("%d failure(s): %s" % (len(failures), ", ".join(failures)))
    sys.exit(1)
print("all passed")
