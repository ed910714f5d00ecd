#include "util/oom.h"

#include <stdatomic.h>

static atomic_uint_fast64_t failures;

void oom_count_failure(void)
{
    atomic_fetch_add_explicit(&failures, 1, memory_order_relaxed);
}

uint64_t oom_failures(void)
{
    return (uint64_t)atomic_load_explicit(&failures, memory_order_relaxed);
}
