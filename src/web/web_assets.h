/* The page's files, compiled into the binary (src/web/web_files.S): nothing is read from disk. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_WEB_ASSETS_H
#define SL_WEB_ASSETS_H

struct web_asset {
    const char *content_type;
    const char *data; /* first byte */
    const char *end;  /* one past the last byte */
};

extern const struct web_asset web_asset_index, web_asset_app, web_asset_style;

#endif
