#!/bin/sh
# `lab`: the store is locked and the lab cleans up after itself (docs/lab-security.md). During a
# redis run: an unauthenticated or wrongly authenticated redis-cli is refused, the password is on
# no command line and in no environment, its files are 0600 in a 0700 directory, haproxy has no
# stats page, only its 0600 socket. A store shut down or killed mid-run is one line in the report,
# a JSON field and exit 1. A lab started after a SIGKILLed one removes the dead one's directory
# and nothing else. Each case needs the programs it names; one that is missing skips that case.
. "$(dirname "$0")/lib.sh"

# mode PATH: the permission bits in octal, as stat prints them (600, 700)
mode() {
    stat -c %a "$1"
}

# wait_ready: waits until the one lab in $runs serves its frontend; sets dir, fe, rport, pass
# and pids (every process the lab started, from its pid files)
wait_ready() {
    dir="" fe="" i=0
    while [ $i -lt 300 ]; do
        dir=$(find "$runs" -maxdepth 1 -name 'scalelab-lab.??????' -newer "$tmp/mark" | head -1)
        [ -n "$dir" ] && [ -f "$dir/haproxy.cfg" ] &&
            fe=$(sed -n 's/^ *bind 127.0.0.1:\([0-9]*\)$/\1/p' "$dir/haproxy.cfg" | head -1)
        [ -n "$fe" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' \
            "http://127.0.0.1:$fe/healthz")" = 200 ] && break
        sleep 0.1
        i=$((i + 1))
    done
    [ -n "$fe" ] || { fail "no lab became ready in $runs"; return 1; }
    rport=$(sed -n 's/^port //p' "$dir/redis.conf" 2>/dev/null)
    pass=$(cat "$dir/redis.auth" 2>/dev/null)
    pids=$(cat "$dir"/*.pid)
    sleep 0.5 # the workload starts once every backend is UP
}

# alive PIDS...: the ones still running, if any
alive() {
    for p in "$@"; do
        kill -0 "$p" 2>/dev/null && echo "$p"
    done
}

# start_lab NAME ARGS...: `scalelab lab --backends 2 --users 10 ARGS` in the background, its
# stdout and stderr in $tmp/NAME.out and .err; sets lab_pid
start_lab() {
    name=$1
    shift
    touch "$tmp/mark"
    sleep 0.01
    $SCALELAB lab --backends 2 --users 10 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    lab_pid=$!
    bg="$bg $lab_pid"
}

# end_lab NAME STATUS: the lab exits with STATUS; then no process of it is left, nor its files
end_lab() {
    wait "$lab_pid"
    st=$?
    [ "$st" -eq "$2" ] || fail "lab $1 exited $st, expected $2: $(tail -5 "$tmp/$1.err")"
    grep -q "AddressSanitizer\|runtime error\|LeakSanitizer" "$tmp/$1.err" &&
        fail "lab $1: sanitizer report: $(head -20 "$tmp/$1.err")"
    # shellcheck disable=SC2086
    [ -z "$(alive $pids)" ] || fail "$1: processes left: $(alive $pids)"
    pgrep -f "$runs/scalelab-lab" >/dev/null && fail "$1: processes left: $(pgrep -af "$runs")"
    [ -z "$(find "$runs" -maxdepth 1 -name 'scalelab-lab.??????')" ] ||
        fail "$1: left its run directory: $(ls -A "$runs")"
}

# check NAME EXPR...: each Python expression holds over the JSON document d in $tmp/NAME.out
check() {
    name=$1
    shift
    json_check "$tmp/$name.out" "$@"
}

# ---- a redis run: everything locked ----
if needs "locked redis run" haproxy redis-server redis-cli curl python3; then
    start_lab locked --json --duration 6
    wait_ready
    [ -n "$pass" ] || fail "no redis.auth in the run directory"
    [ ${#pass} -ge 32 ] || fail "the Redis password has ${#pass} hex digits, expected at least 32"
    echo "$pass" | grep -Eqx '[0-9a-f]+' || fail "the Redis password is not hex"
    [ "$(mode "$dir")" = 700 ] || fail "run directory mode $(mode "$dir"), expected 700"
    for f in redis.conf redis.auth haproxy.cfg lab.pid redis.log b1.log; do
        [ "$(mode "$dir/$f")" = 600 ] || fail "$f mode $(mode "$dir/$f"), expected 600"
    done
    [ -S "$dir/haproxy.sock" ] || fail "no haproxy stats socket"
    [ "$(mode "$dir/haproxy.sock")" = 600 ] || fail "haproxy.sock mode $(mode "$dir/haproxy.sock")"
    [ "$(cat "$dir/lab.pid")" = "$lab_pid" ] || fail "lab.pid holds '$(cat "$dir/lab.pid")'"
    grep -qx "requirepass $pass" "$dir/redis.conf" || fail "redis.conf lacks requirepass"

    # without the password redis answers nothing
    got=$(redis-cli -p "$rport" PING 2>&1)
    case $got in NOAUTH*) ;; *) fail "unauthenticated PING answered '$got', expected NOAUTH" ;; esac
    got=$(redis-cli -p "$rport" KEYS '*' 2>&1)
    case $got in NOAUTH*) ;; *) fail "unauthenticated KEYS answered '$got'" ;; esac
    got=$(REDISCLI_AUTH=wrong redis-cli -p "$rport" PING 2>&1)
    case $got in *WRONGPASS*) ;; *) fail "a wrong password's PING answered '$got'" ;; esac
    got=$(REDISCLI_AUTH=$pass redis-cli -p "$rport" PING 2>&1)
    [ "$got" = PONG ] || fail "the run directory's password does not open redis: '$got'"
    # the store really is in use: sessions under that password
    got=$(REDISCLI_AUTH=$pass redis-cli -p "$rport" --scan --pattern 'sess:*' | head -1)
    [ -n "$got" ] || fail "no session in the lab's redis"

    # the password is on no command line and in no environment of the lab's processes
    ps -eo args >"$tmp/ps"
    grep -F -f "$dir/redis.auth" "$tmp/ps" && fail "ps -eo args shows the Redis password"
    grep -q -- "--redis-auth-file $dir/redis.auth" "$tmp/ps" ||
        fail "the apps were not given --redis-auth-file: $(grep -- ' app ' "$tmp/ps")"
    for f in "$dir"/*.pid; do
        p=$(cat "$f")
        tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qF -f "$dir/redis.auth" &&
            fail "the environment of $(basename "$f" .pid) holds the Redis password"
    done

    # haproxy: no stats page, only the frontend's port
    grep -Eq 'stats (enable|uri|auth)|^listen stats' "$dir/haproxy.cfg" &&
        fail "haproxy.cfg has a stats page: $(grep stats "$dir/haproxy.cfg")"
    [ "$(grep -c '^ *bind ' "$dir/haproxy.cfg")" -eq 1 ] ||
        fail "haproxy binds more than the frontend: $(grep 'bind' "$dir/haproxy.cfg")"
    if command -v ss >/dev/null; then
        hp=$(cat "$dir/haproxy.pid")
        ports=$(ss -Hltnp 2>/dev/null | grep "pid=$hp," | awk '{ print $4 }' | sort -u)
        [ "$ports" = "127.0.0.1:$fe" ] || fail "haproxy listens on '$ports', expected 127.0.0.1:$fe"
    fi
    for path in '/haproxy?stats' /stats '/;csv' /; do
        code=$(curl -s -D "$tmp/h" -o "$tmp/body" -w '%{http_code}' "http://127.0.0.1:$fe$path")
        if [ "$code" != 404 ] || ! grep -qi '^X-Backend: b' "$tmp/h"; then
            fail "GET $path on the frontend answered $code, not the app's 404: $(head -c 200 \
                "$tmp/body")"
        fi
    done
    end_lab locked 0
    check locked 'd["mode"] == "store" and d["requests"] > 0' 'd["store_failure"] is None' \
        'd["sessions_lost"] == 0 and d["counter_drift"] == 0'
fi

# ---- the store shut down mid-run by someone holding the password ----
if needs "store shut down" haproxy redis-server redis-cli curl python3; then
    start_lab shutdown --json --duration 6
    wait_ready
    REDISCLI_AUTH=$pass redis-cli -p "$rport" SHUTDOWN NOSAVE >/dev/null 2>&1
    end_lab shutdown 1
    [ "$(wc -l <"$tmp/shutdown.err")" -eq 1 ] ||
        fail "shutdown: stderr holds more than one line: $(cat "$tmp/shutdown.err")"
    want="^scalelab: the store failed during the run: redis-server shut down (status 0)"
    want="$want at [0-9.]* s$"
    grep -q "$want" "$tmp/shutdown.err" || fail "shutdown: stderr: $(cat "$tmp/shutdown.err")"
    check shutdown 'd["store_failure"]["what"] == "redis-server shut down (status 0)"' \
        '0 < d["store_failure"]["t_s"] < d["duration_s"]' \
        'any(e["what"] == "redis-server shut down (status 0)" for e in d["events"])' \
        'd["errors_by_kind"]["http_503"] > 0'
fi

# ---- the store killed mid-run, text report ----
if needs "store killed" haproxy redis-server curl; then
    start_lab killed --duration 6
    wait_ready
    kill -KILL "$(cat "$dir/redis.pid")"
    end_lab killed 1
    line='^  store            failed at [0-9.]+ s: redis-server was killed \(signal 9\)$'
    if [ "$(grep -c '^  store  ' "$tmp/killed.out")" -ne 1 ] ||
        ! grep -Eq "$line" "$tmp/killed.out"; then
        fail "killed: the report lacks the one store line: $(cat "$tmp/killed.out")"
    fi
    grep -q "^scalelab: the store failed during the run: redis-server was killed (signal 9) at" \
        "$tmp/killed.err" || fail "killed: stderr: $(cat "$tmp/killed.err")"
fi

# ---- a SIGKILLed lab: its children die with it, the next lab removes its directory ----
if needs "SIGKILLed lab" haproxy curl; then
    start_lab sigkill --state memory --duration 60
    wait_ready
    killed_dir=$dir
    kill -KILL "$lab_pid"
    wait "$lab_pid" 2>/dev/null
    i=0
    # shellcheck disable=SC2086
    while [ -n "$(alive $pids)" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    # shellcheck disable=SC2086
    [ -z "$(alive $pids)" ] || fail "children outlived the SIGKILLed lab: $(alive $pids)"
    [ -d "$killed_dir" ] || fail "the SIGKILLed lab's directory is already gone (nothing to test)"
    # neighbours a lab must not touch, and one more dead lab's directory it must remove
    sh -c 'exit 0' &
    dead=$!
    wait $dead
    mkdir "$runs/scalelab-lab.dead01" "$runs/scalelab-lab.live01" "$runs/scalelab-lab.nopid1" \
        "$runs/scalelab-other.dead02" "$runs/scalelab-lab.dead-1" "$runs/target"
    for d in scalelab-lab.dead01 scalelab-other.dead02 scalelab-lab.dead-1 target; do
        echo "$dead" >"$runs/$d/lab.pid"
    done
    echo $$ >"$runs/scalelab-lab.live01/lab.pid"
    ln -s target "$runs/scalelab-lab.link01"
    echo "$dead" >"$runs/scalelab-lab.file01"
    keep="scalelab-lab.live01 scalelab-lab.nopid1 scalelab-other.dead02 scalelab-lab.dead-1 target
    scalelab-lab.link01 scalelab-lab.file01"
    if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
        mkdir "$runs/scalelab-lab.other1"
        echo "$dead" >"$runs/scalelab-lab.other1/lab.pid"
        chown -R nobody "$runs/scalelab-lab.other1"
        keep="$keep scalelab-lab.other1"
    fi
    $SCALELAB lab --state memory --backends 1 --users 4 --duration 0.5 >"$tmp/next.out" \
        2>"$tmp/next.err"
    st=$?
    [ $st -eq 0 ] || fail "the lab after a SIGKILLed one exited $st: $(cat "$tmp/next.err")"
    [ -e "$killed_dir" ] && fail "the SIGKILLed lab's directory is still there"
    [ -e "$runs/scalelab-lab.dead01" ] && fail "a dead lab's directory is still there"
    grep -qF "scalelab: removed '$killed_dir', left by lab process" "$tmp/next.err" ||
        fail "no message about the removed directory: $(cat "$tmp/next.err")"
    for d in $keep; do
        [ -e "$runs/$d" ] || [ -L "$runs/$d" ] || fail "the lab removed '$d', which it must keep"
    done
    [ -f "$runs/target/lab.pid" ] || fail "the lab followed a symlink into 'target'"
    [ "$(find "$runs" -maxdepth 1 -name 'scalelab-lab.??????' | wc -l)" -eq "$(echo "$keep" |
        tr ' ' '\n' | grep -c '^scalelab-lab')" ] || fail "left behind: $(ls -A "$runs")"
fi

finish
