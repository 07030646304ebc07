#!/bin/sh
# `serve`'s document cache never changes a document: cached, evicted and fresh answers are the
# same bytes on every route; equal queries spelled differently share an entry, different ones
# never do; entity tags give 304; errors are never kept; --cache-mb 0 keeps nothing.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl not installed"; exit 77; }

start_server cached
start_server fresh --cache-mb 0
start_server tiny --cache-mb 0.25 # 16 KiB a shard: a few documents each, evicted all the time
for s in cached fresh tiny; do
    eval "u=\$url_$s"
    [ -n "$u" ] || { cat "$tmp/$s.err"; fail "$s server did not start"; finish; }
done

# get NAME SERVER QUERY [curl args]: body in $tmp/NAME, headers in $tmp/NAME.h, status printed
get() {
    n=$1; eval "u=\$url_$2"; q=$3; shift 3
    rm -f "$tmp/$n" # curl writes no file for an empty body
    curl -s -D "$tmp/$n.h" -o "$tmp/$n" -w '%{http_code}' "$@" "$u/api/$q"
}
header() { grep -i "^$2:" "$tmp/$1.h" | cut -d' ' -f2- | tr -d '\r'; }

# Every route, several shapes of query each.
cat >"$tmp/queries" <<'EOF'
compare
compare?load=1k,10k&load=1m
compare?load=20k&catalog=cloud&state=memory&spares=n%2B2
curve?from=2k&to=2m&points=9
plan?load=100k&state=store
plan?load=1m&zones=3&survive=zone&catalog=gcp
queue?servers=4&service-ms=100&utilization=0.99&queue=20
queue?users=400&think=0.2&servers=300&service-ms=444
queue?station=web:4:10&station=db:1:2:3&load=50
simulate?load=900&servers=1&service-ms=1&requests=20000
simulate?load=3000&servers=4&service-ms=1&lb=least&requests=20000&seed=7
quiz
fit?points=1:1,2:1.8,4:3.1,8:4.6
catalogs?name=teaching
EOF

# 1. A miss, then a hit, both equal to the answer of a server without a cache.
while read -r q; do
    [ "$(get fresh fresh "$q")" = 200 ] || { fail "$q: fresh answer $(head -c 200 "$tmp/fresh")"; continue; }
    get one cached "$q" >/dev/null
    get two cached "$q" >/dev/null
    [ "$(header one x-cache)" = miss ] || fail "$q: first answer not a miss: $(header one x-cache)"
    [ "$(header two x-cache)" = hit ] || fail "$q: second answer not a hit: $(header two x-cache)"
    cmp -s "$tmp/one" "$tmp/fresh" || fail "$q: computed answer differs from the fresh server's"
    cmp -s "$tmp/two" "$tmp/fresh" || fail "$q: cached answer differs from the fresh server's"
    [ "$(header two etag)" = "$(header fresh etag)" ] || fail "$q: entity tags differ"
    [ "$(header fresh x-cache)" = miss ] || fail "$q: --cache-mb 0 answered from a cache"
    grep -qi '^cache-control: public, max-age=' "$tmp/two.h" || fail "$q: no Cache-Control"
done <"$tmp/queries"

# 2. The same query spelled differently is one entry, and its answer is still that spelling's.
for pair in "compare?load=1k compare?load=1000" \
            "plan?load=100k&state=store plan?state=store&load=1e5" \
            "curve?from=2k&to=2m&points=9 curve?points=9&to=2000k&from=2000" \
            "simulate?load=900&servers=1&service-ms=1&requests=20000 simulate?requests=20000&service-ms=1.0&servers=1&load=0.9k"; do
    a=${pair% *}; b=${pair#* }
    get one cached "$a" >/dev/null
    [ "$(get two cached "$b")" = 200 ] || fail "$b: $(head -c 200 "$tmp/two")"
    [ "$(header two x-cache)" = hit ] || fail "$b after $a: not a hit"
    get fresh fresh "$b" >/dev/null
    cmp -s "$tmp/two" "$tmp/fresh" || fail "$b: answered from $a's entry, unlike a fresh answer"
done

# 3. Different queries never share an entry; a parameter given at its default is not omitted.
get one cached "plan?load=1k" >/dev/null
get two cached "plan?load=2k" >/dev/null
cmp -s "$tmp/one" "$tmp/two" && fail "plan at 1k and 2k gave the same document"
[ "$(get one cached "queue?station=a:1:1&load=10")" = 200 ] || fail "one station: $(cat "$tmp/one")"
[ "$(get two cached "queue?station=a:1:1&load=10&servers=1")" = 400 ] ||
    fail "station beside servers=1 answered from the cache: $(head -c 200 "$tmp/two")"

# 4. Entity tags: the client's copy is revalidated with 304, a stale tag gets the document.
get one cached "plan?load=100k" >/dev/null
tag=$(header one etag)
[ "$(get two cached "plan?load=100k" -H "If-None-Match: $tag")" = 304 ] || fail "no 304 for $tag"
[ -s "$tmp/two" ] && fail "a 304 with a body"
[ "$(header two etag)" = "$tag" ] || fail "304 without the entity tag"
[ "$(get two cached "plan?load=100k" -H "If-None-Match: \"0\", W/$tag")" = 304 ] ||
    fail "no 304 for a list holding W/$tag"
[ "$(get two fresh "plan?load=100k" -H "If-None-Match: $tag")" = 304 ] ||
    fail "--cache-mb 0: no 304 for $tag"
[ "$(get two cached "plan?load=100k" -H 'If-None-Match: "0123456789abcdef"')" = 200 ] ||
    fail "a stale tag did not get the document"
cmp -s "$tmp/one" "$tmp/two" || fail "document after a stale tag differs"
[ "$(get two cached "plan?load=100k" -I)" = 200 ] || fail "HEAD of a cached document"
[ "$(header two etag)" = "$tag" ] || fail "HEAD without the entity tag"

# 5. Errors are answered each time and never kept, and say nothing of a cache.
for i in 1 2; do
    [ "$(get one cached "compare?load=-1")" = 400 ] || fail "compare?load=-1 answered $(cat "$tmp/one")"
    grep -qi '^x-cache:' "$tmp/one.h" && fail "an error carries X-Cache"
    grep -qi '^cache-control: no-store' "$tmp/one.h" || fail "an error may be kept by clients"
done

# 6. Under eviction and concurrency, every answer is still the fresh one: 8 clients ask the
# whole list three times of the tiny cache.
i=0
while read -r q; do
    get "f$i" fresh "$q" >/dev/null
    i=$((i + 1))
done <"$tmp/queries"
n=$i
seq 0 $((3 * n - 1)) | xargs -P 8 -I{} sh -c '
    k=$(({} % '"$n"')); q=$(sed -n "$((k + 1))p" "$1/queries")
    curl -s -o "$1/t{}" "$2/api/$q"
    cmp -s "$1/t{}" "$1/f$k" || echo "tiny cache: $q differs" >>"$1/tiny.bad"' _ "$tmp" "$url_tiny"
[ -s "$tmp/tiny.bad" ] && fail "$(sort -u "$tmp/tiny.bad")"
[ "$(ls "$tmp" | grep -c '^t[0-9]')" -eq $((3 * n)) ] || fail "not every tiny-cache answer came"

stop_server cached
stop_server fresh
stop_server tiny
finish
