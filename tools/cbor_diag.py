#!/usr/bin/env python3
"""cbor_diag.py: CBOR diagnostic notation (RFC 8949 §8, the subset test
vectors use) to CBOR, python3 standard library only. A build/test tool: it
turns the RFC 9783 CDDL conformance cases into .cbor inputs, and its encoder
is imported by the CLI tests to craft tokens.

Supported: unsigned and negative integers (decimal or 0x hex), h'hex' byte
strings (whitespace and line breaks inside are ignored), "text" strings
(JSON escapes; a line break plus indentation inside a string is a folded
line and is dropped), [arrays], {maps}, tags N(item), true, false, null,
and /comments/. Output uses preferred (shortest) encoding and keeps map
order as written.

usage: cbor_diag.py IN.diag OUT.cbor
"""
import json
import sys


class Tag:
    def __init__(self, tag, value):
        self.tag = tag
        self.value = value


class Simple:
    def __init__(self, value):
        self.value = value


def head(major, arg):
    if arg < 24:
        return bytes([major << 5 | arg])
    for ai, width in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * width):
            return bytes([major << 5 | ai]) + arg.to_bytes(width, "big")
    raise ValueError("integer too large for CBOR: %d" % arg)


def encode(obj):
    """Encode python values: int, bytes, str, list, dict (pairs in insertion
    order, or a list of (key, value) pairs wrapped in Pairs), Tag, bool, None."""
    if obj is True:
        return b"\xf5"
    if obj is False:
        return b"\xf4"
    if obj is None:
        return b"\xf6"
    if isinstance(obj, Simple):
        return head(7, obj.value)
    if isinstance(obj, int):
        return head(0, obj) if obj >= 0 else head(1, -1 - obj)
    if isinstance(obj, (bytes, bytearray)):
        return head(2, len(obj)) + bytes(obj)
    if isinstance(obj, str):
        b = obj.encode("utf-8")
        return head(3, len(b)) + b
    if isinstance(obj, list):
        return head(4, len(obj)) + b"".join(encode(x) for x in obj)
    if isinstance(obj, Pairs):
        return head(5, len(obj.items)) + b"".join(encode(k) + encode(v) for k, v in obj.items)
    if isinstance(obj, dict):
        return head(5, len(obj)) + b"".join(encode(k) + encode(v) for k, v in obj.items())
    if isinstance(obj, Tag):
        return head(6, obj.tag) + encode(obj.value)
    raise TypeError("cannot encode %r" % (obj,))


class Pairs:
    """A map kept as a list of pairs (allows duplicate keys, for tests)."""

    def __init__(self, items):
        self.items = items


class Parser:
    def __init__(self, text):
        self.s = text
        self.i = 0

    def error(self, msg):
        line = self.s.count("\n", 0, self.i) + 1
        raise SyntaxError("line %d: %s" % (line, msg))

    def skip(self):
        while self.i < len(self.s):
            c = self.s[self.i]
            if c.isspace():
                self.i += 1
            elif c == "/":
                end = self.s.find("/", self.i + 1)
                if end < 0:
                    self.error("unterminated comment")
                self.i = end + 1
            else:
                break

    def peek(self):
        self.skip()
        return self.s[self.i] if self.i < len(self.s) else ""

    def expect(self, c):
        if self.peek() != c:
            self.error("expected %r" % c)
        self.i += 1

    def item(self):
        c = self.peek()
        if c == "{":
            self.i += 1
            items = []
            while self.peek() != "}":
                k = self.item()
                self.expect(":")
                items.append((k, self.item()))
                if self.peek() == ",":
                    self.i += 1
            self.i += 1
            return Pairs(items)
        if c == "[":
            self.i += 1
            items = []
            while self.peek() != "]":
                items.append(self.item())
                if self.peek() == ",":
                    self.i += 1
            self.i += 1
            return items
        if c == "h" and self.s.startswith("h'", self.i):
            end = self.s.find("'", self.i + 2)
            if end < 0:
                self.error("unterminated byte string")
            hexdigits = "".join(self.s[self.i + 2:end].split())
            self.i = end + 1
            try:
                return bytes.fromhex(hexdigits)
            except ValueError:
                self.error("bad hex in byte string")
        if c == '"':
            j = self.i + 1
            while j < len(self.s) and self.s[j] != '"':
                j += 2 if self.s[j] == "\\" else 1
            if j >= len(self.s):
                self.error("unterminated text string")
            raw = self.s[self.i:j + 1]
            self.i = j + 1
            # A folded line: drop the break and the next line's indentation.
            raw = "".join(part.lstrip() if n else part
                          for n, part in enumerate(raw.split("\n")))
            return json.loads(raw)
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.s.startswith(word, self.i):
                self.i += len(word)
                return value
        j = self.i
        if j < len(self.s) and self.s[j] == "-":
            j += 1
        while j < len(self.s) and (self.s[j].isalnum()):
            j += 1
        tok = self.s[self.i:j]
        if not tok:
            self.error("unexpected %r" % c)
        try:
            n = int(tok, 0)
        except ValueError:
            self.error("bad number %r" % tok)
        self.i = j
        if self.peek() == "(":
            self.i += 1
            v = self.item()
            self.expect(")")
            return Tag(n, v)
        return n


def parse(text):
    p = Parser(text)
    v = p.item()
    if p.peek():
        p.error("trailing text")
    return v


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: cbor_diag.py IN.diag OUT.cbor\n")
        return 2
    with open(argv[1], encoding="utf-8") as f:
        try:
            data = encode(parse(f.read()))
        except SyntaxError as e:
            sys.stderr.write("%s: %s\n" % (argv[1], e))
            return 1
    with open(argv[2], "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
