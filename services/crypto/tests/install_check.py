#!/usr/bin/env python3
"""install_check.py BUILD_DIR CC: install the build into a temporary prefix
and build and run a small application against the installed ward-crypto
through pkg-config, as a user of the library would (headers, soname,
pkg-config file, state directory). Exit 0 on success."""
import os
import subprocess
import sys
import tempfile

PROGRAM = r'''
#include <psa/crypto.h>
#include <stdio.h>
int main(void)
{
    uint8_t h[PSA_HASH_MAX_SIZE];
    size_t n = 0;
    psa_key_attributes_t a = PSA_KEY_ATTRIBUTES_INIT;
    psa_key_id_t id = 0;
    if (psa_crypto_init() != PSA_SUCCESS) return 1;
    if (psa_hash_compute(PSA_ALG_SHA_256, (const uint8_t *)"abc", 3, h, sizeof h, &n) !=
            PSA_SUCCESS || n != 32 || h[0] != 0xba) return 2;
    psa_set_key_type(&a, PSA_KEY_TYPE_AES);
    psa_set_key_bits(&a, 128);
    psa_set_key_id(&a, 1);
    if (psa_generate_key(&a, &id) != PSA_SUCCESS || id != 1) return 3;
    puts("ok");
    return 0;
}
'''


def main():
    build, cc = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        prefix = os.path.join(tmp, 'prefix')
        subprocess.run(['cmake', '--install', build, '--prefix', prefix], check=True,
                       stdout=subprocess.DEVNULL)
        pcdir = os.path.join(prefix, 'lib', 'pkgconfig')
        env = dict(os.environ, PKG_CONFIG_PATH=pcdir)
        flags = subprocess.run(['pkg-config', '--cflags', '--libs', 'ward-crypto'], env=env,
                               check=True, capture_output=True, text=True).stdout.split()
        src = os.path.join(tmp, 'app.c')
        exe = os.path.join(tmp, 'app')
        with open(src, 'w', encoding='utf-8') as f:
            f.write(PROGRAM)
        subprocess.run([cc, '-std=c99', '-Wall', '-Werror', src, '-o', exe] + flags, check=True)
        state = os.path.join(tmp, 'state')
        os.mkdir(state, 0o700)
        env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(prefix, 'lib'), WARD_STATE_DIR=state)
        out = subprocess.run([exe], env=env, check=True, capture_output=True, text=True).stdout
        if out.strip() != 'ok' or not os.path.isdir(os.path.join(state, 'crypto')):
            sys.exit('install_check: unexpected result')
    print('install_check: ok')


if __name__ == '__main__':
    main()
