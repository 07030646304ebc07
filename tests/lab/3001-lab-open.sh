#!/bin/sh
# `lab --rate`: an open loop of arrivals whatever the answers, latency from each intended send
# time. A modest uniform rate is reached (every arrival sent, each second's count near the rate)
# and the report says open loop; overloaded, the open loop's p99 is far above a closed loop's on
# the same backend, which waits for answers and so hides the queue (coordinated omission);
# --find-limit finds a limit between bounds set by the CPU budget, with the M/M/c model's beside
# it; --expect exits 0 when every threshold held, 3 naming the one that did not, 2 when
# malformed. Cases needing root and a CPU cgroup are skipped without them, not the file.
. "$(dirname "$0")/lib.sh"

# lab NAME ARGS...: `scalelab lab --state token ARGS` into $tmp/NAME.out and .err; sets st
lab() {
    name=$1
    shift
    $SCALELAB lab --state token "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    st=$?
    grep -q "AddressSanitizer\|runtime error\|LeakSanitizer" "$tmp/$name.err" &&
        fail "lab $name: sanitizer report: $(head -20 "$tmp/$name.err")"
    [ -z "$(ls -A "$runs")" ] || fail "lab $name left files: $(ls -A "$runs")"
}

# lab_ok NAME ARGS...: as lab, and it must exit 0
lab_ok() {
    lab "$@"
    [ $st -eq 0 ] || fail "lab $1 exited $st: $(tail -5 "$tmp/$1.err")"
}

if needs "open loop" haproxy python3; then
    # ---- a modest rate, uniform: 2 s at 200 req/s are 400 arrivals, 200 in each second ----
    lab_ok uniform --json --backends 2 --rate 200 --arrivals uniform --duration 2
    json_check "$tmp/uniform.out" 'd["loop"] == "open" and d["load"]["loop"] == "open"' \
        'd["load"]["arrivals"] == "uniform" and d["load"]["rate_rps"] == 200' \
        'd["load"]["sent"] == 400 and d["load"]["unsent"] == 0 and d["requests"] == 400' \
        'abs(d["load"]["rate_reached_rps"] - 200) <= 6' \
        'all(abs(s["requests"] - 200) <= 10 for s in d["per_second"][:2])' \
        'd["errors"] == 0 and 1 <= d["load"]["connections"] <= 256' \
        'd["load"]["cap_hit"] is False and d["load"]["connection_cap"] == 256'
    # Poisson: the count is random, 400 +- 5 standard deviations (sqrt 400 = 20)
    lab_ok poisson --backends 2 --rate 200 --duration 2
    grep -q '^  load             open loop: .* req/s sent of 200 asked (poisson arrivals)' \
        "$tmp/poisson.out" || fail "text report: no open-loop line: $(head -5 "$tmp/poisson.out")"
    grep -q '^scalelab lab: state token, round robin, 2 backends, open loop 200 req/s' \
        "$tmp/poisson.out" || fail "text report header: $(head -1 "$tmp/poisson.out")"
    n=$(sed -n 's/^  requests *\([0-9,]*\) .*/\1/p' "$tmp/poisson.out" | tr -d ,)
    [ "${n:-0}" -ge 300 ] && [ "${n:-0}" -le 500 ] ||
        fail "poisson: $n requests, expected 400 +- 100"
    # --seed: the same seed is the same Poisson schedule, so (every arrival sent) the same count
    # of arrivals, which two schedules of different seeds share only by a ~2 % chance
    for run in seed1 seed2; do
        lab_ok "$run" --json --backends 1 --rate 300 --duration 1 --seed 42
    done
    python3 - "$tmp/seed1.out" "$tmp/seed2.out" <<'PY' ||
import json, sys
a, b = (json.load(open(f))["load"] for f in sys.argv[1:])
assert a["seed"] == b["seed"] == 42, (a["seed"], b["seed"])
assert a["unsent"] == b["unsent"] == 0 and a["sent"] == b["sent"], (a["sent"], b["sent"])
PY
        fail "--seed does not repeat the schedule: $(grep -h '"sent"' "$tmp"/seed?.out)"
    lab_ok closed --backends 1 --users 2 --duration 0.5
    grep -q '^  load             closed loop: 2 users' "$tmp/closed.out" ||
        fail "text report: no closed-loop line: $(head -5 "$tmp/closed.out")"
fi

# ---- can this machine give budgets? (root and a CPU cgroup) ----
budgets=""
if needs "open loop with budgets" haproxy python3; then
    lab probe --backends 1 --users 2 --duration 0.2 --cpu-per-backend 0.1
    if [ $st -eq 0 ]; then
        budgets=y
    else
        echo "SKIP open loop with budgets: $(cut -c11- "$tmp/probe.err" | head -1)"
    fi
fi

# ---- overload: one backend of 0.2 cores at 2 ms a request serves 100 req/s ----
# The closed loop's 4 users wait for their answers: its p99 is a few services and throttled
# periods. The open loop at 150 req/s for 2 s keeps arriving: the queue grows by 50 a second and
# its last arrivals wait most of a second, which the latency from the intended send time shows.
if [ -n "$budgets" ]; then
    lab_ok co_closed --json --cpu-per-backend 0.2 --backends 1 --work-us 2000 --users 4 \
        --duration 2
    lab_ok co_open --json --cpu-per-backend 0.2 --backends 1 --work-us 2000 --rate 150 \
        --duration 2
    python3 -c 'import json, sys
c, o = (json.load(open(f)) for f in sys.argv[1:3])
print("overload: closed loop p99 %.0f ms at %.0f req/s, open loop p99 %.0f ms (%.0f req/s asked)"
      % (c["p99_ms"], c["throughput_rps"], o["p99_ms"], o["load"]["rate_rps"]))
sys.exit(0 if o["p99_ms"] > 3 * c["p99_ms"] and o["p99_ms"] > 500 else 1)' \
        "$tmp/co_closed.out" "$tmp/co_open.out" ||
        fail "the open loop's p99 is not far above the closed loop's"
    json_check "$tmp/co_closed.out" 'd["loop"] == "closed" and d["load"] == {"loop": "closed", "users": 4}'
fi

# ---- --find-limit: 2 backends of 0.25 cores at 2 ms a request serve at most 250 req/s ----
# A passing step cannot be far above that: overloaded by a share e, a 2 s step's queue delays its
# last arrivals by about 2e s, so p90 <= 300 ms allows e <= 0.2 (300 req/s). Below, a goal that
# generous is met well under the budget's rate: at least a quarter of it. The goal is a p90: a
# 2 s step holds a few hundred answers, and its p99 rests on the slowest two or three. The model (M/M/2 of
# 0.25 cores at the measured CPU per request) lies below the budget's rate, above half of it.
if [ -n "$budgets" ]; then
    lab_ok limit --json --find-limit --slo p90=300ms --cpu-per-backend 0.25 --backends 2 \
        --work-us 2000 --rate 40 --duration 2
    json_check "$tmp/limit.out" 'd["slo"] == "p90=300ms" and d["max_errors"] == 0.001' \
        '62.5 <= d["limit_rps"] <= 300' 'd["first_fail_rps"] > d["limit_rps"]' \
        'd["first_fail_rps"] / d["limit_rps"] <= 1.1 or len(d["steps"]) == 12' \
        'len(d["steps"]) >= 3 and d["steps"][0]["rate_rps"] == 40' \
        'all(set(s) >= {"rate_rps", "p50_ms", "p99_ms", "errors", "passed"} for s in d["steps"])' \
        'any(s["passed"] and s["rate_rps"] == d["limit_rps"] for s in d["steps"])' \
        'd["model"]["model"] == "M/M/c" and d["model"]["servers"] == 2' \
        'd["model"]["cores_per_server"] == 0.25 and 125 <= d["model"]["limit_rps"] <= 250' \
        '1.9 <= d["cpu_ms_per_request"] <= 2.6'
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
print("find-limit: %.0f req/s met p90=300ms (%.0f did not), model %.0f req/s, %d steps"
      % (d["limit_rps"], d["first_fail_rps"], d["model"]["limit_rps"], len(d["steps"])))' \
        "$tmp/limit.out"
fi

# ---- --expect: 0 held, 3 failed (named, with the value), the report printed either way ----
if needs "expect" haproxy python3; then
    lab_ok held --backends 1 --rate 50 --duration 1 --expect 'lost=0,errors<50%,p99<30s'
    grep -Eq '^  p99<30s +held ' "$tmp/held.out" || fail "expect held: $(tail -4 "$tmp/held.out")"
    lab missed --json --backends 1 --rate 50 --duration 1 --expect 'lost=0,p99<1us,rps>1M'
    [ $st -eq 3 ] || fail "an expectation that failed exited $st, expected 3"
    grep -q "^scalelab: expectation 'p99<1us' failed: p99 [0-9.]* ms$" "$tmp/missed.err" ||
        fail "expect: no line naming p99<1us: $(cat "$tmp/missed.err")"
    grep -q "^scalelab: expectation 'rps>1M' failed: rps [0-9.]* req/s$" "$tmp/missed.err" ||
        fail "expect: no line naming rps>1M: $(cat "$tmp/missed.err")"
    grep -q "lost=0" "$tmp/missed.err" && fail "expect: lost=0 held but was named"
    json_check "$tmp/missed.out" '[e["held"] for e in d["expect"]] == [True, False, False]' \
        'd["expect"][1]["expect"] == "p99<1us" and d["expect"][1]["measured"] > 1e-6'
fi

# ---- bad input: exit 2, one line naming the value as typed ----
rate="(expected a positive number such as 1000, 1k, 2.5M or 1e6, at most 50000)"
for r in 0 -5 abc 60k 1e400; do
    bad_input "invalid --rate '$r' $rate" $SCALELAB lab --rate "$r"
done
bad_input "--rate and --users cannot be combined" $SCALELAB lab --rate 100 --users 5
bad_input "--find-limit and --users cannot be combined" $SCALELAB lab --find-limit --slo \
    p99=20ms --users 5
bad_input "--find-limit needs --slo" $SCALELAB lab --find-limit
bad_input "--slo needs --find-limit" $SCALELAB lab --slo p99=20ms
bad_input "--max-errors needs --find-limit" $SCALELAB lab --max-errors 1%
bad_input "--arrivals needs --rate" $SCALELAB lab --arrivals uniform
bad_input "--connections needs --rate" $SCALELAB lab --connections 10
bad_input "invalid --arrivals 'even'" $SCALELAB lab --rate 10 --arrivals even
bad_input "invalid --connections '0'" $SCALELAB lab --rate 10 --connections 0
for s in p99 p99=20 p99=20qs p98=20ms 'p99<20ms' p99=0ms; do
    case $s in p99=20) continue ;; esac # a bare number is seconds, as the planner's --slo
    bad_input "invalid --slo '$s' (expected a goal such as p99=20ms" $SCALELAB lab --find-limit \
        --slo "$s"
done
for m in 0.1 101% abc% -1%; do
    bad_input "invalid --max-errors '$m' (expected a percentage from 0% to 100%" \
        $SCALELAB lab --find-limit --slo p99=20ms --max-errors "$m"
done
bad_input "--find-limit runs timed open-loop steps itself" $SCALELAB lab --find-limit --slo \
    p99=20ms --kill 1@1s
bad_input "invalid --expect item 'p99~5ms': bad operator '~'" $SCALELAB lab --expect 'p99~5ms'
bad_input "invalid --expect item 'foo<1': unknown metric 'foo'" $SCALELAB lab --expect 'foo<1'
bad_input "invalid --expect item 'p99<50': bad value '50'" $SCALELAB lab --expect 'lost=0,p99<50'
bad_input "invalid --expect item 'carts<1%': bad value '1%'" $SCALELAB lab --expect 'carts<1%'
bad_input "--expect checks one run" $SCALELAB lab --compare --expect 'lost=0'
finish
