/* The page (web/) embedded in the binary; each file is followed by a NUL byte. */
#include "embed.h"

    .section .rodata
    ASSET(web_file_index, "web/index.html")
    ASSET(web_file_app, "web/app.js")
    ASSET(web_file_style, "web/style.css")

    .section .note.GNU-stack,"",@progbits
