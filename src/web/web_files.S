/* The page (web/) embedded in the binary; each file is followed by a NUL byte. */
#include "embed.h"

    .section .rodata
    ASSET(web_file_index, "web/index.html")
    ASSET(web_file_style, "web/style.css")
    /* the script, one ES module per section plus the shared two (web/js/main.js loads them) */
    ASSET(web_file_js_main, "web/js/main.js")
    ASSET(web_file_js_api, "web/js/api.js")
    ASSET(web_file_js_view, "web/js/view.js")
    ASSET(web_file_js_service, "web/js/service.js")
    ASSET(web_file_js_ceiling, "web/js/ceiling.js")
    ASSET(web_file_js_futures, "web/js/futures.js")
    ASSET(web_file_js_machines, "web/js/machines.js")
    ASSET(web_file_js_picker, "web/js/picker.js")
    ASSET(web_file_js_curves, "web/js/curves.js")
    ASSET(web_file_js_marks, "web/js/marks.js")
    ASSET(web_file_js_stateless, "web/js/stateless.js")
    ASSET(web_file_js_capacity, "web/js/capacity.js")
    ASSET(web_file_js_fit, "web/js/fit.js")
    ASSET(web_file_js_quiz, "web/js/quiz.js")
    ASSET(web_file_js_classroom, "web/js/classroom.js")

    .section .note.GNU-stack,"",@progbits
