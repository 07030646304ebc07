#!/bin/sh
# scalelab quiz: piped answers, score, no escape bytes off a terminal, --json, re-asking, bad flags.
. "$(dirname "$0")/lib.sh"
data="$here/../../data/quiz.json"

# the right answers, 1-based, straight from the data file
key=$(python3 -c 'import json,sys
print(",".join(str(q["answer"] + 1) for q in json.load(open(sys.argv[1]))["questions"]))' "$data")
count=$(echo "$key" | tr , '\n' | wc -l)
[ "$count" -ge 12 ] || fail "only $count questions"

# every right answer through a pipe: full marks, one verdict and one explanation per question
echo "$key" | tr , '\n' | $SCALELAB quiz >"$tmp/out" 2>"$tmp/err" || fail "piped quiz exited $?"
[ -s "$tmp/err" ] && fail "piped quiz wrote on stderr: $(cat "$tmp/err")"
grep -qx "Score: $count of $count (100%)" "$tmp/out" || fail "no full score: $(tail -1 "$tmp/out")"
[ "$(grep -c '^  Right\.$' "$tmp/out")" -eq "$count" ] || fail "not $count 'Right.' lines"
[ "$(grep -c '^Question [0-9]* of '"$count"'$' "$tmp/out")" -eq "$count" ] ||
    fail "not $count question headers"
grep -q 'Your answer' "$tmp/out" && fail "a prompt was printed although stdin is a pipe"
grep -q "$(printf '\033')" "$tmp/out" && fail "escape bytes in piped output"
grep -q '80 %' "$tmp/out" || fail "'80 %' was split across lines"
# text is wrapped to 78 columns; only the commands to copy are left whole
awk '!/^  See it live: / && length($0) > 78 { exit 1 }' "$tmp/out" ||
    fail "a line is wider than 78 columns"

# a wrong answer says so and names the right one; the score counts it
printf '2\n1\n' | NO_COLOR=1 $SCALELAB quiz >"$tmp/out" 2>&1
grep -q '^  Wrong: you chose 1; the answer is 3\.$' "$tmp/out" ||
    fail "no wrong mark for question 2"
grep -qx 'Score: 1 of 2 (50%), stopped after 2 of '"$count"' questions' "$tmp/out" ||
    fail "early-stop score: $(tail -1 "$tmp/out")"
grep -q "$(printf '\033')" "$tmp/out" && fail "escape bytes with NO_COLOR"

# end of input before any answer still prints a score and exits 0
$SCALELAB quiz </dev/null >"$tmp/out" 2>&1 || fail "quiz on empty input exited $?"
grep -qx "Score: 0 of 0, stopped after 0 of $count questions" "$tmp/out" ||
    fail "empty-input score: $(tail -1 "$tmp/out")"

# bad answers are refused and asked again; q stops the quiz
printf 'x\n\n0\n9\n 2 \nq\n3\n' | $SCALELAB quiz >"$tmp/out" 2>&1
grep -q "^  'x' is not a choice: type a number from 1 to 4\.$" "$tmp/out" || fail "'x' not refused"
grep -q "^  No answer given: type a number from 1 to 4\.$" "$tmp/out" ||
    fail "empty line not refused"
grep -q "^  '0' is not a choice" "$tmp/out" || fail "'0' not refused"
grep -q "^  '9' is not a choice" "$tmp/out" || fail "'9' not refused"
[ "$(grep -c '^Question ' "$tmp/out")" -eq 2 ] || fail "the question was repeated or q ignored"
grep -qx "Score: 1 of 1 (100%), stopped after 1 of $count questions" "$tmp/out" ||
    fail "score after q: $(tail -1 "$tmp/out")"

# --answers and --question answer without reading stdin
$SCALELAB quiz --answers "$key" </dev/null >"$tmp/out" 2>&1 || fail "--answers exited $?"
grep -qx "Score: $count of $count (100%)" "$tmp/out" || fail "--answers score"
$SCALELAB quiz --question million-wall --answers 3 >"$tmp/out" 2>&1 || fail "--question exited $?"
grep -qx 'Score: 1 of 1 (100%)' "$tmp/out" || fail "--question score"
grep -qx '  See it live: scalelab compare 1m' "$tmp/out" || fail "--question lacks its live figure"

# every "See it live" line is a command that runs
echo "$key" | tr , '\n' | $SCALELAB quiz | sed -n 's/^  See it live: scalelab //p' >"$tmp/live"
[ -s "$tmp/live" ] || fail "no live figures"
while read -r cmdline; do
    # shellcheck disable=SC2086
    $SCALELAB $cmdline >/dev/null 2>"$tmp/err" || fail "scalelab $cmdline: $(cat "$tmp/err")"
done <"$tmp/live"

# --json: valid JSON whose content equals the data file
$SCALELAB quiz --json >"$tmp/q.json" || fail "--json exited $?"
python3 - "$tmp/q.json" "$data" <<'PY' || fail "--json differs from data/quiz.json"
import json, sys
out, data = (json.load(open(p)) for p in sys.argv[1:3])
assert out == data, "content differs"
assert [q["id"] for q in out["questions"]] == [q["id"] for q in data["questions"]]
PY

bad_input "unknown option '--frob'" $SCALELAB quiz --frob
bad_input "needs a value" $SCALELAB quiz --question
bad_input "unexpected argument 'now'" $SCALELAB quiz now
bad_input "unknown question 'nope' (expected one of: " $SCALELAB quiz --question nope
bad_input "invalid --answers '1,x'" $SCALELAB quiz --answers 1,x
bad_input "invalid --answers ''" $SCALELAB quiz --answers ''
bad_input "has choices 1 to 4" $SCALELAB quiz --answers 9
bad_input "more answers than the 1 question" $SCALELAB quiz --question million-wall --answers 1,2
bad_input "cannot be combined with --question" $SCALELAB quiz --json --question million-wall
bad_input "unknown option '--csv'" $SCALELAB quiz --csv
finish
