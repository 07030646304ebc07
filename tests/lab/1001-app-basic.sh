#!/bin/sh
# `app`: every endpoint of docs/lab-protocol.md in memory, redis and token mode, sessions across
# two processes, limits, Idempotency-Keys scoped to user and route, a Redis outage, a Redis with
# a password (--redis-auth-file), bad flags and a clean stop; nothing is left running. Each case
# runs on its own: one whose program is missing prints its SKIP line, and the others still run.
. "$(dirname "$0")/lib.sh"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0));
print(s.getsockname()[1])'
}

redis_ping() {
    [ "$(redis-cli -h 127.0.0.1 -p "$rport" ping 2>/dev/null)" = PONG ]
}

# start_redis: a redis-server of its own on a free loopback port, no persistence; sets rport.
start_redis() {
    rport=$(free_port)
    mkdir -p "$tmp/redis"
    cat >"$tmp/redis/redis.conf" <<EOF
port $rport
bind 127.0.0.1
protected-mode yes
save ""
appendonly no
dir $tmp/redis
daemonize no
EOF
    redis-server "$tmp/redis/redis.conf" >>"$tmp/redis/log" 2>&1 &
    redis_pid=$!
    bg="$bg $redis_pid"
    i=0
    until redis_ping; do
        i=$((i + 1))
        [ $i -lt 100 ] || { cat "$tmp/redis/log"; fail "redis-server did not start"; finish; }
        sleep 0.05
    done
}

stop_redis() {
    kill -TERM "$redis_pid" 2>/dev/null
    wait "$redis_pid" 2>/dev/null
}

# start_redis_again: the same redis-server (port and configuration) after stop_redis
start_redis_again() {
    redis-server "$tmp/redis/redis.conf" >>"$tmp/redis/log" 2>&1 &
    redis_pid=$!
    bg="$bg $redis_pid"
    i=0
    until redis_ping || [ $i -ge 100 ]; do sleep 0.05; i=$((i + 1)); done
}

# start_app NAME ARGS...: `scalelab app --id NAME ARGS` on a free port; sets app_pid and url.
start_app() {
    name=$1
    shift
    $SCALELAB app --port 0 --id "$name" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    app_pid=$!
    bg="$bg $app_pid"
    i=0
    while ! grep -q "listening on" "$tmp/$name.out" 2>/dev/null && [ $i -lt 100 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    url=$(sed -n "s|^scalelab app: $name listening on \(http://127.0.0.1:[0-9]*\)/$|\1|p" \
        "$tmp/$name.out")
    [ -n "$url" ] || { cat "$tmp/$name.err"; fail "app $name did not start"; finish; }
}

# stop_app NAME PID [SIGNAL]: exits 0 within 5 s of the signal, no sanitizer report
stop_app() {
    kill "-${3:-TERM}" "$2"
    i=0
    while kill -0 "$2" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$2" 2>/dev/null; then
        kill -KILL "$2"
        fail "app $1 still running 5 s after SIG${3:-TERM}"
    fi
    wait "$2"
    st=$?
    [ $st -eq 0 ] || fail "app $1 exited $st after SIG${3:-TERM}: $(cat "$tmp/$1.err")"
    grep -q "AddressSanitizer\|runtime error\|LeakSanitizer" "$tmp/$1.err" &&
        fail "app $1: sanitizer report: $(head -20 "$tmp/$1.err")"
    [ "$(wc -l <"$tmp/$1.out")" -eq 1 ] || fail "app $1 printed more than its start line"
}

# req CODE METHOD PATH [curl args...]: the answer's status; body in $tmp/body, headers in $tmp/h
req() {
    want=$1 method=$2 path=$3
    shift 3
    got=$(curl -s -D "$tmp/h" -o "$tmp/body" -w '%{http_code}' -X "$method" "$@" "$url$path")
    [ "$got" = "$want" ] ||
        fail "$method $path answered $got, expected $want: $(head -c 300 "$tmp/body")"
}

# hdr NAME: the value of one header of the last answer
hdr() {
    tr -d '\r' <"$tmp/h" | sed -n "s/^$1: //Ip" | head -1
}

# body JSON: the last answer's body is exactly this (the app writes compact JSON)
body() {
    [ "$(cat "$tmp/body")" = "$1" ] || fail "body $(head -c 300 "$tmp/body"), expected $1"
}

# body_has TEXT: the last answer's body contains TEXT
body_has() {
    grep -qF -- "$1" "$tmp/body" || fail "body $(head -c 300 "$tmp/body") lacks $1"
}

# session WANT: X-Session of the last answer, X-Backend the app's id, JSON content type
session() {
    [ "$(hdr X-Session)" = "$1" ] || fail "X-Session '$(hdr X-Session)', expected '$1'"
    [ "$(hdr X-Backend)" = "$id" ] || fail "X-Backend '$(hdr X-Backend)', expected '$id'"
    [ "$(hdr Content-Type)" = "application/json" ] || fail "Content-Type '$(hdr Content-Type)'"
}

# login USER: logs in; sets ck to the session cookie (name=value)
login() {
    req 200 POST "/login?user=$1"
    session none
    body '{"user":"'"$1"'","backend":"'"$id"'"}'
    set_cookie=$(hdr Set-Cookie)
    ck=${set_cookie%%;*}
    case "$set_cookie" in
    *"; HttpOnly; SameSite=Strict; Path=/") ;;
    *) fail "Set-Cookie '$set_cookie' lacks HttpOnly; SameSite=Strict; Path=/" ;;
    esac
}

# add ITEM: adds to the cart of $ck (following a new token cookie)
add() {
    req 200 POST "/cart/add?item=$1" -H "Cookie: $ck"
    session hit
    new=$(hdr Set-Cookie)
    if [ "$mode" = token ]; then
        [ -n "$new" ] || fail "token mode: /cart/add set no new token"
        ck=${new%%;*}
    else
        [ -z "$new" ] || fail "$mode mode: /cart/add set a cookie"
    fi
}

# cart USER ITEMS: the body is USER's cart holding ITEMS (a JSON list's inside)
cart() {
    body '{"user":"'"$1"'","items":['"$2"'],"backend":"'"$id"'"}'
}

# exercise MODE ID: every endpoint of one running app at $url
exercise() {
    mode=$1 id=$2
    req 200 GET /whoami
    session none
    body '{"backend":"'"$id"'","state":"'"$mode"'","pid":'"$app_pid"'}'
    req 200 GET /healthz
    body '{"status":"ok"}'
    req 200 GET /readyz
    req 200 HEAD /whoami -I

    login alice
    case $mode in
    token) echo "$ck" | grep -Eq '^token=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$' ||
               fail "token cookie '$ck'" ;;
    *) echo "$ck" | grep -Eq '^sid=[0-9a-f]{32}$' || fail "sid cookie '$ck'" ;;
    esac
    req 200 GET /cart -H "Cookie: $ck"
    session hit
    cart alice ''
    add apple
    add pear.2
    add A-b_c
    cart alice '"apple","pear.2","A-b_c"'
    alice=$ck
    req 200 GET /cart -H "Cookie: other=1; $ck; x=\"y\""
    session hit
    cart alice '"apple","pear.2","A-b_c"'
    login bob
    add x
    cart bob '"x"'
    bob=$ck
    req 200 GET /cart -H "Cookie: $alice"
    cart alice '"apple","pear.2","A-b_c"'

    # the cart keeps the newest 64 items
    login carol
    n=1 items=""
    while [ $n -le 70 ]; do
        add "i$n"
        [ $n -ge 7 ] && items="$items${items:+,}\"i$n\""
        n=$((n + 1))
    done
    cart carol "$items"
    req 200 GET /cart -H "Cookie: $ck"
    cart carol "$items"

    # unknown, forged, altered and malformed sessions: 401, never a crash
    req 401 GET /cart
    session none
    body '{"error":"unknown session"}'
    req 401 POST /cart/add?item=a
    req 401 POST /counter/incr
    req 401 POST /seats/1/book
    for c in "sid" "=x" "sid=1; sid=2" "sid=\"abc" "$alice$alice" "sid=a b" "; ;" \
             "token=a; token=b"; do
        req 401 GET /cart -H "Cookie: $c"
        case $c in
        "$alice$alice") session miss ;;
        *) session none ;;
        esac
    done
    if [ "$mode" = token ]; then
        payload=${alice#token=}
        payload=${payload%%.*}
        sig=${alice##*.}
        # {"user":"mallory","items":[]} with alice's signature
        forged="eyJ1c2VyIjoibWFsbG9yeSIsIml0ZW1zIjpbXX0.$sig"
        altered=$(echo "$payload" | tr 'A-Za-z' 'B-ZAb-za')
        case $sig in *A) other=B ;; *) other=A ;; esac
        for c in "token=$forged" "token=$altered.$sig" "token=$payload.${sig%?}$other" \
                 "token=$payload" "token=$payload." "token=.$sig" "token=$payload.$sig=" \
                 "token=$payload.$payload" "token=" "sid=0123456789abcdef0123456789abcdef"; do
            req 401 GET /cart -H "Cookie: $c"
            body '{"error":"unknown session"}'
            case $c in sid=*) session none ;; *) session miss ;; esac
        done
        # a forged or altered token books no seat and bumps no counter
        req 401 POST /seats/3/book -H "Cookie: token=$forged"
        req 401 POST /counter/incr -H "Cookie: token=$altered.$sig"
    else
        for c in "sid=0123456789abcdef0123456789abcdef" "sid=${alice#sid=}0" \
                 "sid=$(echo "${alice#sid=}" | tr 'a-f' 'A-F')" "sid=zz" "sid="; do
            req 401 GET /cart -H "Cookie: $c"
            session miss
        done
        req 401 GET /cart -H "Cookie: token=abc.def"
        session none
    fi

    # the global counter
    req 200 GET /counter
    v0=$(sed -n 's/^{"value":\([0-9]*\)}$/\1/p' "$tmp/body")
    [ -n "$v0" ] || { fail "GET /counter: $(cat "$tmp/body")"; v0=0; }
    req 200 POST /counter/incr -H "Cookie: $alice"
    session hit
    body "{\"value\":$((v0 + 1))}"
    req 200 POST /counter/incr -H "Cookie: $bob"
    body "{\"value\":$((v0 + 2))}"
    req 200 GET /counter
    body "{\"value\":$((v0 + 2))}"

    # Idempotency-Key: a resent write is applied once and answered as the first time
    k="run1.$mode:$id-alice-1"
    req 200 POST /counter/incr -H "Cookie: $alice" -H "Idempotency-Key: $k"
    body "{\"value\":$((v0 + 3))}"
    [ -z "$(hdr Idempotent-Replayed)" ] || fail "first send answered Idempotent-Replayed"
    req 200 POST /counter/incr -H "Cookie: $alice" -H "Idempotency-Key: $k"
    body "{\"value\":$((v0 + 3))}"
    [ "$(hdr Idempotent-Replayed)" = true ] || fail "resend lacks Idempotent-Replayed: true"
    req 200 GET /counter
    body "{\"value\":$((v0 + 3))}"
    req 200 POST /seats/8/book -H "Cookie: $bob" -H "Idempotency-Key: $k-seat"
    body '{"seat":8,"booked":true,"user":"bob"}'
    req 200 POST /seats/8/book -H "Cookie: $bob" -H "Idempotency-Key: $k-seat"
    body '{"seat":8,"booked":true,"user":"bob"}'
    [ "$(hdr Idempotent-Replayed)" = true ] || fail "seat resend lacks Idempotent-Replayed"
    req 409 POST /seats/8/book -H "Cookie: $alice" -H "Idempotency-Key: $k-seat2"
    req 409 POST /seats/8/book -H "Cookie: $alice" -H "Idempotency-Key: $k-seat2"
    body '{"seat":8,"booked":false}'
    # (token: the resend carries the same token, so it yields the same cart without a key)
    login frank
    for i in 1 2; do
        req 200 POST /cart/add?item=f1 -H "Cookie: $ck" -H "Idempotency-Key: $k-cart"
        cart frank '"f1"'
    done
    if [ "$mode" != token ]; then
        req 200 POST /cart/add?item=f1 -H "Cookie: $ck" -H "Idempotency-Key: $k-cart2"
        cart frank '"f1","f1"'
        req 200 POST /cart/add?item=f2 -H "Cookie: $ck"
        req 200 POST /cart/add?item=f2 -H "Cookie: $ck"
        cart frank '"f1","f1","f2","f2"'
    fi
    long=$(printf '%0129d' 0)
    for key in "a b" "a/b" "a;b" "$long" "%41" "é"; do
        req 400 POST /counter/incr -H "Cookie: $alice" -H "Idempotency-Key: $key"
        body_has "{\"error\":\"invalid Idempotency-Key '"
    done
    req 400 POST /seats/9/book -H "Cookie: $alice" -H "Idempotency-Key;"
    rule="1 to 128 characters of A-Z a-z 0-9 _ . : -"
    body "{\"error\":\"invalid Idempotency-Key '' (expected $rule)\"}"
    req 200 POST /cart/add?item=ok -H "Cookie: $alice" -H "Idempotency-Key: ${long%0}"
    req 200 GET /counter
    body "{\"value\":$((v0 + 3))}"

    # a key is scoped to the session's user and the route: the same key from another user, or
    # on another route, seat or item, is a new request and is applied; only a resend of the
    # same write by the same user is answered from the first one
    s="scope.$mode:$id-1"
    req 200 POST /counter/incr -H "Cookie: $alice" -H "Idempotency-Key: $s"
    body "{\"value\":$((v0 + 4))}"
    req 200 POST /counter/incr -H "Cookie: $bob" -H "Idempotency-Key: $s"
    body "{\"value\":$((v0 + 5))}"
    [ -z "$(hdr Idempotent-Replayed)" ] || fail "$mode: alice's key replayed bob's increment"
    req 200 POST /counter/incr -H "Cookie: $bob" -H "Idempotency-Key: $s"
    body "{\"value\":$((v0 + 5))}"
    [ "$(hdr Idempotent-Replayed)" = true ] || fail "$mode: bob's resend was applied again"
    req 200 POST /seats/20/book -H "Cookie: $alice" -H "Idempotency-Key: $s"
    body '{"seat":20,"booked":true,"user":"alice"}'
    [ -z "$(hdr Idempotent-Replayed)" ] || fail "$mode: a counter's key replayed a booking"
    req 200 POST /seats/21/book -H "Cookie: $alice" -H "Idempotency-Key: $s"
    body '{"seat":21,"booked":true,"user":"alice"}'
    [ -z "$(hdr Idempotent-Replayed)" ] || fail "$mode: seat 20's key replayed seat 21"
    req 409 POST /seats/20/book -H "Cookie: $bob" -H "Idempotency-Key: $s"
    body '{"seat":20,"booked":false}'
    [ -z "$(hdr Idempotent-Replayed)" ] || fail "$mode: alice's key answered bob's booking"
    req 200 POST /seats/22/book -H "Cookie: $bob" -H "Idempotency-Key: $s"
    body '{"seat":22,"booked":true,"user":"bob"}'
    req 200 POST /seats/20/book -H "Cookie: $alice" -H "Idempotency-Key: $s"
    body '{"seat":20,"booked":true,"user":"alice"}'
    [ "$(hdr Idempotent-Replayed)" = true ] || fail "$mode: alice's seat resend not replayed"
    req 200 GET /counter
    body "{\"value\":$((v0 + 5))}"
    if [ "$mode" != token ]; then
        # frank's cart key, sent by gina: her item is added; on another item: added too
        login gina
        req 200 POST /cart/add?item=g1 -H "Cookie: $ck" -H "Idempotency-Key: $k-cart"
        cart gina '"g1"'
        [ -z "$(hdr Idempotent-Replayed)" ] || fail "$mode: frank's cart key replayed gina's"
        req 200 POST /cart/add?item=g2 -H "Cookie: $ck" -H "Idempotency-Key: $k-cart"
        cart gina '"g1","g2"'
        [ -z "$(hdr Idempotent-Replayed)" ] || fail "$mode: item g1's key replayed item g2"
        req 200 POST /cart/add?item=g2 -H "Cookie: $ck" -H "Idempotency-Key: $k-cart"
        cart gina '"g1","g2"'
        [ "$(hdr Idempotent-Replayed)" = true ] || fail "$mode: gina's resend was applied again"
    fi

    # seats: booked once, then 409
    req 200 POST /seats/7/book -H "Cookie: $alice"
    session hit
    body '{"seat":7,"booked":true,"user":"alice"}'
    req 409 POST /seats/7/book -H "Cookie: $bob"
    body '{"seat":7,"booked":false}'
    req 409 POST /seats/7/book -H "Cookie: $alice"
    req 200 POST /seats/0/book -H "Cookie: $bob"
    req 200 POST /seats/0000042/book -H "Cookie: $bob"
    body '{"seat":42,"booked":true,"user":"bob"}'
    req 409 POST /seats/42/book -H "Cookie: $alice"
    req 200 POST /seats/999999/book -H "Cookie: $bob"
    body '{"seat":999999,"booked":true,"user":"bob"}'
    for n in 1000000 -1 abc 1x "" 12345678 1%2F2 +5 %205 0x1; do
        req 400 POST "/seats/$n/book" -H "Cookie: $bob"
        body_has '{"error":"invalid seat '
    done

    # bad parameters: 400 with {"error": ...} naming the value
    req 400 POST /login
    session none
    body "{\"error\":\"missing parameter 'user' (expected ?user=NAME)\"}"
    long=$(printf '%065d' 0)
    for q in "user=" "user" "user=%C3%A9" "user=a/b" "user=$long" "user=a&user=b" \
             "user=a&x=1" "name=a" "a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9"; do
        req 400 POST "/login?$q"
        body_has '{"error":"'
    done
    req 400 POST "/login?user=a%20b"
    body "{\"error\":\"invalid user 'a b' (expected 1 to 64 characters of A-Z a-z 0-9 _ . -)\"}"
    req 400 POST "/login?user=a%22%5C%01"
    body_has "{\"error\":\"invalid user 'a\\\"\\\\\\u0001' (expected"
    req 200 POST "/login?user=$(printf '%064d' 0)"
    req 400 POST /cart/add -H "Cookie: $alice"
    req 400 POST "/cart/add?item=a;b" -H "Cookie: $alice"
    req 400 GET "/cart?x=1" -H "Cookie: $alice"
    req 400 GET "/whoami?verbose"

    # unknown paths, wrong methods, bodies
    for p in /nope / /cart/ /cart/add/x /seats/1 /seats/1/cancel /seats/book /login/x; do
        req 404 GET "$p"
        session none
        body_has '{"error":"unknown path '
    done
    req 405 GET /login
    [ "$(hdr Allow)" = POST ] || fail "405 without Allow: POST"
    req 405 PUT /cart
    [ "$(hdr Allow)" = "GET, HEAD" ] || fail "405 without Allow: GET, HEAD"
    req 405 POST /whoami
    req 405 DELETE /seats/1/book
    req 405 GET /counter/incr
    req 413 POST "/login?user=big" --data-binary "$(head -c 1025 /dev/zero | tr '\0' a)"
    session none
    req 200 POST "/login?user=small" --data-binary "$(head -c 1024 /dev/zero | tr '\0' a)"
    req 413 POST "/login?user=chunked" -H "Transfer-Encoding: chunked" --data-binary "abc"
    req 200 GET /healthz
}

# cross URL CODE: the session $ck, made at one app, asked for its cart at another
cross() {
    got=$(curl -s -o "$tmp/body" -w '%{http_code}' -H "Cookie: $ck" "$1/cart")
    [ "$got" = "$2" ] || fail "$mode: a session of one app answered $got at another, want $2"
}

# memory: sessions stay in the process that made them
case_memory() {
    start_app m1 --state memory --threads 3
    m1_pid=$app_pid m1_url=$url
    start_app m2 --state memory
    m2_pid=$app_pid m2_url=$url
    url=$m1_url app_pid=$m1_pid
    exercise memory m1
    login dave
    cross "$m2_url" 401
    stop_app m1 "$m1_pid"
    stop_app m2 "$m2_pid"
}

# redis: any app finds the session; counter and seats are shared; then a Redis outage:
# /readyz and state calls answer 503 at once, /healthz stays 200, and both apps recover
case_redis() {
    start_redis
    start_app r1 --state store --redis "127.0.0.1:$rport"
    r1_pid=$app_pid r1_url=$url
    start_app r2 --state store --redis "localhost:$rport" --threads 1
    r2_pid=$app_pid r2_url=$url
    url=$r1_url app_pid=$r1_pid
    exercise redis r1
    login dave
    add d1
    cross "$r2_url" 200
    body '{"user":"dave","items":["d1"],"backend":"r2"}'
    url=$r2_url
    req 409 POST /seats/7/book -H "Cookie: $ck"
    req 200 GET /counter
    body '{"value":5}'

    url=$r1_url id=r1
    stop_redis
    req 503 GET /readyz
    session none
    body '{"error":"redis unavailable"}'
    req 200 GET /healthz
    start=$(date +%s%N)
    req 503 POST /login?user=x
    req 503 POST /counter/incr -H "Cookie: sid=0123456789abcdef0123456789abcdef"
    req 503 GET /counter
    ms=$((($(date +%s%N) - start) / 1000000))
    [ "$ms" -lt 1500 ] || fail "three requests during the outage took $ms ms"
    start_redis_again
    for u in "$r1_url" "$r2_url"; do
        url=$u
        req 200 GET /readyz
        req 200 GET /readyz
        req 200 POST /login?user=back
    done
    stop_app r1 "$r1_pid"
    stop_app r2 "$r2_pid"
    stop_redis
}

# token: the same key on two apps, another key on a third
case_token() {
    key=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
    export SCALELAB_TOKEN_KEY="$key"
    start_app t1 --state token
    t1_pid=$app_pid t1_url=$url
    start_app t2 --state token
    t2_pid=$app_pid t2_url=$url
    unset SCALELAB_TOKEN_KEY
    start_app t3 --state token
    t3_pid=$app_pid t3_url=$url
    url=$t1_url app_pid=$t1_pid
    exercise token t1
    login erin
    add e1
    cross "$t2_url" 200
    body '{"user":"erin","items":["e1"],"backend":"t2"}'
    cross "$t3_url" 401
    stop_app t1 "$t1_pid"
    stop_app t2 "$t2_pid"
    stop_app t3 "$t3_pid"
}

# --work-us burns CPU on each request
case_work_us() {
    start_app w1 --work-us 30000
    w1_pid=$app_pid
    t=$(curl -s -o /dev/null -w '%{time_total}' "$url/whoami")
    awk -v t="$t" 'BEGIN { exit !(t >= 0.03) }' || fail "--work-us 30000 answered in $t s"
    stop_app w1 "$w1_pid" INT
}

# runtime_error FRAGMENT CMD...: exit 1 within 10 s, one line on stderr holding FRAGMENT (and
# never the password), nothing on stdout
runtime_error() {
    fragment=$1
    shift
    timeout 10 "$@" >"$tmp/out" 2>"$tmp/err"
    st=$?
    [ $st -eq 1 ] || fail "$* exited $st, expected 1: $(cat "$tmp/err")"
    [ -s "$tmp/out" ] && fail "$* printed on stdout: $(cat "$tmp/out")"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$* printed more than one line: $(cat "$tmp/err")"
    grep -qF -- "$fragment" "$tmp/err" || fail "$* stderr lacks '$fragment': $(cat "$tmp/err")"
    grep -qF -f "$tmp/auth" "$tmp/err" && fail "$* printed the password"
}

# start_locked PASSWORD: a redis-server on $lport that wants PASSWORD
start_locked() {
    cat >"$tmp/locked/redis.conf" <<EOF
port $lport
bind 127.0.0.1
save ""
appendonly no
dir $tmp/locked
daemonize no
requirepass $1
EOF
    redis-server "$tmp/locked/redis.conf" >>"$tmp/locked/log" 2>&1 &
    locked_pid=$!
    bg="$bg $locked_pid"
    i=0
    until [ "$(REDISCLI_AUTH=$1 redis-cli -p "$lport" ping 2>/dev/null)" = PONG ]; do
        i=$((i + 1))
        if [ $i -ge 100 ]; then
            cat "$tmp/locked/log"
            fail "locked redis-server did not start"
            break
        fi
        sleep 0.05
    done
}

stop_locked() {
    kill -TERM "$locked_pid" 2>/dev/null
    wait "$locked_pid" 2>/dev/null
}

# A Redis locked with requirepass: the app authenticates on every connection with the first
# line of --redis-auth-file; no password or a wrong one stops it at start (exit 1), a later
# refusal answers 503 naming it; the password is on no command line.
case_locked_redis() {
    lport=$(free_port)
    mkdir -p "$tmp/locked"
    pass=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
    (umask 077 && printf '%s\n' "$pass" >"$tmp/auth" && printf 'wrong\n' >"$tmp/auth.bad")
    start_locked "$pass"
    got=$(redis-cli -p "$lport" ping 2>&1)
    case $got in
    NOAUTH*) ;;
    *) fail "unauthenticated PING answered '$got', expected NOAUTH" ;;
    esac
    runtime_error "redis at '127.0.0.1:$lport' wants a password (NOAUTH Authentication \
required)" $SCALELAB app --state store --redis "127.0.0.1:$lport"
    runtime_error "redis at '127.0.0.1:$lport' refused the password of --redis-auth-file \
'$tmp/auth.bad' (WRONGPASS" $SCALELAB app --state store --redis "127.0.0.1:$lport" \
        --redis-auth-file "$tmp/auth.bad"
    # a Redis without a password is given one: refused too, not ignored
    start_redis
    runtime_error "refused the password of --redis-auth-file '$tmp/auth' (ERR AUTH" \
        $SCALELAB app --state store --redis "127.0.0.1:$rport" --redis-auth-file "$tmp/auth"
    stop_redis

    mode=redis
    start_app a1 --state store --redis "127.0.0.1:$lport" --redis-auth-file "$tmp/auth"
    a1_pid=$app_pid id=a1
    req 200 GET /readyz
    login zoe
    add z1
    add z2
    cart zoe '"z1","z2"'
    req 200 POST /counter/incr -H "Cookie: $ck"
    body '{"value":1}'
    ps -eo args >"$tmp/ps"
    grep -F -f "$tmp/auth" "$tmp/ps" && fail "the Redis password is on a command line"
    grep -q -- "--redis-auth-file $tmp/auth" "$tmp/ps" ||
        fail "ps does not show the app's auth file"
    # Redis comes back with another password: the app answers 503 saying so, /healthz stays 200
    stop_locked
    start_locked "other$pass"
    refused='{"error":"redis refused the app'"'"'s password (wrong or missing)"}'
    req 503 GET /readyz
    body "$refused"
    req 503 POST /login?user=x
    body "$refused"
    req 503 GET /counter
    req 200 GET /healthz
    stop_locked
    start_locked "$pass"
    req 200 GET /readyz
    req 200 POST /login?user=back
    stop_app a1 "$a1_pid"
    stop_locked
}

# bad flags and files: exit 2 with one line naming the problem, before anything is served
case_bad_input() {
    auth=$tmp/flags.auth
    (umask 077 && printf 'secret\n' >"$auth")
    chmod 644 "$auth"
    bad_input "invalid --redis-auth-file '$auth': group or others may read it (expected mode \
0600 or 0400)" $SCALELAB app --state store --redis-auth-file "$auth"
    chmod 600 "$auth"
    bad_input "--redis-auth-file needs --state store" $SCALELAB app --redis-auth-file "$auth"
    bad_input "cannot read --redis-auth-file '$tmp/none': No such file or directory" \
        $SCALELAB app --state store --redis-auth-file "$tmp/none"
    bad_input "cannot read --redis-auth-file '$tmp': not a regular file" \
        $SCALELAB app --state store --redis-auth-file "$tmp"
    mkfifo "$tmp/fifo"
    bad_input "cannot read --redis-auth-file '$tmp/fifo': not a regular file" \
        $SCALELAB app --state store --redis-auth-file "$tmp/fifo"
    for content in "" "\n" "a\nb\n" "$(printf '%0513d' 0)\n"; do
        (umask 077 && printf "$content" >"$tmp/auth.odd")
        bad_input "invalid --redis-auth-file '$tmp/auth.odd' (expected one line of 1 to 512 \
bytes" $SCALELAB app --state store --redis-auth-file "$tmp/auth.odd"
    done

    bad_input "invalid --state 'disk'" $SCALELAB app --state disk
    bad_input "invalid --redis 'nohost'" $SCALELAB app --redis nohost
    bad_input "invalid --redis 'h:0'" $SCALELAB app --redis h:0
    bad_input "invalid --redis ':6379'" $SCALELAB app --redis :6379
    bad_input "invalid --redis 'h:1e3'" $SCALELAB app --redis h:1e3
    bad_input "invalid --id 'a b'" $SCALELAB app --id "a b"
    bad_input "invalid --work-us '-1'" $SCALELAB app --work-us -1
    bad_input "invalid --threads '0'" $SCALELAB app --threads 0
    bad_input "invalid --port '70000'" $SCALELAB app --port 70000
    bad_input "invalid --addr 'nowhere'" $SCALELAB app --addr nowhere
    bad_input "invalid SCALELAB_TOKEN_KEY" env SCALELAB_TOKEN_KEY=abcd $SCALELAB app --state token
    bad_input "unexpected argument 'x'" $SCALELAB app x
}

needs "memory mode" curl && case_memory
needs "redis mode and outage" curl redis-server redis-cli python3 && case_redis
needs "token mode" curl && case_token
needs "--work-us" curl && case_work_us
needs "locked redis" curl redis-server redis-cli python3 timeout && case_locked_redis
case_bad_input

# nothing left running
for p in $bg; do
    kill -0 "$p" 2>/dev/null && fail "process $p still running"
done
finish
