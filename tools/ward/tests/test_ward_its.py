#!/usr/bin/env python3
"""`ward its` against a private wardd carrying the ITS partition: set from a
file and from stdin, get to stdout and to a file, info, list, remove,
WRITE_ONCE, the errors and exit codes. Usage: test_ward_its.py WARD WARDD"""
import os
import subprocess
import sys
import tempfile
import unittest

WARD, WARDD = sys.argv[1], sys.argv[2]


class WardIts(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ward-its.")
        self.sock = os.path.join(self.tmp.name, "s")
        self.env = dict(os.environ, WARD_SOCKET=self.sock)
        r, w = os.pipe()
        self.daemon = subprocess.Popen(
            [WARDD, "--foreground", "--state-dir", os.path.join(self.tmp.name, "state"),
             "--socket", self.sock, "--ready-fd", str(w), "--log-level", "1"],
            pass_fds=(w,))
        os.close(w)
        ready = os.read(r, 1)
        os.close(r)
        self.assertEqual(ready, b"R", "wardd did not start")

    def tearDown(self):
        if self.daemon.poll() is None:
            self.daemon.terminate()
            self.assertEqual(self.daemon.wait(timeout=30), 0)
        self.tmp.cleanup()

    def ward(self, *args, data=None):
        return subprocess.run([WARD, *args], env=self.env, capture_output=True,
                              input=data, timeout=30)

    def test_round_trip(self):
        src = os.path.join(self.tmp.name, "in.bin")
        blob = bytes(range(256)) * 4
        with open(src, "wb") as f:
            f.write(blob)
        p = self.ward("its", "set", "0x10", src)
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.ward("its", "get", "16")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, blob)
        dst = os.path.join(self.tmp.name, "out.bin")
        self.assertEqual(self.ward("its", "get", "16", dst).returncode, 0)
        with open(dst, "rb") as f:
            self.assertEqual(f.read(), blob)
        # From stdin; the full 64-bit range.
        p = self.ward("its", "set", "18446744073709551615", "-", data=b"stdin")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.ward("its", "info", "18446744073709551615")
        self.assertEqual(p.stdout, b"uid 18446744073709551615 size 5 capacity 5 flags 0x00000000\n")
        p = self.ward("its", "list")
        self.assertEqual(p.stdout, b"16\n18446744073709551615\n")
        self.assertEqual(self.ward("its", "remove", "16").returncode, 0)
        p = self.ward("its", "list")
        self.assertEqual(p.stdout, b"18446744073709551615\n")

    def test_write_once_and_errors(self):
        p = self.ward("its", "set", "7", "--write-once", data=b"x")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"(write-once)", self.ward("its", "info", "7").stdout)
        p = self.ward("its", "remove", "7")
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"PSA_ERROR_NOT_PERMITTED", p.stderr)
        p = self.ward("its", "get", "8")
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"PSA_ERROR_DOES_NOT_EXIST", p.stderr)
        p = self.ward("its", "set", "9", data=b"y" * 4097)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"PSA_ERROR_INVALID_ARGUMENT", p.stderr)
        for bad in (["its", "get", "0"], ["its", "get", "-1"], ["its", "get", "x"],
                    ["its", "get", "18446744073709551616"], ["its", "info"],
                    ["its", "list", "extra"], ["its", "set", "1", "a", "b"]):
            self.assertEqual(self.ward(*bad).returncode, 2, bad)
        p = self.ward("its", "set", "1", os.path.join(self.tmp.name, "missing"))
        self.assertEqual(p.returncode, 2)

    def test_no_daemon(self):
        self.daemon.terminate()
        self.assertEqual(self.daemon.wait(timeout=30), 0)
        p = self.ward("its", "list")
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"PSA_ERROR_COMMUNICATION_FAILURE", p.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
