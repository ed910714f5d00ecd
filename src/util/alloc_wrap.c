/* The allocator as Vigil's own code sees it: the Makefile links every
 * binary with -Wl,--wrap=malloc,... so that each malloc, calloc, realloc
 * and strdup call in Vigil's objects lands here (libraries keep the real
 * allocator). The one job: count the failures (util/oom.h), so that no
 * allocation failure goes unreported. Weak, so that the test build's
 * failure injector (tests/alloc/alloc_fail.c) replaces them. */
#include <stddef.h>

#include "util/alloc_wrap.h"
#include "util/oom.h"

__attribute__((weak)) void *__wrap_malloc(size_t n)
{
    void *p = __real_malloc(n);
    if (p == NULL && n > 0)
        oom_count_failure();
    return p;
}

__attribute__((weak)) void *__wrap_calloc(size_t k, size_t n)
{
    void *p = __real_calloc(k, n);
    if (p == NULL && k > 0 && n > 0)
        oom_count_failure();
    return p;
}

__attribute__((weak)) void *__wrap_realloc(void *old, size_t n)
{
    void *p = __real_realloc(old, n);
    if (p == NULL && n > 0)
        oom_count_failure();
    return p;
}

__attribute__((weak)) char *__wrap_strdup(const char *s)
{
    char *p = __real_strdup(s);
    if (p == NULL)
        oom_count_failure();
    return p;
}
