#!/bin/sh
# Bad input: one line on stderr naming the value and what is accepted, exit 2, nothing written.
. "$(dirname "$0")/lib.sh"
for load in -5 0 -0 nan NaN inf -inf 1e400 "" 12q 1kk 0x10 "1 k" 99999999999999999999k; do
    bad_input "invalid load '$load'" $SCALELAB compare "$load"
done
bad_input "expected a positive number" $SCALELAB compare 5q
bad_input "invalid --load 'abc'" $SCALELAB plan --load abc
bad_input "missing --load" $SCALELAB plan
bad_input "unknown option '--frob'" $SCALELAB compare --frob
bad_input "unknown option '-x'" $SCALELAB compare -x
bad_input "needs a value" $SCALELAB compare --catalog
bad_input "invalid --state 'disk'" $SCALELAB compare --state disk
bad_input "invalid --spares 'n+x'" $SCALELAB compare --spares n+x
bad_input "invalid --spares '3n'" $SCALELAB compare --spares 3n
bad_input "invalid --spares 'n+1000001'" $SCALELAB compare --spares n+1000001
bad_input "invalid --target-utilization '1.50'" $SCALELAB compare --target-utilization 1.50
# the planner's goals: availability, zones, latency, replicas
for a in 0 1 1.5 -0.1 x; do
    bad_input "availability-target '$a'" $SCALELAB compare --availability-target $a
done
bad_input "invalid --zones '0'" $SCALELAB plan --load 1k --zones 0
bad_input "invalid --zones '17'" $SCALELAB plan --load 1k --zones 17
bad_input "invalid survive zone with 1 zone" $SCALELAB plan --load 1k --survive zone
bad_input "invalid --survive 'region'" $SCALELAB plan --load 1k --survive region --zones 3
for s in p99 p99= p99=0ms p99=-5ms p98=5ms p99=5min mean=abc =5ms p99=5ms5; do
    bad_input "invalid --slo '$s'" $SCALELAB compare 1k --slo "$s"
done
bad_input "invalid slo 'p99=1ms': no box can meet it" $SCALELAB compare 1k --slo p99=1ms
bad_input "invalid --db-replicas-min '101'" $SCALELAB plan --load 1k --db-replicas-min 101
bad_input "invalid --cpu-ms 'fast'" $SCALELAB compare --cpu-ms fast
bad_input "invalid --cpu-ms '-1'" $SCALELAB compare --cpu-ms -1
# the value as typed, not as parsed
bad_input "invalid --cpu-ms '99999999999999999999'" $SCALELAB compare --cpu-ms 99999999999999999999
bad_input "invalid --service-ms '4294967296' (expected a number above 0 and up to 1e9)" \
    $SCALELAB simulate --load 1 --service-ms 4294967296
printf '{"sigma": 0.01, "kappa": 0.0001, "lambda": 1e-9}' >"$tmp/tiny.json"
bad_input "lambda 1e-09 per second is too small" $SCALELAB plan --load 1k --calibration "$tmp/tiny.json"
bad_input "invalid --points '0'" $SCALELAB curve --points 0
bad_input "invalid --points '2.5'" $SCALELAB curve --points 2.5
bad_input "invalid range: --from '1m' is above --to '1k'" $SCALELAB curve --from 1m --to 1k
bad_input "unknown instance 'x9'" $SCALELAB compare --instance x9
bad_input "cannot read catalog 'nonesuch'" $SCALELAB compare --catalog nonesuch
bad_input "cannot read catalog '$tmp/missing.csv'" $SCALELAB compare --catalog "$tmp/missing.csv"
bad_input "--json and --csv" $SCALELAB compare --json --csv

H=name,vcpu,mem_gib,net_gbps,usd_per_month,single_thread_factor
printf '' >"$tmp/empty.csv"
bad_input "$tmp/empty.csv' line 1: no header" $SCALELAB compare --catalog "$tmp/empty.csv"
printf 'name,vcpu,mem_gib,net_gbps,usd_per_month\na,2,4,1,50\n' >"$tmp/nocol.csv"
bad_input "missing column 'single_thread_factor'" $SCALELAB compare --catalog "$tmp/nocol.csv"
printf '%s\na,2,4,1,cheap,1\n' $H >"$tmp/nan.csv"
bad_input "line 2 column 9: usd_per_month 'cheap' is not a number" \
    $SCALELAB compare --catalog "$tmp/nan.csv"
printf '%s\na,2,4,1,-3,1\n' $H >"$tmp/neg.csv"
bad_input "usd_per_month '-3' is negative" $SCALELAB compare --catalog "$tmp/neg.csv"
printf '%s\na,2,4,1,5,1\na,4,4,1,5,1\n' $H >"$tmp/dup.csv"
bad_input "line 3 column 1: duplicate instance name 'a'" $SCALELAB compare --catalog "$tmp/dup.csv"
printf '%s\na,0,4,1,5,1\n' $H >"$tmp/zero.csv"
bad_input "vcpu '0' must be greater than zero" $SCALELAB compare --catalog "$tmp/zero.csv"
printf '%s\na,2,4,1,5,1\n\377\376\n' $H >"$tmp/bin.csv"
bad_input "line 3 column 1: invalid UTF-8" $SCALELAB compare --catalog "$tmp/bin.csv"
{ echo $H; head -c 70000 /dev/zero | tr '\0' a; echo; } >"$tmp/long.csv"
bad_input "line 2: longer than 65536 bytes" $SCALELAB compare --catalog "$tmp/long.csv"
bad_input "cannot read catalog '$tmp'" $SCALELAB compare --catalog "$tmp"

# a failed write leaves no file behind, and a bad curve never touches an existing one
echo keep >"$tmp/old.svg"
bad_input "invalid --points" $SCALELAB curve --points -1 --svg "$tmp/old.svg"
[ "$(cat "$tmp/old.svg")" = keep ] || fail "existing file was changed"
$SCALELAB curve --svg "$tmp/nodir/c.svg" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "unwritable --svg should exit 1"
ls "$tmp/nodir" >/dev/null 2>&1 && fail "unwritable --svg created something"
ls "$tmp" | grep -q 'tmp\.' && fail "a temporary file was left behind"
finish
