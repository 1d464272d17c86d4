#!/bin/sh
# check_install.sh BUILD_DIR SOURCE_DIR: install Ward into a private prefix
# and build an application against it with pkg-config alone, as a user would.
set -eu
build=$1
src=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ward-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
pc=$(find "$tmp/prefix" -name ward-emul.pc)
[ -n "$pc" ] || { echo "ward-emul.pc not installed" >&2; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror "$src/tests/install/app.c" \
   $(pkg-config --cflags --libs ward-emul) -o "$tmp/app"
libdir=$(pkg-config --variable=libdir ward-emul)
[ -e "$libdir/libward-emul.so.0" ] || { echo "soname link missing" >&2; exit 1; }
LD_LIBRARY_PATH="$libdir" "$tmp/app"
