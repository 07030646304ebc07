/* A strict RFC 4180 reader shared by the library's CSV inputs (catalogs, measurements). */
/* SPDX-License-Identifier: MIT */
#ifndef SL_CSV_INT_H
#define SL_CSV_INT_H

#include <stddef.h>
#include "scalelab/status.h"

/* Most fields one record may have. */
#define SL_CSV_MAX_COLUMNS 64

/* One parsed CSV record: fields point into buf, each NUL-terminated. */
struct sl_csv_record {
    char *buf;
    size_t cap;
    size_t offset[SL_CSV_MAX_COLUMNS];  /* where each field starts in buf while it grows */
    char *fields[SL_CSV_MAX_COLUMNS];
    long field_col[SL_CSV_MAX_COLUMNS]; /* 1-based byte column where each field starts */
    int count;
    long line;                   /* line on which the record starts */
};

/* Where the reader is in the text, and what its messages call the input. */
struct sl_csv_reader {
    const char *p, *end;
    long line;
    const char *line_start;
    const char *kind;     /* "catalog", "measurements": the first word of every message */
    const char *label;    /* the file's name */
    size_t line_max;      /* longest line accepted, bytes */
    char *err;
    size_t errlen;
};

/* Called with each comment line's text (after '#', not NUL-terminated). */
typedef enum sl_status sl_csv_comment_fn(void *ctx, const char *text, size_t len);

/* Starts reading text[0..len); skips a UTF-8 byte order mark. */
void sl_csv_reader_init(struct sl_csv_reader *r, const char *text, size_t len, const char *kind,
                        const char *label, size_t line_max, char *err, size_t errlen);

/* Writes "KIND 'LABEL' line L column C: message" (column 0: no column) into err; SL_E_INVALID. */
enum sl_status sl_csv_fail(struct sl_csv_reader *r, long line, long col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Rejects NUL bytes, invalid UTF-8 and over-long lines before any parsing. */
enum sl_status sl_csv_check_text(struct sl_csv_reader *r);

/*
 * Reads one record into rec (its buffer grows as needed; free rec->buf with sl_free). SL_OK with
 * rec->count 0 at the end of the text.
 */
enum sl_status sl_csv_read_record(struct sl_csv_reader *r, struct sl_csv_record *rec);

/* Skips blank lines and '#' comment lines, passing each comment to fn (NULL: ignore them). */
enum sl_status sl_csv_skip_comments(struct sl_csv_reader *r, sl_csv_comment_fn *fn, void *ctx);

/* A record that holds nothing but blanks (an empty line). */
int sl_csv_record_blank(const struct sl_csv_record *rec);

/* Strips blanks around a field in place and returns it. */
char *sl_csv_strip(char *s);

#endif
