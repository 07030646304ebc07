/* The page's files, compiled into the binary (src/web/web_files.S): nothing is read from disk. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_WEB_ASSETS_H
#define SL_WEB_ASSETS_H

struct web_asset {
    const char *content_type;
    const char *data; /* first byte */
    const char *end;  /* one past the last byte */
};

extern const struct web_asset web_asset_index, web_asset_style;

/* The script's ES modules, served at /js/NAME.js. */
extern const struct web_asset web_asset_js_main, web_asset_js_api, web_asset_js_view,
    web_asset_js_service, web_asset_js_ceiling, web_asset_js_futures, web_asset_js_machines,
    web_asset_js_picker, web_asset_js_curves, web_asset_js_marks, web_asset_js_stateless,
    web_asset_js_capacity, web_asset_js_fit, web_asset_js_quiz,
    web_asset_js_classroom;

#endif
