# Helpers for CLI tests: each test script sources this, runs $SCALELAB, and exits nonzero on failure.
# shellcheck shell=sh
set -u
: "${SCALELAB:?set SCALELAB to the scalelab binary}"
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# golden NAME CMD...: stdout must equal expected/NAME byte for byte, exit status 0.
golden() {
    name=$1
    shift
    if ! "$@" >"$tmp/out" 2>"$tmp/err"; then
        fail "$* exited nonzero: $(cat "$tmp/err")"
        return
    fi
    if ! cmp -s "$tmp/out" "$here/expected/$name"; then
        fail "$* differs from expected/$name"
        diff -u "$here/expected/$name" "$tmp/out" | head -40
    fi
}

# bad_input FRAGMENT CMD...: exit 2, exactly one line on stderr containing FRAGMENT, no stdout,
# no sanitizer report.
bad_input() {
    fragment=$1
    shift
    "$@" >"$tmp/out" 2>"$tmp/err"
    st=$?
    [ $st -eq 2 ] || fail "$* exited $st, expected 2"
    [ -s "$tmp/out" ] && fail "$* printed on stdout"
    lines=$(wc -l <"$tmp/err")
    [ "$lines" -eq 1 ] || fail "$* printed $lines lines on stderr: $(cat "$tmp/err")"
    grep -qF -- "$fragment" "$tmp/err" || fail "$* stderr lacks '$fragment': $(cat "$tmp/err")"
    grep -q "^scalelab: " "$tmp/err" || fail "$* stderr lacks the 'scalelab: ' prefix"
}

# have PROGRAM: it is on PATH, or in an sbin directory a non-root PATH often lacks (Debian
# installs haproxy in /usr/sbin), where the lab looks too
have() {
    command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ] || [ -x "/usr/local/sbin/$1" ]
}

# needs CASE PROGRAM...: true when every PROGRAM is there; otherwise prints one line
# "SKIP CASE: PROGRAM missing" (tests/run-all counts it as a skip) and is false, so that the
# caller skips that case and runs the others: `needs "redis mode" redis-server && case_redis`
needs() {
    case_name=$1
    shift
    for program in "$@"; do
        have "$program" && continue
        echo "SKIP $case_name: $program missing"
        return 1
    done
    return 0
}

finish() {
    [ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
    exit 0
}

# start_server NAME ARGS...: serves in the background; sets url_NAME, pid_NAME
start_server() {
    name=$1; shift
    $SCALELAB serve --port 0 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    eval "pid_$name=$!"
    i=0
    while ! grep -q 'serving on' "$tmp/$name.out" 2>/dev/null && [ $i -lt 100 ]; do
        sleep 0.1; i=$((i + 1))
    done
    eval "url_$name=$(grep -o 'http://127.0.0.1:[0-9]*' "$tmp/$name.out")"
}

# stop_server NAME: SIGTERM; must exit 0 within 2 s with no sanitizer report
stop_server() {
    eval "p=\$pid_$1"
    kill -TERM "$p"
    i=0
    while kill -0 "$p" 2>/dev/null && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$p" 2>/dev/null; then
        kill -KILL "$p"; fail "$1: server still running 2 s after SIGTERM"
    else
        wait "$p" || fail "$1: server exited nonzero after SIGTERM: $(cat "$tmp/$1.err")"
    fi
    grep -q "ERROR: AddressSanitizer\|runtime error" "$tmp/$1.err" &&
        fail "$1: sanitizer report: $(head -20 "$tmp/$1.err")"
}
