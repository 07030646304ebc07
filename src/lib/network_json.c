/* The JSON document of a queueing network, shared by `scalelab queue --station` and the API. */
/* SPDX-License-Identifier: MIT */
#include <jansson.h>
#include <stdio.h>

#include "scalelab/json.h"
#include "scalelab/network.h"
#include "banned.h"

static json_t *station_json(const struct sl_station *s, const struct sl_station_result *r)
{
    json_t *o = json_object();
    int bad = !o;

    bad |= sl_json_put(o, "name", json_string(s->name));
    bad |= sl_json_put(o, "servers", json_integer(s->servers));
    bad |= sl_json_put(o, "service_s", sl_json_num(s->service_s));
    bad |= sl_json_put(o, "visits", sl_json_num(s->visits));
    bad |= sl_json_put(o, "demand_s", sl_json_num(r->demand_s));
    bad |= sl_json_put(o, "throughput_rps", sl_json_num(r->throughput_rps));
    bad |= sl_json_put(o, "utilization", sl_json_num(r->utilization));
    bad |= sl_json_put(o, "mean_in_station", sl_json_num(r->mean_in_station));
    bad |= sl_json_put(o, "response_s", sl_json_num(r->response_s));
    bad |= sl_json_put(o, "residence_s", sl_json_num(r->residence_s));
    return sl_json_done(o, bad);
}

char *sl_network_json(const struct sl_station *st, const struct sl_network_result *r, char *err,
                      size_t errlen)
{
    json_t *doc = json_object(), *list = json_array(), *bounds = json_object();
    char *text;
    int bad = !doc || !list || !bounds;
    size_t k;

    for (k = 0; !bad && k < r->n; k++)
        bad |= json_array_append_new(list, station_json(&st[k], &r->st[k])) != 0;
    bad |= sl_json_put(bounds, "max_throughput_rps", sl_json_num(r->max_throughput_rps));
    bad |= sl_json_put(bounds, "min_response_s", sl_json_num(r->min_response_s));
    bad |= sl_json_put(bounds, "total_demand_s", sl_json_num(r->total_demand_s));
    bad |= sl_json_put(doc, "model", json_string(r->closed ? "closed network" : "open network"));
    bad |= sl_json_put(doc, "stations", list);
    bad |= sl_json_put(doc, "load_rps", sl_json_num(r->load_rps));
    bad |= sl_json_put(doc, "users", r->closed ? json_integer(r->users) : json_null());
    bad |= sl_json_put(doc, "think_s", sl_json_num(r->think_s));
    bad |= sl_json_put(doc, "stable", json_boolean(r->stable));
    bad |= sl_json_put(doc, "throughput_rps", sl_json_num(r->throughput_rps));
    bad |= sl_json_put(doc, "response_s", sl_json_num(r->response_s));
    bad |= sl_json_put(doc, "bottleneck", json_string(st[r->bottleneck].name));
    bad |= sl_json_put(doc, "bounds", bounds);
    text = sl_json_dump(sl_json_done(doc, bad));
    if (!text)
        snprintf(err, errlen, "out of memory encoding the network as JSON");
    return text;
}
