#!/bin/sh
# GET /api/openapi.json agrees with the server: every declared command's path and parameters are
# there, a value just outside a parameter's declared range is refused, a value at its edge and
# its default are not.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl not installed"; exit 77; }

start_server serve
pid=$pid_serve
url=$url_serve
[ -n "$url" ] || { cat "$tmp/serve.err"; fail "server did not start"; finish; }

got=$(curl -s -o "$tmp/openapi.json" -D "$tmp/h" -w '%{http_code}' "$url/api/openapi.json")
[ "$got" = 200 ] || fail "/api/openapi.json answered $got"
grep -qi '^content-type: application/json' "$tmp/h" || fail "/api/openapi.json is not JSON"
got=$(curl -s -o /dev/null -w '%{http_code}' "$url/api/openapi.json?x=1")
[ "$got" = 400 ] || fail "/api/openapi.json?x=1 answered $got, expected 400"
got=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/api/openapi.json")
[ "$got" = 405 ] || fail "POST /api/openapi.json answered $got, expected 405"

# The declared commands and their API routes, as the manual page (another generator) lists them.
$SCALELAB man >"$tmp/scalelab.1" || fail "scalelab man"

python3 - "$url" "$tmp/openapi.json" "$tmp/scalelab.1" "$SCALELAB" <<'PY' || fail "openapi"
import json, re, subprocess, sys, urllib.error, urllib.parse, urllib.request

base, doc_path, page, exe = sys.argv[1:5]
doc = json.load(open(doc_path))
problems = []

def problem(msg):
    problems.append(msg)
    print("FAIL:", msg)

try:
    import jsonschema
    validator = jsonschema.Draft202012Validator  # the dialect of OpenAPI 3.1
except ImportError:
    jsonschema = None
    print("SKIP: python3 has no jsonschema (schemas are checked by hand only)")

def valid(instance, schema):
    if jsonschema is None:
        return None
    return validator(schema).is_valid(instance)

assert doc["openapi"] == "3.1.0", doc.get("openapi")
assert doc["info"]["title"] == "scalelab" and doc["info"]["version"]
paths = doc["paths"]
for p in ("/healthz", "/api/catalogs", "/api/openapi.json"):
    if p not in paths:
        problem("%s is not described" % p)
error_schema = doc["components"]["schemas"]["Error"]

# declared commands: `.SS "scalelab NAME"`, their route in "at \fBGET /api/...\fR"
declared, name = {}, None
for line in open(page):
    m = re.match(r'\.SS "scalelab ([a-z-]+)"', line)
    if m:
        name = m.group(1)
    m = re.search(r"\\fBGET (/api/[a-z.-]+)\\fR", line)
    if m and name:
        declared[name] = m.group(1)
if "queue" not in declared:
    problem("the manual page lists no API route of queue")

def call(path, query, method="GET", body=None, ctype=None):
    url = base + path + ("?" + urllib.parse.urlencode(query) if query else "")
    req = urllib.request.Request(url, data=body, method=method)
    if ctype:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, text = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()
    try:
        answer = json.loads(text)
    except ValueError:
        problem("%s %s?%s: %d with a body that is not JSON" % (method, path, query, status))
        answer = {}
    if status != 200 and valid(answer, error_schema) is False:
        problem("%s?%s: %d body is not an error document: %s" % (path, query, status, answer))
    if status != 200 and not isinstance(answer.get("error"), str):
        problem("%s?%s: %d without {\"error\": ...}" % (path, query, status))
    return status, answer

def refuses(name, error):
    """Whether an error message is about parameter `name` (its value, its length, itself)."""
    return re.search(r"invalid %s\b|parameter '%s'|unknown parameter '%s'" %
                     ((re.escape(name),) * 3), error) is not None

def fmt(x):
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))

def typed(schema, text):
    """text as the JSON value a client would hold, for validating against the schema."""
    t = schema.get("type")
    try:
        if t == "integer":
            return int(text)
        if t == "number":
            return float(text)
    except ValueError:
        pass
    if t == "boolean" and text in ("true", "false"):
        return text == "true"
    return text

def outside(s):
    """Values of one parameter value's schema just outside what it declares."""
    if "anyOf" in s:  # a load: its number branch
        s = next(b for b in s["anyOf"] if b.get("type") == "number")
    t, out = s.get("type"), []
    step = (lambda b: 1) if t == "integer" else (lambda b: max(abs(b), 1) * 1e-9)
    if "maximum" in s:
        out.append(fmt(s["maximum"] + step(s["maximum"])))
    if "exclusiveMaximum" in s:
        out.append(fmt(s["exclusiveMaximum"]))
    if "minimum" in s:
        out.append(fmt(s["minimum"] - step(s["minimum"])))
    if "exclusiveMinimum" in s:
        out.append(fmt(s["exclusiveMinimum"]))
    if t == "integer":
        out.append("1.5")
    if t in ("integer", "number"):
        out.append("x")
    if "enum" in s:
        out.append("not-" + "-".join(s["enum"]))
    if t == "boolean":
        out.append("maybe")
    if t == "string" and "maxLength" in s:
        out.append("x" * (s["maxLength"] + 1))
    if t == "string" and s.get("minLength", 0) >= 1:
        out.append("")
    return out

def edges(s):
    """Values at the very edge of what one parameter value's schema accepts."""
    if "anyOf" in s:
        s = next(b for b in s["anyOf"] if b.get("type") == "number")
    return [fmt(s[k]) for k in ("minimum", "maximum") if k in s]

# a query each command answers 200 to, where one is known: defaults are added to it
working = {"/api/queue": [("servers", "4"), ("service-ms", "1"), ("load", "100")]}
catalog = b"name,vcpu,mem_gib,net_gbps,usd_per_month,single_thread_factor\na,2,8,10,70,1\n"

checked = 0
for name, path in sorted(declared.items()):
    if path not in paths or "get" not in paths[path]:
        problem("%s: %s is not described" % (name, path))
        continue
    item = paths[path]
    params = item["get"]["parameters"]
    names = [p["name"] for p in params]
    if len(set(names)) != len(names):
        problem("%s: a parameter is listed twice" % path)
    # the command line's options that are not in the description are refused by the API
    help_text = subprocess.run([exe, name, "--help"], capture_output=True, text=True).stdout
    for opt in re.findall(r"^  --([a-z0-9-]+)", help_text, re.M):
        if opt == "help" or opt in names:
            continue
        status, answer = call(path, [(opt, "1")])
        if status != 400 or not refuses(opt, answer.get("error", "")):
            problem("%s: %s is not described but answers %d %s" % (path, opt, status, answer))
    required = [p["name"] for p in params if p.get("required")]
    if required:
        status, answer = call(path, [])
        if status != 400 or "missing" not in answer.get("error", ""):
            problem("%s without %s answered %d" % (path, required, status))
    base_query = working.get(path, [])
    if base_query:
        status, answer = call(path, base_query)
        if status != 200:
            problem("%s?%s answered %d %s" % (path, base_query, status, answer))
        elif valid(answer, item["get"]["responses"]["200"]["content"]["application/json"]
                   ["schema"]) is False:
            problem("%s: the document does not match its schema" % path)
    for p in params:
        pname, schema = p["name"], p["schema"]
        if not p.get("description") or p.get("in") != "query":
            problem("%s %s: no description, or not in the query" % (path, pname))
        if jsonschema:
            try:
                validator.check_schema(schema)
            except jsonschema.SchemaError as e:
                problem("%s %s: not a JSON Schema: %s" % (path, pname, e.message))
        array = schema.get("type") == "array"
        if array and not (p.get("explode") and p.get("style") == "form"):
            problem("%s %s: an array without style form, explode" % (path, pname))
        value = schema["items"] if array else schema
        wrap = (lambda v: [v]) if array else (lambda v: v)
        for bad in outside(value):
            if valid(wrap(typed(value, bad)), schema):
                problem("%s %s=%s: the schema itself accepts it" % (path, pname, bad[:20]))
            status, answer = call(path, [(pname, bad)])
            checked += 1
            if status != 400 or not refuses(pname, answer.get("error", "")):
                problem("%s %s=%s (outside) answered %d %s" % (path, pname, bad[:40], status,
                                                               answer))
        for edge in edges(value):
            status, answer = call(path, [(pname, edge)])
            checked += 1
            if status != 200 and refuses(pname, answer.get("error", "")):
                problem("%s %s=%s (its edge) answered %d %s" % (path, pname, edge, status, answer))
        if "default" in schema:
            d = schema["default"]
            if valid(d, schema) is False:
                problem("%s %s: the default %r does not match the schema" % (path, pname, d))
            text = ",".join(map(str, d)) if array else (
                str(d).lower() if isinstance(d, bool) else fmt(d)
                if isinstance(d, (int, float)) else d)
            status, answer = call(path, [(pname, text)])
            checked += 1
            if status != 200 and not (status == 400 and answer.get("error", "")
                                      .startswith("missing")):
                problem("%s %s=%s (the default) answered %d %s" % (path, pname, text, status,
                                                                 answer))
            if base_query and pname not in dict(base_query):
                status, answer = call(path, base_query + [(pname, text)])
                if status != 200:
                    problem("%s %s=%s (the default) with %s answered %d %s"
                            % (path, pname, text, base_query, status, answer))
    # POST: a catalog body where the description says so, 405 where it does not
    if "post" in item:
        status, answer = call(path, base_query, "POST", catalog, "text/csv")
        if status in (405, 413, 415):
            problem("POST %s with a catalog answered %d %s" % (path, status, answer))
    else:
        status, answer = call(path, [], "POST", catalog, "text/csv")
        if status != 405:
            problem("POST %s (no body described) answered %d" % (path, status))

for path in ("/healthz", "/api/catalogs", "/api/openapi.json"):
    status, answer = call(path, [])
    if status != 200:
        problem("%s answered %d" % (path, status))
    schema = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    if valid(answer, schema) is False:
        problem("%s: the answer does not match its schema" % path)
    status, answer = call(path, [("x", "1")])
    if status != 400:
        problem("%s?x=1 answered %d" % (path, status))

print("%d probes" % checked)
sys.exit(1 if problems else 0)
PY

kill "$pid"
wait "$pid" 2>/dev/null
finish
