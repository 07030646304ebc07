#!/bin/sh
# `lab`: the expected outcomes of each state mode on 3 backends and 20 users (redis keeps everything,
# memory loses ~2/3 of sessions, sticky loses only after a kill, token keeps sessions but not
# the counter or seats), the --json shape, Ctrl-C, bad flags; after every run no process of it is
# left and its run directory is gone. Every run needs haproxy (and python3 to read its JSON),
# the store's runs redis-server too; a case whose program is missing is skipped, not the file.
. "$(dirname "$0")/lib.sh"

# gone NAME PIDS...: none of the pids runs, nothing is left in TMPDIR or names it on a command line
gone() {
    name=$1
    shift
    for p in "$@"; do
        kill -0 "$p" 2>/dev/null && fail "$name: process $p still runs: $(ps -o args= -p "$p")"
    done
    [ -z "$(ls -A "$runs")" ] || fail "$name: left files behind: $(ls -A "$runs")"
    pgrep -f "$runs" >/dev/null && fail "$name: processes left: $(pgrep -af "$runs")"
    rm -rf "${runs:?}"/*
}

# lab_run NAME ARGS...: `scalelab lab --json --users 20 ARGS` into $tmp/NAME.json; exit 0,
# nothing on stderr, nothing left behind
lab_run() {
    name=$1
    shift
    $SCALELAB lab --json --users 20 "$@" >"$tmp/$name.json" 2>"$tmp/$name.err"
    st=$?
    [ $st -eq 0 ] || fail "lab $* exited $st: $(tail -5 "$tmp/$name.err")"
    [ -s "$tmp/$name.err" ] && fail "lab $* wrote on stderr: $(head -20 "$tmp/$name.err")"
    # shellcheck disable=SC2046
    gone "$name" $(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
runs = d.get("runs", [d])
print(" ".join(str(p) for r in runs for p in [r["pids"]["redis"], r["pids"]["haproxy"]]
               + r["pids"]["apps"] if p))' "$tmp/$name.json" 2>/dev/null)
}

# lab NAME ARGS...: lab_run on 3 backends
lab() {
    name=$1
    shift
    lab_run "$name" --backends 3 "$@"
}

# check NAME EXPR...: each Python expression EXPR holds over the document d in $tmp/NAME.json
# (first(PREFIX) is the time of the first event starting with PREFIX, or None)
check() {
    name=$1
    shift
    json_check "$tmp/$name.json" "$@"
}

# redis: nothing lost, counter exact, no seat twice; even shares; the documented shape
if needs "redis" haproxy redis-server python3; then
    lab redis --duration 2
    check redis 'd["requests"] > 300 and d["errors"] <= d["users"]' \
        'd["sessions_lost"] == 0 and d["carts_wrong"] == 0' \
        'd["counter_drift"] == 0 and d["double_bookings"] == 0' \
        'd["counter"]["final"] == d["counter"]["acknowledged"] > 0' \
        'd["duplicates"] == 0' \
        'all(abs(s["requests"] / d["requests"] - 1 / 3) <= 0.08 for s in d["share"])' \
        '[s["backend"] for s in d["share"]] == ["b1", "b2", "b3"]' \
        'list(d)[:15] == ["mode", "sticky", "backends", "users", "requests", "errors",
        "sessions_lost", "carts_wrong", "counter_drift", "double_bookings", "share", "p50_ms",
        "p99_ms", "throughput_rps", "events"]' \
        'd["mode"] == "store" and d["sticky"] is False and d["backends"] == 3
        and d["users"] == 20' \
        '0 < d["p50_ms"] <= d["p99_ms"] and d["throughput_rps"] > 0' \
        'all(set(e) == {"t_s", "what"} for e in d["events"])' \
        'all(isinstance(d[k], int) for k in ("requests", "errors", "sessions_lost",
        "carts_wrong", "counter_drift", "double_bookings"))'
fi

# redis with a backend killed: no acknowledged write lost; only requests in flight may fail;
# a POST libcurl resends carries its Idempotency-Key, so Redis applies it once: no duplicates
if needs "redis with a kill" haproxy redis-server python3; then
    lab redis_kill --duration 3 --kill 1@1s
    check redis_kill 'd["sessions_lost"] == 0 and d["carts_wrong"] == 0' \
        'd["counter_drift"] == 0 and d["double_bookings"] == 0' \
        'd["duplicates"] == 0 and d["replays_from_store"] <= d["client_replays"]' \
        'd["counter"]["unknown"] > 0 or d["counter"]["final"] == d["counter"]["acknowledged"]' \
        'd["errors"] <= d["users"]' \
        'first("kill -9 b1") is not None and first("haproxy: b1 DOWN") is not None' \
        '0 <= first("haproxy: b1 DOWN") - first("kill -9 b1") <= 2.0'
fi

# memory, round robin: about (N-1)/N of the requests after login meet an unknown session
if needs "memory" haproxy python3; then
    lab memory --state memory --duration 2
    check memory '0.55 <= d["lost_fraction"] <= 0.75' \
        'd["counter_drift"] > 0'
fi

# memory + sticky: nothing lost until the kill, then the killed backend's users lose theirs
if needs "sticky" haproxy python3; then
    lab sticky --state sticky --duration 3 --kill 2@1s
    check sticky 'd["sticky"] is True and 0 < d["sessions_lost"] <= d["users"]' \
        'first("first session lost") >= first("kill -9 b2")' \
        'sum(s["sessions_lost"] for s in d["per_second"][:1]) == 0'
fi

# token: sessions survive a kill; the counter and the seats, kept per process, do not agree
if needs "token" haproxy python3; then
    lab token --state token --duration 3 --kill 1@1s
    check token 'd["sessions_lost"] == 0 and d["carts_wrong"] == 0 and d["errors"] <= d["users"]' \
        'd["counter_drift"] > 0 or d["double_bookings"] > 0'
fi

# --compare: one document per mode, in order
if needs "--compare" haproxy redis-server python3; then
    lab compare --compare --duration 1
    check compare '[(r["mode"], r["sticky"]) for r in d["runs"]] == [("memory", False),
        ("sticky", True), ("store", False), ("token", False)]' \
        'd["runs"][0]["sessions_lost"] > 0 and d["runs"][2]["sessions_lost"] == 0'
fi

# --sweep without budgets: scale out (1..2 backends of one thread) and scale up (one backend of
# 1..2 threads), one unit measured once for both; the CSV written (budgets: 2003-lab-budget.sh)
if needs "--sweep" haproxy redis-server python3; then
    lab_run sweep --sweep --max 2 --duration 0.5 --sweep-csv "$tmp/sweep.csv"
    check sweep '[(p["strategy"], p["units"], p["backends"], p["threads"]) for p in d["sweep"]]
        == [("horizontal", 1, 1, 1), ("horizontal", 2, 2, 1), ("vertical", 1, 1, 1),
        ("vertical", 2, 1, 2)]' \
        'all(p["throughput_rps"] > 0 and p["cpu_ms_per_request"] > 0 for p in d["sweep"])' \
        'd["mode"] == "store" and d["unit_cores"] is None and d["cgroup"] is None' \
        'all(p["cores_per_backend"] is None for p in d["sweep"])'
    head -1 "$tmp/sweep.csv" |
        grep -qx 'strategy,units,throughput_rps,p50_ms,p99_ms,cpu_ms_per_request' ||
        fail "sweep CSV header: $(head -1 "$tmp/sweep.csv")"
    [ "$(wc -l <"$tmp/sweep.csv")" -eq 5 ] || fail "sweep CSV rows: $(cat "$tmp/sweep.csv")"
fi

# Ctrl-C: the lab stops every process and removes its directory
if needs "Ctrl-C" haproxy redis-server; then
    $SCALELAB lab --backends 2 --users 4 --duration 60 >"$tmp/int.out" 2>"$tmp/int.err" &
    pid=$!
    i=0
    until [ -n "$(find "$runs" -name haproxy.pid 2>/dev/null)" ] || [ $i -ge 150 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    sleep 1
    pids=$(cat "$runs"/*/*.pid 2>/dev/null)
    [ -n "$pids" ] || fail "no pid files in the run directory"
    kill -INT $pid
    wait $pid
    st=$?
    [ $st -eq 1 ] || fail "lab after SIGINT exited $st, expected 1"
    grep -q "interrupted" "$tmp/int.err" || fail "no 'interrupted' message: $(cat "$tmp/int.err")"
    # shellcheck disable=SC2086
    gone sigint $pids
fi

bad_input "invalid --kill '9@1s'" $SCALELAB lab --kill 9@1s
bad_input "invalid --state 'disk'" $SCALELAB lab --state disk
bad_input "cannot be combined" $SCALELAB lab --duration 1 --requests 5
bad_input "invalid --add '2@1s'" $SCALELAB lab --add 2@1s
finish
