#!/bin/sh
# `curve`: text, CSV, JSON and the SVG chart.
. "$(dirname "$0")/lib.sh"
golden 1003-curve.out $SCALELAB curve --points 13
golden 1003-curve.csv $SCALELAB curve --csv --from 2k --to 2M --points 7 --catalog cloud
$SCALELAB curve --json --points 4 | python3 -c '
import json, sys
d = json.load(sys.stdin)
p = d["points"]
assert len(p) == 4, p
assert p[0]["load_rps"] == 1000 and p[-1]["load_rps"] == 1e6
assert p[-1]["vertical_usd"] is None and p[-1]["horizontal_usd"] > 0
' || fail "curve --json"
$SCALELAB curve --svg "$tmp/c.svg" --points 200 2>"$tmp/err" || fail "curve --svg"
grep -q "wrote" "$tmp/err" || fail "curve --svg did not say what it wrote"
python3 - "$tmp/c.svg" <<'PY' || fail "svg content"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
texts = " ".join(t.text or "" for t in root.iter(ns + "text"))
for needle in ("load (requests per second", "cost per month", "vertical: one bigger box",
               "horizontal:", "no single box beyond"):
    assert needle in texts, needle
# the wall is labelled at the model's limit of the largest box (compare says 514K), not at
# the last sampled load that one box still served
assert "no single box beyond 514K req/s" in texts, texts
lines = {p.get("class"): p.get("points") for p in root.iter(ns + "polyline")}
assert "vertical" in lines and "horizontal" in lines, lines
# the vertical line ends before the horizontal one: no box serves the top of the range
vx = max(float(pt.split(",")[0]) for pt in lines["vertical"].split())
hx = max(float(pt.split(",")[0]) for pt in lines["horizontal"].split())
assert vx < hx, (vx, hx)
PY
finish
