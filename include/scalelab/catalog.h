/* Catalogs of machines: name, size and monthly price of each box a plan may buy. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_CATALOG_H
#define SL_CATALOG_H

#include <stddef.h>
#include "scalelab/status.h"

/* Longest instance name accepted, in bytes. */
#define SL_CATALOG_NAME_MAX 63
/* Longest catalog line accepted, in bytes. */
#define SL_CATALOG_LINE_MAX (64 * 1024)
/* Largest catalog text accepted, in bytes. */
#define SL_CATALOG_TEXT_MAX (1024 * 1024)

struct sl_instance {
    char name[SL_CATALOG_NAME_MAX + 1];
    double vcpu;                 /* virtual CPUs (cores the USL counts) */
    double mem_gib;              /* memory, GiB */
    double net_gbps;             /* network bandwidth, Gbit/s */
    double usd_per_month;        /* on-demand price, USD per month */
    double single_thread_factor; /* per-core speed relative to the reference core */
    double usl_sigma;            /* USL contention of this box; NaN = use the workload's */
    double usl_kappa;            /* USL coherency of this box; NaN = use the workload's */
    double net_burst_gbps;       /* the burst network figure, shown only; NaN = none */
    int fleet_only;              /* sold only as a member of a fleet: no vertical plan picks it */
};

struct sl_catalog {
    char *name;                  /* "teaching", "cloud" or the file it came from */
    char *source;                /* its '#' comment lines, joined by "; " (may be "") */
    struct sl_instance *items;   /* in file order */
    size_t count;
};

/*
 * Parses catalog CSV text of len bytes. The header row names the columns
 * name,vcpu,mem_gib,net_gbps,usd_per_month,single_thread_factor (any order) and optionally
 * usl_sigma,usl_kappa (the box's own USL coefficients), net_burst_gbps (a burst network figure
 * beside the sustained net_gbps) and fleet_only (1: the box is sold only inside a fleet); lines
 * starting with '#' are comments and become the source. Validation is strict: every problem is
 * SL_E_INVALID (or SL_E_TOO_LARGE) with a message in err that names `label`, the line and
 * column. On success *out is owned by the caller (sl_catalog_free).
 */
SL_API enum sl_status sl_catalog_parse(const char *text, size_t len, const char *label,
                                       struct sl_catalog **out, char *err, size_t errlen);

/*
 * Loads an embedded catalog by name (one of sl_catalog_builtin_names(): "teaching", "cloud",
 * "gcp", "azure"); SL_E_NOT_FOUND otherwise.
 */
SL_API enum sl_status sl_catalog_builtin(const char *name, struct sl_catalog **out,
                                         char *err, size_t errlen);

/* The embedded catalogs' names, NULL-terminated; borrowed forever. */
SL_API const char *const *sl_catalog_builtin_names(void);

/* The embedded CSV text of a built-in catalog, or NULL; borrowed forever. */
SL_API const char *sl_catalog_builtin_text(const char *name, size_t *len);

/* Frees a catalog; NULL is fine. */
SL_API void sl_catalog_free(struct sl_catalog *c);

/* The instance with this name, or NULL; borrowed from c. */
SL_API const struct sl_instance *sl_catalog_find(const struct sl_catalog *c, const char *name);

#endif
