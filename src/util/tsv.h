/* util/tsv: the tab-separated lines of Vigil's data files (data/NAME.tsv). */
#ifndef VIGIL_UTIL_TSV_H
#define VIGIL_UTIL_TSV_H

#include <stddef.h>

/* Cuts line at its tabs, in place, into at most max fields (the last keeps
 * any further tabs); returns how many. */
size_t tsv_split(char *line, char **fields, size_t max);

#endif
