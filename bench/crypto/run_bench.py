#!/usr/bin/env python3
"""run_bench.py: run the crypto benchmarks side by side and print ratios.

Usage: run_bench.py EVP_BINARY WARD_BINARY [MBED_BINARY]
Each binary prints '<case> <bytes> <ns/op>' (the best of nine timed runs).
The binaries run interleaved for ROUNDS rounds (default 3, environment
WARD_BENCH_ROUNDS) and each figure is the minimum over the rounds, so a burst
of load from elsewhere on the machine hits one round, not one library.
Ratios are time relative to direct OpenSSL EVP (1.00 = as fast; 1.10 = 10%
slower). Each PSA binary runs with its own temporary state directory.
"""
import os
import subprocess
import sys
import tempfile


def run(binary):
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, WARD_STATE_DIR=d, XDG_STATE_HOME=d)
        out = subprocess.run([binary], check=True, capture_output=True, text=True,
                             env=env, cwd=d).stdout
    res = {}
    for line in out.splitlines():
        case, size, ns = line.split()
        res[(case, int(size))] = None if ns == 'n/a' else float(ns)
    return res


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    rounds = int(os.environ.get('WARD_BENCH_ROUNDS', '3'))
    results = [dict() for _ in sys.argv[1:]]
    for _ in range(rounds):
        for i, binary in enumerate(sys.argv[1:]):
            for key, ns in run(binary).items():
                old = results[i].get(key, 'unset')
                if old == 'unset' or (ns is not None and (old is None or ns < old)):
                    results[i][key] = ns
    evp, ward = results[0], results[1]
    mbed = results[2] if len(results) > 2 else {}
    head = f"{'case':<16}{'bytes':>7}{'evp ns':>11}{'ward ns':>11}{'ward/evp':>10}"
    if mbed:
        head += f"{'mbed ns':>11}{'mbed/evp':>10}{'mbed/ward':>11}"
    print(head)
    # Every case of any binary, in the order first seen: a case OpenSSL 3.0
    # cannot do (Ed25519ph) still shows Ward's and Mbed TLS's figures.
    keys = list(evp) + [k for k in ward if k not in evp]
    keys += [k for k in mbed if k not in keys]
    for key in keys:
        e, w, m = evp.get(key), ward.get(key), mbed.get(key)
        def r(a, b):
            return f"{a / b:.2f}" if a and b else "n/a"
        def f(x):
            return f"{x:.0f}" if x else "n/a"
        line = f"{key[0]:<16}{key[1]:>7}{f(e):>11}{f(w):>11}{r(w, e):>10}"
        if mbed:
            line += f"{f(m):>11}{r(m, e):>10}{r(m, w):>11}"
        print(line)


if __name__ == '__main__':
    main()
