/* util/datadir: where the files Vigil ships (data/, rules/) are found at
 * run time: $VIGIL_DATA_DIR, then next to the executable (the source tree:
 * ./vigil, build/<variant>/vigil; an installed prefix: bin/../share/vigil),
 * then the source tree it was built from, then /usr/local/share/vigil and
 * /usr/share/vigil. The one lookup every loader of shipped data uses. */
#ifndef VIGIL_UTIL_DATADIR_H
#define VIGIL_UTIL_DATADIR_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the first existing "<root>/<rel>" into out; false when none exists
 * (out then holds the path under the first root, for the error message). */
bool vigil_data_path(const char *rel, char *out, size_t n);

#endif
