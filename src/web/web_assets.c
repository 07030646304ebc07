/* The table of embedded page files and their content types. */
/* SPDX-License-Identifier: MIT */
#include "web_assets.h"
#include "banned.h"

extern const char web_file_index[], web_file_index_end[];
extern const char web_file_app[], web_file_app_end[];
extern const char web_file_style[], web_file_style_end[];

const struct web_asset web_asset_index = {
    "text/html; charset=utf-8", web_file_index, web_file_index_end
};
const struct web_asset web_asset_app = {
    "text/javascript; charset=utf-8", web_file_app, web_file_app_end
};
const struct web_asset web_asset_style = {
    "text/css; charset=utf-8", web_file_style, web_file_style_end
};
