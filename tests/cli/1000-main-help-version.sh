#!/bin/sh
# The main command: --version, --help, unknown commands.
. "$(dirname "$0")/lib.sh"
$SCALELAB --version | grep -Eq '^scalelab .+' || fail "--version"
$SCALELAB --help | grep -q 'compare' || fail "--help lacks compare"
for c in compare curve plan; do
    $SCALELAB $c --help | grep -q -- '--catalog' || fail "$c --help lacks --catalog"
done
# each command lists only the shared flags it uses
$SCALELAB simulate --help | grep -q -- '--catalog' && fail "simulate --help lists --catalog"
$SCALELAB queue --help | grep -q -- '--spares' && fail "queue --help lists --spares"
bad_input "unknown option '--catalog'" $SCALELAB simulate --load 1k --service-ms 1 --catalog cloud
bad_input "unknown command 'frobnicate'" $SCALELAB frobnicate
$SCALELAB >/dev/null 2>&1; [ $? -eq 2 ] || fail "no command should exit 2"
finish
