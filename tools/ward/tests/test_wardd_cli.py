#!/usr/bin/env python3
"""wardd's refusals at start-up, each with a clear message and a non-zero
exit: bad options, a state directory that is not private, a second wardd on
the same state, a bad policy file, a damaged lifecycle record, and
--provisioning on an SPE past provisioning. Usage: test_wardd_cli.py WARDD"""
import os
import subprocess
import sys
import tempfile
import unittest

WARDD = sys.argv[1]


class WarddCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ward-cli.")
        self.state = os.path.join(self.tmp.name, "state")
        self.sock = os.path.join(self.tmp.name, "s")

    def tearDown(self):
        self.tmp.cleanup()

    def run_wardd(self, *extra, state=None):
        return subprocess.run(
            [WARDD, "--foreground", "--state-dir", state or self.state,
             "--socket", self.sock, "--log-level", "0", *extra],
            capture_output=True, text=True, timeout=30)

    def start(self, *extra):
        r, w = os.pipe()
        d = subprocess.Popen(
            [WARDD, "--foreground", "--state-dir", self.state, "--socket", self.sock,
             "--ready-fd", str(w), "--log-level", "0", *extra], pass_fds=(w,))
        os.close(w)
        self.assertEqual(os.read(r, 1), b"R")
        os.close(r)
        return d

    def stop(self, d):
        d.terminate()
        self.assertEqual(d.wait(timeout=30), 0)

    def test_bad_options(self):
        for args, msg in ((["--log-level", "9"], "--log-level takes 0..4"),
                          (["--max-call-bytes", "10"], "--max-call-bytes takes"),
                          (["--max-sessions-per-user", "0"], "takes 1.."),
                          (["--ready-fd", "x"], "--ready-fd takes"),
                          (["--bogus"], "usage: wardd"),
                          (["extra-argument"], "usage: wardd")):
            p = self.run_wardd(*args)
            self.assertEqual(p.returncode, 2, args)
            self.assertIn(msg, p.stderr, args)

    def test_state_dir_not_private(self):
        os.makedirs(self.state)
        os.chmod(self.state, 0o755)
        p = self.run_wardd()
        self.assertEqual(p.returncode, 1)
        self.assertIn("looser than 0700; refusing", p.stderr)

    def test_second_wardd_same_state(self):
        d = self.start()
        try:
            p = self.run_wardd("--socket", os.path.join(self.tmp.name, "s2"))
            self.assertEqual(p.returncode, 1)
            self.assertIn("another wardd is using this state directory", p.stderr)
        finally:
            self.stop(d)

    def test_bad_policy(self):
        policy = os.path.join(self.tmp.name, "policy")
        with open(policy, "w") as f:
            f.write("ward-policy 1\nuser 0 allow nothing-here\n")
        os.chmod(policy, 0o600)
        p = self.run_wardd("--config", policy)
        self.assertEqual(p.returncode, 1)
        self.assertIn("line 2: SIDs must be numbers", p.stderr)
        self.assertIn("refusing to start", p.stderr)

    def test_damaged_lifecycle(self):
        os.makedirs(self.state, mode=0o700)
        path = os.path.join(self.state, "lifecycle")
        with open(path, "wb") as f:
            f.write(b"garbage, not a record")
        p = self.run_wardd()
        self.assertEqual(p.returncode, 1)
        self.assertIn("lifecycle", p.stderr)
        self.assertIn("never rewritten", p.stderr)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), b"garbage, not a record")

    def test_provisioning_only_on_a_new_spe(self):
        d = self.start()  # a fresh SPE provisions itself: SECURED
        self.stop(d)
        p = self.run_wardd("--provisioning")
        self.assertEqual(p.returncode, 1)
        self.assertIn("provisioning requested but the SPE is SECURED", p.stderr)
        # A new SPE started for provisioning.
        fresh = os.path.join(self.tmp.name, "factory")
        r, w = os.pipe()
        d = subprocess.Popen(
            [WARDD, "--foreground", "--state-dir", fresh, "--socket", self.sock,
             "--ready-fd", str(w), "--log-level", "0", "--provisioning"], pass_fds=(w,))
        os.close(w)
        self.assertEqual(os.read(r, 1), b"R")
        os.close(r)
        self.stop(d)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
