#!/bin/sh
# The main command: --version, --help, unknown commands.
. "$(dirname "$0")/lib.sh"
$SCALELAB --version | grep -Eq '^scalelab .+' || fail "--version"
$SCALELAB --help | grep -q 'compare' || fail "--help lacks compare"
for c in compare curve plan; do
    $SCALELAB $c --help | grep -q -- '--catalog' || fail "$c --help lacks --catalog"
done
bad_input "unknown command 'frobnicate'" $SCALELAB frobnicate
$SCALELAB >/dev/null 2>&1; [ $? -eq 2 ] || fail "no command should exit 2"
finish
