#!/bin/sh
# `lab --kill-store`: the lab's redis-server (appendonly, appendfsync always, its own data
# directory) killed with SIGKILL mid-run and started again on its port and data after --down:
# the apps answer 503 meanwhile, the client counts them, and reading every session's cart and
# the counter back at the end finds each acknowledged write. The same read-back does find lost
# writes when a process that held them dies (sticky sessions and a killed backend). Bad input.
. "$(dirname "$0")/lib.sh"

# nothing_left NAME: no file in TMPDIR, no process naming it
nothing_left() {
    [ -z "$(ls -A "$runs")" ] || fail "$1: left files behind: $(ls -A "$runs")"
    pgrep -f "$runs" >/dev/null && fail "$1: processes left: $(pgrep -af "$runs")"
}

if needs "kill the store" haproxy redis-server python3; then
    $SCALELAB lab --json --users 20 --duration 4 --kill-store @1s --down 1s \
        >"$tmp/ks.json" 2>"$tmp/ks.err" &
    pid=$!
    wait_for "the run's redis.conf" sh -c "find '$runs' -name redis.conf | grep -q ."
    sleep 0.5
    conf=$(find "$runs" -name redis.conf | head -1)
    dir=$(dirname "$conf")
    grep -qx 'appendonly yes' "$conf" || fail "redis.conf lacks appendonly yes"
    grep -qx 'appendfsync always' "$conf" || fail "redis.conf lacks appendfsync always"
    grep -qx "dir $dir/redis-data" "$conf" || fail "redis.conf: $(grep '^dir' "$conf")"
    [ -n "$(find "$dir/redis-data" -name '*.aof*' 2>/dev/null)" ] ||
        fail "no append-only file in $dir/redis-data: $(ls -R "$dir" 2>&1)"
    wait $pid
    st=$?
    [ $st -eq 0 ] || fail "lab --kill-store exited $st: $(tail -5 "$tmp/ks.err")"
    [ -s "$tmp/ks.err" ] && fail "lab --kill-store wrote on stderr: $(head -5 "$tmp/ks.err")"
    # the outage: from the kill to the answer after the restart, at least --down long
    json_check "$tmp/ks.json" \
        'd["store"] == {"durability": "appendonly yes, appendfsync always",
        "data_dir": "redis-data", "kills": 1, "down_s": d["store"]["down_s"]}' \
        'first("kill -9 redis-server") is not None and 0.9 <= first("kill -9 redis-server") <= 1.5' \
        'first("restart redis-server") - first("kill -9 redis-server") >= 1.0' \
        'first("redis-server answers again") >= first("restart redis-server")' \
        '1.0 <= d["store"]["down_s"] <= 3.0' \
        'd["store_failure"] is None' \
        'd["errors_by_kind"]["http_503"] > 0' \
        'd["errors"] - d["errors_by_kind"]["http_503"] <= d["users"]' \
        'all(s["errors"] == 0 for s in d["per_second"]
             if s["t_s"] + 1 < first("kill -9 redis-server")
             or s["t_s"] > first("redis-server answers again") + 1)' \
        'd["writes"]["lost"] == 0 and d["writes"]["cart_lines_lost"] == 0' \
        'd["writes"]["cart_lines_acknowledged"] > 100 and d["writes"]["sessions_read_back"] > 20' \
        'd["writes"]["cart_lines_unverified"] == 0' \
        'd["writes"]["counter_increments_lost"] == 0' \
        'd["counter"]["acknowledged"] <= d["counter"]["final"]
         <= d["counter"]["acknowledged"] + d["counter"]["unknown"]' \
        'd["sessions_lost"] == 0 and d["carts_wrong"] == 0 and d["double_bookings"] == 0' \
        'd["requests"] > 300'
    nothing_left kill-store
fi

# the read-back can fail: sticky sessions in memory, backend 1 killed, its users' carts gone
if needs "lost writes found" haproxy python3; then
    $SCALELAB lab --json --users 20 --duration 3 --state sticky --kill 1@1s \
        >"$tmp/sticky.json" 2>"$tmp/sticky.err" ||
        fail "lab --state sticky --kill exited $?: $(tail -5 "$tmp/sticky.err")"
    json_check "$tmp/sticky.json" \
        'd["store"] is None' \
        '0 < d["writes"]["cart_lines_lost"] < d["writes"]["cart_lines_acknowledged"]' \
        'd["writes"]["lost"] >= d["writes"]["cart_lines_lost"]'
    nothing_left sticky
fi

bad_input "invalid --kill-store '1@1s' (expected @T, a time such as @1s)" \
    $SCALELAB lab --kill-store 1@1s
bad_input "invalid --kill-store '@soon'" $SCALELAB lab --kill-store @soon
bad_input "--down needs --kill-store" $SCALELAB lab --down 2s
bad_input "invalid --down '700s' (expected a time from 0 to 600s" \
    $SCALELAB lab --kill-store @1s --down 700s
bad_input "invalid --down 'x'" $SCALELAB lab --kill-store @1s --down x
bad_input "--kill-store needs --state store" $SCALELAB lab --state token --kill-store @1s
bad_input "--kill-store needs --state store (the lab's redis-server), not --compare" \
    $SCALELAB lab --compare --kill-store @1s
finish
