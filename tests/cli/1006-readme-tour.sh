#!/bin/sh
# The README's tour shows real output: every `$ scalelab ...` block equals what the command prints.
. "$(dirname "$0")/lib.sh"
cd "$here/../.." || exit 1
python3 scripts/readme-blocks check "$SCALELAB" README.md >"$tmp/out" 2>&1 ||
    { cat "$tmp/out"; fail "README blocks differ from the output (scripts/readme-blocks update)"; }
finish
