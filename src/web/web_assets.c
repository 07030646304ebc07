/* The table of embedded page files and their content types. */
/* SPDX-License-Identifier: MIT */
#include "web_assets.h"
#include "banned.h"

extern const char web_file_index[], web_file_index_end[];
extern const char web_file_style[], web_file_style_end[];

const struct web_asset web_asset_index = {
    "text/html; charset=utf-8", web_file_index, web_file_index_end
};
const struct web_asset web_asset_style = {
    "text/css; charset=utf-8", web_file_style, web_file_style_end
};

/* One module of the script: the bytes web_files.S embeds as web_file_js_NAME, as JavaScript
 * (a module script must be served with a JavaScript type; the server adds nosniff). */
#define JS_MODULE(name)                                                              \
    extern const char web_file_js_##name[], web_file_js_##name##_end[];              \
    const struct web_asset web_asset_js_##name = {                                   \
        "text/javascript; charset=utf-8", web_file_js_##name, web_file_js_##name##_end \
    }

JS_MODULE(main);
JS_MODULE(api);
JS_MODULE(view);
JS_MODULE(service);
JS_MODULE(ceiling);
JS_MODULE(futures);
JS_MODULE(machines);
JS_MODULE(picker);
JS_MODULE(curves);
JS_MODULE(marks);
JS_MODULE(stateless);
JS_MODULE(capacity);
JS_MODULE(fit);
JS_MODULE(quiz);
JS_MODULE(classroom);
