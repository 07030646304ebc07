/* The page (web/) embedded in the binary; each file is followed by a NUL byte. */
#define ASSET(sym, path) \
    .global sym; .global sym##_end; .balign 16; sym: .incbin path; sym##_end: .byte 0

    .section .rodata
    ASSET(web_file_index, "web/index.html")
    ASSET(web_file_app, "web/app.js")
    ASSET(web_file_style, "web/style.css")

    .section .note.GNU-stack,"",@progbits
