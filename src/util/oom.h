/* Allocation failures, counted. Every malloc, calloc, realloc and strdup
 * that Vigil's own code makes goes through util/alloc_wrap.c (the linker's
 * --wrap, see the Makefile), which counts the ones that return NULL. Code
 * that cannot go on without an allocation ends the command with "out of
 * memory" and exit 2; code that can (a flow not tracked, a field or a log
 * line left out, a table not grown) goes on, and the command line says at
 * the end how many allocations failed (cli/commands.c): never silently.
 * The count is process-wide because the allocator is; it is an atomic,
 * the one mutable global docs/STYLE.md allows. */
#ifndef VIGIL_UTIL_OOM_H
#define VIGIL_UTIL_OOM_H

#include <stdint.h>

/* Called by the allocator wrappers when an allocation returned NULL. */
void oom_count_failure(void);
/* How many allocations failed since the process started. */
uint64_t oom_failures(void);

#endif
