"""Tests of tools/manifest/ward_manifest.py: the good fixture set generates
the expected, deterministic output; each bad fixture is rejected with exactly
the expected "file: field: reason" lines and nothing is written.

Fixtures live in good/ and bad/ beside this file. Each test writes only into
its own temporary directory: the manifest list naming the fixtures (by a path
relative to the list, as a real list does) and the output directory.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
GOOD = os.path.join(HERE, "good")
BAD = os.path.join(HERE, "bad")
SCRIPT = os.path.normpath(os.path.join(HERE, "..", "ward_manifest.py"))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
GOOD_MANIFESTS = ("storage.json", "client.json", "crypto.json")
CMD = "<command line>"

sys.path.insert(0, os.path.dirname(SCRIPT))
import ward_manifest  # noqa: E402


def good(name):
    return os.path.join(GOOD, name)


def bad(name):
    return os.path.join(BAD, name)


class GeneratorTest(unittest.TestCase):
    """Runs the generator as a program, in a private temporary directory."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="ward-manifest-")
        self.tmp = self._tmp.name
        self.out = os.path.join(self.tmp, "out")

    def tearDown(self):
        self._tmp.cleanup()

    def write_list(self, paths, name="list.json", extra=None):
        """A manifest list in the temporary directory naming paths (relative
        to it). Returns the list's path."""
        list_path = os.path.join(self.tmp, name)
        doc = {"description": "test list",
               "manifests": [os.path.relpath(p, self.tmp) for p in paths]}
        doc.update(extra or {})
        with open(list_path, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        return list_path

    def write_manifest(self, name, doc):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        return path

    def run_tool(self, list_path, *args, out=None, table="test_table"):
        cmd = [sys.executable, SCRIPT, "--list", list_path]
        if out is not False:
            cmd += ["--out", out or self.out]
        if table is not None:
            cmd += ["--table", table]
        cmd += list(args)
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        return proc.returncode, proc.stdout, proc.stderr.splitlines()

    def generate(self, paths, *args, out=None):
        rc, stdout, err = self.run_tool(self.write_list(paths), *args, out=out)
        self.assertEqual((rc, err), (0, []))
        self.assertEqual(stdout, "")
        return out or self.out

    def assert_rejected(self, paths_or_list, expected, *args):
        """The generator fails with exactly the expected error lines and
        writes nothing."""
        list_path = (paths_or_list if isinstance(paths_or_list, str)
                     else self.write_list(paths_or_list))
        rc, stdout, err = self.run_tool(list_path, *args)
        self.assertEqual(err, expected)
        self.assertEqual(rc, 1)
        self.assertEqual(stdout, "")
        self.assertFalse(os.path.exists(self.out), "wrote output on error")

    def with_good(self, *paths):
        return [good(m) for m in GOOD_MANIFESTS] + list(paths)

    def read(self, rel, out=None):
        with open(os.path.join(out or self.out, rel), encoding="utf-8") as f:
            return f.read()


class GoodManifests(GeneratorTest):

    def test_empty_list_gives_an_empty_table(self):
        out = self.generate([])
        table = self.read("test_table.c", out)
        self.assertIn(".partitions = NULL,", table)
        self.assertIn(".partition_count = 0u,", table)
        self.assertIn(".services = NULL,", table)
        self.assertNotIn("[] = {", table)
        self.assertNotIn("#define TP", self.read("psa_manifest/sid.h", out))
        self.assertNotIn("_SID ", self.read("psa_manifest/sid.h", out))

    def test_writes_every_file(self):
        out = self.generate(self.with_good())
        files = sorted(os.path.relpath(os.path.join(d, f), out)
                       for d, _, fs in os.walk(out) for f in fs)
        self.assertEqual(files, [
            "psa_manifest/crypto_sp.h", "psa_manifest/pid.h",
            "psa_manifest/sid.h", "psa_manifest/storage_sp.h",
            "psa_manifest/test_client_sp.h", "test_table.c"])

    def test_sid_header(self):
        sid = self.read("psa_manifest/sid.h", self.generate(self.with_good()))
        self.assertIn('#include "psa/client.h"\n', sid)
        for line in ("#define CRYPTO_HASH_SID 0x00000100u",
                     "#define CRYPTO_HASH_VERSION 1u",
                     # explicit stateless_handle 1, version 1
                     "#define CRYPTO_HASH_HANDLE ((psa_handle_t)0x40000100)",
                     "#define CRYPTO_KEYS_SID 0x00000101u",
                     "#define CRYPTO_KEYS_VERSION 3u",
                     "#define STORAGE_ITS_SID 0x00000070u",
                     # "auto": the lowest free index, 2
                     "#define STORAGE_ITS_HANDLE ((psa_handle_t)0x40000101)",
                     "#define STORAGE_PS_SID 0x00000080u",
                     "#define STORAGE_PS_VERSION 2u"):
            self.assertIn(line + "\n", sid)
        self.assertNotIn("CRYPTO_KEYS_HANDLE", sid)
        self.assertNotIn("STORAGE_PS_HANDLE", sid)

    def test_handle_matches_the_c_macro(self):
        # WARD_STATELESS_HANDLE(index, version) in partition_desc.h
        self.assertEqual(ward_manifest.stateless_handle_value(1, 1),
                         0x40000100)
        self.assertEqual(ward_manifest.stateless_handle_value(32, 255),
                         0x4000FF1F)

    def test_pid_header(self):
        pid = self.read("psa_manifest/pid.h", self.generate(self.with_good()))
        self.assertIn("#define CRYPTO_SP_ID 3\n#define STORAGE_SP_ID 4\n"
                      "#define TEST_CLIENT_SP_ID 100\n", pid)

    def test_partition_headers(self):
        out = self.generate(self.with_good())
        crypto = self.read("psa_manifest/crypto_sp.h", out)
        self.assertIn('#include "psa/service.h"\n', crypto)
        self.assertIn("#define CRYPTO_HASH_SIGNAL (1u << 4)\n"
                      "#define CRYPTO_KEYS_SIGNAL (1u << 5)\n", crypto)
        self.assertIn("void crypto_sp_main(void);\n", crypto)
        client = self.read("psa_manifest/test_client_sp.h", out)
        self.assertNotIn("_SIGNAL", client)
        self.assertIn("void test_client_sp_main(void);\n", client)

    def test_table_order_and_dependencies(self):
        table = self.read("test_table.c", self.generate(self.with_good()))
        self.assertIn("extern const struct ward_partition_table test_table;",
                      table)
        names = [line.split('"')[1] for line in table.splitlines()
                 if line.startswith('        .name = "')]
        self.assertEqual(names, [
            "CRYPTO_HASH", "CRYPTO_KEYS", "STORAGE_ITS", "STORAGE_PS",
            "CRYPTO_SP", "STORAGE_SP", "TEST_CLIENT_SP"])
        self.assertIn("test_table_storage_sp_dependencies[] = {0u};", table)
        self.assertIn("test_table_test_client_sp_dependencies[] = "
                      "{3u, 1u, 2u};", table)

    def test_check_writes_nothing(self):
        rc, _, err = self.run_tool(self.write_list(self.with_good()),
                                   "--check", out=False, table=None)
        self.assertEqual((rc, err), (0, []))
        self.assertFalse(os.path.exists(self.out))

    def test_emul_platform(self):
        out = self.generate(self.with_good(), "--platform", "emul")
        self.assertTrue(os.path.isfile(os.path.join(out, "test_table.c")))

    def test_deterministic(self):
        first = self.generate(self.with_good(),
                              out=os.path.join(self.tmp, "first"))
        second = self.generate(self.with_good(),
                               out=os.path.join(self.tmp, "second"))
        self.assertEqual(self.tree(first), self.tree(second))

    def test_list_order_does_not_matter(self):
        first = self.generate(self.with_good(),
                              out=os.path.join(self.tmp, "first"))
        second = self.generate(list(reversed(self.with_good())),
                               out=os.path.join(self.tmp, "second"))
        self.assertEqual(self.tree(first), self.tree(second))

    def test_unchanged_files_are_not_rewritten(self):
        out = self.generate(self.with_good())
        before = self.mtimes(out)
        # Age every file so a rewrite is visible whatever the clock's grain.
        for path in before:
            os.utime(path, ns=(1_000_000_000, 1_000_000_000))
        sid = os.path.join(out, "psa_manifest", "sid.h")
        with open(sid, "a", encoding="utf-8") as f:
            f.write("/* edited */\n")
        os.utime(sid, ns=(1_000_000_000, 1_000_000_000))
        self.generate(self.with_good())
        after = self.mtimes(out)
        changed = [p for p in after if after[p] != 1_000_000_000]
        self.assertEqual(changed, [sid])
        self.assertNotIn("edited", self.read("psa_manifest/sid.h"))

    def test_compiles_strictly(self):
        cc = os.environ.get("WARD_TEST_CC") or shutil.which("cc")
        if not cc:
            self.skipTest("no C compiler")
        out = self.generate(self.with_good())
        proc = subprocess.run(
            [cc, "-std=c11", "-Wall", "-Wextra", "-Werror",
             "-Wmissing-prototypes", "-pedantic",
             "-I", os.path.join(REPO, "include"),
             "-I", os.path.join(REPO, "spm", "core"), "-I", out,
             "-c", os.path.join(out, "test_table.c"),
             "-o", os.path.join(self.tmp, "table.o")],
            capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    @staticmethod
    def tree(root):
        result = {}
        for d, _, files in os.walk(root):
            for f in files:
                path = os.path.join(d, f)
                with open(path, "rb") as fh:
                    result[os.path.relpath(path, root)] = fh.read()
        return result

    @staticmethod
    def mtimes(root):
        return {os.path.join(d, f): os.stat(os.path.join(d, f)).st_mtime_ns
                for d, _, files in os.walk(root) for f in files}


class FieldErrors(GeneratorTest):
    """One manifest, one rule."""

    def check(self, fixture, *reasons, with_good=False):
        path = bad(fixture)
        paths = self.with_good(path) if with_good else [path]
        self.assert_rejected(paths, [f"{path}: {r}" for r in reasons])

    def test_invalid_json(self):
        self.check("invalid_json.json",
                   "-: invalid JSON: Expecting property name enclosed in "
                   "double quotes at line 3 column 23")

    def test_duplicate_key(self):
        self.check("duplicate_key.json", "name: field appears more than once")

    def test_unknown_fields(self):
        self.check("unknown_field.json", "signal_count: unknown field",
                   "services[0].timeout: unknown field")

    def test_bool_given_as_string(self):
        self.check("bool_as_string.json",
                   "services[0].non_secure_clients: must be true or false, "
                   'got the string "true"')

    def test_int_given_as_float(self):
        self.check("int_as_float.json",
                   "services[0].version: must be an integer, got the number "
                   "1.0")

    def test_missing_required_fields(self):
        self.check("missing_required.json",
                   "name: required field is missing",
                   "id: required field is missing",
                   "type: required field is missing",
                   "entry_point: required field is missing",
                   "stack_size: required field is missing",
                   "services[0].name: required field is missing",
                   "services[0].sid: required field is missing")

    def test_framework_version(self):
        self.check("bad_framework_version.json",
                   "psa_framework_version: must be the number 1.0 or 1.1, "
                   "got the number 1.2")

    def test_partition_name(self):
        self.check("bad_partition_name.json",
                   'name: "Crypto_sp" is not an upper-case C identifier '
                   "([A-Z][A-Z0-9_]*)")

    def test_reserved_partition_name(self):
        self.check("reserved_partition_name.json",
                   'name: "SID" is reserved: its header psa_manifest/sid.h '
                   "is a generated header of its own")

    def test_service_name(self):
        self.check("bad_service_name.json",
                   'services[0].name: "HASH-1" is not an upper-case C '
                   "identifier ([A-Z][A-Z0-9_]*)")

    def test_psa_prefix_is_reserved(self):
        self.check("psa_service_name.json",
                   'services[0].name: "PSA_FRAMEWORK" is reserved: names '
                   "beginning with PSA_ belong to the PSA API")

    def test_partition_id(self):
        self.check("bad_id.json",
                   "id: must be between 1 and 2147483647, got 0")

    def test_partition_type(self):
        self.check("bad_type.json",
                   'type: must be one of "PSA-ROT", "APPLICATION-ROT", got '
                   'the string "SECURE"')

    def test_priority(self):
        self.check("bad_priority.json",
                   'priority: must be one of "LOW", "NORMAL", "HIGH", got '
                   'the string "MEDIUM"')

    def test_sfn_model(self):
        self.check("sfn_model.json",
                   "model: SFN model is not supported by Ward (IPC only)")

    def test_entry_init(self):
        self.check("entry_init.json",
                   "entry_init: entry_init belongs to the SFN model, which "
                   "Ward does not support (IPC only)")

    def test_stack_size(self):
        self.check("bad_stack_size.json",
                   'stack_size: must be an integer or a hex string such as '
                   '"0x400", got the string "1k"')

    def test_mmio_regions(self):
        self.check("mmio_regions.json",
                   "mmio_regions: not supported on host/emul platforms")

    def test_irqs_on_host(self):
        self.check("irqs.json",
                   "irqs: interrupts are not supported on the host platform")

    def test_irqs_on_emul(self):
        path = bad("irqs.json")
        self.assert_rejected(
            [path], [f"{path}: irqs: interrupts are not supported on the "
                     "emul platform"], "--platform", "emul")

    def test_sid_range(self):
        self.check("bad_sid.json",
                   "services[0].sid: must be between 0x00000001 and "
                   "0xFFFFFFFF, got 0x00000000",
                   "services[1].sid: must be between 0x00000001 and "
                   "0xFFFFFFFF, got 0x100000000")

    def test_version_range(self):
        self.check("bad_version.json",
                   "services[0].version: must be between 1 and 4294967295, "
                   "got 0")

    def test_version_policy(self):
        self.check("bad_version_policy.json",
                   'services[0].version_policy: must be one of "RELAXED", '
                   '"STRICT", got the string "LOOSE"')

    def test_stateless_without_handle(self):
        self.check("stateless_without_handle.json",
                   "services[0].stateless_handle: required for a stateless "
                   'service (connection_based: false): 1..32 or "auto"')

    def test_handle_on_connection_based_service(self):
        self.check("handle_on_connection_based.json",
                   "services[0].stateless_handle: only allowed for a "
                   "stateless service (connection_based: false)")

    def test_stateless_handle_range(self):
        self.check("stateless_handle_range.json",
                   'services[0].stateless_handle: must be 1..32 or "auto", '
                   "got the integer 33")

    def test_stateless_version_fits_the_handle(self):
        self.check("stateless_version.json",
                   "services[0].version: must be at most 255 for a stateless "
                   "service: the version is encoded in 8 bits of its handle, "
                   "got 256")

    def test_mm_iovec(self):
        self.check("mm_iovec_enable.json",
                   "services[0].mm_iovec: MM-IOVEC is not supported by Ward")

    def test_ffm_1_0_with_1_1_fields(self):
        needs = "needs psa_framework_version 1.1 (this manifest declares 1.0)"
        self.check("ffm10_with_11_fields.json", f"model: {needs}",
                   f"services[0].connection_based: {needs}",
                   f"services[0].stateless_handle: {needs}",
                   f"services[0].mm_iovec: {needs}")

    def test_dependency_not_a_name(self):
        self.check("bad_dependency_entry.json",
                   "dependencies[0]: must be a service name, got the "
                   "integer 7")

    def test_duplicate_dependency(self):
        self.check("duplicate_dependency.json",
                   'dependencies[2]: duplicate dependency "CRYPTO_HASH"',
                   with_good=True)


class TableErrors(GeneratorTest):
    """Rules across the manifests of one list."""

    def check(self, fixture, *reasons):
        path = bad(fixture)
        self.assert_rejected(self.with_good(path),
                             [f"{path}: {r}" for r in reasons])

    def test_duplicate_partition_name(self):
        self.check("duplicate_partition_name.json",
                   'name: duplicate partition name "CRYPTO_SP" (also in '
                   f'{good("crypto.json")})')

    def test_duplicate_partition_id(self):
        self.check("duplicate_partition_id.json",
                   f'id: duplicate partition id 3 (also CRYPTO_SP in '
                   f'{good("crypto.json")})')

    def test_duplicate_entry_point(self):
        self.check("duplicate_entry_point.json",
                   'entry_point: "crypto_sp_main" is already the entry point '
                   f'of CRYPTO_SP in {good("crypto.json")}')

    def test_duplicate_service_name(self):
        self.check("duplicate_service_name.json",
                   'services[0].name: duplicate service name "CRYPTO_HASH" '
                   f'(also services[0] in {good("crypto.json")})')

    def test_duplicate_sid(self):
        self.check("duplicate_sid.json",
                   "services[0].sid: duplicate SID 0x00000100 (also "
                   f'CRYPTO_HASH in {good("crypto.json")})')

    def test_duplicate_stateless_handle(self):
        self.check("duplicate_stateless_handle.json",
                   "services[0].stateless_handle: duplicate stateless handle "
                   f'1 (also CRYPTO_HASH in {good("crypto.json")})')

    def test_unknown_dependency(self):
        self.check("unknown_dependency.json",
                   'dependencies[1]: unknown service "CRYPTO_MAC"')

    def test_dependency_on_own_service(self):
        self.check("self_dependency.json",
                   'dependencies[0]: "SELF_B" is a service of this partition')

    def test_dependency_cycle_of_two(self):
        a, b = bad("cycle_a.json"), bad("cycle_b.json")
        self.assert_rejected(
            self.with_good(b, a),
            [f"{a}: dependencies[1]: dependency cycle: CYCLE_A_SP -> "
             "CYCLE_B_SP -> CYCLE_A_SP (via CYCLE_B_SVC, CYCLE_A_SVC)"])

    def test_dependency_cycle_of_three(self):
        x, y, z = (bad(f"loop_{n}.json") for n in "xyz")
        self.assert_rejected(
            self.with_good(z, x, y),
            [f"{x}: dependencies[0]: dependency cycle: LOOP_X_SP -> "
             "LOOP_Y_SP -> LOOP_Z_SP -> LOOP_X_SP (via LOOP_Y_SVC, "
             "LOOP_Z_SVC, LOOP_X_SVC)"])

    def many_services(self, name, pid, count, first_sid, **fields):
        return self.write_manifest(f"{name.lower()}.json", {
            "psa_framework_version": 1.1, "name": name, "id": pid,
            "type": "APPLICATION-ROT", "entry_point": f"{name.lower()}_main",
            "stack_size": 1024,
            "services": [dict({"name": f"{name}_{i}", "sid": first_sid + i},
                              **fields) for i in range(count)]})

    def test_too_many_signals(self):
        path = self.many_services("BUSY_SP", 60, 29, 0x5000)
        self.assert_rejected(self.with_good(path), [
            f"{path}: services: 29 services, but a partition has at most 28 "
            "(signal bits 4..31; bits 0-3 are reserved for the framework and "
            "PSA_DOORBELL)"])

    def test_twenty_eight_signals_fit(self):
        path = self.many_services("FULL_SP", 60, 28, 0x5000)
        out = self.generate(self.with_good(path))
        self.assertIn("#define FULL_SP_27_SIGNAL (1u << 31)\n",
                      self.read("psa_manifest/full_sp.h", out))

    def test_stateless_handles_run_out(self):
        # CRYPTO_HASH holds 1, STORAGE_ITS takes 2 (partition id 4): 30 left
        # for 28 + 3 "auto" services in partitions 60 and 61.
        first = self.many_services("AUTO_A_SP", 60, 28, 0x5000,
                                   connection_based=False,
                                   stateless_handle="auto")
        second = self.many_services("AUTO_B_SP", 61, 3, 0x6000,
                                    connection_based=False,
                                    stateless_handle="auto")
        self.assert_rejected(self.with_good(second, first), [
            f"{second}: services[2].stateless_handle: no free stateless "
            "handle: all 32 are in use"])

    def test_duplicate_signals_are_caught(self):
        # Allocation cannot produce a duplicate; the check guards it.
        errors = ward_manifest.Errors()
        partition = ward_manifest.Partition("p.json", "p.json", "1.1", "P", 1,
                                            "PSA-ROT", "NORMAL", "p_main",
                                            1024, 0)
        for i, bit in enumerate((4, 5, 4)):
            service = ward_manifest.Service("p.json", f"services[{i}]",
                                            f"S{i}", 0x100 + i, 1, "RELAXED",
                                            False, True, None)
            service.signal_bit = bit
            partition.services.append(service)
        ward_manifest.check_signals(partition, errors)
        self.assertEqual(errors.lines, [
            "p.json: services[2].name: duplicate signal (1u << 4) (also S0)"])


class ListErrors(GeneratorTest):

    def test_same_file_twice(self):
        crypto = good("crypto.json")
        other = os.path.join(GOOD, ".", "..", "good", "crypto.json")
        list_path = self.write_list([good("storage.json"), crypto, other])
        self.assert_rejected(list_path, [
            f"{list_path}: manifests[2]: names the same file as "
            f"manifests[1] ({crypto})"])

    def test_missing_file(self):
        missing = os.path.join(self.tmp, "missing.json")
        list_path = self.write_list(self.with_good(missing))
        self.assert_rejected(list_path, [
            f"{list_path}: manifests[3]: cannot read {missing}: No such file "
            "or directory"])

    def test_missing_list(self):
        list_path = os.path.join(self.tmp, "nope.json")
        self.assert_rejected(list_path, [
            f"{list_path}: -: cannot read: No such file or directory"])

    def test_list_fields(self):
        list_path = self.write_list([], extra={"partitions": []})
        self.assert_rejected(list_path, [
            f"{list_path}: partitions: unknown field"])

    def test_list_entry_not_a_path(self):
        list_path = os.path.join(self.tmp, "list.json")
        with open(list_path, "w", encoding="utf-8") as f:
            json.dump({"manifests": [{"path": "a.json"}]}, f)
        self.assert_rejected(list_path, [
            f"{list_path}: manifests[0]: must be a path relative to the "
            "list, got an object"])

    def test_bad_table_name(self):
        list_path = self.write_list(self.with_good())
        rc, _, err = self.run_tool(list_path, table="ward-table")
        self.assertEqual((rc, err), (1, [
            f'{CMD}: --table: "ward-table" is not a C identifier']))
        self.assertFalse(os.path.exists(self.out))

    def test_out_required_without_check(self):
        list_path = self.write_list(self.with_good())
        rc, _, err = self.run_tool(list_path, out=False)
        self.assertEqual((rc, err),
                         (1, [f"{CMD}: --out: required unless --check"]))

    def test_every_error_is_reported(self):
        # Errors from several manifests and rules come out together.
        paths = self.with_good(bad("bad_id.json"),
                               bad("unknown_dependency.json"))
        self.assert_rejected(paths, [
            f'{bad("bad_id.json")}: id: must be between 1 and 2147483647, '
            "got 0",
            f'{bad("unknown_dependency.json")}: dependencies[1]: unknown '
            'service "CRYPTO_MAC"'])


if __name__ == "__main__":
    unittest.main()
