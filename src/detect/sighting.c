#include "detect/sighting.h"

#include <stdbool.h>
#include <string.h>

#include "util/bytes.h"

static void add_host(struct sighting_summary *s, const struct ip_addr *a, unsigned cap)
{
    for (unsigned i = 0; i < s->n_hosts; i++)
        if (memcmp(&s->hosts[i], a, sizeof *a) == 0)
            return;
    if (s->n_hosts < cap)
        s->hosts[s->n_hosts++] = *a;
}

static void add_uid(struct sighting_summary *s, const char *uid, unsigned cap)
{
    if (uid == NULL || uid[0] == '\0' || s->n_uids >= cap)
        return;
    for (unsigned i = 0; i < s->n_uids; i++)
        if (strcmp(s->uids[i], uid) == 0)
            return;
    bytes_copy_cstr(s->uids[s->n_uids++], sizeof s->uids[0], uid, strlen(uid));
}

void sighting_tally(struct sighting_summary *s, const struct intel_sighting *hit, const struct sighting_caps *caps)
{
    if (s->count == 0) {
        s->first_us = s->last_us = hit->ts_us;
        s->where = hit->where; /* string literals of the match points */
        bytes_copy_cstr(s->seen, caps->seen, hit->seen, hit->seen_len);
        s->seen_type = hit->seen_type;
    }
    s->count++;
    if ((unsigned)hit->validity < INTEL_VALIDITY_COUNT)
        s->by_validity[hit->validity]++;
    if (hit->ts_us < s->first_us)
        s->first_us = hit->ts_us;
    if (hit->ts_us > s->last_us)
        s->last_us = hit->ts_us;
    if (hit->has_conn) {
        add_host(s, &hit->orig_h, caps->hosts);
        add_host(s, &hit->resp_h, caps->hosts);
    }
    add_uid(s, hit->uid, caps->uids);
}
