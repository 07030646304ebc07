#!/bin/sh
# `simulate`: reproducible runs, the JSON contract, the state model, and bad input.
. "$(dirname "$0")/lib.sh"
args="--servers 1 --cores 4 --load 3600 --service-ms 1 --requests 300k --seed 7 --no-progress"
$SCALELAB simulate $args --json >"$tmp/a" || fail "simulate --json"
$SCALELAB simulate $args --json >"$tmp/b" || fail "simulate --json (again)"
cmp -s "$tmp/a" "$tmp/b" || fail "same seed gave different output"
python3 - "$tmp/a" <<'PY' || fail "simulate JSON contract or M/M/4 mean wait"
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("seed", "offered", "completed", "dropped", "timed_out", "throughput_rps", "response_s",
          "wait_s", "servers", "state", "series"):
    assert k in d, k
r = d["response_s"]
for k in ("mean", "p50", "p90", "p99", "p999", "mean_ci95"):
    assert k in r, k
# M/M/4 at rho 0.9, mean wait 1.969383 ms (Erlang C): within 5 % on 300k requests
assert abs(d["wait_s"]["mean"] / 0.001969383 - 1) < 0.05, d["wait_s"]["mean"]
assert d["offered"] == 300000
PY
$SCALELAB simulate --servers 4 --load 3000 --service-ms 1 --requests 100k --state memory \
    --no-progress --json | python3 -c '
import json, sys
s = json.load(sys.stdin)["state"]
assert abs(s["lost_fraction"] - 0.75) < 0.02, s
' || fail "memory + rr should lose (N-1)/N"
$SCALELAB simulate --servers 4 --load 3000 --service-ms 1 --requests 100k --state token \
    --no-progress | grep -q "Little's law" || fail "text report"
# locks in app memory are per server: the same seat is booked twice; in a store, never
$SCALELAB simulate --servers 4 --load 2800 --service-ms 1 --requests 100k --state memory \
    --lock-fraction 0.3 --lock-keys 50 --no-progress --json | python3 -c '
import json, sys
assert json.load(sys.stdin)["state"]["lock_violations"] > 0
' || fail "memory locks should double-book"
$SCALELAB simulate --servers 4 --load 2800 --service-ms 1 --requests 100k --state store \
    --lock-fraction 0.3 --lock-keys 50 --no-progress --json | python3 -c '
import json, sys
assert json.load(sys.stdin)["state"]["lock_violations"] == 0
' || fail "store locks should never double-book"
bad_input "invalid --lock-fraction '2'" $SCALELAB simulate --load 1k --service-ms 1 --lock-fraction 2
bad_input "invalid --servers '0'" $SCALELAB simulate --servers 0 --load 1k --service-ms 1
bad_input "invalid --service-ms '-2'" $SCALELAB simulate --load 1k --service-ms -2
bad_input "missing --service-ms" $SCALELAB simulate --load 1k
bad_input "missing --load" $SCALELAB simulate --service-ms 1
bad_input "invalid --cv '50'" $SCALELAB simulate --load 1k --service-ms 1 --dist gamma --cv 50
bad_input "invalid --lb 'fastest'" $SCALELAB simulate --load 1k --service-ms 1 --lb fastest
bad_input "invalid failure spec '2@x'" $SCALELAB simulate --load 1k --service-ms 1 --fail 2@x
bad_input "invalid --dist 'weibull'" $SCALELAB simulate --load 1k --service-ms 1 --dist weibull
bad_input "invalid --requests '1.5'" $SCALELAB simulate --load 1k --service-ms 1 --requests 1.5
finish
