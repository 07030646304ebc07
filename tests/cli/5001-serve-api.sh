#!/bin/sh
# `serve`: every API route against the CLI's --json, status codes, limits, loopback, clean stop.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl not installed"; exit 77; }

start_server serve
pid=$pid_serve
url=$url_serve
[ -n "$url" ] || { cat "$tmp/serve.err"; fail "server did not start"; finish; }
port=${url##*:}

# status CODE PATH [curl args]: the answer's status code
status() {
    want=$1; path=$2; shift 2
    got=$(curl -s -o "$tmp/body" -w '%{http_code}' "$@" "$url$path")
    [ "$got" = "$want" ] || fail "$path answered $got, expected $want: $(head -c 300 "$tmp/body")"
}

# same_as_cli QUERY CLI-ARGS...: GET /api/QUERY equals `scalelab CLI-ARGS --json` byte for byte
same_as_cli() {
    q=$1; shift
    status 200 "/api/$q"
    $SCALELAB "$@" --json >"$tmp/cli" 2>/dev/null || fail "scalelab $* --json failed"
    cmp -s "$tmp/body" "$tmp/cli" || fail "/api/$q differs from scalelab $* --json"
}

same_as_cli "compare" compare
same_as_cli "compare?load=1k,10k&load=1m" compare 1k 10k 1m
same_as_cli "compare?load=20k&catalog=cloud&state=memory&spares=n%2B2" \
    compare --catalog cloud --state memory --spares n+2 20k
same_as_cli "curve?from=2k&to=2m&points=9" curve --from 2k --to 2m --points 9
same_as_cli "plan?load=100k&state=store" plan --load 100k --state store
same_as_cli "queue?servers=4&service-ms=100&utilization=0.99&queue=20" \
    queue --servers 4 --service-ms 100 --utilization 0.99 --queue 20
same_as_cli "queue?users=400&think=0.2&servers=300&service-ms=444" \
    queue --users 400 --think 0.2 --servers 300 --service-ms 444
same_as_cli "queue?station=lb:1:0.05&station=app:8:4&station=db:2:1.5:2&load=500" \
    queue --station lb:1:0.05 --station app:8:4 --station db:2:1.5:2 --load 500
same_as_cli "queue?station=app:8:4&station=db:2:1.5:2&users=1000&think=1" \
    queue --station app:8:4 --station db:2:1.5:2 --users 1000 --think 1
# a run by duration alone is the command line's run, warm-up and all
same_as_cli "simulate?servers=1&load=500&service-ms=1&duration=10s" \
    simulate --servers 1 --load 500 --service-ms 1 --duration 10s
grep -q '"throughput_rps": 4' "$tmp/body" || fail "a duration-only simulation came back empty"
same_as_cli "simulate?servers=4&load=3000&service-ms=1&requests=50k&state=memory&seed=3" \
    simulate --servers 4 --load 3000 --service-ms 1 --requests 50k --state memory --seed 3 \
    --no-progress
same_as_cli "fit?points=1:64.9,18:995.9,36:1652.4,72:1853.2,108:1828.9,144:1775,216:1702.2&predict=8,64" \
    fit --points 1:64.9,18:995.9,36:1652.4,72:1853.2,108:1828.9,144:1775,216:1702.2 --predict 8,64

status 200 /api/catalogs
python3 - "$tmp/body" <<'PY' || fail "/api/catalogs shape"
import json, sys
d = json.load(open(sys.argv[1]))
names = [c["name"] for c in d["catalogs"]]
assert names == ["teaching", "cloud", "gcp", "azure"], names
assert all(len(c["items"]) == c["instances"] > 5 for c in d["catalogs"])
PY
status 200 /healthz
grep -q '"ok"' "$tmp/body" || fail "/healthz body"

# the page and its files come from the binary, with no address outside this server; each module
# of web/js is served at /js/NAME.js as JavaScript, and the one-file script of old is gone
modules=$(cd "$here/../../web" && for f in js/*.js; do printf ' /%s' "$f"; done)
for p in / /index.html /style.css $modules; do
    status 200 "$p"
    grep -Eq '(src|href)=["'"'"']?(https?:)?//' "$tmp/body" && fail "$p links outside the server"
done
for p in $modules; do
    curl -s -D "$tmp/h" -o /dev/null "$url$p"
    grep -qi '^content-type: text/javascript' "$tmp/h" || fail "$p is not served as JavaScript"
done
status 404 /app.js
curl -s -D "$tmp/h" -o /dev/null "$url/" && grep -qi '^content-type: text/html' "$tmp/h" ||
    fail "/ is not text/html"
grep -qi "^content-security-policy: default-src 'self'" "$tmp/h" || fail "no CSP on /"

# bad input: 400 with {"error": ...} naming the value
for q in "compare?load=12q" "compare?load=-5" "compare?load=" "compare?catalog=nope" \
         "compare?state=disk" "curve?points=0" "curve?svg=x.svg" "plan" "plan?load=1k&json=1" \
         "queue?servers=0&service-ms=1&load=1" "simulate?load=1k" \
         "simulate?load=1k&service-ms=1&requests=5M" "simulate?load=1k&service-ms=1&threads=8" \
         "compare?Load=1k" "compare?load" "compare?frob=1" "healthz?x=1" "fit?points=1:5,2:9" \
         "fit" "queue?station=db:0:1&load=1" "queue?station=db:2:1:-1&load=1" \
         "queue?station=a:1000:1&users=100000&think=1" "queue?station=a:1:1&users=5"; do
    path="/api/$q"
    case $q in healthz*) path="/$q" ;; esac
    status 400 "$path"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["error"]' "$tmp/body" ||
        fail "$path: no {\"error\": ...} body"
done
status 400 "/api/compare?load=12q"
grep -q "invalid load '12q'" "$tmp/body" || fail "error does not name the bad value"
status 400 "/api/queue?station=db:2:1:-1&load=1"
grep -q "invalid visits '-1' of station 'db'" "$tmp/body" || fail "station error: $(cat "$tmp/body")"
status 400 "/api/queue?station=a:1000:1&users=100000&think=1"
grep -q "too large for the API" "$tmp/body" || fail "network cost error: $(cat "$tmp/body")"

status 404 /nope
status 404 /api/nope
status 404 /../etc/passwd
status 404 "/%2e%2e/etc/passwd"
status 405 /api/queue -X POST
status 405 / -X DELETE
curl -s -D "$tmp/h" -o /dev/null -X PUT "$url/api/plan" && grep -qi '^allow: GET, HEAD' "$tmp/h" ||
    fail "405 without Allow"
status 413 /api/compare -X GET -H 'Content-Length: 5' --data-binary 'xxxxx'
status 414 "/api/compare?load=$(head -c 70000 /dev/zero | tr '\0' 1)"

# slow clients: 20 connections that send half a request line and stall must not block others,
# and the server closes them after its 10 s idle timeout (bounded: the check gives up at 14 s)
python3 - "$port" <<'PY' || fail "slow clients"
import socket, sys, time, urllib.request
port = int(sys.argv[1])
slow = []
for _ in range(20):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /healthz HT")
    slow.append(s)
t0 = time.time()
with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=5) as r:
    assert r.status == 200
assert time.time() - t0 < 2, "a normal request waited behind slow clients"
closed = 0
deadline = t0 + 14
for s in slow:
    s.settimeout(max(0.1, deadline - time.time()))
    try:
        if s.recv(1) == b"":
            closed += 1
    except (socket.timeout, ConnectionResetError):
        closed += isinstance(sys.exc_info()[1], ConnectionResetError)
    s.close()
assert closed == 20, "%d of 20 slow connections closed by the server" % closed
PY

# loopback only by default
if command -v ss >/dev/null; then
    ss -ltn | grep -q "127.0.0.1:$port " || fail "not listening on 127.0.0.1:$port"
    ss -ltn | grep -q "0.0.0.0:$port " && fail "listening on every address"
fi

# SIGTERM stops it cleanly (exit 0, no sanitizer report) within 5 s
kill -TERM $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 $pid 2>/dev/null; then
    kill -KILL $pid; fail "server still running 5 s after SIGTERM"
else
    wait $pid; st=$?
    [ $st -eq 0 ] || fail "server exited $st after SIGTERM: $(cat "$tmp/serve.err")"
fi
grep -q "ERROR: AddressSanitizer\|runtime error" "$tmp/serve.err" && fail "sanitizer report"
bad_input "invalid --port '70000'" $SCALELAB serve --port 70000
bad_input "invalid --addr 'nowhere'" $SCALELAB serve --addr nowhere --port 0
finish
