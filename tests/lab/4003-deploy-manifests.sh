#!/bin/sh
# deploy/: the Kubernetes manifests and the compose file parse (python3-yaml) and agree with the
# app they run: each `scalelab app` flag they pass is one the binary's --help lists, the ports of
# the containers, probes, Services and haproxy meet, the probes ask /readyz and /healthz, every
# environment variable given to the app is one its source reads with getenv (or one its own
# arguments name), the token key and the Redis password come from a Secret, and Redis keeps
# acknowledged writes (appendonly, appendfsync always). The manifests are not applied here.
. "$(dirname "$0")/lib.sh"

root=$(cd "$here/../.." && pwd)
if needs "deploy/ manifests" python3 && python3 -c 'import yaml' 2>/dev/null ||
    { echo "SKIP deploy/ manifests: python3-yaml missing"; false; }; then
    $SCALELAB app --help >"$tmp/help" || fail "scalelab app --help exited $?"
    # what the app reads from its environment: getenv("NAME") in the sources of `scalelab app`
    cat "$root"/src/cli/cmd_app.c "$root"/src/lab/app_*.c >"$tmp/src"
    python3 - "$root/deploy" "$tmp/help" "$tmp/src" <<'PY' || fail "deploy/: see above"
import re
import sys
import yaml

deploy, help_file, src_file = sys.argv[1:]
flags = set(re.findall(r"^  (--[a-z-]+)", open(help_file).read(), re.M))
reads = set(re.findall(r'getenv\("([A-Z_]+)"\)', open(src_file).read()))
bad = []


def check(ok, what):
    if not ok:
        bad.append(what)


def app_flags(args):
    """The flags and values of `scalelab app ARGS`: {"--port": "8080", ...}."""
    check(args[0] == "app", "the app's arguments start with 'app': %r" % args[:1])
    opts = {}
    for i, a in enumerate(args[1:], 1):
        if a.startswith("--"):
            check(a in flags, "flag %s is not one of scalelab app --help's %s" % (a, sorted(flags)))
            opts[a] = args[i + 1] if i + 1 < len(args) else None
    return opts


check("SCALELAB_TOKEN_KEY" in reads, "the app's sources no longer read SCALELAB_TOKEN_KEY")

# ---- Kubernetes ----
docs = []
for name in ("app.yaml", "redis.yaml"):
    docs += [d for d in yaml.safe_load_all(open("%s/kubernetes/%s" % (deploy, name))) if d]
kinds = {(d["kind"], d["metadata"]["name"]): d for d in docs}
app = kinds[("Deployment", "scalelab-app")]["spec"]["template"]["spec"]
c = next(c for c in app["containers"] if c["name"] == "app")
opts = app_flags(c["args"])
ports = {p["name"]: p["containerPort"] for p in c["ports"]}
check(str(ports.get("http")) == opts.get("--port"), "containerPort http %r is not --port %r"
      % (ports.get("http"), opts.get("--port")))
check(opts.get("--addr") == "0.0.0.0", "the app binds %r, not every address of its pod"
      % opts.get("--addr"))
for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
    get = c.get(probe, {}).get("httpGet", {})
    check(get.get("path") == path, "%s asks %r, not %s" % (probe, get.get("path"), path))
    check(get.get("port") in ("http", ports.get("http")), "%s port %r" % (probe, get.get("port")))
env = {e["name"]: e for e in c.get("env", [])}
for name, e in env.items():
    check(name in reads or "$(%s)" % name in " ".join(c["args"]),
          "env %s is neither read by the app (getenv: %s) nor used in its args"
          % (name, sorted(reads)))
key = env.get("SCALELAB_TOKEN_KEY", {}).get("valueFrom", {}).get("secretKeyRef", {})
check(key.get("name") == "scalelab" and key.get("key") == "token-key",
      "SCALELAB_TOKEN_KEY does not come from the Secret scalelab: %r" % key)
check(opts.get("--state") == "store", "the replicas keep state in %r" % opts.get("--state"))
# --redis-auth-file lies in a volume the init container fills from the Secret
auth = opts.get("--redis-auth-file", "")
mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
vol = next((v for p, v in mounts.items() if auth.startswith(p + "/")), None)
check(vol is not None, "--redis-auth-file %r is in no volume of the app" % auth)
init = app["initContainers"][0]
check(init["command"][-1] == auth, "the init container writes %r, the app reads %r"
      % (init["command"][-1], auth))
check("0400" in init["command"], "the password's copy is not mode 0400: %r" % init["command"])
secret_vols = {v["name"]: v["secret"]["secretName"] for v in app["volumes"] if "secret" in v}
check(secret_vols and set(secret_vols.values()) == {"scalelab"},
      "the password does not come from the Secret scalelab: %r" % secret_vols)
svc = kinds[("Service", "scalelab-app")]["spec"]
check(svc["selector"] == kinds[("Deployment", "scalelab-app")]["spec"]["selector"]["matchLabels"],
      "the app's Service selects other pods")
check(svc["ports"][0]["targetPort"] in ("http", ports.get("http")), "the Service's targetPort")
# --redis names the Redis Service and its port; Redis keeps what it acknowledged
host, port = opts.get("--redis", ":").rsplit(":", 1)
rsvc = kinds.get(("Service", host), {}).get("spec", {})
check(any(str(p["port"]) == port for p in rsvc.get("ports", [])),
      "--redis %r names no Service port" % opts.get("--redis"))
r = kinds[("Deployment", "scalelab-redis")]["spec"]["template"]["spec"]["containers"][0]
rargs = " ".join(r["args"])
check("--appendonly yes" in rargs and "--appendfsync always" in rargs,
      "Redis's arguments lack appendonly yes and appendfsync always: %s" % rargs)
check(r["args"][0].startswith("/etc/scalelab-redis/"), "Redis reads no configuration file "
      "from the Secret (its requirepass): %r" % r["args"][0])

# ---- compose ----
cdoc = yaml.safe_load(open("%s/compose/compose.yaml" % deploy))
s = cdoc["services"]
copts = app_flags(s["app"]["command"])
for name in s["app"].get("environment", {}):
    check(name in reads, "compose env %s is not read by the app (getenv: %s)"
          % (name, sorted(reads)))
check(copts.get("--redis") == "redis:6379" and "redis" in s,
      "compose's --redis %r is not its redis service" % copts.get("--redis"))
check(copts.get("--redis-auth-file") == "/run/secrets/redis_password"
      and "redis_password" in s["app"]["secrets"], "compose's password is not its secret")
check("--appendfsync always" in " ".join(s["redis"]["command"]), "compose's Redis fsyncs later")
cfg = open("%s/compose/haproxy.cfg" % deploy).read()
m = re.search(r"^\s*server-template \S+ \d+ app:(\d+) check", cfg, re.M)
check(m and m.group(1) == copts.get("--port"), "haproxy's servers are not the app's --port")
check(re.search(r"option httpchk GET /healthz", cfg), "haproxy does not check /healthz")
bind = re.search(r"^\s*bind :(\d+)", cfg, re.M)
check(bind and any(p.endswith(":%s" % bind.group(1)) for p in s["haproxy"]["ports"]),
      "haproxy's frontend is not the published port")

for b in bad:
    print("deploy/:", b)
sys.exit(1 if bad else 0)
PY
fi
finish
