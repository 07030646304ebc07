#!/bin/sh
# `plan`: the whole plan with its arithmetic, and JSON.
. "$(dirname "$0")/lib.sh"
golden 1004-plan-100k.out $SCALELAB plan --load 100k
golden 1004-plan-memory.out $SCALELAB plan --load 20k --state memory --catalog cloud
golden 1004-plan-store.out $SCALELAB plan --load 50k --state store --spares 2n
golden 1004-plan-sharded.out $SCALELAB plan --load 2M --read-fraction 0.5 --db-queries 4
$SCALELAB plan --load 100k --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
h = d["app"]["horizontal"]
assert h["servers"] == h["needed"] + h["spares"], h
assert d["app"]["database"]["boxes"] >= 1
assert d["app"]["horizontal"]["meets_target"] is True, h
b = h["bill"]
assert abs(b["total_usd"] - (b["servers_usd"] + b["lb_usd"] + b["store_usd"] + b["database_usd"])) < 1e-6, b
' || fail "plan --json"
finish
