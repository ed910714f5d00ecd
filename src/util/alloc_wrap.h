/* The allocator seen through the linker's --wrap (Makefile): __real_* is
 * libc's, __wrap_* what Vigil's own calls reach, defined by
 * util/alloc_wrap.c or, in the test build, by tests/alloc/alloc_fail.c. */
#ifndef VIGIL_UTIL_ALLOC_WRAP_H
#define VIGIL_UTIL_ALLOC_WRAP_H

#include <stddef.h>

/* As malloc, calloc, realloc and strdup: the caller frees the result with
 * free(); NULL when out of memory. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);

#endif
