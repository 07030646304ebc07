# Helpers of the lab's tests, on top of cli/lib.sh: the labs' run directories go to a private
# TMPDIR ($runs), processes a test starts in the background (listed in $bg) are killed at exit,
# and json_check checks a lab's JSON document.
# shellcheck shell=sh
. "$(dirname "$0")/../cli/lib.sh"
runs="$tmp/runs"
mkdir -p "$runs"
export TMPDIR="$runs"
bg=""
cleanup() {
    for p in $bg; do kill -KILL "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# json_check FILE EXPR...: each Python expression holds over the document d in FILE (see
# json-check: first(PREFIX) is the time of the first event starting with PREFIX, or None)
json_check() {
    python3 "$here/json-check" "$@" || fail "$(basename "$1"): see above"
}

# wait_for WHAT CMD...: CMD succeeds within 10 s (tried every 50 ms); otherwise fails WHAT
wait_for() {
    what=$1
    shift
    i=0
    until "$@" >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -lt 200 ] || { fail "$what did not come up"; return 1; }
        sleep 0.05
    done
}
