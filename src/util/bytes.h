/* A view of bytes owned by someone else: it lives no longer than the buffer
 * it points into. */
#ifndef VIGIL_UTIL_BYTES_H
#define VIGIL_UTIL_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* p is NULL when the value is unset, and may be non-NULL with n == 0 when it
 * is present but empty. */
struct byte_view {
    const uint8_t *p;
    size_t n;
};

#endif
