#!/bin/sh
# `queue`: M/M/c, M/M/c/K and closed numbers (reference/queueing.md section 2), JSON and bad input.
. "$(dirname "$0")/lib.sh"

# M/M/4, lambda = 3.6, mu = 1: P(wait) = 0.787753, Wq = 1.969383 s
$SCALELAB queue --servers 4 --service-ms 1000 --load 3.6 >"$tmp/out" 2>"$tmp/err" ||
    fail "M/M/4 exited nonzero: $(cat "$tmp/err")"
grep -q "P(wait)         78.78%" "$tmp/out" || fail "M/M/4 P(wait)"
grep -q "mean wait       1.969 s" "$tmp/out" || fail "M/M/4 mean wait"
grep -q "99.9%              250.4x" "$tmp/out" || fail "M/M/4 table row at 99.9%"
grep -q "100.0%           unbounded" "$tmp/out" || fail "M/M/4 table row at 100%"

# --utilization and --cpu-ms give the same document as --load and --service-ms
$SCALELAB queue --servers 4 --cpu-ms 1000 --utilization 0.9 --json >"$tmp/a" || fail "util"
$SCALELAB queue --servers 4 --service-ms 1000 --load 3.6 --json >"$tmp/b" || fail "load"
cmp -s "$tmp/a" "$tmp/b" || fail "--utilization 0.9 and --load 3.6 differ"

# the whole JSON document of M/M/4/8 at lambda = 5 (P_block = 0.251240, X = 3.743801)
$SCALELAB queue --servers 4 --service-ms 1000 --load 5 --queue 8 --json >"$tmp/out" ||
    fail "M/M/4/8 exited nonzero"
python3 - "$tmp/out" <<'PY' || fail "M/M/4/8 JSON"
import json, sys
d = json.load(open(sys.argv[1]))
keys = ["model", "servers", "utilization", "stable", "p_wait", "mean_wait_s", "mean_response_s",
        "p99_wait_s", "p99_response_s", "drop_probability", "throughput_rps", "table"]
assert list(d)[:11] == keys[:11], list(d)
assert d["model"] == "M/M/c/K" and d["servers"] == 4 and d["queue_capacity"] == 8
assert abs(d["drop_probability"] - 0.251240) < 5e-7 and abs(d["throughput_rps"] - 3.743801) < 5e-7
assert d["stable"] is True and d["users"] is None and d["think_s"] is None
assert len(d["table"]) == 10 and d["table"][9]["utilization"] == 1.25
assert all(r["response_multiple"] is not None for r in d["table"])
PY

# unstable open queue: not an error; nulls in JSON
$SCALELAB queue --servers 2 --service-ms 5 --utilization 1.2 --json >"$tmp/out" ||
    fail "unstable queue exited nonzero"
python3 - "$tmp/out" <<'PY' || fail "unstable JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["stable"] is False and d["mean_response_s"] is None and d["p99_wait_s"] is None
assert d["table"][7]["response_multiple"] is None and d["table"][7]["drop_probability"] == 0
PY
$SCALELAB queue --servers 2 --service-ms 5 --utilization 1.2 | grep -q "stable          NO" ||
    fail "unstable text"

# closed machine-repairman station, N = 50, m = 8, S = 0.05, Z = 0.5: X = 90.740144
$SCALELAB queue --servers 8 --service-ms 50 --users 50 --think 0.5 --json >"$tmp/out" ||
    fail "closed exited nonzero"
python3 - "$tmp/out" <<'PY' || fail "closed JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["model"] == "closed" and d["users"] == 50 and d["table"] is None
assert abs(d["throughput_rps"] - 90.740144) < 5e-7 and d["load_rps"] is None
PY
$SCALELAB queue --servers 80 --service-ms 444 --users 100000 --think 0.2 >/dev/null ||
    fail "closed with 100,000 users"

bad_input "missing --servers" $SCALELAB queue --load 100
bad_input "invalid --servers '0'" $SCALELAB queue --servers 0 --load 100
bad_input "invalid --servers '-2'" $SCALELAB queue --servers -2 --load 100
bad_input "invalid --servers '2.5'" $SCALELAB queue --servers 2.5 --load 100
bad_input "invalid --service-ms '-1'" $SCALELAB queue --servers 2 --service-ms -1 --load 100
bad_input "invalid --service-ms '0'" $SCALELAB queue --servers 2 --service-ms 0 --load 100
bad_input "invalid --cpu-ms '-3'" $SCALELAB queue --servers 2 --cpu-ms -3 --load 100
bad_input "invalid --load '0'" $SCALELAB queue --servers 2 --load 0
bad_input "invalid --load 'abc'" $SCALELAB queue --servers 2 --load abc
bad_input "invalid --utilization '-0.5'" $SCALELAB queue --servers 2 --utilization -0.5
bad_input "invalid --utilization 'x'" $SCALELAB queue --servers 2 --utilization x
bad_input "missing --load or --utilization" $SCALELAB queue --servers 2
bad_input "cannot be combined" $SCALELAB queue --servers 2 --load 10 --utilization 0.5
bad_input "invalid --queue '3'" $SCALELAB queue --servers 4 --load 10 --queue 3
bad_input "invalid --queue '0'" $SCALELAB queue --servers 4 --load 10 --queue 0
bad_input "missing --think" $SCALELAB queue --servers 4 --users 10
bad_input "--think needs --users" $SCALELAB queue --servers 4 --load 10 --think 1
bad_input "invalid --think '-1'" $SCALELAB queue --servers 4 --users 10 --think -1
bad_input "invalid --users '0'" $SCALELAB queue --servers 4 --users 0 --think 1
bad_input "--users cannot be combined" $SCALELAB queue --servers 4 --users 10 --think 1 --load 5
bad_input "unexpected argument 'extra'" $SCALELAB queue --servers 4 --load 10 extra
# a network of stations. Open (Jackson): db gets 2 x 500 req/s on 2 servers of 1.5 ms, an M/M/2
# at rho 0.75, W = S / (1 - rho^2) = 1.5 ms / 0.4375 = 3.428571 ms; app is an M/M/8 at rho 0.25.
S3="--station lb:1:0.05 --station app:8:4 --station db:2:1.5:2"
$SCALELAB queue $S3 --load 500 >"$tmp/out" 2>"$tmp/err" || fail "open network: $(cat "$tmp/err")"
grep -q "^Open network: 500 req/s offered, 3 stations" "$tmp/out" || fail "open network header"
grep -Eq "^  db +2 +1.5 ms +2 +3 ms +75.0% +3.429 +3.429 ms +6.857 ms" "$tmp/out" ||
    fail "open network db row: $(cat "$tmp/out")"
grep -q "bottleneck      db: 3 ms of service per request on 2 servers saturates at 666.7" \
    "$tmp/out" || fail "open network bottleneck"
grep -q "bound: at least 7.05 ms" "$tmp/out" || fail "open network response bound (sum of D)"
$SCALELAB queue $S3 --load 500 --json | python3 -c '
import json, sys
close = lambda a, b: abs(a - b) <= 1e-9 * abs(b)  # JSON carries 10 significant digits
d = json.load(sys.stdin)
assert d["model"] == "open network" and d["bottleneck"] == "db" and d["stable"] is True
db = d["stations"][2]
assert close(db["response_s"], 0.0015 / (1 - 0.75 ** 2)), db
assert close(db["residence_s"], 2 * db["response_s"])
assert close(d["response_s"], sum(s["residence_s"] for s in d["stations"]))
assert close(d["bounds"]["max_throughput_rps"], 2 / 0.003)
' || fail "open network JSON"
$SCALELAB queue $S3 --load 500 --csv >"$tmp/out" || fail "open network CSV"
head -1 "$tmp/out" | grep -q "^station,servers,service_s,visits,demand_s," || fail "network CSV head"
[ "$(wc -l <"$tmp/out")" -eq 4 ] || fail "network CSV rows"
$SCALELAB queue $S3 --load 700 | grep -q "stable          NO: db cannot keep up" ||
    fail "overloaded open network"
# closed (exact MVA, reference section 2): Z = 1, D = (0.001, 0.005, 0.008), N = 100: X = 96.007680
$SCALELAB queue --station a:1:1 --station b:1:5 --station c:1:8 --users 100 --think 1 --json |
    python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["model"] == "closed network" and d["users"] == 100 and d["load_rps"] is None
assert abs(d["throughput_rps"] - 96.007680) < 5e-7, d["throughput_rps"]
assert d["bottleneck"] == "c" and abs(d["bounds"]["max_throughput_rps"] - 96.007680) > 1
' || fail "closed network JSON"
$SCALELAB queue --station a:1:1 --station b:1:5 --station c:1:8 --users 1000 --think 1 |
    grep -q "throughput      125 req/s (bound: at most 125)" || fail "closed network at its bound"
bad_input "invalid servers '0' of station 'db'" $SCALELAB queue --station db:0:1 --load 1
bad_input "invalid service time '-2' ms" $SCALELAB queue --station db:1:-2 --load 1
bad_input "invalid visits '0'" $SCALELAB queue --station db:1:1:0 --load 1
bad_input "invalid station 'db'" $SCALELAB queue --station db --load 1
bad_input "unexpected argument 'b:1:1'" $SCALELAB queue --station a:1:1 b:1:1 --load 1
bad_input "--station cannot be combined" $SCALELAB queue --station a:1:1 --servers 2 --load 1
bad_input "missing --load" $SCALELAB queue --station a:1:1
bad_input "missing --think" $SCALELAB queue --station a:1:1 --users 3
bad_input "network too large" $SCALELAB queue --station a:1000000:1 --users 200000 --think 1
many=""
for i in $(seq 65); do many="$many --station s$i:1:1"; done
bad_input "too many --station ('s65:1:1'; at most 64)" $SCALELAB queue $many --load 1

# the response-time multiple at the requested load: M/M/1 at rho 0.9 has W = 10 S (reference)
$SCALELAB queue --servers 1 --service-ms 1000 --load 0.9 --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert abs(d["response_multiple"] - 10) < 1e-9, d["response_multiple"]
' || fail "response_multiple of M/M/1 at 0.9"
finish
