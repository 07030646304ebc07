#!/bin/sh
# `make install DESTDIR=...` and `make uninstall`: exactly the documented files, and a program
# built against the installed library with pkg-config that plans a load.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v pkg-config >/dev/null || { echo "SKIP: pkg-config not installed"; exit 77; }
dest=$tmp/root
make -s -C "$root" install DESTDIR="$dest" PREFIX=/usr/local >"$tmp/out" 2>&1 ||
    { fail "make install: $(tail -5 "$tmp/out")"; finish; }
(cd "$dest" && find . -type f | sort) >"$tmp/files"
for f in ./usr/local/bin/scalelab ./usr/local/lib/libscalelab.a \
         ./usr/local/include/scalelab/scalelab.h ./usr/local/lib/pkgconfig/scalelab.pc \
         ./usr/local/share/man/man1/scalelab.1 \
         ./usr/local/share/bash-completion/completions/scalelab; do
    grep -qx "$f" "$tmp/files" || fail "make install did not install $f"
done
other=$(grep -v -e '^./usr/local/include/scalelab/[a-z]*\.h$' -e bin/scalelab \
        -e libscalelab.a -e scalelab.pc -e man1/scalelab.1 -e completions/scalelab "$tmp/files")
[ -z "$other" ] || fail "make install installed more: $other"
[ -x "$dest/usr/local/bin/scalelab" ] || fail "the installed binary is not executable"
"$dest/usr/local/bin/scalelab" --version | grep -q '^scalelab ' || fail "installed --version"

# a 20-line program against the installed library, found by pkg-config
cat >"$tmp/plan.c" <<'C'
#include <stdio.h>
#include <scalelab/scalelab.h>

int main(void)
{
    struct sl_catalog *cat = NULL;
    struct sl_workload w;
    struct sl_comparison cmp;
    char err[SL_ERR_LEN];

    sl_workload_init(&w);
    if (sl_catalog_builtin("teaching", &cat, err, sizeof(err)) != SL_OK ||
        sl_plan_compare(cat, &w, 100000.0, &cmp, err, sizeof(err)) != SL_OK) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    printf("%ld\n", cmp.horizontal.servers);
    sl_catalog_free(cat);
    return 0;
}
C
export PKG_CONFIG_PATH="$dest/usr/local/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
flags=$(pkg-config --cflags --libs scalelab) || fail "pkg-config does not know scalelab"
# shellcheck disable=SC2086
cc -std=c11 -o "$tmp/plan" "$tmp/plan.c" $flags 2>"$tmp/cc.err" ||
    fail "a program does not build against the installed library: $(head -5 "$tmp/cc.err")"
# 100K req/s on the teaching catalog: the same fleet as the command line's, spares included
got=$("$tmp/plan")
want=$($SCALELAB compare 100k --json | python3 -c 'import json,sys
print(json.load(sys.stdin)["rows"][0]["horizontal"]["servers"])')
[ "$got" = "$want" ] && [ "$got" -gt 1 ] || fail "installed library planned $got servers, scalelab says $want"

make -s -C "$root" uninstall DESTDIR="$dest" PREFIX=/usr/local || fail "make uninstall"
left=$(cd "$dest" && find . -type f)
[ -z "$left" ] || fail "make uninstall left: $left"
finish
