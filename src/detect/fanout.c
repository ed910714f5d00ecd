/* Internal fan-out (detect/fanout.h). Every internal-to-internal
 * connection teaches which pairs of hosts talk (a bounded set of pair
 * hashes; when full it starts again, so a very busy network forgets its
 * oldest habits); one to a watched port (SMB, RDP, WinRM, RPC) of a pair
 * never seen before counts a new peer for its originator, and this many
 * new peers in the window is an alert. A client that talks to its file
 * server and its domain controllers raises nothing. Connections that did
 * not get an answer (S0, REJ) count too: a scan of admin ports is the same
 * movement, tried. The run state is shared by the workers under one lock
 * (lateral_config.h). */
#include "detect/fanout.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/alert.h"
#include "detect/config-t.h"
#include "detect/lateral_config.h"
#include "detect/sink.h"
#include "util/hash.h"

#define FANOUT_SID 9300104u
#define FANOUT_SOURCES 4096          /* originators followed at once */
#define FANOUT_PAIRS (1u << 18)      /* pairs remembered (2 MiB) */

struct fanout_run {
    struct lateral_run base;         /* windows[0]: originator -> new peers on watched ports; its lock guards pairs */
    size_t n_local;
    struct ip_prefix local[32];
    uint64_t *pairs;                 /* open addressing, 0 = free */
    size_t n_pairs;
};

static const char *const private_nets[] = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"};

static void fanout_close(void *state)
{
    struct fanout_run *r = state;
    if (r != NULL)
        free(r->pairs);
    lateral_run_close(r);
}

static bool fanout_open(const struct detect_config *cfg, void **state, char *err, size_t errlen)
{
    if (!lateral_run_open(cfg, sizeof(struct fanout_run), 1, FANOUT_SOURCES, state, err, errlen))
        return false;
    struct fanout_run *r = *state;
    if (r == NULL)
        return true;
    const struct behavior_config *b = &cfg->behavior_cfg;
    for (unsigned i = 0; i < b->n_local_nets && r->n_local < 32; i++)
        r->local[r->n_local++] = b->local_nets[i];
    for (size_t i = 0; b->n_local_nets == 0 && i < sizeof private_nets / sizeof *private_nets; i++)
        if (ip_prefix_parse(private_nets[i], &r->local[r->n_local]))
            r->n_local++;
    r->pairs = calloc(FANOUT_PAIRS, sizeof *r->pairs);
    if (r->pairs == NULL) {
        fanout_close(r);
        *state = NULL;
        snprintf(err, errlen, "out of memory");
        return false;
    }
    return true;
}

static bool is_internal(const struct fanout_run *r, const struct ip_addr *a)
{
    for (size_t i = 0; i < r->n_local; i++)
        if (ip_prefix_contains(&r->local[i], a))
            return true;
    return false;
}

static bool watched_port(const struct fanout_run *r, uint16_t port)
{
    for (size_t i = 0; i < r->base.th.n_fanout_ports; i++)
        if (r->base.th.fanout_ports[i] == port)
            return true;
    return false;
}

/* Remembers the pair; true when it was seen before. Caller holds the lock. */
static bool pair_seen(struct fanout_run *r, uint64_t h)
{
    h |= 1;
    if (r->n_pairs >= FANOUT_PAIRS / 2) {
        memset(r->pairs, 0, FANOUT_PAIRS * sizeof *r->pairs);
        r->n_pairs = 0;
    }
    size_t i = (size_t)h & (FANOUT_PAIRS - 1);
    while (r->pairs[i] != 0) {
        if (r->pairs[i] == h)
            return true;
        i = (i + 1) & (FANOUT_PAIRS - 1);
    }
    r->pairs[i] = h;
    r->n_pairs++;
    return false;
}

static void fanout_conn(void *worker, const struct conn_record *c)
{
    struct lateral_worker *w = worker;
    struct fanout_run *r = w->run;
    const struct lateral_thresholds *th = &r->base.th;
    if (c->proto != 6 && c->proto != 17)
        return;
    if (!is_internal(r, &c->orig_h) || !is_internal(r, &c->resp_h))
        return;
    struct ip_addr pair[2] = {c->orig_h, c->resp_h};
    uint64_t pair_hash = hash_keyed(pair, sizeof pair, 0x66616e01);
    pthread_mutex_lock(&r->base.lock);
    bool known = pair_seen(r, pair_hash);
    pthread_mutex_unlock(&r->base.lock);
    if (known || c->proto != 6 || !watched_port(r, c->resp_p))
        return;
    uint64_t key = hash_keyed(&c->orig_h, sizeof c->orig_h, 0x66616e02);
    uint64_t peer = hash_keyed(&c->resp_h, sizeof c->resp_h, 0x66616e03);
    char first_uid[UID_LEN];
    unsigned n;
    if (!lateral_count(&r->base, 0, key, peer, c->ts_us, th->fanout_window_us, th->fanout_hosts, c->uid, &n,
                       first_uid))
        return;
    char src[64], msg[256];
    ip_addr_format(&c->orig_h, src, sizeof src);
    snprintf(msg, sizeof msg, "%s opened sessions to %u internal hosts it had not talked to before within %llds", src,
             n, (long long)(th->fanout_window_us / 1000000));
    const struct alert_meta meta[] = {{"evidence_uid", first_uid}, {"evidence_uid", c->uid}};
    struct alert a = {
        .ts_us = c->ts_us,
        .signature_id = FANOUT_SID,
        .signature = "VIGIL LATERAL internal fan-out to many new hosts",
        .category = "Potentially Bad Traffic", /* the actor is the source: no victim-is-destination category */
        .severity = 2,
        .note = "Vigil::Internal_Fanout",
        .notice_msg = msg,
        .sub = src,
        .has_n = true,
        .n = n,
        .attack = {"T1021"},
        .n_attack = 1,
        .meta = meta,
        .n_meta = 2,
    };
    alert_set_conn_record(&a, c);
    sink_alert(w->sink, &a);
}

const struct detector fanout_detector = {
    .name = "fanout",
    .open = fanout_open,
    .close = fanout_close,
    .worker_open = lateral_worker_open,
    .worker_close = lateral_worker_close,
    .conn = fanout_conn,
};
