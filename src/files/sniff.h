/* A fast first look at a file's head for the common web types: text, where
 * libmagic spends ~0.4 ms running its regex tests, and PNG/GIF/JPEG, whose
 * magic is exact. Everything else (documents, archives, executables) is left
 * to libmagic. Names follow Zeek's file signatures. */
#ifndef VIGIL_FILES_SNIFF_H
#define VIGIL_FILES_SNIFF_H

#include <stddef.h>
#include <stdint.h>

/* The MIME type of a common head (a static string), or NULL (ask libmagic). */
const char *sniff_common_type(const uint8_t *p, size_t n);

#endif
