/* Embedding a file in an object, for the .S files (preprocessed by cc): the bytes, then a NUL. */
#ifndef SL_EMBED_H
#define SL_EMBED_H

/* Defines sym (first byte) and sym##_end (one past the last byte, where the NUL sits). */
#define ASSET(sym, path) \
    .global sym; .global sym##_end; .balign 16; sym: .incbin path; sym##_end: .byte 0

#endif
