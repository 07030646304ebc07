#!/bin/sh
# `compare --json` and `--csv` on both catalogs.
. "$(dirname "$0")/lib.sh"
golden 1002-compare.json $SCALELAB compare --json
golden 1002-compare-cloud.csv $SCALELAB compare --csv --catalog cloud 1k 10k 100k 500k 1m
# loads in any accepted form give the same document
$SCALELAB compare --json 1000 1e4 0.1M >"$tmp/a" || fail "plain loads"
$SCALELAB compare --json 1k 10k 100k >"$tmp/b" || fail "suffixed loads"
cmp -s "$tmp/a" "$tmp/b" || fail "1000/1e4/0.1M and 1k/10k/100k differ"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/a" || fail "invalid JSON"
finish
