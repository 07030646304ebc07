#!/bin/sh
# Property test of the SVG renderers: random valid fits and curves (seeded) always finish, parse
# as XML and hold only finite coordinates; a fit that cannot be drawn is refused, never looped.
. "$(dirname "$0")/lib.sh"

python3 - "$SCALELAB" "$tmp" <<'PY' || fail "SVG properties"
import math, random, re, subprocess, sys, xml.dom.minidom
exe, tmp = sys.argv[1], sys.argv[2]
rng = random.Random(20261201)
number = re.compile(r'-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf', re.I)

def check(args, what):
    out = tmp + "/p.svg"
    try:
        p = subprocess.run([exe] + args + ["--svg", out], capture_output=True, timeout=20)
    except subprocess.TimeoutExpired:
        raise SystemExit("%s: did not finish in 20 s" % what)
    if p.returncode == 2:
        assert p.stderr.count(b"\n") == 1, (what, p.stderr)
        return 0
    assert p.returncode == 0, (what, p.returncode, p.stderr[-300:])
    text = open(out).read()
    doc = xml.dom.minidom.parseString(text)
    for el in doc.getElementsByTagName("*"):
        for name in ("x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height",
                     "points", "transform"):
            v = el.getAttribute(name)
            for tok in number.findall(v):
                x = float(tok)
                assert math.isfinite(x) and abs(x) < 1e6, (what, name, v[:80])
    assert len(text) < 2_000_000, (what, len(text))
    return 1

drawn = 0
for i in range(120):
    n = rng.randint(3, 14)
    scale = 10 ** rng.uniform(-6, 12)
    sigma, kappa = rng.choice([0, rng.uniform(0, 0.3)]), rng.choice([0, rng.uniform(0, 1e-3)])
    pts = []
    for k in range(n):
        m = (k + 1) * rng.choice([1, 2, 8])
        x = m * scale / (1 + sigma * (m - 1) + kappa * m * (m - 1)) * rng.uniform(0.6, 1.4)
        if rng.random() < 0.1:
            x = scale
        pts.append("%g:%.6g" % (m, x))
    drawn += check(["fit", "--points", ",".join(pts)], "fit %s" % ",".join(pts))
for i in range(40):
    frm = 10 ** rng.uniform(0, 8)
    args = ["curve", "--from", "%g" % frm, "--to", "%g" % (frm * 10 ** rng.uniform(0, 5)),
            "--points", str(rng.randint(1, 60)), "--catalog", rng.choice(["teaching", "cloud"]),
            "--cpu-ms", "%g" % 10 ** rng.uniform(-2, 2),
            "--state", rng.choice(["memory", "sticky", "store", "token"]),
            "--target-utilization", "%g" % rng.uniform(0.05, 0.95)]
    drawn += check(args, " ".join(args))
assert drawn > 120, "only %d of 160 charts were drawn" % drawn
PY
finish
