/* Private to sig/: a worker's flowbits and threshold counters. Fixed-size
 * tables (memory does not grow with traffic): on a full bucket the oldest
 * entry is replaced. */
#ifndef VIGIL_SIG_STATE_H
#define VIGIL_SIG_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "sig/sig_internal.h"
#include "util/hash.h"

#define SIG_FLOWBITS_PER_FLOW 16

struct sig_flow_bits {
    uint64_t flow_id;           /* 0: free */
    uint64_t used;              /* use counter, for replacement */
    uint16_t n;
    uint16_t ids[SIG_FLOWBITS_PER_FLOW];
    uint8_t iponly_done;        /* bit 0: to server, bit 1: to client (IP-only rules checked) */
    bool alerted;               /* a rule alerted on the flow (EVE flow.alerted) */
    bool passed;                /* a pass rule matched on this TCP flow: nothing more alerts */
};

struct sig_thr_entry {
    uint64_t key;               /* 0: free */
    int64_t window_start_us;
    uint32_t count;
    uint32_t next;              /* backoff: the count that alerts next */
};

struct sig_state {
    struct sig_flow_bits *flows;
    struct sig_thr_entry *thr;
    uint64_t clock;
    struct hash_key key;        /* this state's (util/hash: the run's, for this table) */
};

bool sig_state_init(struct sig_state *st);
void sig_state_free(struct sig_state *st);

/* isset / isnotset of the rule on the flow. */
bool sig_flowbits_check(struct sig_state *st, const struct sig_rule *r, uint64_t flow_id);
/* set / unset / toggle of a rule that matched. */
void sig_flowbits_apply(struct sig_state *st, const struct sig_rule *r, uint64_t flow_id);
/* A rule alerted on the flow. */
void sig_flow_alerted(struct sig_state *st, uint64_t flow_id);
/* A pass rule matched on a TCP flow: Suricata passes the whole flow. */
void sig_flow_pass(struct sig_state *st, uint64_t flow_id);
bool sig_flow_passed(struct sig_state *st, uint64_t flow_id);
/* The flow's entry (flowbits, alerted); NULL when it has none. A slot of st:
 * valid until a later call on st claims it for another flow. */
const struct sig_flow_bits *sig_flow_state(struct sig_state *st, uint64_t flow_id);
/* IP-only rules are checked on the first packet of each flow direction:
 * true the first time it is asked for (flow, direction). */
bool sig_iponly_first(struct sig_state *st, uint64_t flow_id, bool to_server);
/* threshold / detection_filter: whether this match alerts. */
bool sig_threshold_pass(struct sig_state *st, const struct sig_rule *r, const struct ip_addr *src,
                        const struct ip_addr *dst, uint64_t flow_id, int64_t ts_us);

#endif
