#!/usr/bin/env python3
"""ward_manifest.py: turn FF-M 1.1 partition manifests into Ward's headers and
partition table.

Usage:
    ward_manifest.py --list LIST.json --out DIR --table NAME
                     [--platform host|emul] [--check]

The manifest list names the manifests of one partition table:

    {"description": "...", "manifests": ["crypto/manifest.json", ...]}

Paths are relative to the list file; naming a file twice is an error.

Production and test partitions: Ward builds two tables from two lists, the
production list and a test list naming the test partitions. Nothing in the
tool distinguishes them; only the list and the --table name differ, so a
production binary, which links only the production table, never contains a
test partition. Each table is checked on its own (names, SIDs, stateless
handles are unique within one list) and has its own output directory.
In CMake, tools/manifest/WardManifest.cmake provides
ward_generate_partitions(TARGET <lib> LIST <list.json> TABLE <name>
[PLATFORM host|emul]), which runs this tool at build time and makes a static
library of the table with the psa_manifest/ headers on its include path.

Output, written only if every manifest is valid, and each file only if its
content changed (so an unchanged manifest rebuilds nothing):

    DIR/psa_manifest/sid.h      <SVC>_SID, <SVC>_VERSION, and for stateless
                                services <SVC>_HANDLE (WARD_STATELESS_HANDLE)
    DIR/psa_manifest/pid.h      <PARTITION>_ID
    DIR/psa_manifest/<p>.h      per partition (lower-case name): the
                                <SVC>_SIGNAL bits and the entry point prototype
    DIR/<table>.c               const struct ward_partition_table <table>
                                (spm/core/partition_desc.h)

Output is deterministic: partitions are sorted by id, a partition's services
keep their manifest order and are contiguous in the services array,
dependencies are indexes into that array in manifest order. Signals are
given per partition from bit 4 upward in service order (bits 0-2 are
reserved, bit 3 is PSA_DOORBELL), so a partition has at most 28 services.
Stateless handles with an explicit index keep it; "auto" takes the lowest
free index 1..32, in table order (partition id, then service order).

--check validates only. Any error is printed as "file: field: reason" on
stderr (field is a path such as services[1].sid, or "-" for the whole
file), every error found is printed, nothing is written, and the exit
status is 1.

Partition fields (anything else is an error; JSON types are exact, so
"true" is not a boolean and 1.0 is not an integer):
    psa_framework_version  required, 1.0 or 1.1 (a number)
    name                   required, [A-Z][A-Z0-9_]*; not PSA_*, SID or PID
    id                     required (Ward's addition to FF-M): the
                           partition's client ID, 1..2147483647
    type                   required, "PSA-ROT" | "APPLICATION-ROT"
    priority               "LOW" | "NORMAL" | "HIGH"; default "NORMAL"
    model                  1.1 only, "IPC" (default); "SFN" is rejected
    entry_point            required (IPC), a C identifier, unique in the
                           table: the partition's psa_wait loop
    entry_init             rejected (SFN model only)
    stack_size             required, 1..0xFFFFFFFF, integer or "0x..." string
    heap_size              0..0xFFFFFFFF, integer or "0x..." string; default 0
    description            a string
    services               array of services (may be empty)
    mmio_regions, irqs     must be empty: not supported on host/emul
    dependencies           array of service names the partition may call,
                           each once; not its own services; no cycles
                           between partitions
Service fields:
    name                   required, [A-Z][A-Z0-9_]*, not PSA_*, unique
    sid                    required, 1..0xFFFFFFFF, integer or "0x..." string,
                           unique
    non_secure_clients     boolean, default false
    version                1..0xFFFFFFFF, default 1; at most 255 for a
                           stateless service (8 bits of its handle)
    version_policy         "STRICT" | "RELAXED", default "RELAXED"
    connection_based       1.1 only, boolean, default true
    stateless_handle       1.1 only, 1..32 or "auto"; required if and only if
                           connection_based is false; unique
    mm_iovec               1.1 only, "disable"; "enable" is rejected
"""

import argparse
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field

UPPER_NAME = re.compile(r"[A-Z][A-Z0-9_]*\Z")
C_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
HEX_NUMBER = re.compile(r"0[xX][0-9A-Fa-f]+\Z")

U32_MAX = 0xFFFFFFFF
PARTITION_ID_MAX = 0x7FFFFFFF
FIRST_SIGNAL_BIT = 4          # bits 0-2 reserved, bit 3 is PSA_DOORBELL
MAX_SIGNALS = 32 - FIRST_SIGNAL_BIT
STATELESS_INDEX_MAX = 32
STATELESS_VERSION_MAX = 0xFF  # bits [15:8] of a stateless handle
STATELESS_HANDLE_FLAG = 0x40000000
RESERVED_PARTITION_NAMES = ("SID", "PID")  # would clash with sid.h / pid.h

LIST_FIELDS = ("description", "manifests")
PARTITION_FIELDS = (
    "psa_framework_version", "name", "id", "type", "priority", "model",
    "entry_point", "entry_init", "stack_size", "heap_size", "description",
    "services", "mmio_regions", "irqs", "dependencies",
)
SERVICE_FIELDS = (
    "name", "sid", "non_secure_clients", "version", "version_policy",
    "connection_based", "stateless_handle", "mm_iovec",
)
FFM_1_1_PARTITION_FIELDS = ("model",)
FFM_1_1_SERVICE_FIELDS = ("connection_based", "stateless_handle", "mm_iovec")

PARTITION_TYPES = {"PSA-ROT": "WARD_PARTITION_PSA_ROT",
                   "APPLICATION-ROT": "WARD_PARTITION_APPLICATION_ROT"}
PRIORITIES = {"LOW": "WARD_PRIORITY_LOW", "NORMAL": "WARD_PRIORITY_NORMAL",
              "HIGH": "WARD_PRIORITY_HIGH"}
VERSION_POLICIES = {"RELAXED": "WARD_VERSION_RELAXED",
                    "STRICT": "WARD_VERSION_STRICT"}
PLATFORMS = ("host", "emul")
COMMAND_LINE = "<command line>"


# ---------------------------------------------------------------------------
# Errors and JSON input


class Errors:
    """Every problem found, as "file: field: reason" lines, in order."""

    def __init__(self):
        self.lines = []

    def add(self, file, where, reason):
        self.lines.append(f"{file}: {where}: {reason}")

    def __bool__(self):
        return bool(self.lines)


class JsonObject(dict):
    """A JSON object that remembers keys it was given more than once."""

    def __init__(self, pairs):
        super().__init__()
        self.duplicates = []
        for key, value in pairs:
            if key in self and key not in self.duplicates:
                self.duplicates.append(key)
            self[key] = value


def _reject_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def load_json(path, errors, unreadable_at=None):
    """Parse a JSON file. Returns the document, or None after recording an
    error. unreadable_at = (file, field) names where a missing or unreadable
    file is reported (the list that names it); default: the file itself."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        reason = getattr(e, "strerror", None) or str(e)
        if unreadable_at:
            errors.add(*unreadable_at, f"cannot read {path}: {reason}")
        else:
            errors.add(path, "-", f"cannot read: {reason}")
        return None
    try:
        return json.loads(text, object_pairs_hook=JsonObject,
                          parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        errors.add(path, "-", f"invalid JSON: {e.msg} at line {e.lineno} "
                              f"column {e.colno}")
    except (ValueError, RecursionError) as e:
        errors.add(path, "-", f"invalid JSON: {e}")
    return None


def describe(value):
    """A JSON value's type, for error messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {json.dumps(value)}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "null"


def hex32(value):
    return f"0x{value:08X}"


MISSING = object()


class Reader:
    """Reads the fields of one JSON object, recording errors against the file
    and a field path prefix ("" or e.g. "services[2]"). Each typed getter
    returns the value, the default when the field is absent, or None when the
    field is invalid or absent and required (the error is recorded)."""

    def __init__(self, obj, file, prefix, errors):
        self.obj = obj
        self.file = file
        self.prefix = prefix
        self.errors = errors

    def path(self, key):
        return f"{self.prefix}.{key}" if self.prefix else key

    def error(self, key, reason):
        self.errors.add(self.file, self.path(key), reason)

    def has(self, key):
        return key in self.obj

    def check_fields(self, allowed):
        for key in self.obj:
            if key not in allowed:
                self.error(key, "unknown field")
        for key in getattr(self.obj, "duplicates", ()):
            self.error(key, "field appears more than once")

    def raw(self, key, required):
        if key not in self.obj:
            if required:
                self.error(key, "required field is missing")
            return MISSING
        return self.obj[key]

    def integer(self, key, low, high, *, default=None, required=False,
                hex_string=False, fmt=str):
        value = self.raw(key, required)
        if value is MISSING:
            return default
        if hex_string and isinstance(value, str) and HEX_NUMBER.match(value):
            value = int(value, 16)
        elif type(value) is not int:
            expected = ('an integer or a hex string such as "0x400"'
                        if hex_string else "an integer")
            self.error(key, f"must be {expected}, got {describe(value)}")
            return None
        if not low <= value <= high:
            self.error(key, f"must be between {fmt(low)} and {fmt(high)}, "
                            f"got {fmt(value)}")
            return None
        return value

    def boolean(self, key, default):
        value = self.raw(key, False)
        if value is MISSING:
            return default
        if type(value) is not bool:
            self.error(key, f"must be true or false, got {describe(value)}")
            return None
        return value

    def choice(self, key, choices, *, default=None, required=False):
        value = self.raw(key, required)
        if value is MISSING:
            return default
        if not isinstance(value, str) or value not in choices:
            names = ", ".join(json.dumps(c) for c in choices)
            self.error(key, f"must be one of {names}, got {describe(value)}")
            return None
        return value

    def string(self, key):
        value = self.raw(key, False)
        if value is not MISSING and not isinstance(value, str):
            self.error(key, f"must be a string, got {describe(value)}")

    def name(self, key, pattern, what, *, required=True):
        """A name matching pattern. A string that does not match is still
        returned (after the error), so cross-manifest checks can use it."""
        value = self.raw(key, required)
        if value is MISSING:
            return None
        if not isinstance(value, str):
            self.error(key, f"must be a string, got {describe(value)}")
            return None
        if not pattern.match(value):
            self.error(key, f"{json.dumps(value)} is not {what}")
        return value

    def array(self, key):
        value = self.raw(key, False)
        if value is MISSING:
            return []
        if not isinstance(value, list):
            self.error(key, f"must be an array, got {describe(value)}")
            return []
        return value

    def reject_newer_fields(self, keys, framework_version):
        """Fields a 1.0 manifest must not use."""
        for key in keys:
            if key in self.obj:
                self.error(key, "needs psa_framework_version 1.1 (this "
                                f"manifest declares {framework_version})")


# ---------------------------------------------------------------------------
# The model


@dataclass(eq=False)
class Service:
    file: str
    where: str                  # e.g. "services[1]"
    name: str | None
    sid: int | None
    version: int | None
    version_policy: str | None
    non_secure_clients: bool | None
    connection_based: bool | None
    stateless_handle: int | str | None  # 1..32, "auto", None if connected
    signal_bit: int = 0
    index: int = 0              # in the table's services array
    partition_index: int = 0    # in the table's partitions array
    partition: "Partition" = None


@dataclass(eq=False)
class Partition:
    file: str                   # path to open, for error messages
    source: str                 # path as written in the list
    framework_version: str | None
    name: str | None
    id: int | None
    type: str | None
    priority: str | None
    entry_point: str | None
    stack_size: int | None
    heap_size: int | None
    services: list = field(default_factory=list)      # Service, or None
    dependencies: list = field(default_factory=list)  # str, or None
    dependency_indexes: list = field(default_factory=list)
    list_position: int = 0

    @property
    def header_name(self):
        return self.name.lower() + ".h"

    @property
    def label(self):
        return self.name or self.file


# ---------------------------------------------------------------------------
# Reading the list and the manifests, one concern per function


def read_manifest_list(list_path, errors):
    """The manifests the list names, as (path to open, path as written in
    the list, field path in the list) triples."""
    doc = load_json(list_path, errors)
    if doc is None:
        return []
    if not isinstance(doc, dict):
        errors.add(list_path, "-", "a manifest list must be a JSON object")
        return []
    r = Reader(doc, list_path, "", errors)
    r.check_fields(LIST_FIELDS)
    r.string("description")
    manifests = r.raw("manifests", True)
    if manifests is MISSING:
        return []
    if not isinstance(manifests, list):
        r.error("manifests", f"must be an array of paths, got "
                             f"{describe(manifests)}")
        return []
    # An empty list is valid: a build with no partitions yet gets an empty
    # table (the SPM then offers no service).
    base = os.path.dirname(list_path)
    entries, seen = [], {}
    for i, source in enumerate(manifests):
        where = f"manifests[{i}]"
        if not isinstance(source, str) or not source:
            errors.add(list_path, where, "must be a path relative to the "
                                         f"list, got {describe(source)}")
            continue
        path = os.path.normpath(os.path.join(base, source))
        key = os.path.realpath(path)
        if key in seen:
            errors.add(list_path, where, f"names the same file as "
                                         f"manifests[{seen[key]}] ({path})")
            continue
        seen[key] = i
        entries.append((path, source, where))
    return entries


def read_framework_version(r):
    value = r.raw("psa_framework_version", True)
    if value is MISSING:
        return None
    if (isinstance(value, (int, float)) and not isinstance(value, bool)
            and value in (1.0, 1.1)):
        return "1.0" if value == 1.0 else "1.1"
    r.error("psa_framework_version",
            f"must be the number 1.0 or 1.1, got {describe(value)}")
    return None


def read_partition_name(r):
    name = r.name("name", UPPER_NAME, "an upper-case C identifier "
                                      "([A-Z][A-Z0-9_]*)")
    if name in RESERVED_PARTITION_NAMES:
        r.error("name", f'"{name}" is reserved: its header '
                        f"psa_manifest/{name.lower()}.h is a generated "
                        "header of its own")
    check_not_psa_name(r, "name", name)
    return name


def check_not_psa_name(r, key, name):
    if name is not None and name.startswith("PSA_"):
        r.error(key, f'"{name}" is reserved: names beginning with PSA_ '
                     "belong to the PSA API")


def read_model_and_entry(r, framework_version):
    """The execution model (IPC only) and the entry point."""
    model = "IPC"
    if framework_version == "1.0":
        r.reject_newer_fields(FFM_1_1_PARTITION_FIELDS, framework_version)
    else:
        model = r.choice("model", ("IPC", "SFN"), default="IPC")
        if model == "SFN":
            r.error("model", "SFN model is not supported by Ward (IPC only)")
    if r.has("entry_init"):
        r.error("entry_init", "entry_init belongs to the SFN model, which "
                              "Ward does not support (IPC only)")
    return r.name("entry_point", C_IDENTIFIER, "a C identifier",
                  required=model == "IPC")


def check_platform_resources(r, platform):
    """Memory-mapped I/O and interrupts do not exist on host/emul."""
    if r.array("mmio_regions"):
        r.error("mmio_regions", "not supported on host/emul platforms")
    if r.array("irqs"):
        r.error("irqs", f"interrupts are not supported on the {platform} "
                        "platform")


def read_dependencies(r, file):
    names = []
    for i, value in enumerate(r.array("dependencies")):
        where = f"dependencies[{i}]"
        if not isinstance(value, str):
            r.errors.add(file, where, f"must be a service name, got "
                                      f"{describe(value)}")
            names.append(None)
        elif value in names:
            r.errors.add(file, where, f'duplicate dependency "{value}"')
            names.append(None)
        else:
            names.append(value)
    return names


def read_stateless_handle(r, connection_based):
    """stateless_handle: required if and only if the service is stateless."""
    if connection_based is None:
        return None
    if connection_based:
        if r.has("stateless_handle"):
            r.error("stateless_handle", "only allowed for a stateless "
                                        "service (connection_based: false)")
        return None
    value = r.raw("stateless_handle", False)
    if value is MISSING:
        r.error("stateless_handle",
                "required for a stateless service (connection_based: "
                'false): 1..32 or "auto"')
        return None
    if value == "auto" or (type(value) is int
                           and 1 <= value <= STATELESS_INDEX_MAX):
        return value
    r.error("stateless_handle", f'must be 1..{STATELESS_INDEX_MAX} or "auto", '
                                f"got {describe(value)}")
    return None


def read_service(obj, file, where, framework_version, errors):
    if not isinstance(obj, dict):
        errors.add(file, where, f"a service must be an object, got "
                                f"{describe(obj)}")
        return None
    r = Reader(obj, file, where, errors)
    r.check_fields(SERVICE_FIELDS)
    name = r.name("name", UPPER_NAME, "an upper-case C identifier "
                                      "([A-Z][A-Z0-9_]*)")
    check_not_psa_name(r, "name", name)
    sid = r.integer("sid", 1, U32_MAX, required=True, hex_string=True,
                    fmt=hex32)
    non_secure = r.boolean("non_secure_clients", False)
    version = r.integer("version", 1, U32_MAX, default=1)
    policy = r.choice("version_policy", tuple(VERSION_POLICIES),
                      default="RELAXED")
    connection_based, stateless = True, None
    if framework_version == "1.0":
        r.reject_newer_fields(FFM_1_1_SERVICE_FIELDS, framework_version)
    else:
        connection_based = r.boolean("connection_based", True)
        if r.choice("mm_iovec", ("enable", "disable")) == "enable":
            r.error("mm_iovec", "MM-IOVEC is not supported by Ward")
        stateless = read_stateless_handle(r, connection_based)
    if (connection_based is False and version is not None
            and version > STATELESS_VERSION_MAX):
        r.error("version", f"must be at most {STATELESS_VERSION_MAX} for a "
                           "stateless service: the version is encoded in 8 "
                           f"bits of its handle, got {version}")
    return Service(file, where, name, sid, version, policy, non_secure,
                   connection_based, stateless)


def read_partition(doc, file, source, platform, errors):
    if not isinstance(doc, dict):
        errors.add(file, "-", "a manifest must be a JSON object")
        return None
    r = Reader(doc, file, "", errors)
    r.check_fields(PARTITION_FIELDS)
    framework_version = read_framework_version(r)
    name = read_partition_name(r)
    partition_id = r.integer("id", 1, PARTITION_ID_MAX, required=True)
    ptype = r.choice("type", tuple(PARTITION_TYPES), required=True)
    priority = r.choice("priority", tuple(PRIORITIES), default="NORMAL")
    entry_point = read_model_and_entry(r, framework_version)
    stack = r.integer("stack_size", 1, U32_MAX, required=True,
                      hex_string=True, fmt=hex)
    heap = r.integer("heap_size", 0, U32_MAX, default=0, hex_string=True,
                     fmt=hex)
    r.string("description")
    check_platform_resources(r, platform)
    partition = Partition(file, source, framework_version, name, partition_id,
                          ptype, priority, entry_point, stack, heap)
    for i, obj in enumerate(r.array("services")):
        service = read_service(obj, file, f"services[{i}]",
                               framework_version, errors)
        if service is not None:
            service.partition = partition
        partition.services.append(service)
    partition.dependencies = read_dependencies(r, file)
    return partition


# ---------------------------------------------------------------------------
# Checks across manifests


def check_unique(items, key, describe_duplicate):
    """Report every item whose key (if not None) an earlier item has."""
    first = {}
    for item in items:
        value = key(item)
        if value is None:
            continue
        if value in first:
            describe_duplicate(item, first[value])
        else:
            first[value] = item


def check_partitions_unique(partitions, errors):
    """Partition names, IDs and entry points are unique in a table."""
    check_unique(partitions, lambda p: p.name, lambda p, q: errors.add(
        p.file, "name", f'duplicate partition name "{p.name}" '
                        f"(also in {q.file})"))
    check_unique(partitions, lambda p: p.id, lambda p, q: errors.add(
        p.file, "id", f"duplicate partition id {p.id} "
                      f"(also {q.name} in {q.file})"))
    check_unique(partitions, lambda p: p.entry_point,
                 lambda p, q: errors.add(
                     p.file, "entry_point",
                     f'"{p.entry_point}" is already the entry point of '
                     f"{q.name} in {q.file}"))


def check_services_unique(services, errors):
    """Service names and SIDs are unique in a table."""
    check_unique(services, lambda s: s.name, lambda s, t: errors.add(
        s.file, f"{s.where}.name", f'duplicate service name "{s.name}" '
                                   f"(also {t.where} in {t.file})"))
    check_unique(services, lambda s: s.sid, lambda s, t: errors.add(
        s.file, f"{s.where}.sid", f"duplicate SID {hex32(s.sid)} "
                                  f"(also {t.name} in {t.file})"))


def assign_signals(partition, errors):
    """One signal bit per service, from bit 4 upward in manifest order."""
    count = len(partition.services)
    if count > MAX_SIGNALS:
        errors.add(partition.file, "services",
                   f"{count} services, but a partition has at most "
                   f"{MAX_SIGNALS} (signal bits 4..31; bits 0-3 are reserved "
                   "for the framework and PSA_DOORBELL)")
    for position, service in enumerate(partition.services):
        if service is not None:
            service.signal_bit = FIRST_SIGNAL_BIT + position


def check_signals(partition, errors):
    """Each service signal is a distinct bit in 4..31. (Allocation above
    cannot break this; the check guards the allocator.)"""
    owners = {}
    for service in partition.services:
        if service is None or service.signal_bit >= 32:
            continue
        bit = service.signal_bit
        if not FIRST_SIGNAL_BIT <= bit < 32:
            errors.add(service.file, f"{service.where}.name",
                       f"signal bit {bit} is reserved for the framework")
        elif bit in owners:
            errors.add(service.file, f"{service.where}.name",
                       f"duplicate signal (1u << {bit}) (also "
                       f"{owners[bit].name})")
        else:
            owners[bit] = service


def assign_stateless_handles(services, errors):
    """Explicit indexes first, then "auto" takes the lowest free index, in
    table order."""
    taken = {}
    for service in services:
        index = service.stateless_handle
        if isinstance(index, int):
            if index in taken:
                other = taken[index]
                errors.add(service.file, f"{service.where}.stateless_handle",
                           f"duplicate stateless handle {index} (also "
                           f"{other.name} in {other.file})")
            else:
                taken[index] = service
    free = [i for i in range(1, STATELESS_INDEX_MAX + 1) if i not in taken]
    for service in services:
        if service.stateless_handle != "auto":
            continue
        if not free:
            errors.add(service.file, f"{service.where}.stateless_handle",
                       f"no free stateless handle: all {STATELESS_INDEX_MAX} "
                       "are in use")
            service.stateless_handle = None
            continue
        service.stateless_handle = free.pop(0)


def resolve_dependencies(partitions, services, errors):
    """Each dependency names a service of another partition; record its
    index in the services array."""
    by_name = {s.name: s for s in services if s.name is not None}
    for p in partitions:
        for i, name in enumerate(p.dependencies):
            if name is None:
                continue
            target = by_name.get(name)
            if target is None:
                errors.add(p.file, f"dependencies[{i}]",
                           f'unknown service "{name}"')
            elif target.partition is p:
                errors.add(p.file, f"dependencies[{i}]",
                           f'"{name}" is a service of this partition')
            else:
                p.dependency_indexes.append((i, target))


def check_dependency_cycles(partitions, errors):
    """A partition must not, through its dependencies, end up calling
    itself. Each cycle is reported once, at the partition where the search
    first closed it."""
    path, done, reported = [], set(), set()

    def visit(p):
        path.append(p)
        for _, target in p.dependency_indexes:
            q = target.partition
            if q in path:
                report(path[path.index(q):])
            elif q not in done:
                visit(q)
        path.pop()
        done.add(p)

    def report(cycle):
        key = frozenset(cycle)
        if key in reported:
            return
        reported.add(key)
        hops = []  # (dependency index, service) from each partition on
        for p, q in zip(cycle, cycle[1:] + cycle[:1]):
            hops.append(next((i, t) for i, t in p.dependency_indexes
                             if t.partition is q))
        chain = " -> ".join(p.label for p in cycle + cycle[:1])
        via = ", ".join(t.name for _, t in hops)
        errors.add(cycle[0].file, f"dependencies[{hops[0][0]}]",
                   f"dependency cycle: {chain} (via {via})")

    for p in partitions:
        if p not in done:
            visit(p)


def build_table(partitions, errors):
    """Run every cross-manifest check; return the partitions in table order
    (sorted by id) with services and dependencies indexed."""
    check_partitions_unique(partitions, errors)
    ordered = sorted(partitions, key=lambda p: (p.id is None, p.id or 0,
                                                p.list_position))
    services = []
    for p in ordered:
        assign_signals(p, errors)
        check_signals(p, errors)
        services.extend(s for s in p.services if s is not None)
    for index, service in enumerate(services):
        service.index = index
        service.partition_index = ordered.index(service.partition)
    check_services_unique(services, errors)
    assign_stateless_handles(services, errors)
    resolve_dependencies(ordered, services, errors)
    check_dependency_cycles(ordered, errors)
    return ordered, services


# ---------------------------------------------------------------------------
# Output


def stateless_handle_value(index, version):
    """WARD_STATELESS_HANDLE(index, version) in spm/core/partition_desc.h."""
    return STATELESS_HANDLE_FLAG | (version << 8) | (index - 1)


def banner(path, list_name, what):
    return (f"/* {path}: {what}\n"
            " * Generated by tools/manifest/ward_manifest.py from "
            f"{list_name};\n * do not edit. */\n")


def render_sid_header(partitions, list_name):
    lines = [banner("psa_manifest/sid.h", list_name,
                    "the SID and version of every RoT service, and the\n"
                    " * handle of every stateless service."),
             "#ifndef PSA_MANIFEST_SID_H", "#define PSA_MANIFEST_SID_H", "",
             '#include "psa/client.h"']
    for p in partitions:
        if not p.services:
            continue
        lines += ["", f"/* {p.name} ({p.source}) */"]
        for s in p.services:
            lines.append(f"#define {s.name}_SID {hex32(s.sid)}u")
            lines.append(f"#define {s.name}_VERSION {s.version}u")
            if not s.connection_based:
                handle = stateless_handle_value(s.stateless_handle, s.version)
                lines.append(f"#define {s.name}_HANDLE "
                             f"((psa_handle_t)0x{handle:08X})")
    lines += ["", "#endif /* PSA_MANIFEST_SID_H */", ""]
    return "\n".join(lines)


def render_pid_header(partitions, list_name):
    lines = [banner("psa_manifest/pid.h", list_name,
                    "the ID of every partition."),
             "#ifndef PSA_MANIFEST_PID_H", "#define PSA_MANIFEST_PID_H", ""]
    lines += [f"#define {p.name}_ID {p.id}" for p in partitions]
    lines += ["", "#endif /* PSA_MANIFEST_PID_H */", ""]
    return "\n".join(lines)


def render_partition_header(p, list_name):
    guard = f"PSA_MANIFEST_{p.name}_H"
    lines = [banner(f"psa_manifest/{p.header_name}", list_name,
                    f"partition {p.name} ({p.source}):\n"
                    " * its service signals and its entry point."),
             f"#ifndef {guard}", f"#define {guard}", "",
             '#include "psa/service.h"', "",
             "#ifdef __cplusplus", 'extern "C" {', "#endif", ""]
    for s in p.services:
        lines.append(f"#define {s.name}_SIGNAL (1u << {s.signal_bit})")
    if p.services:
        lines.append("")
    lines += [f"void {p.entry_point}(void);", "",
              "#ifdef __cplusplus", "}", "#endif", "",
              f"#endif /* {guard} */", ""]
    return "\n".join(lines)


def render_service(s):
    return [
        f"    [{s.index}] = {{",
        f'        .name = "{s.name}",',
        f"        .sid = {s.name}_SID,",
        f"        .version = {s.name}_VERSION,",
        f"        .version_policy = {VERSION_POLICIES[s.version_policy]},",
        f"        .non_secure_clients = {str(s.non_secure_clients).lower()},",
        f"        .connection_based = {str(s.connection_based).lower()},",
        f"        .stateless_index = {s.stateless_handle or 0}u,",
        f"        .signal = {s.name}_SIGNAL,",
        f"        .partition = {s.partition_index}u,",
        "    },",
    ]


def render_partition(p, index, first_service, table):
    signals = " | ".join(f"{s.name}_SIGNAL" for s in p.services) or "0u"
    deps = (f"{table}_{p.name.lower()}_dependencies"
            if p.dependency_indexes else "NULL")
    return [
        f"    [{index}] = {{",
        f'        .name = "{p.name}",',
        f"        .id = {p.id},",
        f"        .type = {PARTITION_TYPES[p.type]},",
        f"        .priority = {PRIORITIES[p.priority]},",
        f"        .entry_point = {p.entry_point},",
        f"        .stack_size = 0x{p.stack_size:X}u,",
        f"        .heap_size = 0x{p.heap_size:X}u,",
        f"        .first_service = {first_service}u,",
        f"        .service_count = {len(p.services)}u,",
        f"        .dependencies = {deps},",
        f"        .dependency_count = {len(p.dependency_indexes)}u,",
        f"        .service_signals = {signals},",
        "    },",
    ]


def render_table(partitions, services, table, list_name):
    lines = [banner(f"{table}.c", list_name, f"the partition table {table}."),
             "#include <stddef.h>", "#include <stdint.h>", "",
             '#include "partition_desc.h"', '#include "psa_manifest/sid.h"']
    lines += [f'#include "psa_manifest/{p.header_name}"' for p in partitions]
    lines += ["", f"extern const struct ward_partition_table {table};", ""]
    if services:
        lines.append("static const struct ward_service_desc "
                     f"{table}_services[] = {{")
        for s in services:
            lines += render_service(s)
        lines += ["};", ""]
    for p in partitions:
        if p.dependency_indexes:
            indexes = ", ".join(f"{t.index}u" for _, t in p.dependency_indexes)
            names = ", ".join(t.name for _, t in p.dependency_indexes)
            lines += [f"/* {p.name}: {names} */",
                      f"static const uint16_t {table}_{p.name.lower()}"
                      f"_dependencies[] = {{{indexes}}};", ""]
    if partitions:
        lines.append("static const struct ward_partition_desc "
                     f"{table}_partitions[] = {{")
        first = 0
        for index, p in enumerate(partitions):
            lines += render_partition(p, index, first, table)
            first += len(p.services)
        lines += ["};", ""]
    services_array = f"{table}_services" if services else "NULL"
    partitions_array = f"{table}_partitions" if partitions else "NULL"
    lines += [f"const struct ward_partition_table {table} = {{",
              f'    .name = "{table}",',
              f"    .partitions = {partitions_array},",
              f"    .partition_count = {len(partitions)}u,",
              f"    .services = {services_array},",
              f"    .service_count = {len(services)}u,",
              "};", ""]
    return "\n".join(lines)


def render_outputs(partitions, services, table, list_name):
    """Every output file: relative path -> content."""
    files = {
        "psa_manifest/sid.h": render_sid_header(partitions, list_name),
        "psa_manifest/pid.h": render_pid_header(partitions, list_name),
    }
    for p in partitions:
        files[f"psa_manifest/{p.header_name}"] = render_partition_header(
            p, list_name)
    files[f"{table}.c"] = render_table(partitions, services, table, list_name)
    return files


def write_if_changed(path, content):
    """Write content unless the file already holds exactly it. Returns
    whether it wrote."""
    data = content.encode("utf-8")
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return False
    except FileNotFoundError:
        pass
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return True


# ---------------------------------------------------------------------------
# Command line


def load_partitions(list_path, platform, errors):
    partitions = []
    for position, (path, source, where) in enumerate(
            read_manifest_list(list_path, errors)):
        doc = load_json(path, errors, unreadable_at=(list_path, where))
        if doc is None:
            continue
        p = read_partition(doc, path, source, platform, errors)
        if p is not None:
            p.list_position = position
            partitions.append(p)
    return partitions


def generate(list_path, table, platform, errors):
    """Validate everything; return {relative path: content}, or None."""
    if table is not None and not C_IDENTIFIER.match(table):
        errors.add(COMMAND_LINE, "--table",
                   f"{json.dumps(table)} is not a C identifier")
    partitions = load_partitions(list_path, platform, errors)
    ordered, services = build_table(partitions, errors)
    if errors:
        return None
    return render_outputs(ordered, services, table or "table",
                          os.path.basename(list_path))


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"{COMMAND_LINE}: -: {message}", file=sys.stderr)
        sys.exit(1)


def main(argv=None):
    parser = _Parser(description="Generate Ward's partition table and "
                                 "psa_manifest headers from FF-M manifests.")
    parser.add_argument("--list", required=True,
                        help="manifest list (JSON)")
    parser.add_argument("--out", help="output directory")
    parser.add_argument("--table", help="C name of the partition table")
    parser.add_argument("--platform", choices=PLATFORMS, default="host")
    parser.add_argument("--check", action="store_true",
                        help="validate only, write nothing")
    args = parser.parse_args(argv)

    errors = Errors()
    if not args.check:
        for option in ("out", "table"):
            if getattr(args, option) is None:
                errors.add(COMMAND_LINE, f"--{option}",
                           "required unless --check")
    files = generate(args.list, args.table, args.platform, errors)
    if errors:
        for line in errors.lines:
            print(line, file=sys.stderr)
        return 1
    if args.check:
        return 0
    try:
        for rel in sorted(files):
            write_if_changed(os.path.join(args.out, rel), files[rel])
    except OSError as e:
        print(f"{args.out}: -: cannot write: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
