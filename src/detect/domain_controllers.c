/* A small set of addresses under a mutex: controllers are few and lookups
 * come with DCE-RPC calls (not packets), so a sorted array does. */
#include "detect/domain_controllers.h"
#include "util/grow.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dc_entry {
    struct ip_addr addr;
    unsigned evidence;
};

struct dc_registry {
    pthread_mutex_t lock;           /* guards everything below */
    struct dc_entry *hosts;         /* sorted by address */
    size_t n, cap;
};

struct dc_registry *dc_registry_new(void)
{
    struct dc_registry *r = calloc(1, sizeof *r);
    if (r)
        pthread_mutex_init(&r->lock, NULL);
    return r;
}

void dc_registry_free(struct dc_registry *r)
{
    if (r == NULL)
        return;
    pthread_mutex_destroy(&r->lock);
    free(r->hosts);
    free(r);
}

/* The index of addr, or where it would go (*found false). Locked by the caller. */
static size_t dc_find(const struct dc_registry *r, const struct ip_addr *addr, bool *found)
{
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = ip_addr_cmp(&r->hosts[mid].addr, addr);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

/* False when addr is new and the registry is full or out of memory. */
static bool dc_add_locked(struct dc_registry *r, const struct ip_addr *addr, unsigned evidence)
{
    bool found;
    size_t i = dc_find(r, addr, &found);
    if (found) {
        r->hosts[i].evidence |= evidence;
        return true;
    }
    if (r->n == DC_REGISTRY_MAX)
        return false;
    if (grow_array((void **)&r->hosts, &r->cap, r->n + 1, sizeof *r->hosts, 16) < 0)
        return false;
    memmove(r->hosts + i + 1, r->hosts + i, (r->n - i) * sizeof *r->hosts);
    r->hosts[i] = (struct dc_entry){.addr = *addr, .evidence = evidence};
    r->n++;
    return true;
}

static bool dc_add(struct dc_registry *r, const struct ip_addr *addr, unsigned evidence)
{
    pthread_mutex_lock(&r->lock);
    bool kept = dc_add_locked(r, addr, evidence);
    pthread_mutex_unlock(&r->lock);
    return kept;
}

void dc_registry_add_evidence(struct dc_registry *r, const struct ip_addr *addr, enum dc_evidence evidence)
{
    if (r == NULL || addr == NULL)
        return;
    dc_add(r, addr, (unsigned)evidence);
}

unsigned dc_registry_evidence(struct dc_registry *r, const struct ip_addr *addr)
{
    if (r == NULL || addr == NULL)
        return 0;
    pthread_mutex_lock(&r->lock);
    bool found;
    size_t i = dc_find(r, addr, &found);
    unsigned e = found ? r->hosts[i].evidence : 0;
    pthread_mutex_unlock(&r->lock);
    return e;
}

bool dc_registry_add_list(struct dc_registry *r, const char *list, char *err, size_t errlen)
{
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ",");
        char one[64];
        if (len == 0 || len >= sizeof one) {
            snprintf(err, errlen, "--domain-controllers: bad address list '%s'", list);
            return false;
        }
        memcpy(one, p, len);
        one[len] = '\0';
        struct ip_addr a;
        if (!ip_addr_parse(one, &a)) {
            snprintf(err, errlen, "--domain-controllers: '%s' is not an IP address", one);
            return false;
        }
        if (!dc_add(r, &a, DC_EVIDENCE_GIVEN)) {
            snprintf(err, errlen, "--domain-controllers: more than %d addresses, or out of memory, at '%s'",
                     DC_REGISTRY_MAX, one);
            return false;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return true;
}
