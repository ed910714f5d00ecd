/* A fast first look at a file's head for the common text types, where
 * libmagic spends ~0.4 ms running its regex tests (binary formats are cheap
 * for libmagic and left to it). Names follow Zeek's file signatures. */
#ifndef VIGIL_FILES_SNIFF_H
#define VIGIL_FILES_SNIFF_H

#include <stddef.h>
#include <stdint.h>

/* The MIME type of a text head, or NULL when it is not text (ask libmagic). */
const char *sniff_text_type(const uint8_t *p, size_t n);

#endif
