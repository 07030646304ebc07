/* The lab's checking client: virtual users over libcurl that verify every answer. */
/* SPDX-License-Identifier: MIT */
#include <curl/curl.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "scalelab/scalelab.h"
#include "lab/lab_cart.h"
#include "lab/lab_client.h"
#include "lab/lab_clock.h"
#include "lab/lab_pace.h"
#include "lab/lab_signals.h"
#include "lab/lab_verify.h"
#include "banned.h"

#define BODY_MAX (64 * 1024)   /* bytes of one answer body; more is a protocol error */
#define TIMEOUT_MS 8000L       /* a whole request; above haproxy's 5 s server timeout */
#define CONNECT_TIMEOUT_MS 2000L
#define DRAIN_S 2.0            /* open loop: how long arrivals due may still wait to be sent */

enum op {
    OP_LOGIN = 0, /* POST /login?user=uK */
    OP_CART = 1,  /* POST /cart/add?item=iN */
    OP_INCR = 2,  /* POST /counter/incr */
    OP_SEAT = 3   /* POST /seats/N/book */
};

struct worker;

/* One virtual user: its own handle (cookie engine), strictly one request at a time. */
struct user {
    CURL *h;
    struct worker *w;
    int id;                 /* user name is "u<id>" */
    int logged_in;          /* holds a session the app acknowledged */
    unsigned phase;         /* which operation comes next after login */
    unsigned item_seq;      /* numbers its items "i<seq>" */
    uint64_t rng;           /* xorshift state for seat numbers */
    struct lab_cart cart;   /* what its session's cart should hold */
    /* the request in flight */
    enum op op;
    unsigned item;
    int seat;
    int with_session;       /* sent while logged in */
    int replayed;           /* libcurl sent it again on a fresh connection */
    int from_store;         /* answered Idempotent-Replayed: the write was not applied again */
    unsigned seq;           /* numbers its requests for Idempotency-Key */
    struct curl_slist *headers; /* Idempotency-Key of the request in flight, owned */
    double t_start;         /* lab_now() when sent (open loop: when it was due) */
    char url[LAB_TARGET_MAX + 64];
    /* its answer */
    char *body;             /* growable up to BODY_MAX */
    size_t body_len, body_cap;
    int body_over;
    char backend[LAB_NAME_LEN]; /* X-Backend */
    char session[8];        /* X-Session */
    int cookie_set;         /* a Set-Cookie for sid= or token= */
};

/* A first occurrence, reported on the timeline. */
struct first {
    double t_s;             /* < 0 while none */
    char what[LAB_EVENT_LEN];
};

/* One client thread and what it counted (merged at the end, so no locking while running). */
struct worker {
    pthread_t tid;
    int started;
    atomic_int running;
    struct lab_client *c;
    CURLM *m;
    struct user **users;
    int n_users;
    uint64_t requests, err[LAB_ERR_KINDS], logins, post_login, lost, carts_wrong;
    uint64_t acked, unknown, bookings, replays, from_store, duplicates;
    uint64_t seat_acks[LAB_SEATS];
    uint64_t share[LAB_MAX_BACKENDS], share_other;
    /* answers of backends named otherwise than b<N> (a --target's pods) */
    char names[LAB_MAX_BACKENDS][LAB_NAME_LEN];
    uint64_t named[LAB_MAX_BACKENDS];
    int n_names;
    struct sl_hist *hist;   /* seconds */
    uint32_t *sec;          /* 3 x LAB_MAX_SECONDS: requests, errors, lost */
    int n_secs;
    struct first first_lost, first_error, first_wrong;
    struct lab_verify_book book; /* ended sessions, for the read-back */
    /* open loop */
    struct lab_pace pace;   /* this thread's share of the arrivals */
    struct user **idle;     /* connections free for the next arrival, a stack */
    int n_idle, n_open, max_open; /* open: users[0..n_open) have a handle */
    int head_waited;        /* the next arrival was counted in `waited` already */
    uint64_t sent, unsent, waited;
};

struct lab_client {
    struct lab_client_cfg cfg;
    char run_id[17];        /* random hex: Idempotency-Keys are "<run_id>-u<id>-<seq>" */
    char base[LAB_TARGET_MAX + 1]; /* "http://127.0.0.1:<port>" or --target's URL */
    atomic_int stop;
    atomic_ullong issued;   /* requests reserved against cfg.requests */
    struct user *users;
    int n_users;
    struct worker workers[LAB_MAX_THREADS];
    int n_workers;
};

int lab_client_global_init(void)
{
    return curl_global_init_mem(CURL_GLOBAL_DEFAULT, sl_malloc, sl_free, sl_realloc, sl_strdup,
                                sl_calloc) == CURLE_OK ? 0 : -1;
}

void lab_client_global_cleanup(void)
{
    curl_global_cleanup();
}

/* ---- answers ---- */

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
    struct user *u = ctx;
    size_t len = size * n;

    if (u->body_len + len + 1 > u->body_cap) {
        size_t cap = u->body_cap ? u->body_cap : 1024;
        char *p;

        while (cap < u->body_len + len + 1)
            cap *= 2;
        if (cap > BODY_MAX) {
            u->body_over = 1;
            return 0; /* curl fails the transfer with CURLE_WRITE_ERROR */
        }
        p = sl_realloc(u->body, cap);
        if (!p) {
            u->body_over = 1;
            return 0;
        }
        u->body = p;
        u->body_cap = cap;
    }
    memcpy(u->body + u->body_len, data, len);
    u->body_len += len;
    u->body[u->body_len] = '\0';
    return len;
}

/* Copies the value of header line `line` into out when its name is `name`; 1 if it was. */
static int header_value(const char *line, size_t len, const char *name, char *out, size_t outlen)
{
    size_t nlen = strlen(name), v, e;

    if (len <= nlen || strncasecmp(line, name, nlen) || line[nlen] != ':')
        return 0;
    for (v = nlen + 1; v < len && (line[v] == ' ' || line[v] == '\t'); v++)
        ;
    for (e = len; e > v && (line[e - 1] == '\r' || line[e - 1] == '\n' || line[e - 1] == ' ');)
        e--;
    snprintf(out, outlen, "%.*s", (int)(e - v), line + v);
    return 1;
}

static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
    struct user *u = ctx;
    size_t len = size * n;
    char cookie[16];

    header_value(data, len, "X-Backend", u->backend, sizeof(u->backend));
    header_value(data, len, "X-Session", u->session, sizeof(u->session));
    if (header_value(data, len, "Set-Cookie", cookie, sizeof(cookie)) &&
        (!strncmp(cookie, "sid=", 4) || !strncmp(cookie, "token=", 6)))
        u->cookie_set = 1;
    if (header_value(data, len, "Idempotent-Replayed", cookie, sizeof(cookie)) &&
        !strcmp(cookie, "true"))
        u->from_store = 1;
    return len;
}

static void note_first(struct first *f, double t, const char *what, const struct user *u)
{
    if (f->t_s >= 0)
        return;
    f->t_s = t;
    snprintf(f->what, sizeof(f->what), "first %s (u%d, from %s)", what, u->id,
             u->backend[0] ? u->backend : "no backend");
    if (strlen(f->what) == sizeof(f->what) - 1)
        memcpy(f->what + sizeof(f->what) - 4, "...", 3);
}

static int sec_of(struct worker *w, double t)
{
    int s = t <= 0 ? 0 : (int)t;

    if (s >= LAB_MAX_SECONDS)
        s = LAB_MAX_SECONDS - 1;
    if (s + 1 > w->n_secs)
        w->n_secs = s + 1;
    return s;
}

static void count_error(struct worker *w, struct user *u, enum lab_err e, double t,
                        const char *what)
{
    w->err[e]++;
    w->sec[LAB_MAX_SECONDS + sec_of(w, t)]++;
    note_first(&w->first_error, t, what, u);
}

/* Appends the item in flight to the expected cart: twice if libcurl resent it unnoticed. */
static void cart_expect(struct user *u, int min)
{
    lab_cart_expect(&u->cart, u->item, min, u->replayed && !u->from_store ? 2 : 1);
}

/* A write that failed: it may or may not have happened, so the checks must accept both. */
static void outcome_unknown(struct worker *w, struct user *u)
{
    if (u->op == OP_CART)
        cart_expect(u, 0);
    else if (u->op == OP_INCR)
        w->unknown += u->replayed ? 2 : 1;
}

static void on_success(struct worker *w, struct user *u, double t)
{
    json_error_t jerr;
    json_t *doc = json_loadb(u->body ? u->body : "", u->body_len, 0, &jerr);
    json_t *v;
    int dups;

    if (!json_is_object(doc)) {
        count_error(w, u, LAB_ERR_PROTOCOL, t, "unreadable answer");
        outcome_unknown(w, u);
        json_decref(doc);
        return;
    }
    switch (u->op) {
    case OP_LOGIN:
        if (!u->cookie_set) {
            count_error(w, u, LAB_ERR_PROTOCOL, t, "login without a session cookie");
            break;
        }
        w->logins++;
        u->logged_in = 1;
        lab_cart_clear(&u->cart);
        break;
    case OP_CART:
        cart_expect(u, !u->from_store);
        if (!lab_cart_check(&u->cart, json_object_get(doc, "items"), &dups)) {
            char what[LAB_EVENT_LEN];

            w->carts_wrong++;
            lab_cart_describe(&u->cart, json_object_get(doc, "items"), what, sizeof(what));
            note_first(&w->first_wrong, t, what, u);
            u->logged_in = 0; /* a fresh session, so that one wrong cart counts once */
        }
        w->duplicates += (uint64_t)dups;
        break;
    case OP_INCR:
        v = json_object_get(doc, "value");
        if (json_is_integer(v) && u->from_store) {
            w->unknown++; /* counted by the first send, unless the app died right after the key */
        } else if (json_is_integer(v)) {
            w->acked++;
            w->unknown += u->replayed; /* the first send may have counted as well */
        } else {
            count_error(w, u, LAB_ERR_PROTOCOL, t, "counter answer without a value");
            w->unknown++;
        }
        break;
    case OP_SEAT:
        if (json_is_true(json_object_get(doc, "booked"))) {
            w->seat_acks[u->seat]++;
            w->bookings++;
        }
        break;
    }
    json_decref(doc);
}

static enum lab_err status_kind(long status)
{
    switch (status) {
    case 502: return LAB_ERR_502;
    case 503: return LAB_ERR_503;
    case 504: return LAB_ERR_504;
    default: return status >= 500 ? LAB_ERR_5XX : status >= 400 ? LAB_ERR_4XX : LAB_ERR_PROTOCOL;
    }
}

/* A worker's named backends into r's slots: the slot of that name, or the first one unused. */
static void merge_named(const struct worker *w, struct lab_result *r)
{
    int i, k;

    for (i = 0; i < w->n_names; i++) {
        for (k = 0; k < LAB_MAX_BACKENDS; k++)
            if (!strcmp(r->share_name[k], w->names[i]) ||
                (!r->share_name[k][0] && !r->share[k]))
                break;
        if (k == LAB_MAX_BACKENDS) {
            r->share_other += w->named[i];
            continue;
        }
        snprintf(r->share_name[k], LAB_NAME_LEN, "%s", w->names[i]);
        r->share[k] += w->named[i];
    }
}

/*
 * One answer's backend: b<N> of the lab's own fleet into its slot, another name (a deployment's
 * pod) into the worker's table while it has room, no name (haproxy's own answer) apart.
 */
static void count_share(struct worker *w, const char *name)
{
    char *end = NULL;
    long b = name[0] == 'b' ? strtol(name + 1, &end, 10) : 0;
    int i;

    if (b >= 1 && b <= LAB_MAX_BACKENDS && end && !*end) {
        w->share[b - 1]++;
        return;
    }
    for (i = 0; name[0] && i < w->n_names; i++)
        if (!strcmp(w->names[i], name)) {
            w->named[i]++;
            return;
        }
    if (!name[0] || w->n_names == LAB_MAX_BACKENDS) {
        w->share_other++;
        return;
    }
    snprintf(w->names[w->n_names], LAB_NAME_LEN, "%s", name);
    w->named[w->n_names++] = 1;
}

/*
 * Classifies one finished request and updates the user's state: a lost session (a miss, a 401,
 * a new cookie or a counter back at 1), a duplicate (a counter that jumps by more than one: a
 * replay), transport errors and non-2xx counted apart, all per second (docs/lab-protocol.md).
 */
static void finish(struct worker *w, struct user *u, CURLcode cc)
{
    double now = lab_now(), t = now - w->c->cfg.t0;
    long status = 0;
    char what[48];

    w->requests++;
    w->replays += u->replayed;
    w->from_store += u->from_store;
    w->sec[sec_of(w, t)]++;
    if (u->with_session)
        w->post_login++;
    if (cc != CURLE_OK) {
        enum lab_err e = cc == CURLE_COULDNT_CONNECT ? LAB_ERR_CONNECT :
                         cc == CURLE_OPERATION_TIMEDOUT ? LAB_ERR_TIMEOUT :
                         u->body_over ? LAB_ERR_PROTOCOL : LAB_ERR_TRANSPORT;

        snprintf(what, sizeof(what), "error: %s", curl_easy_strerror(cc));
        count_error(w, u, e, t, what);
        outcome_unknown(w, u);
        return;
    }
    sl_hist_add(w->hist, now - u->t_start);
    curl_easy_getinfo(u->h, CURLINFO_RESPONSE_CODE, &status);
    count_share(w, u->backend);
    if (u->with_session && (status == 401 || !strcmp(u->session, "miss"))) {
        w->lost++;
        w->sec[2 * LAB_MAX_SECONDS + sec_of(w, t)]++;
        note_first(&w->first_lost, t, "session lost", u);
        u->logged_in = 0; /* logs in again; its expected cart starts empty */
        return;
    }
    if (u->op == OP_SEAT && status == 409)
        return; /* someone holds the seat: the right answer */
    if (status < 200 || status > 299) {
        snprintf(what, sizeof(what), "error: HTTP %ld", status);
        count_error(w, u, status_kind(status), t, what);
        if (status >= 500)
            outcome_unknown(w, u);
        return;
    }
    on_success(w, u, t);
}

/* ---- requests ---- */

static int should_stop(struct lab_client *c)
{
    if (atomic_load(&c->stop) || lab_interrupted())
        return 1;
    if (c->cfg.duration_s > 0)
        return lab_now() - c->cfg.t0 >= c->cfg.duration_s;
    return atomic_fetch_add(&c->issued, 1) >= c->cfg.requests;
}

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/*
 * Gives the next request a new Idempotency-Key. libcurl sends the same headers again when it
 * resends, so the app can tell a resend from a new request. Returns 0, or -1 out of memory.
 */
static int set_idem_key(const struct lab_client *c, struct user *u)
{
    char line[96];

    snprintf(line, sizeof(line), "Idempotency-Key: %s-u%d-%u", c->run_id, u->id, ++u->seq);
    curl_slist_free_all(u->headers);
    u->headers = curl_slist_append(NULL, line);
    if (!u->headers)
        return -1;
    curl_easy_setopt(u->h, CURLOPT_HTTPHEADER, u->headers);
    return 0;
}

/*
 * The user's session ends (a new login follows): its cart is kept for the read-back at the
 * end, with the cookies that name it, and forgotten here.
 */
static void session_end(struct worker *w, struct user *u)
{
    int most = LAB_VERIFY_MAX / w->c->n_workers;

    lab_verify_keep(&w->book, u->h, &u->cart, most);
    lab_cart_clear(&u->cart);
}

/* Sends the user's next request, counting its time from t_start; 0 if it cannot. */
static int send_at(struct worker *w, struct user *u, double t_start)
{
    const char *base = w->c->base;

    if (u->cart.n >= LAB_CART_ROTATE)
        u->logged_in = 0; /* a fresh session now and then keeps the token cookie small */
    if (!u->logged_in)
        session_end(w, u);
    u->with_session = u->logged_in;
    if (!u->logged_in) {
        u->op = OP_LOGIN;
        snprintf(u->url, sizeof(u->url), "%s/login?user=u%d", base, u->id);
    } else {
        u->op = (enum op)(1 + u->phase++ % 3);
        if (u->op == OP_CART) {
            u->item = ++u->item_seq;
            snprintf(u->url, sizeof(u->url), "%s/cart/add?item=i%u", base, u->item);
        } else if (u->op == OP_INCR) {
            snprintf(u->url, sizeof(u->url), "%s/counter/incr", base);
        } else {
            u->seat = (int)(next_rand(&u->rng) % LAB_SEATS);
            snprintf(u->url, sizeof(u->url), "%s/seats/%d/book", base, u->seat);
        }
    }
    u->body_len = 0;
    u->body_over = 0;
    u->backend[0] = u->session[0] = '\0';
    u->cookie_set = 0;
    u->replayed = 0;
    u->from_store = 0;
    if (set_idem_key(w->c, u))
        return 0;
    curl_easy_setopt(u->h, CURLOPT_URL, u->url);
    u->t_start = t_start;
    return curl_multi_add_handle(w->m, u->h) == CURLM_OK;
}

/* Closed loop: sends the user's next request now; 0 when the workload is over for it. */
static int send_next(struct worker *w, struct user *u)
{
    if (should_stop(w->c))
        return 0;
    return send_at(w, u, lab_now());
}

/*
 * Finished transfers of the multi handle: each classified, its user handed to `next`, which
 * returns 1 when it has sent the user's next request. Returns how many users have none.
 */
static int drain_done(struct worker *w, int (*next)(struct worker *, struct user *))
{
    int done = 0;

    for (;;) {
        int left;
        CURLMsg *msg = curl_multi_info_read(w->m, &left);
        char *priv = NULL;
        struct user *u;

        if (!msg)
            break;
        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
        u = (struct user *)(void *)priv;
        curl_multi_remove_handle(w->m, msg->easy_handle);
        finish(w, u, msg->data.result);
        done += !next(w, u);
    }
    return done;
}

/* Every user of the thread works concurrently through one multi handle, each one in order. */
static void *worker_main(void *arg)
{
    struct worker *w = arg;
    int i, active = 0, running;

    for (i = 0; i < w->n_users; i++)
        active += send_next(w, w->users[i]);
    while (active > 0 && !lab_interrupted()) {
        curl_multi_perform(w->m, &running);
        active -= drain_done(w, send_next);
        if (active > 0)
            curl_multi_poll(w->m, NULL, 0, 50, NULL);
    }
    atomic_store(&w->running, 0);
    return NULL;
}

/*
 * libcurl sends a request again, on a fresh connection, when a reused connection closed without
 * a byte of answer (lib/transfer.c, "Connection died, retrying a fresh connect"), POSTs
 * included, and offers no option to turn that off. haproxy closes the client connection
 * silently exactly then (a request that failed on a reused server connection), so a POST the
 * killed backend had already applied can reach the app twice. The client cannot prevent it, so
 * it notices it here and counts it; the Idempotency-Key lets an app with a shared store (redis)
 * apply it once.
 */
static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *ctx)
{
    static const char died[] = "Connection died, retrying";
    struct user *u = ctx;

    (void)h;
    if (type == CURLINFO_TEXT && size >= sizeof(died) - 1 && !memcmp(data, died,
                                                                    sizeof(died) - 1))
        u->replayed = 1;
    return 0;
}

static CURL *user_handle(struct user *u)
{
    CURL *h = curl_easy_init();

    if (!h)
        return NULL;
    curl_easy_setopt(h, CURLOPT_PRIVATE, (char *)u);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROXY, "");        /* never an http_proxy from the environment */
    curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");   /* its own cookie engine, in memory */
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, u);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, u);
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, u);
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L); /* only so that on_debug sees the retry */
    return h;
}

/* ---- open loop ---- */

/* After its answer a connection waits for the next arrival; 0: nothing more in flight. */
static int to_idle(struct worker *w, struct user *u)
{
    w->idle[w->n_idle++] = u;
    return 0;
}

/* A connection for the next arrival: a free one, or a new one below the cap; NULL if none. */
static struct user *free_conn(struct worker *w)
{
    struct user *u;

    if (w->n_idle > 0)
        return w->idle[--w->n_idle];
    if (w->n_open == w->max_open)
        return NULL;
    u = w->users[w->n_open];
    u->h = user_handle(u);
    if (!u->h)
        return NULL;
    w->n_open++;
    return u;
}

/*
 * Sends every arrival of [0, end) that is due and finds a connection; returns how many are in
 * flight now. An arrival with none free waits (counted once in `waited`) and keeps its intended
 * time, so its latency includes the wait (wrk2's answer to coordinated omission).
 */
static int send_due(struct worker *w, double end)
{
    struct lab_client *c = w->c;
    double now = lab_now() - c->cfg.t0;
    int n = 0;

    while (lab_pace_peek(&w->pace) < end && lab_pace_peek(&w->pace) <= now) {
        struct user *u = free_conn(w);
        double t;

        if (!u) {
            w->waited += !w->head_waited;
            w->head_waited = 1;
            break;
        }
        w->head_waited = 0;
        t = lab_pace_take(&w->pace);
        if (send_at(w, u, c->cfg.t0 + t)) {
            w->sent++;
            n++;
        } else {
            w->unsent++;
            to_idle(w, u);
        }
    }
    return n;
}

/* Milliseconds to wait for answers before the next arrival is due (at most 50). */
static int wait_ms(const struct worker *w, double end)
{
    double next = lab_pace_peek(&w->pace), ms;

    if (next >= end || (w->n_idle == 0 && w->n_open == w->max_open))
        return 50;
    ms = ceil((next - (lab_now() - w->c->cfg.t0)) * 1e3);
    return ms <= 0 ? 0 : ms >= 50 ? 50 : (int)ms;
}

/*
 * One thread's share of the arrivals due in [0, duration_s), each sent when due whatever the
 * answers; arrivals still waiting for a connection DRAIN_S after the schedule are unsent.
 */
static void *worker_open(void *arg)
{
    struct worker *w = arg;
    struct lab_client *c = w->c;
    double end = c->cfg.duration_s, now;
    int active = 0, running;

    while (!lab_interrupted()) {
        int sending;

        now = lab_now() - c->cfg.t0;
        sending = !atomic_load(&c->stop) && now < end + DRAIN_S;
        if (sending)
            active += send_due(w, end);
        if (!active && (!sending || lab_pace_peek(&w->pace) >= end))
            break;
        curl_multi_perform(w->m, &running);
        active -= drain_done(w, to_idle);
        curl_multi_poll(w->m, NULL, 0, wait_ms(w, end), NULL);
    }
    now = lab_now() - c->cfg.t0;
    while (lab_pace_peek(&w->pace) < end && lab_pace_peek(&w->pace) <= now) {
        lab_pace_take(&w->pace);
        w->unsent++;
    }
    atomic_store(&w->running, 0);
    return NULL;
}

static void first_init(struct first *f)
{
    f->t_s = -1;
    f->what[0] = '\0';
}

void lab_client_free(struct lab_client *c)
{
    int i;

    if (!c)
        return;
    for (i = 0; i < c->n_workers; i++) {
        struct worker *w = &c->workers[i];
        int k;

        for (k = 0; k < w->n_users; k++)
            if (w->m && w->users[k]->h)
                curl_multi_remove_handle(w->m, w->users[k]->h);
    }
    for (i = 0; c->users && i < c->n_users; i++) {
        curl_easy_cleanup(c->users[i].h);
        curl_slist_free_all(c->users[i].headers);
        sl_free(c->users[i].body);
    }
    for (i = 0; i < c->n_workers; i++) {
        struct worker *w = &c->workers[i];

        if (w->m)
            curl_multi_cleanup(w->m);
        sl_free(w->users);
        lab_verify_release(&w->book);
        sl_free(w->idle);
        sl_free(w->hist);
        sl_free(w->sec);
    }
    sl_free(c->users);
    sl_free(c);
}

static int workers_for(int users)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int n = cpus < 2 ? 2 : cpus > LAB_MAX_THREADS ? LAB_MAX_THREADS : (int)cpus;

    return users < n ? users : n;
}

struct lab_client *lab_client_start(const struct lab_client_cfg *cfg, char *err, size_t errlen)
{
    struct lab_client *c = sl_calloc(1, sizeof(*c));
    unsigned char rnd[8];
    int i;

    if (!c)
        goto nomem;
    c->cfg = *cfg;
    if (cfg->base_url)
        snprintf(c->base, sizeof(c->base), "%s", cfg->base_url);
    else
        snprintf(c->base, sizeof(c->base), "http://127.0.0.1:%d", cfg->port);
    if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
        uint64_t v = (uint64_t)getpid() << 32 ^ (uint64_t)(lab_now() * 1e9);

        memcpy(rnd, &v, sizeof(rnd));
    }
    for (i = 0; i < (int)sizeof(rnd); i++)
        snprintf(c->run_id + 2 * i, 3, "%02x", rnd[i]);
    c->n_users = cfg->rate_rps > 0 ? cfg->max_conns : cfg->users;
    c->n_workers = workers_for(c->n_users);
    c->users = sl_calloc((size_t)c->n_users, sizeof(*c->users));
    if (!c->users)
        goto nomem;
    for (i = 0; i < c->n_workers; i++) {
        struct worker *w = &c->workers[i];

        w->c = c;
        w->m = curl_multi_init();
        w->users = sl_calloc((size_t)(c->n_users / c->n_workers + 1), sizeof(*w->users));
        w->hist = sl_malloc(sizeof(*w->hist));
        w->sec = sl_calloc(3 * LAB_MAX_SECONDS, sizeof(*w->sec));
        w->idle = sl_calloc((size_t)(c->n_users / c->n_workers + 1), sizeof(*w->idle));
        if (!w->m || !w->users || !w->hist || !w->sec || !w->idle)
            goto nomem;
        lab_pace_init(&w->pace, cfg->arrivals, cfg->rate_rps > 0 ? cfg->rate_rps : 1,
                      c->n_workers, i, cfg->seed);
        sl_hist_init(w->hist);
        first_init(&w->first_lost);
        first_init(&w->first_error);
        first_init(&w->first_wrong);
    }
    for (i = 0; i < c->n_users; i++) {
        struct user *u = &c->users[i];
        struct worker *w = &c->workers[i % c->n_workers];

        u->id = i + 1;
        u->w = w;
        u->rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1);
        w->users[w->n_users++] = u;
        if (cfg->rate_rps > 0)
            continue; /* the open loop opens connections as it needs them */
        u->h = user_handle(u);
        if (!u->h)
            goto nomem;
    }
    for (i = 0; i < c->n_workers; i++) {
        struct worker *w = &c->workers[i];

        w->max_open = w->n_users;
        atomic_store(&w->running, 1);
        if (pthread_create(&w->tid, NULL, cfg->rate_rps > 0 ? worker_open : worker_main,
                           w) != 0) {
            atomic_store(&w->running, 0);
            snprintf(err, errlen, "cannot start a client thread");
            lab_client_stop(c);
            lab_client_free(c);
            return NULL;
        }
        w->started = 1;
    }
    return c;
nomem:
    snprintf(err, errlen, "out of memory");
    lab_client_free(c);
    return NULL;
}

int lab_client_running(struct lab_client *c)
{
    int i;

    for (i = 0; i < c->n_workers; i++)
        if (atomic_load(&c->workers[i].running))
            return 1;
    return 0;
}

void lab_client_stop(struct lab_client *c)
{
    int i;

    atomic_store(&c->stop, 1);
    for (i = 0; i < c->n_workers; i++)
        if (c->workers[i].started) {
            pthread_join(c->workers[i].tid, NULL);
            c->workers[i].started = 0;
        }
}

static void merge_first(const struct first *f, struct first *best)
{
    if (f->t_s >= 0 && (best->t_s < 0 || f->t_s < best->t_s))
        *best = *f;
}

void lab_client_collect(struct lab_client *c, struct lab_result *r)
{
    uint64_t seats[LAB_SEATS];
    struct first lost, error, wrong;
    int i, k;

    memset(seats, 0, sizeof(seats));
    first_init(&lost);
    first_init(&error);
    first_init(&wrong);
    for (i = 0; i < c->n_workers; i++) {
        const struct worker *w = &c->workers[i];

        r->requests += w->requests;
        for (k = 0; k < LAB_ERR_KINDS; k++)
            r->err[k] += w->err[k];
        r->logins += w->logins;
        r->post_login += w->post_login;
        r->sessions_lost += w->lost;
        r->carts_wrong += w->carts_wrong;
        r->counter_acked += w->acked;
        r->counter_unknown += w->unknown;
        r->bookings += w->bookings;
        r->replays += w->replays;
        r->replays_from_store += w->from_store;
        r->duplicates += w->duplicates;
        for (k = 0; k < LAB_SEATS; k++)
            seats[k] += w->seat_acks[k];
        for (k = 0; k < LAB_MAX_BACKENDS; k++)
            r->share[k] += w->share[k];
        r->share_other += w->share_other;
        sl_hist_merge(r->latency, w->hist);
        for (k = 0; k < w->n_secs; k++) {
            r->sec_requests[k] += w->sec[k];
            r->sec_errors[k] += w->sec[LAB_MAX_SECONDS + k];
            r->sec_lost[k] += w->sec[2 * LAB_MAX_SECONDS + k];
        }
        if (w->n_secs > r->n_secs)
            r->n_secs = w->n_secs;
        r->sent += w->sent;
        r->unsent += w->unsent;
        r->waited += w->waited;
        r->conns += w->n_open;
        merge_first(&w->first_lost, &lost);
        merge_first(&w->first_error, &error);
        merge_first(&w->first_wrong, &wrong);
    }
    /* the b<N> slots first, every worker's, so that other names take only unused slots */
    for (k = 0; k < LAB_MAX_BACKENDS; k++)
        if (r->share[k] && !r->share_name[k][0])
            snprintf(r->share_name[k], LAB_NAME_LEN, "b%d", k + 1);
    for (i = 0; i < c->n_workers; i++)
        merge_named(&c->workers[i], r);
    if (c->cfg.rate_rps > 0)
        r->schedule_s = c->cfg.duration_s;
    for (k = 0; k < LAB_SEATS; k++)
        if (seats[k] > 1)
            r->double_bookings += seats[k] - 1;
    if (lost.t_s >= 0)
        lab_event_add(r, lost.t_s, "%s", lost.what);
    if (error.t_s >= 0)
        lab_event_add(r, error.t_s, "%s", error.what);
    if (wrong.t_s >= 0)
        lab_event_add(r, wrong.t_s, "%s", wrong.what);
}

void lab_client_verify(struct lab_client *c, struct lab_result *r)
{
    struct lab_verify_tally t;
    int i, k;

    memset(&t, 0, sizeof(t));
    for (i = 0; i < c->n_workers; i++) {
        struct worker *w = &c->workers[i];

        for (k = 0; k < w->n_users; k++)
            session_end(w, w->users[k]);
        lab_verify_run(&w->book, c->base, &t);
    }
    r->sessions_read_back += t.sessions;
    r->lines_acked += t.acked;
    r->lines_lost += t.lost;
    r->lines_unverified += t.unverified;
}
