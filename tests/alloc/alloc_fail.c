/* Allocation-failure injection, linked only into the sanitizer test build
 * (make ALLOC_FAIL=1): the linker's --wrap sends every malloc, calloc,
 * realloc and strdup that Vigil's own code makes through here, while the
 * libraries it links keep the real allocator.
 *
 *   VIGIL_ALLOC_FAIL=N     the N-th allocation (counting from 1) returns NULL,
 *                          once; every other one succeeds
 *   VIGIL_ALLOC_SITES=FILE at exit, one line per allocation site reached:
 *                          "N<TAB>0xOFFSET" with N the number of the site's
 *                          first allocation and OFFSET its caller's address
 *                          in the executable (for addr2line)
 *
 * The state is process-wide on purpose: it stands for the allocator, which is. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc_wrap.h"
#include "util/oom.h"

#define MAX_SITES 8192

static atomic_ulong allocations;
static unsigned long fail_at;
static const char *sites_path;

/* The first allocation of each call site: open addressing on the address. */
static struct site {
    uintptr_t pc;
    unsigned long first;
} sites[MAX_SITES];
static pthread_mutex_t sites_lock = PTHREAD_MUTEX_INITIALIZER;

static void note_site(uintptr_t pc, unsigned long nth)
{
    pthread_mutex_lock(&sites_lock);
    size_t i = (size_t)((pc * 0x9e3779b97f4a7c15ULL) >> 51) % MAX_SITES;
    for (size_t probes = 0; probes < MAX_SITES; probes++, i = (i + 1) % MAX_SITES) {
        if (sites[i].pc == pc)
            break;
        if (sites[i].pc == 0) {
            sites[i].pc = pc;
            sites[i].first = nth;
            break;
        }
    }
    pthread_mutex_unlock(&sites_lock);
}

static int by_first(const void *a, const void *b)
{
    const struct site *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

static void write_sites(void)
{
    FILE *f = fopen(sites_path, "w");
    if (f == NULL) {
        fprintf(stderr, "alloc_fail: cannot write %s\n", sites_path);
        return;
    }
    pthread_mutex_lock(&sites_lock);
    qsort(sites, MAX_SITES, sizeof sites[0], by_first);
    for (size_t i = 0; i < MAX_SITES; i++) {
        if (sites[i].pc == 0)
            continue;
        Dl_info info;
        uintptr_t base = 0;
        if (dladdr((void *)sites[i].pc, &info) != 0)
            base = (uintptr_t)info.dli_fbase;
        /* the return address is one past the call: name the call itself */
        fprintf(f, "%lu\t0x%lx\n", sites[i].first, (unsigned long)(sites[i].pc - base - 1));
    }
    pthread_mutex_unlock(&sites_lock);
    fclose(f);
}

__attribute__((constructor)) static void read_settings(void)
{
    const char *n = getenv("VIGIL_ALLOC_FAIL");
    if (n != NULL)
        fail_at = strtoul(n, NULL, 10);
    sites_path = getenv("VIGIL_ALLOC_SITES");
    if (sites_path != NULL && *sites_path != '\0')
        atexit(write_sites);
    else
        sites_path = NULL;
}

/* Whether this allocation, made from pc, is the one to fail. */
static int should_fail(void *pc)
{
    unsigned long nth = atomic_fetch_add(&allocations, 1) + 1;
    if (sites_path != NULL)
        note_site((uintptr_t)pc, nth);
    return nth == fail_at;
}

/* As util/alloc_wrap.c, which these replace: a NULL is counted
 * (util/oom.h), injected or not. */
static void *counted(void *p)
{
    if (p == NULL)
        oom_count_failure();
    return p;
}

void *__wrap_malloc(size_t n)
{
    return counted(should_fail(__builtin_return_address(0)) ? NULL : __real_malloc(n));
}

void *__wrap_calloc(size_t k, size_t n)
{
    return counted(should_fail(__builtin_return_address(0)) ? NULL : __real_calloc(k, n));
}

void *__wrap_realloc(void *p, size_t n)
{
    return counted(should_fail(__builtin_return_address(0)) ? NULL : __real_realloc(p, n));
}

char *__wrap_strdup(const char *s)
{
    return counted(should_fail(__builtin_return_address(0)) ? NULL : __real_strdup(s));
}
