#!/bin/sh
# `man` and `completion`: the committed manual page equals the generated one and renders without
# warnings; the bash completion completes commands, options and values as the tables say.
. "$(dirname "$0")/lib.sh"
page=$here/../../docs/scalelab.1

# docs/scalelab.1 is what `scalelab man` prints now (make man regenerates it)
$SCALELAB man >"$tmp/scalelab.1" 2>"$tmp/err" ||
    fail "scalelab man exited nonzero: $(cat "$tmp/err")"
diff -u "$page" "$tmp/scalelab.1" >"$tmp/diff" ||
    { head -60 "$tmp/diff"; fail "docs/scalelab.1 differs from 'scalelab man' (run make man)"; }
$SCALELAB man --help | grep -q '^usage: scalelab man$' || fail "man --help"
bad_input "unexpected argument 'x'" $SCALELAB man x

# rendered without a warning by groff and by man, where they are installed
if command -v groff >/dev/null; then
    groff -man -Tutf8 -ww -z "$tmp/scalelab.1" >"$tmp/groff" 2>&1 || fail "groff exited nonzero"
    [ -s "$tmp/groff" ] && fail "groff warns: $(head -5 "$tmp/groff")"
else
    echo "SKIP: groff not installed (the page is not rendered)"
fi
if command -v man >/dev/null; then
    MANWIDTH=80 MANPAGER=cat PAGER=cat man --warnings -l "$tmp/scalelab.1" >"$tmp/man.txt" \
        2>"$tmp/man.err" || fail "man -l exited nonzero: $(head -5 "$tmp/man.err")"
    [ -s "$tmp/man.err" ] && fail "man -l warns: $(head -5 "$tmp/man.err")"
    grep -q 'EXIT STATUS' "$tmp/man.txt" || fail "man -l shows no EXIT STATUS"
else
    echo "SKIP: man not installed (man -l is not tried)"
fi

# the page documents every command-line option `--help` lists, for each declared command
declared=$(sed -n 's/^\.SS "scalelab \([a-z-]*\)"$/\1/p' "$tmp/scalelab.1")
[ -n "$declared" ] || fail "the page describes no command"
for c in $declared; do
    $SCALELAB "$c" --help | grep -oE '^  --[a-z0-9-]+' | sed 's/^  --//' | grep -vx help |
        while read -r o; do
            grep -qF "\\fB\\-\\-$(echo "$o" | sed 's/-/\\-/g')\\fR" "$tmp/scalelab.1" ||
                echo "FAIL: the page lacks $c --$o"
        done >>"$tmp/missing"
done
[ -s "$tmp/missing" ] && fail "$(cat "$tmp/missing")"

# completion: the script is valid bash, and completing words gives what the tables say
command -v bash >/dev/null || { echo "SKIP: bash not installed (completion untested)"; finish; }
$SCALELAB completion bash >"$tmp/c.bash" 2>"$tmp/err" ||
    fail "completion bash exited nonzero: $(cat "$tmp/err")"
bash -n "$tmp/c.bash" || fail "the completion script is not valid bash"
bad_input "missing SHELL: the shell the script is for (expected bash)" $SCALELAB completion
bad_input "invalid shell 'zsh' (expected bash)" $SCALELAB completion zsh

# completes WORD...: COMPREPLY after completing the last word, one line, words sorted
completes() {
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _scalelab
             printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ *$//"' \
        _ "$tmp/c.bash" "$@"
}
# expect "WANT" WORD...
expect() {
    want=$1
    shift
    got=$(completes "$@")
    [ "$got" = "$want" ] || fail "completing '$*' gave '$got', expected '$want'"
}
expect "queue quiz" scalelab qu
expect "--servers --service-cv --service-ms" scalelab queue --se
expect "" scalelab queue --cpu-ms ""
expect "" scalelab queue --cpu-ms = ""
expect "" scalelab queue --cpu-ms = 1
expect "--load" scalelab queue --station a:1:1 --lo
expect "" scalelab queue --json ""
expect "--help --version" scalelab --
expect "bash" scalelab completion ""
expect "" scalelab completion -- --x
expect "--calibration --catalog --cpu-ms --csv" scalelab compare --c

# every command main.c runs is completed; a declared one's options are those --help lists
all=$($SCALELAB --help | sed -n 's/^  \([a-z-]*\) .*/\1/p' | sort | tr '\n' ' ' | sed 's/ *$//')
expect "$all" scalelab ""
for c in $all; do
    got=$(completes scalelab "$c" --)
    if echo "$declared" | grep -qx "$c"; then
        want=$($SCALELAB "$c" --help | grep -oE '^  --[a-z0-9-]+' | sed 's/^  //' | sort |
               tr '\n' ' ' | sed 's/ *$//')
        [ "$got" = "$want" ] || fail "$c: completion offers '$got', --help lists '$want'"
    else
        [ -z "$got" ] || fail "$c is not declared yet but completes options: $got"
    fi
done

# the value arms: an enum's choices and file names after the option that takes them
mkdir "$tmp/files" && touch "$tmp/files/plan.csv" "$tmp/files/fit.json"
awk '/^    [a-z-]+\)$/ { sub(/\)$/, ""); cmd = $1 }
     /^        --[^)]*\) _scalelab_(words|files)/ { print cmd, $0 }' "$tmp/c.bash" |
    while read -r cmd opts what words; do
        opt=${opts%%|*}
        opt=${opt%)}
        case $what in
        _scalelab_files*)
            got=$(cd "$tmp/files" && completes scalelab "$cmd" "$opt" "")
            [ "$got" = "fit.json plan.csv" ] || echo "FAIL: $cmd $opt completes '$got', not files"
            ;;
        *)
            want=$(echo "$words" | sed "s/'; return 0 ;;$//; s/^'//" | tr ' ' '\n' | sort |
                   tr '\n' ' ' | sed 's/ *$//')
            got=$(completes scalelab "$cmd" "$opt" "")
            [ "$got" = "$want" ] || echo "FAIL: $cmd $opt completes '$got', expected '$want'"
            got=$(completes scalelab "$cmd" "$opt" = "")
            [ "$got" = "$want" ] || echo "FAIL: $cmd $opt= completes '$got', expected '$want'"
            ;;
        esac
    done >"$tmp/arms"
[ -s "$tmp/arms" ] && fail "$(cat "$tmp/arms")"
finish
