#!/bin/sh
# Output files: only regular files are written, modes are kept or follow the umask, "-" is
# standard output, and a signal during the write leaves no temporary file behind.
. "$(dirname "$0")/lib.sh"
# the tests run inside $tmp, so that every temporary file they might leave is seen
case $SCALELAB in /*) ;; */*) SCALELAB=$(pwd)/$SCALELAB ;; esac
cd "$tmp" || exit 1
expect="(expected a regular file or a new path)"

# refused KIND PATH CMD...: exit 2 with "cannot write 'PATH': it is KIND (expected ...)", nothing
# on stdout; the timeout catches a command that opened a FIFO and blocks
refused() {
    kind=$1
    path=$2
    shift 2
    bad_input "cannot write '$path': it is $kind $expect" timeout 20 "$@"
}

mkfifo fifo
refused "a FIFO" fifo $SCALELAB curve --points 3 --svg fifo
refused "a FIFO" fifo $SCALELAB fit --points 1:100,2:190,4:350,8:600 --svg fifo
[ -p fifo ] || fail "the FIFO was replaced"

# a device of our own, never the real /dev/null: as root, a broken build would replace it
if mknod null c 1 3 2>/dev/null; then
    refused "a character device" null $SCALELAB curve --points 3 --svg null
    [ -c null ] || fail "the device node was replaced"
else
    echo "SKIP: writing over a device node (mknod needs root)"
fi

mkdir dir
refused "a directory" dir $SCALELAB curve --points 3 --svg dir
refused "a directory" dir/ $SCALELAB curve --points 3 --svg dir/
[ -d dir ] && [ -z "$(ls -A dir)" ] || fail "the directory was changed"

echo keep >target
ln -s target link
ln -s nowhere dangling
refused "a symbolic link" link $SCALELAB curve --points 3 --svg link
refused "a symbolic link" dangling $SCALELAB curve --points 3 --svg dangling
[ -L link ] && [ "$(readlink link)" = target ] || fail "the symlink was replaced"
[ "$(cat target)" = keep ] || fail "the symlink's target was written"
[ -L dangling ] && [ ! -e nowhere ] || fail "the dangling symlink was followed or replaced"

# "-" is standard output, the same bytes as the file
$SCALELAB curve --points 7 --svg c.svg 2>/dev/null || fail "curve --svg c.svg failed"
$SCALELAB curve --points 7 --svg - >stdout.svg 2>err || fail "curve --svg - failed: $(cat err)"
cmp -s c.svg stdout.svg || fail "curve --svg - differs from curve --svg FILE"
head -1 stdout.svg | grep -q '^<?xml' || fail "curve --svg - printed no SVG"
[ -e ./- ] && fail "curve --svg - created a file named '-'"

# an existing file keeps its mode; a new one follows the umask
echo old >private.svg
chmod 600 private.svg
$SCALELAB curve --points 3 --svg private.svg 2>/dev/null || fail "rewriting private.svg failed"
[ "$(stat -c %a private.svg)" = 600 ] || fail "0600 file became $(stat -c %a private.svg)"
grep -q '<svg' private.svg || fail "private.svg was not rewritten"
echo old >shared.svg
chmod 644 shared.svg
(umask 077 && $SCALELAB curve --points 3 --svg shared.svg 2>/dev/null) || fail "shared.svg failed"
[ "$(stat -c %a shared.svg)" = 644 ] || fail "0644 file became $(stat -c %a shared.svg)"
(umask 027 && $SCALELAB curve --points 3 --svg new.svg 2>/dev/null) || fail "new.svg failed"
[ "$(stat -c %a new.svg)" = 640 ] || fail "new file under umask 027 is $(stat -c %a new.svg)"
(umask 022 && $SCALELAB curve --points 3 --svg new022.svg 2>/dev/null) || fail "new022 failed"
[ "$(stat -c %a new022.svg)" = 644 ] || fail "new file under umask 022 is $(stat -c %a new022.svg)"

no_temp() { # no_temp WHAT
    if ls ./*.tmp.* >/dev/null 2>&1; then
        fail "$1 left a temporary file: $(ls ./*.tmp.*)"
        rm -f ./*.tmp.*
    fi
}
no_temp "refusing and rewriting"

# SIGTERM at some point of a long run: finished or killed, no temporary file may remain
$SCALELAB curve --points 200000 --svg big.svg >/dev/null 2>&1 &
pid=$!
sleep 0.3
kill -TERM $pid 2>/dev/null
wait $pid 2>/dev/null
st=$?
[ $st -eq 0 ] || [ $st -eq 143 ] || fail "curve killed by SIGTERM exited $st"
no_temp "SIGTERM during curve"

# A signal while the temporary file exists: strace holds fsync for 2 s, so the signal lands
# between creating the file and renaming it; the file goes and the process dies of the signal.
if strace -o /dev/null -e trace=none true 2>/dev/null; then
    for sig in TERM HUP; do
        echo keep >slow.svg
        rm -f pid
        # LeakSanitizer cannot run under ptrace; the process dies of the signal anyway
        ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
            strace -o /dev/null -e trace=fsync -e inject=fsync:delay_enter=2000000 \
            sh -c 'echo $$ >pid; exec "$0" curve --points 5 --svg slow.svg' "$SCALELAB" \
            >/dev/null 2>&1 &
        spid=$!
        i=0
        while [ $i -lt 200 ] && ! ls ./slow.svg.tmp.* >/dev/null 2>&1; do
            sleep 0.05
            i=$((i + 1))
        done
        if [ $i -ge 200 ]; then
            fail "SIG$sig: no temporary file appeared"
        else
            kill -$sig "$(cat pid)"
        fi
        wait $spid 2>/dev/null
        st=$?
        case $sig in TERM) want=143 ;; HUP) want=129 ;; esac
        [ $st -eq $want ] || fail "SIG$sig during the write: exit $st, expected $want"
        no_temp "SIG$sig during the write"
        [ "$(cat slow.svg)" = keep ] || fail "SIG$sig during the write changed slow.svg"
    done
else
    echo "SKIP: signal during the write (needs strace with ptrace allowed)"
fi
finish
