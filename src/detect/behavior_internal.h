/* detect/behavior_internal: the state shared by behavior.c (the facade) and
 * the detectors (beacon.c, long_conn.c, dns_tunnel.c, exfil.c). Not for use
 * outside src/detect/. */
#ifndef VIGIL_DETECT_BEHAVIOR_INTERNAL_H
#define VIGIL_DETECT_BEHAVIOR_INTERNAL_H

#include <libpsl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/beacon_weights.h"
#include "detect/behavior.h"
#include "detect/dns_name.h"
#include "detect/sketch.h"

/* Stored uids are cut to 31 bytes (Zeek's are 18, EVE flow ids 20 digits). */
#define UID_MAX 32
#define NAME_MAX_LEN 253

#define US_PER_S INT64_C(1000000)
#define US_PER_HOUR (INT64_C(3600) * US_PER_S)
#define US_PER_DAY (INT64_C(86400) * US_PER_S)

/* ------------------------------------------------------------ capped tables */

/* A hash index over entry ids plus the id allocator; the entries themselves
 * live in the owner's array of `cap` entries. */
struct table {
    struct hindex index;
    struct idalloc ids;
};

/* Higher = more worth keeping. */
typedef uint64_t (*table_evidence_fn)(const void *ctx, uint32_t id);
/* Releases what entry `id` holds and removes it from the index. */
typedef void (*table_evict_fn)(void *ctx, uint32_t id);

bool table_init(struct table *t, size_t cap);
void table_free(struct table *t);
/* A free id, indexed under hash32; when the table is full, the entry with
 * the least evidence among the next 8 of the eviction clock is evicted first
 * (*evicted counts it). HINDEX_NONE on a zero-capacity table or when the
 * index could not grow (nothing claimed then). */
uint32_t table_claim(struct table *t, uint32_t hash32, table_evidence_fn evidence, table_evict_fn evict, void *ctx,
                     uint64_t *evicted);
/* cap zeroed entries of `size` bytes for the owner's array, and their table
 * initialised; NULL, with nothing held, when either allocation failed. The
 * owner frees the array with free() and table_free()s the table. */
void *table_entries_new(struct table *t, size_t cap, size_t size);
/* The id is live when in 0..ids.next_fresh and marked live by the owner. */

void copy_uid(char dst[UID_MAX], const char *uid);
int64_t floor_div(int64_t a, int64_t b);

/* Times come from hostile logs: arithmetic on them saturates instead of overflowing. */
static inline int64_t time_sub(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r))
        return b < 0 ? INT64_MAX : INT64_MIN;
    return r;
}

static inline int64_t time_add(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

static inline uint64_t add_sat_u64(uint64_t a, uint64_t b)
{
    return a + b < a ? UINT64_MAX : a + b;
}

/* ---------------------------------------------------------------- findings */

struct finding_list {
    struct finding *v;
    size_t n, cap;
};

bool finding_list_push(struct finding_list *l, const struct finding *f);

/* ------------------------------------------------------------------- pairs */

/* Beaconing's reorder window: conn records are written when flows end, so
 * starts arrive slightly out of order; they are sorted here and folded into
 * the summary, the oldest BEACON_FOLD at a time, when the window is full. */
#define BEACON_WINDOW 16
#define BEACON_FOLD 8

enum pair_kind { PAIR_FREE = 0, PAIR_ADDR = 1, PAIR_NAME = 2 };

enum pair_flag {
    PF_MULTI_PORT = 1u << 0,
    PF_MULTI_DST = 1u << 1,
    PF_MULTI_NAME = 1u << 2,
    PF_MULTI_PROTO = 1u << 3,
    PF_NOT_TLS = 1u << 4,
    PF_BEACON_DONE = 1u << 5,      /* reported, or suppressed by the allow-list */
    PF_BEACON_REPORTED = 1u << 6,  /* a beacon finding went out for this address pair */
    PF_DIRTY = 1u << 7,            /* new connections since it was last scored */
    PF_DAILY_HIT = 1u << 8,
    PF_DAILY_DONE = 1u << 9,
    PF_EXFIL_SEEN = 1u << 10,
    PF_MULTI_SRC_PORT = 1u << 11,  /* not every connection came from one source port */
};

struct beacon_hist {
    struct loghist interval;   /* seconds between check-ins */
    struct loghist size;       /* orig_bytes + resp_bytes + 1 */
    struct loghist request;    /* orig_bytes + 1 */
};

/* Everything the timing, hour and size scores read besides the histograms;
 * small, so that scoring copies it and drains the window into the copy. */
struct beacon_track {
    int64_t win[BEACON_WINDOW];
    int64_t anchor_us;                  /* the last check-in folded in */
    double interval_sum_s;              /* exact, for a finer typical interval than the bins give */
    int32_t first_hour, cur_hour;       /* hours since the epoch */
    uint32_t first_count, cur_count;    /* connections in those hours */
    uint32_t hours_closed;              /* hours strictly between first and cur with activity */
    uint64_t hour_sum, hour_sumsq;      /* over those hours' connection counts */
    uint32_t hod_mask;                  /* hours of day (UTC) with activity */
    uint8_t dow_mask;                   /* days of week with activity, bit 0 = Monday */
    bool has_anchor, has_hours;
    uint8_t n_win;
    uint8_t n_sizes;
    uint8_t sizes[BEACON_WINDOW];       /* size bins waiting to go into `hist` */
    uint8_t requests[BEACON_WINDOW];    /* request (orig_bytes) bins, alongside */
};

/* Exfiltration's per-day byte counts for an address pair. */
struct exfil_day {
    int64_t first_us;                   /* first connection of the pair in this run */
    int32_t day;                        /* UTC day being summed */
    uint64_t out, in, conns;
    int64_t day_first_us, day_last_us;
    /* the largest day that crossed the thresholds */
    uint64_t hit_out, hit_in, hit_conns;
    int64_t hit_first_us, hit_last_us;
    char hit_uid[UID_MAX];
};

struct pair {
    struct ip_addr src;
    struct ip_addr dst;         /* address pairs: the key; name pairs: the first address used */
    uint32_t hash32;
    uint32_t name_id;           /* name pairs: the key (an interned name); address pairs: the first name seen */
    uint8_t kind;               /* enum pair_kind */
    uint8_t proto;
    uint16_t port;
    uint16_t src_port;          /* of the first connection (PF_MULTI_SRC_PORT once another differs) */
    uint32_t flags;             /* enum pair_flag */
    uint64_t n;                 /* connections counted for beaconing */
    int64_t first_us, last_us;  /* of those connections */
    uint64_t bytes_out, bytes_in;
    char uid[UID_MAX];
    struct beacon_track track;
    struct beacon_hist *hist;   /* allocated once the window first overflows */
    struct exfil_day exfil;     /* address pairs only */
};

struct pair_table {
    struct table t;
    struct pair *e;
};

/* Prevalence (beacon.c): how many internal sources have a pair with each
 * destination address or name, and how many sources have any, as a
 * count-min sketch kept as pairs come and go (an estimate: a collision in
 * every row can only raise a count). */
#define PREVALENCE_ROWS 2
#define PREVALENCE_SLOTS (1u << 15)
struct prevalence {
    uint32_t count[PREVALENCE_ROWS][PREVALENCE_SLOTS];
    uint64_t sources;           /* internal hosts with at least one pair */
};

/* ------------------------------------------------------- long connections */

enum chain_flag {
    CF_LIVE = 1u << 0,
    CF_QUALIFIED = 1u << 1,     /* `best` holds a chain over the threshold */
    CF_DONE = 1u << 2,          /* reported (or allow-listed): never again this run */
    CF_OPEN = 1u << 3,          /* the latest flow is still open */
};

struct chain_span {
    int64_t start_us, end_us, covered_us;
    uint64_t bytes_out, bytes_in;
    uint32_t flows;
    bool open;
    char uid[UID_MAX];
};

struct chain {
    struct ip_addr src, dst;
    uint32_t hash32;
    uint16_t port;
    uint8_t proto;
    uint8_t flags;
    struct chain_span cur;          /* the chain being built */
    int64_t flow_start_us;          /* the latest flow, to recognise its updates */
    int64_t flow_end_us;
    uint64_t flow_uid_hash;
    uint64_t flow_out, flow_in;
    struct chain_span best;         /* the longest chain that qualified */
};

struct chain_table {
    struct table t;
    struct chain *e;
};

/* ------------------------------------------------------ DNS tunnels and DGA */

#define TOP_CLIENTS 4

struct top_client {
    struct ip_addr addr;
    uint64_t count;
};

struct domain {
    uint32_t name_id;               /* registered domain (when live) */
    uint32_t hash32;
    bool live;
    bool done;
    bool dirty;
    uint64_t queries, with_sub, sub_len_sum, odd_types, nxdomain;
    uint32_t chars[DNS_CHAR_BINS];
    struct distinct subs;
    struct top_client top[TOP_CLIENTS];
    int64_t first_us, last_us;
    char uid[UID_MAX];
    struct ip_addr resolver;        /* the server of the latest query: the alert's dest_ip */
};

struct domain_table {
    struct table t;
    struct domain *e;
};

struct host {
    struct ip_addr addr;
    uint32_t hash32;
    bool live;
    bool done;
    uint64_t nxdomains;             /* every NXDOMAIN answer the host got */
    uint64_t random_answers;        /* those for random-looking names */
    double random_sum;              /* their randomness scores */
    struct distinct random_names;   /* distinct random-looking registered domains */
    bool has_example;
    uint32_t example_id;            /* the latest such domain (when has_example) */
    int64_t first_us, last_us;
    char uid[UID_MAX];
    struct ip_addr resolver;        /* the server of the latest such answer */
};

struct host_table {
    struct table t;
    struct host *e;
};

/* ---------------------------------------------------------------- uploads */

enum upload_reason { UPLOAD_NEW_DEST = 1, UPLOAD_HTTP_BODY, UPLOAD_SMTP_MSG };

struct upload_agg {
    uint8_t reason;                 /* 0 = free slot */
    bool done;
    uint8_t proto;
    struct ip_addr src, dst;
    uint32_t hash32;
    uint16_t port;                  /* 0 once several were used */
    bool multi_port;
    uint32_t name_id;
    uint64_t count, bytes, bytes_in;
    int64_t first_us, last_us;
    char uid[UID_MAX];
};

struct upload_table {
    struct table t;
    struct upload_agg *e;
};

/* ------------------------------------------------------------ name bindings */

struct binding {
    uint64_t key;                   /* hash of the uid or of (client, address) */
    uint32_t name_id;
    bool live;
};

/* A ring in arrival order: the oldest binding is the one a full ring drops. */
struct names {
    struct binding *ring;
    size_t cap, head, live;
    struct hindex index;
};

/* ---------------------------------------------------------------- the whole */

struct behavior {
    struct behavior_config cfg;
    struct ip_prefix *local;
    unsigned n_local;
    finding_fn emit;
    void *emit_ctx;
    psl_ctx_t *psl;
    bool psl_owned;
    struct loghist_scale interval_scale, size_scale;   /* beaconing's histograms */
    struct strpool pool;
    struct names names;
    struct pair_table pairs;
    struct beacon_weights weights;
    struct prevalence *prevalence;
    struct chain_table chains;
    struct domain_table domains;
    struct host_table hosts;
    struct upload_table uploads;
    struct behavior_stats stats;
    struct dns_name_cache dns_names;   /* dns_tunnel.c's last splits */
};

/* behavior.c */
bool behavior_is_internal(const struct behavior *b, const struct ip_addr *a);
bool behavior_is_external(const struct behavior *b, const struct ip_addr *a);

/* behavior_common.c. Lower-cases, drops trailing dots and (with strip_port) a ":port"; refuses
 * empty names, IP literals and control characters. Returns the length or 0. */
size_t behavior_normalize_name(const char *in, bool strip_port, char out[NAME_MAX_LEN + 1]);
/* Not reported when the allow-list says so. */
bool behavior_allowed(const struct behavior *b, const struct finding *f);

/* beacon.c: the pair table and beaconing */
bool pairs_init(struct behavior *b);
void pairs_free(struct behavior *b);
/* The hashes pairs_get_* take: computed early, their index slots can be
 * prefetched so that the cache misses overlap other work. */
uint32_t pairs_addr_hash(const struct ip_addr *src, const struct ip_addr *dst);
uint32_t pairs_name_hash(const struct ip_addr *src, uint32_t name_id);
void pairs_prefetch(const struct behavior *b, uint32_t hash);
/* The address pair (src, dst), created when absent (pairs_find_addr: NULL
 * when absent); NULL when the table cannot hold it. A slot of b's pair table:
 * valid until a later pairs_get_* evicts it. */
struct pair *pairs_get_addr(struct behavior *b, const struct ip_addr *src, const struct ip_addr *dst, uint32_t hash);
struct pair *pairs_find_addr(struct behavior *b, const struct ip_addr *src, const struct ip_addr *dst);
/* Name pair; name_id is the caller's (a reference is taken when created).
 * A slot of b's pair table, as pairs_get_addr's: valid until a later
 * pairs_get_* evicts it. */
struct pair *pairs_get_name(struct behavior *b, const struct ip_addr *src, uint32_t name_id, uint32_t hash);
/* Does this connection count for beaconing (not resolvers, NTP, local discovery, ICMP)? */
bool beacon_eligible(const struct obs_conn *c);
void beacon_observe(struct behavior *b, struct pair *p, const struct obs_conn *c, uint32_t name_id);
void beacon_collect(struct behavior *b, struct finding_list *out);
/* Scores one pair without changing it; false when it has too little data. */
bool beacon_score(const struct behavior *b, const struct pair *p, struct finding *f);

/* long_conn.c */
bool chains_init(struct behavior *b);
void chains_free(struct behavior *b);
void long_conn_observe(struct behavior *b, const struct obs_conn *c);
void long_conn_collect(struct behavior *b, struct finding_list *out);

/* dns_tunnel.c */
bool dns_init(struct behavior *b);
void dns_free(struct behavior *b);
void dns_observe(struct behavior *b, const struct obs_dns *d);
void dns_tunnel_collect(struct behavior *b, struct finding_list *out);
void dga_collect(struct behavior *b, struct finding_list *out);
/* 0..1: how random a domain label looks (0 for short or word-like labels). */
double dga_label_score(const char *label, size_t n);

/* exfil.c */
bool uploads_init(struct behavior *b);
void uploads_free(struct behavior *b);
void exfil_observe_conn(struct behavior *b, struct pair *p, const struct obs_conn *c, uint32_t name_id);
void exfil_observe_upload(struct behavior *b, const struct obs_upload *u);
void exfil_collect(struct behavior *b, struct finding_list *out);

#endif
