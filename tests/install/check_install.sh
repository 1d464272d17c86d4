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
for f in sbin/wardd bin/ward include/psa/client.h include/ward/client.h \
         include/psa/internal_trusted_storage.h include/psa/storage_common.h; do
  [ -e "$tmp/prefix/$f" ] || { echo "$f not installed" >&2; exit 1; }
done
# The same source against each library: only the link line differs.
for lib in emul client; do
  # shellcheck disable=SC2046
  cc -std=c11 -Wall -Wextra -Werror "$src/tests/install/app.c" \
     $(pkg-config --cflags --libs ward-$lib) -o "$tmp/app-$lib"
  libdir=$(pkg-config --variable=libdir ward-$lib)
  [ -e "$libdir/libward-$lib.so.0" ] || { echo "libward-$lib.so.0 missing" >&2; exit 1; }
  WARD_SOCKET="$tmp/no-daemon" LD_LIBRARY_PATH="$libdir" "$tmp/app-$lib" $lib 2>/dev/null
done
