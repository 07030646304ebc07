#!/bin/sh
# scalelab catalogs: the embedded catalogs as tables (text, --json, --csv) and its bad input.
. "$(dirname "$0")/lib.sh"

# all four, in order, each with its source above the table
$SCALELAB catalogs >"$tmp/all" 2>"$tmp/err" || fail "catalogs exited nonzero: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "catalogs wrote on stderr: $(cat "$tmp/err")"
order=$(grep '^catalog: ' "$tmp/all" | cut -d' ' -f2 | tr '\n' ' ')
[ "$order" = "teaching cloud gcp azure " ] || fail "catalogs lists '$order'"

# row NAME CATALOG FRAGMENT...: `catalogs CATALOG` has a row for NAME holding every fragment
row() {
    box=$1 cat=$2
    shift 2
    line=$(grep "^  $box " "$tmp/$cat")
    [ -n "$line" ] || { fail "catalogs $cat has no row $box"; return; }
    for f in "$@"; do
        case $line in *"$f"*) ;; *) fail "catalogs $cat row '$line' lacks '$f'" ;; esac
    done
}
for c in teaching cloud gcp azure; do
    $SCALELAB catalogs $c >"$tmp/$c" 2>"$tmp/err" || fail "catalogs $c: $(cat "$tmp/err")"
    head -1 "$tmp/$c" | grep -Eq "^catalog: $c \([0-9]+ boxes\)$" || fail "catalogs $c first line"
    [ "$(grep -c '^catalog: ' "$tmp/$c")" -eq 1 ] || fail "catalogs $c shows more than one catalog"
    grep -q '^  name  *vCPU  *GiB  *network Gbit/s  *\$/month  *\$/vCPU-month  *per-core  *fleet-only$' \
        "$tmp/$c" || fail "catalogs $c has no table header"
    grep -F -q "$(sed -n 2p "$tmp/$c")" "$tmp/all" || fail "catalogs $c source differs from catalogs"
done
grep -q 'CONSTRUCTED FOR TEACHING' "$tmp/teaching" || fail "teaching source line"
row h-1 teaching '$30.00' '1.50  yes'
row t-896 teaching '896' '$200,000.00' '$223.21'
grep -q 'hourly x 730' "$tmp/cloud" || fail "cloud source line"
row m7i.large cloud '0.781 (12.5)' '$73.58' '$36.79' '1.00  -'
row m8i.2xlarge cloud '3.75 (15)' '1.38'
row m8i.96xlarge cloud ' 384 ' '1,536' '$14,834.53' '$38.63' '1.38'
row m7i.8xlarge cloud '12.5  ' '$1,177.34'
row u7in-32tb.224xlarge cloud '896' '32,768' '$263,520.47'
grep -q '(12.5)' "$tmp/gcp" "$tmp/azure" && fail "gcp or azure show a burst figure"
row n2-standard-2 gcp '$70.90' '$35.45'
row c3d-standard-360 gcp '360' '1,440' '$11,931.12'
row D2s_v5 azure '12.5' '$70.08' '$35.04'
row D192s_v6 azure '192' '82'
row M128ms azure '3,892' '$21,015.55'

# --json: the API's document (four catalogs), or the same document with just the one named
$SCALELAB catalogs --json >"$tmp/all.json" || fail "catalogs --json"
$SCALELAB catalogs cloud --json >"$tmp/cloud.json" || fail "catalogs cloud --json"
python3 - "$tmp/all.json" "$tmp/cloud.json" <<'PY' || fail "catalogs --json documents"
import json, sys
all_doc = json.load(open(sys.argv[1]))
one = json.load(open(sys.argv[2]))
names = [c["name"] for c in all_doc["catalogs"]]
assert names == ["teaching", "cloud", "gcp", "azure"], names
assert all(len(c["items"]) == c["instances"] >= 10 for c in all_doc["catalogs"])
assert [c["name"] for c in one["catalogs"]] == ["cloud"]
assert one["catalogs"][0] == all_doc["catalogs"][1]
big = [i for i in one["catalogs"][0]["items"] if i["name"] == "m8i.96xlarge"][0]
assert big["vcpu"] == 384 and big["net_gbps"] == 100, big
PY

# --csv: one header, one row per box of every catalog
$SCALELAB catalogs --csv >"$tmp/all.csv" || fail "catalogs --csv"
head -1 "$tmp/all.csv" | grep -qx 'catalog,name,vcpu,mem_gib,net_gbps,net_burst_gbps,usd_per_month,usd_per_vcpu_month,single_thread_factor,fleet_only' \
    || fail "catalogs --csv header"
rows=$(python3 -c 'import json,sys; print(sum(c["instances"] for c in json.load(open(sys.argv[1]))["catalogs"]))' "$tmp/all.json")
[ "$(($(wc -l <"$tmp/all.csv") - 1))" -eq "$rows" ] || fail "catalogs --csv rows"
grep -qx 'cloud,m7i.large,2,8,0.781,12.5,73.58,36.7900,1,0' "$tmp/all.csv" || fail "csv m7i.large"
grep -qx 'gcp,n2-standard-2,2,8,10,,70.90,35.4500,1,0' "$tmp/all.csv" || fail "csv n2-standard-2"
$SCALELAB catalogs azure --csv | grep -vc '^azure,' | grep -qx 1 || fail "catalogs azure --csv"

$SCALELAB catalogs --help | grep -q -- '--json' || fail "catalogs --help lacks --json"
$SCALELAB --help | grep -q '^  catalogs ' || fail "--help lacks catalogs"

bad_input "unknown catalog 'nope' (expected teaching, cloud, gcp or azure)" $SCALELAB catalogs nope
bad_input "too many arguments ('gcp'" $SCALELAB catalogs cloud gcp
bad_input "--json and --csv cannot be combined" $SCALELAB catalogs --json --csv
bad_input "unknown option '--load'" $SCALELAB catalogs --load 1k
finish
