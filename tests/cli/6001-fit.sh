#!/bin/sh
# `fit`: the published SPEC SDM91 fit, inline points, stdin, charts, warnings, bad input, and
# using a fit in plan and compare.
. "$(dirname "$0")/lib.sh"
cat >"$tmp/sdm91.csv" <<'CSV'
# SPEC SDM91, Sun SPARCcenter 2000 (reference/queueing.md)
n,throughput
1,64.9
18,995.9
36,1652.4
72,1853.2
108,1828.9
144,1775.0
216,1702.2
CSV
$SCALELAB fit "$tmp/sdm91.csv" --json --predict 8,16,64 >"$tmp/fit.json" || fail "fit --json"
python3 - "$tmp/fit.json" <<'PY' || fail "SDM91 coefficients (R usl: 0.0277285, 0.0001044, 89.995)"
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("sigma", "kappa", "lambda", "sigma_se", "kappa_se", "lambda_se", "r2", "n_star",
          "x_max", "x_roof", "n_opt", "points", "predictions"):
    assert k in d, k
def sig4(a, b):
    return abs(a - b) <= 5e-4 * abs(b)
assert sig4(d["sigma"], 0.0277285) and sig4(d["kappa"], 0.0001044) and sig4(d["lambda"], 89.995), d
assert len(d["points"]) == 7 and len(d["predictions"]) == 3 and d["converged"] is True
assert abs(d["n_star"] - 96.5) < 0.1
PY
$SCALELAB fit --json --points 1:64.9,18:995.9,36:1652.4,72:1853.2,108:1828.9,144:1775,216:1702.2 \
    --predict 8,16,64 >"$tmp/inline.json" || fail "fit --points"
python3 -c '
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert a["sigma"] == b["sigma"] and a["kappa"] == b["kappa"], (a["sigma"], b["sigma"])
' "$tmp/fit.json" "$tmp/inline.json" || fail "--points and the file disagree"
$SCALELAB fit - <"$tmp/sdm91.csv" | grep -q "N\* = 96.5" || fail "fit from stdin"
$SCALELAB fit "$tmp/sdm91.csv" --svg "$tmp/usl.svg" >/dev/null || fail "fit --svg"
python3 - "$tmp/usl.svg" <<'PY' || fail "svg content"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
texts = " ".join(t.text or "" for t in root.iter(ns + "text"))
assert "peak N* = 96.5" in texts and "measured" in texts and "linear ideal" in texts, texts
assert len(list(root.iter(ns + "circle"))) >= 7
PY
printf 'n,throughput\n1,100\n2,190\n4,340\n8,560\n' >"$tmp/few.csv"
$SCALELAB fit "$tmp/few.csv" | grep -q "warning: fewer than 6" || fail "no warning for 4 points"
printf 'n,throughput\n1,100\n2,190\n2,200\n4,340\n8,560\n16,700\n32,720\n' >"$tmp/dup.csv"
$SCALELAB fit "$tmp/dup.csv" | grep -q "their mean was fitted" || fail "no warning for duplicates"

# using a fit: plan and compare say so, JSON too
$SCALELAB plan --load 10k --calibration "$tmp/fit.json" | grep -q "calibrated: USL sigma 0.0277" ||
    fail "plan does not say it was calibrated"
$SCALELAB compare 10k --usl 0.05,0.001 --json | python3 -c '
import json, sys
w = json.load(sys.stdin)["workload"]
assert w["usl_override"] is True and w["usl_sigma"] == 0.05 and w["usl_source"] == "--usl", w
' || fail "compare --usl JSON"


# a fit that ends at sigma = kappa = 0 (no peak, no ceiling) still draws, quickly, finitely
for pts in 1:100,2:300,3:600 1:100,2:200,3:300,4:400 1:5,2:5,3:5,4:5; do
    timeout 10 $SCALELAB fit --points $pts --svg "$tmp/edge.svg" >/dev/null 2>"$tmp/err" ||
        fail "fit --points $pts --svg did not finish: $(cat "$tmp/err")"
    python3 - "$tmp/edge.svg" <<'PY' || fail "fit --points $pts --svg: bad SVG"
import re, sys, xml.dom.minidom
text = open(sys.argv[1]).read()
xml.dom.minidom.parseString(text)
assert not re.search(r"nan|inf", text, re.I), "non-finite number in the SVG"
assert len(text) < 200000, len(text)
PY
done
mkfifo "$tmp/fifo.csv"
bad_input "not a regular file" timeout 5 $SCALELAB fit "$tmp/fifo.csv"
bad_input "3 or more distinct" $SCALELAB fit --points 1:5,2:9
# --points names the point as typed and its place (no line of a header it never had)
bad_input "invalid --points point 1 '1:x' (expected N:X" $SCALELAB fit --points 1:x,2:3,4:5
bad_input "invalid --points point 3 '4:-5'" $SCALELAB fit --points 1:1,2:3,4:-5
bad_input "invalid --points point 2 ''" $SCALELAB fit --points 1:1,,4:5
bad_input "invalid --points point 1 '1:2:3'" $SCALELAB fit --points 1:2:3,4:5,6:7
printf 'n,throughput\n1,fast\n' >"$tmp/b1.csv"
bad_input "line 2 column 3: throughput 'fast' is not a number" $SCALELAB fit "$tmp/b1.csv"
printf 'n,throughput\n-2,5\n' >"$tmp/b2.csv"
bad_input "n '-2' must be greater than zero" $SCALELAB fit "$tmp/b2.csv"
printf 'n,throughput\n2,nan\n' >"$tmp/b3.csv"
bad_input "'nan' is not a number" $SCALELAB fit "$tmp/b3.csv"
printf '' >"$tmp/b4.csv"
bad_input "empty" $SCALELAB fit "$tmp/b4.csv"
printf '1,5\n2,9\n' >"$tmp/b5.csv"
bad_input "no concurrency column" $SCALELAB fit "$tmp/b5.csv"
{ echo n,throughput; head -c 10485760 /dev/zero | tr '\0' 1; echo; } >"$tmp/b6.csv"
bad_input "is larger than 8388608 bytes" $SCALELAB fit "$tmp/b6.csv"
printf 'n,throughput\n4,4,4\n' >"$tmp/b7.csv"
$SCALELAB fit "$tmp/b7.csv" >/dev/null 2>&1; [ $? -eq 2 ] || fail "all points at one n"
bad_input "every measurement is at one n" $SCALELAB fit --points 4:4,4:5,4:6
bad_input "cannot read measurements" $SCALELAB fit "$tmp/missing.csv"
bad_input "invalid --predict 'x'" $SCALELAB fit "$tmp/sdm91.csv" --predict x
bad_input "invalid --usl '0.5'" $SCALELAB plan --load 1k --usl 0.5
printf '{"sigma": 0.1}' >"$tmp/cal.json"
bad_input "field 'kappa' is missing" $SCALELAB plan --load 1k --calibration "$tmp/cal.json"
finish
