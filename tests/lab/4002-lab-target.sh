#!/bin/sh
# `lab --target URL`: a deployment started by hand (redis-server, two `scalelab app --state store`
# and haproxy in front, each on a free loopback port) driven by the lab, which starts and kills
# nothing: every counter as in the lab's own runs, the counter read from where the deployment
# had it, the processes still running afterwards, no run directory. The flags that would start,
# size or break the lab's own processes are refused; an unreachable target is exit 1.
. "$(dirname "$0")/lib.sh"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0));
print(s.getsockname()[1])'
}

# deployment: redis, two apps named as pods are (longer than 16 characters, not b<N>), haproxy;
# sets target and the pids in $deployed
deployment() {
    rport=$(free_port)
    redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" \
        >"$tmp/redis.log" 2>&1 &
    deployed=$!
    wait_for redis-server redis-cli -h 127.0.0.1 -p "$rport" ping || return 1
    servers=""
    for id in web-5d9f8c6b7-x2x9k web-5d9f8c6b7-q7m4p; do
        port=$(free_port)
        $SCALELAB app --port "$port" --id "$id" --state store --redis "127.0.0.1:$rport" \
            >"$tmp/$id.out" 2>"$tmp/$id.err" &
        deployed="$deployed $!"
        wait_for "app $id" curl -sf "http://127.0.0.1:$port/readyz" || return 1
        servers="$servers    server $id 127.0.0.1:$port check
"
    done
    hport=$(free_port)
    cat >"$tmp/haproxy.cfg" <<CFG
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 5s
frontend fe
    bind 127.0.0.1:$hport
    default_backend app
backend app
    balance roundrobin
    option httpchk GET /healthz
$servers
CFG
    haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
    "$haproxy" -f "$tmp/haproxy.cfg" -db >"$tmp/haproxy.log" 2>&1 &
    deployed="$deployed $!"
    bg="$bg $deployed"
    target="http://127.0.0.1:$hport"
    wait_for haproxy curl -sf "$target/healthz"
}

if needs "--target" haproxy redis-server redis-cli curl python3 && deployment; then
    # the deployment's counter is not at zero when the lab comes
    jar="$tmp/jar"
    curl -sf -c "$jar" -X POST "$target/login?user=before" >/dev/null
    for i in 1 2 3; do curl -sf -b "$jar" -X POST "$target/counter/incr" >/dev/null; done
    $SCALELAB lab --json --target "$target/" --users 10 --duration 2 >"$tmp/t.json" \
        2>"$tmp/t.err"
    st=$?
    [ $st -eq 0 ] || fail "lab --target exited $st: $(tail -5 "$tmp/t.err")"
    [ -s "$tmp/t.err" ] && fail "lab --target wrote on stderr: $(head -5 "$tmp/t.err")"
    json_check "$tmp/t.json" \
        'd["mode"] == "target" and d["target"] == "'"$target"'"' \
        'd["pids"] == {"redis": None, "haproxy": None, "apps": []} and d["run_dir"] == ""' \
        'd["store"] is None and d["budget"] is None' \
        'd["requests"] > 200 and d["errors"] == 0' \
        'd["sessions_lost"] == 0 and d["carts_wrong"] == 0 and d["double_bookings"] == 0' \
        'd["servers"] == 2 and sorted(s["backend"] for s in d["share"]) ==
         ["web-5d9f8c6b7-q7m4p", "web-5d9f8c6b7-x2x9k"]' \
        'all(abs(s["requests"] / d["requests"] - 0.5) <= 0.1 for s in d["share"])' \
        'd["counter"]["start"] == 3' \
        'd["counter"]["final"] - 3 == d["counter"]["acknowledged"] > 0' \
        'd["counter_drift"] == 0' \
        'd["writes"]["lost"] == 0 and d["writes"]["cart_lines_acknowledged"] > 50' \
        'first("start: 10 users on '"$target"'") == 0'
    for p in $deployed; do
        kill -0 "$p" 2>/dev/null || fail "lab --target stopped process $p of the deployment"
    done
    [ -z "$(ls -A "$runs")" ] || fail "lab --target made files: $(ls -A "$runs")"
    # what the deployment holds is what the lab counted: the counter, read by hand
    value=$(curl -sf "$target/counter" | python3 -c 'import json, sys
print(json.load(sys.stdin)["value"])')
    json_check "$tmp/t.json" 'd["counter"]["final"] == '"${value:-0}"
    # the open loop and --expect drive a target too: a modest rate, nothing lost
    $SCALELAB lab --json --target "$target" --rate 100 --arrivals uniform --duration 2 \
        --expect 'lost=0,errors=0' >"$tmp/r.json" 2>"$tmp/r.err"
    st=$?
    [ $st -eq 0 ] || fail "lab --target --rate --expect exited $st: $(tail -5 "$tmp/r.err")"
    json_check "$tmp/r.json" \
        'd["load"]["loop"] == "open" and d["load"]["arrivals"] == "uniform"' \
        'd["users"] is None and d["haproxy"] is None and d["app_cpu_ms_per_request"] is None' \
        'abs(d["load"]["rate_reached_rps"] - 100) <= 5' \
        'd["writes"]["lost"] == 0 and d["errors"] == 0' \
        'first("start: uniform arrivals at 100 req/s on '"$target"'") == 0'
fi

for flag in "--kill 1@1s" "--restart 1@1s" "--add @1s" "--kill-store @1s" "--down 1s" \
    "--cpu-per-backend 0.5" "--vertical 2" "--sweep" "--max 3" "--compare" "--backends 2" \
    "--threads 2" "--work-us 10" "--state token" "--sweep-csv $tmp/x.csv"; do
    # shellcheck disable=SC2086
    bad_input "--target drives a deployment that runs already: it takes no ${flag%% *}" \
        $SCALELAB lab --target http://127.0.0.1:9 $flag
done
bad_input "invalid --target 'localhost:8080' (expected http:// or https://)" \
    $SCALELAB lab --target localhost:8080
bad_input "invalid --target 'http://h:99999' (expected a port from 1 to 65535)" \
    $SCALELAB lab --target http://h:99999
bad_input "invalid --target 'http://h/cart?x=1'" $SCALELAB lab --target 'http://h/cart?x=1'

# nothing listens there: one line naming the target, exit 1
if needs "unreachable --target" python3; then
    gone="http://127.0.0.1:$(free_port)"
    $SCALELAB lab --target "$gone" --duration 1 >"$tmp/u.out" 2>"$tmp/u.err"
    st=$?
    [ $st -eq 1 ] || fail "lab --target $gone exited $st, expected 1"
    [ "$(wc -l <"$tmp/u.err")" -eq 1 ] || fail "unreachable: $(cat "$tmp/u.err")"
    grep -qF "scalelab: cannot reach --target '$gone': GET /healthz: " "$tmp/u.err" ||
        fail "unreachable: $(cat "$tmp/u.err")"
    [ -s "$tmp/u.out" ] && fail "unreachable: printed on stdout"
fi
finish
