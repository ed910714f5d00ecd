#include "detect/intel_match.h"

#include <stdlib.h>
#include <string.h>

#include "util/hash.h"

/* 64 Ki entries of 16 bytes: 1 MiB per worker. Hits are rare, so a slot
 * group is almost never full and a repeat is suppressed for as long as a
 * flow lives; if it is evicted the price is one duplicate line. */
#define DEDUP_WAYS 4
#define DEDUP_SETS (1u << 14)

struct dedup_slot {
    uint64_t flow_id;
    uint32_t entry_id;
    uint32_t where_hash;
};

struct intel_dedup {
    struct dedup_slot slots[DEDUP_SETS][DEDUP_WAYS];
    uint8_t next[DEDUP_SETS];
    struct hash_key key;   /* the run's, for this cache */
};

#define DEDUP_HASH_DOMAIN 0x696e74656c646564ULL /* "inteldedup" */

struct intel_dedup *intel_dedup_new(void)
{
    struct intel_dedup *d = calloc(1, sizeof *d);
    if (d != NULL)
        hash_domain_key(DEDUP_HASH_DOMAIN, &d->key);
    return d;
}

void intel_dedup_free(struct intel_dedup *d)
{
    free(d);
}

/* Keyed: `where` is a field of the wire (a host name, a URL), and under a
 * fixed hash many of them planned to share a slot group would evict a
 * repeat's entry and make every hit of one indicator alert again. */
static uint32_t where_hash(const struct intel_dedup *d, const char *where)
{
    return (uint32_t)siphash13(&d->key, where, strlen(where)) | 1; /* 0 marks an empty slot */
}

bool intel_dedup_first(struct intel_dedup *d, uint64_t flow_id, uint32_t entry_id, const char *where)
{
    if (flow_id == 0 || d == NULL)
        return true;
    uint32_t wh = where_hash(d, where);
    uint64_t h = (flow_id ^ ((uint64_t)entry_id << 32 | wh)) * 0x9e3779b97f4a7c15ull;
    uint32_t set = (uint32_t)(h >> 50) & (DEDUP_SETS - 1);
    struct dedup_slot *s = d->slots[set];
    for (unsigned i = 0; i < DEDUP_WAYS; i++)
        if (s[i].where_hash == wh && s[i].flow_id == flow_id && s[i].entry_id == entry_id)
            return false;
    unsigned victim = d->next[set]++ % DEDUP_WAYS;
    s[victim] = (struct dedup_slot){flow_id, entry_id, wh};
    return true;
}

static bool report(struct intel_matcher *m, const struct intel_sighting *base, const struct intel_entry *e,
                   enum intel_type t, const char *value, size_t len, const char *where)
{
    if (e == NULL)
        return false;
    enum intel_validity validity = intel_validity_at(e, base->ts_us);
    if (m->strict_validity && validity != INTEL_VALIDITY_IN_WINDOW)
        return false;
    m->hits++;
    if (!intel_dedup_first(m->dedup, base->flow_id, e->id, where)) {
        m->suppressed++;
        return true;
    }
    struct intel_sighting s = *base;
    s.seen = value;
    s.seen_len = len;
    s.seen_type = t;
    s.where = where;
    s.entry = e;
    s.validity = validity;
    m->emit(m->ctx, &s);
    return true;
}

bool intel_match_value(struct intel_matcher *m, const struct intel_sighting *base, enum intel_type t,
                       const char *value, size_t len, const char *where)
{
    if (m->store == NULL || value == NULL || len == 0)
        return false;
    m->lookups++;
    const struct intel_entry *e;
    char canon[512];
    const char *shown = value;
    size_t shown_len = len;
    switch (t) {
    case INTEL_ADDR:
    case INTEL_SUBNET: {
        struct ip_addr a;
        char tmp[IP_ADDR_STRLEN];
        if (len >= sizeof tmp)
            return false;
        memcpy(tmp, value, len);
        tmp[len] = '\0';
        if (!ip_addr_parse(tmp, &a))
            return false;
        return intel_match_addr(m, base, &a, where);
    }
    case INTEL_DOMAIN:
        e = intel_lookup_domain(m->store, value, len);
        break;
    default:
        e = intel_lookup(m->store, t, value, len);
        break;
    }
    if (e == NULL)
        return false;
    size_t n = intel_normalize(t, value, len, canon, sizeof canon);
    if (n > 0) {
        shown = canon;
        shown_len = n;
    }
    return report(m, base, e, t, shown, shown_len, where);
}

bool intel_match_addr(struct intel_matcher *m, const struct intel_sighting *base, const struct ip_addr *a,
                      const char *where)
{
    if (m->store == NULL)
        return false;
    m->lookups++;
    const struct intel_entry *e = intel_lookup_addr(m->store, a);
    if (e == NULL)
        return false;
    char text[IP_ADDR_STRLEN];
    size_t n = ip_addr_format(a, text, sizeof text);
    return report(m, base, e, INTEL_ADDR, text, n, where);
}

void intel_match_dns_answer(struct intel_matcher *m, const struct intel_sighting *base, const char *text,
                            size_t len)
{
    struct ip_addr a;
    char tmp[IP_ADDR_STRLEN];
    if (len < sizeof tmp) {
        memcpy(tmp, text, len);
        tmp[len] = '\0';
        if (ip_addr_parse(tmp, &a)) {
            intel_match_addr(m, base, &a, "DNS::IN_RESPONSE");
            return;
        }
    }
    /* Names only: TXT strings and the like are not host names and normalise to nothing. */
    if (memchr(text, ' ', len) == NULL)
        intel_match_value(m, base, INTEL_DOMAIN, text, len, "DNS::IN_RESPONSE");
}

void intel_match_subject_cn(struct intel_matcher *m, const struct intel_sighting *base, const char *subject,
                            size_t len, const char *where)
{
    for (size_t i = 0; i + 3 <= len; i++) {
        bool start = i == 0 || subject[i - 1] == ',' || subject[i - 1] == ' ';
        if (!start || memcmp(subject + i, "CN=", 3) != 0)
            continue;
        size_t b = i + 3, e = b;
        while (e < len && subject[e] != ',') {
            if (subject[e] == '\\' && e + 1 < len)
                e++; /* an escaped ',' belongs to the value */
            e++;
        }
        if (e > b)
            intel_match_value(m, base, INTEL_DOMAIN, subject + b, e - b, where);
        return;
    }
}

void intel_match_http_url(struct intel_matcher *m, const struct intel_sighting *base, const char *host,
                          size_t host_len, const char *uri, size_t uri_len)
{
    char url[2048];
    if (uri_len == 0)
        return;
    size_t n = 0;
    /* An absolute URI (proxy request) already names its host. */
    if (uri_len > 7 && (memcmp(uri, "http://", 7) == 0 || (uri_len > 8 && memcmp(uri, "https://", 8) == 0))) {
        if (uri_len >= sizeof url)
            return;
        memcpy(url, uri, uri_len);
        n = uri_len;
    } else {
        if (host_len + uri_len + 1 >= sizeof url || host_len == 0)
            return;
        memcpy(url, host, host_len);
        n = host_len;
        if (uri[0] != '/')
            url[n++] = '/';
        memcpy(url + n, uri, uri_len);
        n += uri_len;
    }
    intel_match_value(m, base, INTEL_URL, url, n, "HTTP::IN_URL");
}
