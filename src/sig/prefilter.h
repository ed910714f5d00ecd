/* Private to sig/: the compiled prefilter the matcher reads. */
#ifndef VIGIL_SIG_PREFILTER_H
#define VIGIL_SIG_PREFILTER_H

#include <hs.h>

#include "sig/sig_internal.h"

/* One database per (buffer, transform chain), and for the payload per
 * transport (ipproto 6, 17, 1, or 0 for any other; SIG_PF_TCP_PACKET for
 * tcp-pkt rules, matched on TCP packets rather than the stream) and
 * direction. */
enum sig_pf_dir { SIG_PF_TO_SERVER = 1, SIG_PF_TO_CLIENT = 2 };
#define SIG_PF_TCP_PACKET 254

struct sig_pf_db {
    uint8_t buffer, n_transforms, ipproto;
    uint8_t dir;                /* payload: enum sig_pf_dir; transactions: 0 */
    uint8_t transforms[SIG_MAX_TRANSFORMS];
    hs_database_t *db;
    bool in_arena;              /* db lives in the set's arena (loaded from the cache) */
    uint32_t *rules;            /* pattern id -> rule index */
    size_t n_rules, cap_rules;
};

/* Rules without a content whose source or destination is a plain list of
 * addresses and networks (IP reputation lists): found by address instead
 * of being evaluated on every packet. One sorted table per prefix length. */
struct sig_addr_entry {
    uint64_t hi, lo;            /* the address masked to the length, big-endian halves */
    uint32_t rule;
};

struct sig_addr_table {
    uint8_t len;
    uint64_t mask_hi, mask_lo;
    struct sig_addr_entry *v;
    size_t n, cap;
    /* One bit per hash of a listed address: most packets' addresses are in
     * no list, and one bit test is cheaper than the binary search. */
    uint64_t *bloom;
    uint32_t bloom_mask;        /* bits - 1 */
};

struct sig_addr_index {
    struct sig_addr_table *tables;
    size_t n_tables;
};

/* Header-only rules with a few specific ports, by port. */
struct sig_port_entry {
    uint16_t port;
    uint32_t rule;
};

struct sig_port_index {
    struct sig_port_entry *v;
    size_t n, cap;
};

struct sig_prefilter {
    struct sig_addr_index by_src, by_dst; /* looked up with the packet's source / destination */
    struct sig_port_index by_sport, by_dport;
    struct sig_pf_db *dbs;
    size_t n_dbs;
    /* Rules with no fast pattern, always evaluated: per app for
     * transaction rules, and for packets. */
    uint32_t *always[SIG_APP_COUNT];
    size_t n_always[SIG_APP_COUNT];
    uint32_t *always_pkt;
    size_t n_always_pkt;
    hs_scratch_t *proto_scratch; /* cloned by each worker */
};

/* Calls found(ctx, rule) for every indexed rule whose list holds a. */
void sig_addr_lookup(const struct sig_addr_index *x, const struct ip_addr *a, void (*found)(void *, uint32_t),
                     void *ctx);

void sig_port_lookup(const struct sig_port_index *x, uint16_t port, void (*found)(void *, uint32_t), void *ctx);

#endif
