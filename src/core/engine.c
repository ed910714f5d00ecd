/* The engine: decode -> flow -> output, on the caller's thread or on worker
 * threads. With workers, the reader packs frames into batches per worker
 * (chosen by a symmetric address hash) and hands over whole batches, so the
 * only synchronisation is one lock per batch, never per packet. With lanes
 * (live on AF_PACKET rings), each worker runs on its ring's capture thread
 * and takes the packets straight from the ring: requests from the thread
 * that drives the run (flush, open-flow scans, rule and feed reloads) are
 * flags the lane picks up between packets. */
#include "core/engine.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checksum_probe.h"
#include "decode/decode.h"
#include "decode/neighbor.h"
#include "detect/detect.h"
#include "detect/detector.h"   /* struct detect_flow */
#include "files/files.h"
#include "flow/flow.h"
#include "output/detect_sink.h"
#include "output/writers.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"
#include "sig/sig.h"
#include "util/uid.h"

#define BATCH_BYTES (256 * 1024)
#define QUEUE_DEPTH 8
#define MAX_WORKERS 64
/* Lanes take the run's requests every this many packets (a power of two). */
#define LANE_SYNC_EVERY 64
/* The lane of a packet whose worker the engine's address hash chooses. */
#define ENGINE_LANE_HASH 0xffffffffu

struct frame_header {
    int64_t ts_us;
    uint64_t number;    /* struct packet's */
    uint32_t caplen, wirelen;
    int32_t linktype;
};

struct batch {
    size_t used;
    bool flush_after;   /* live: the worker writes its buffered lines out after this batch */
    uint8_t data[BATCH_BYTES];
};

/* A bounded queue of batches, one producer (reader) and one consumer. */
struct batch_queue {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct batch *items[QUEUE_DEPTH];
    unsigned head, count;
    bool closed;
};

struct worker {
    struct engine *engine;
    struct decoder *decoder;
    struct flow_table *flows;
    struct output_worker *out;
    struct detect_worker *detect;
    struct sig_worker *sig;     /* --rules */
    struct detect_sink sig_sink; /* where its alerts go: this worker's outputs */
    uint64_t sig_alerts;        /* of the rule sets replaced by reloads */
    atomic_uint_fast64_t rules_epoch; /* the rule set this worker matches with */
    int64_t now_us;             /* the packet being processed */
    uint64_t packet_number;     /* its number (struct packet's) */
    const struct packet *pkt;   /* it, while the flow table handles it (NULL otherwise) */
    bool neighbors;            /* the detectors want ARP/NDP bindings */
    bool icmp_echoes;          /* the detectors want ICMP echo packets */
    int64_t scanned_before;    /* the last open-flow scan this worker did */
    uint64_t packets, bytes, wire_bytes, weirds;
    atomic_uint_fast64_t conns_logged; /* read by live's stats.log while the worker runs */
    /* lanes: written by the lane's thread only, read by the run's (stats.log, reports) */
    atomic_uint_fast64_t lane_packets, lane_bytes;
    atomic_int_fast64_t lane_last_ts;
    atomic_bool flush_requested;       /* lanes: write the buffered lines out at the next chance */
    bool probe_replayed;               /* lanes: this lane's packets held by the checksum probe went through */
    uint64_t lane_number;              /* lanes: packets handed to this worker, for struct packet's number */
    pthread_t thread;
    struct batch_queue full, empty;
    struct batch *filling;
    bool queues_ready;
    struct app_hooks app;
};

struct engine {
    struct vigil_config cfg;
    struct output *out;
    struct detect *detect;
    atomic_int_fast64_t scan_before; /* an open-flow scan requested (0: none yet) */
    _Atomic(const struct sig_set *) rules; /* --rules, swapped by a reload */
    atomic_uint_fast64_t rules_epoch;
    unsigned n_workers;
    bool threaded;
    bool lanes;             /* each worker driven by its capture ring's thread (cfg.lanes) */
    pthread_mutex_t probe_lock; /* lanes: guards probe, checksum and checksum_decided */
    int64_t last_ts_us;     /* the newest packet time seen by any worker */
    uint64_t packets_routed; /* numbers the packets in the order the capture gave them */
    struct checksum_probe *probe;      /* holding the first packets (checksums_auto) */
    bool checksum_decided;
    struct checksum_verdict checksum;
    struct worker workers[MAX_WORKERS];
};

static void queue_init(struct batch_queue *q)
{
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->cond, NULL);
}

static void queue_destroy(struct batch_queue *q)
{
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->cond);
}

static void queue_push(struct batch_queue *q, struct batch *b)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == QUEUE_DEPTH)
        pthread_cond_wait(&q->cond, &q->lock);
    q->items[(q->head + q->count) % QUEUE_DEPTH] = b;
    q->count++;
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

/* NULL once the queue is closed and drained. */
static struct batch *queue_pop(struct batch_queue *q)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == 0 && !q->closed)
        pthread_cond_wait(&q->cond, &q->lock);
    struct batch *b = NULL;
    if (q->count) {
        b = q->items[q->head];
        q->head = (q->head + 1) % QUEUE_DEPTH;
        q->count--;
        pthread_cond_broadcast(&q->cond);
    }
    pthread_mutex_unlock(&q->lock);
    return b;
}

static void queue_close(struct batch_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

/* --- sinks --- */

/* The matcher's marks on the flow (alerted, traffic/ flowbits) into a copy of its record. */
static const struct conn_record *with_sig_tags(struct worker *w, const struct conn_record *rec,
                                               struct conn_record *copy)
{
    struct sig_flow_tags tags;
    if (!w->sig)
        return rec;
    sig_flow_tags(w->sig, rec->flow_id, &tags);
    if (!tags.alerted && !tags.n_ids && !tags.n_labels)
        return rec;
    *copy = *rec;
    copy->alerted = tags.alerted;
    for (unsigned i = 0; i < tags.n_ids && i < CONN_MAX_TRAFFIC_TAGS; i++)
        copy->traffic_ids[copy->n_traffic_ids++] = tags.ids[i];
    for (unsigned i = 0; i < tags.n_labels && i < CONN_MAX_TRAFFIC_TAGS; i++)
        copy->traffic_labels[copy->n_traffic_labels++] = tags.labels[i];
    if (rec->service == rec->service_buf)
        copy->service = copy->service_buf;
    return copy;
}

static void on_conn(void *ctx, const struct conn_record *rec)
{
    struct worker *w = ctx;
    struct conn_record tagged;
    if (w->out)
        output_conn(w->out, with_sig_tags(w, rec, &tagged));
    if (rec->logs == CONN_LOGS_EVE)
        return; /* a held EVE flow: its connections were counted and seen */
    atomic_fetch_add_explicit(&w->conns_logged, 1, memory_order_relaxed);
    if (w->detect)
        detect_conn(w->detect, rec);
}

static void on_flow_weird(void *ctx, const struct weird_record *rec)
{
    struct worker *w = ctx;
    w->weirds++;
    if (w->out)
        output_weird(w->out, rec);
}

static void on_decode_weird(void *ctx, const struct packet *pkt, const char *name, const char *addl)
{
    struct worker *w = ctx;
    struct weird_record r = {.ts_us = pkt->ts_us, .name = name, .addl = addl, .packet_number = w->packet_number,
                             .proto = pkt->l4_proto, /* 0 until the IP layer is read */
                             .frame = pkt->data, .frame_caplen = pkt->caplen, .linktype = pkt->linktype};
    if (pkt->ip_version) {
        r.has_addrs = true;
        r.orig_h = pkt->src;
        r.resp_h = pkt->dst;
    }
    w->weirds++;
    if (w->out)
        output_weird(w->out, &r);
}

static void on_transaction(void *ctx, const struct app_conn *conn, enum event_kind kind, const void *txn)
{
    struct worker *w = ctx;
    if (kind == EVENT_HTTP_REQUEST) { /* for signatures only: the transaction is logged when complete */
        if (w->sig)
            sig_transaction(w->sig, conn, kind, txn, w->now_us);
        return;
    }
    output_transaction(w->out, conn, kind, txn);
    if (w->detect)
        detect_transaction(w->detect, conn, kind, txn);
    if (w->sig)
        sig_transaction(w->sig, conn, kind, txn, w->now_us);
}

static void on_acked(void *ctx, uint64_t flow_id, uint8_t dir, uint32_t up_to, uint64_t packet_number)
{
    struct worker *w = ctx;
    output_eve_acked(w->out, flow_id, dir, up_to, packet_number);
}

/* --- signatures: packets and streams (transactions above) --- */

static void fill_conn(const void *flow_ref, struct app_conn *out)
{
    flow_ref_conn(flow_ref, out);
}

static struct sig_flow_info sig_info(const struct flow_ref *r)
{
    return (struct sig_flow_info){.flow_id = r->flow_id, .to_server = r->from_orig,
                                  .established = r->established, .fill_conn = fill_conn, .flow_ctx = r,
                                  .payload_encrypted = r->payload_encrypted, .app_proto = r->app_proto};
}

static bool is_icmp_echo(const struct packet *pkt)
{
    if (pkt->l4_proto == IPPROTO_ICMP)
        return pkt->icmp_type == 8 || pkt->icmp_type == 0;
    return pkt->l4_proto == IPPROTO_ICMPV6 && (pkt->icmp_type == 128 || pkt->icmp_type == 129);
}

static void on_packet(void *ctx, const struct packet *pkt, const struct flow_ref *ref)
{
    struct worker *w = ctx;
    if (w->icmp_echoes && is_icmp_echo(pkt)) {
        struct detect_flow flow = {.ctx = ref, .fill_conn = fill_conn};
        detect_icmp_echo(w->detect, pkt, &flow);
    }
    if (!w->sig)
        return;
    struct sig_flow_info fi = sig_info(ref);
    sig_packet(w->sig, pkt, &fi);
}

/* The packet being handled, when it belongs to the flow (a timeout of
 * another flow may flush this one's stream). */
static const struct packet *packet_of_flow(const struct packet *p, const struct flow_ref *r)
{
    if (!p)
        return NULL;
    bool fwd = p->sport == r->orig_p && p->dport == r->resp_p && ip_addr_cmp(&p->src, &r->orig_h) == 0 &&
               ip_addr_cmp(&p->dst, &r->resp_h) == 0;
    bool rev = p->sport == r->resp_p && p->dport == r->orig_p && ip_addr_cmp(&p->src, &r->resp_h) == 0 &&
               ip_addr_cmp(&p->dst, &r->orig_h) == 0;
    return fwd || rev ? p : NULL;
}

static void on_stream(void *ctx, const struct flow_ref *ref, int64_t ts_us, const uint8_t *p, size_t n)
{
    struct sig_flow_info fi = sig_info(ref);
    fi.pkt = packet_of_flow(((struct worker *)ctx)->pkt, ref);
    struct sig_endpoints ends = {.src = ref->from_orig ? ref->orig_h : ref->resp_h,
                                 .dst = ref->from_orig ? ref->resp_h : ref->orig_h,
                                 .sp = ref->from_orig ? ref->orig_p : ref->resp_p,
                                 .dp = ref->from_orig ? ref->resp_p : ref->orig_p,
                                 .offset = ref->stream_offset};
    sig_stream(((struct worker *)ctx)->sig, &fi, &ends, ts_us, p, n);
}

/* Matches with the engine's current rule set; a reload's set is picked up
 * between batches. false: out of memory (the worker keeps the old set). */
static bool worker_sync_rules(struct worker *w)
{
    uint64_t epoch = atomic_load(&w->engine->rules_epoch);
    if (epoch == atomic_load(&w->rules_epoch))
        return true;
    const struct sig_set *set = atomic_load(&w->engine->rules);
    struct sig_worker *fresh = set ? sig_worker_new(set, &w->sig_sink) : NULL;
    if (set && !fresh)
        return false;
    if (w->sig) {
        struct sig_stats st;
        sig_worker_stats(w->sig, &st);
        w->sig_alerts += st.alerts;
    }
    sig_worker_free(w->sig);
    w->sig = fresh;
    w->app.packet = fresh || w->icmp_echoes ? on_packet : NULL;
    w->app.stream = fresh ? on_stream : NULL;
    atomic_store(&w->rules_epoch, epoch);
    return true;
}

void engine_set_rules(struct engine *e, const struct sig_set *rules)
{
    atomic_store(&e->rules, rules);
    atomic_fetch_add(&e->rules_epoch, 1);
    if (!e->threaded)
        worker_sync_rules(&e->workers[0]);
}

bool engine_rules_switched(struct engine *e)
{
    uint64_t epoch = atomic_load(&e->rules_epoch);
    for (unsigned i = 0; i < e->n_workers; i++)
        if (atomic_load(&e->workers[i].rules_epoch) != epoch)
            return false;
    return true;
}

/* --- per packet --- */

static bool udp_tunnel(enum tunnel_type t)
{
    return t == TUNNEL_VXLAN || t == TUNNEL_GTPV1 || t == TUNNEL_TEREDO || t == TUNNEL_GENEVE;
}

/* The outer UDP connection of a UDP encapsulation is a connection of its own. */
static uint64_t track_outer_udp(struct worker *w, const struct packet *inner, const struct tunnel_layer *l,
                                const uint64_t *parents, unsigned n_parents)
{
    struct packet outer;
    memset(&outer, 0, sizeof outer);
    outer.ts_us = inner->ts_us;
    outer.wirelen = inner->wirelen;
    outer.caplen = inner->caplen;
    outer.ip_version = l->ip_version;
    outer.src = l->src;
    outer.dst = l->dst;
    outer.vlan = l->vlan;
    outer.ip_len = l->ip_len;
    outer.l4_proto = 17;
    outer.sport = l->sport;
    outer.dport = l->dport;
    outer.l4_len = l->udp_payload_len + 8;
    outer.payload_len = l->udp_payload_len;
    outer.outer_tunnel = (uint8_t)l->type;
    outer.number = inner->number;
    return flow_table_packet(w->flows, &outer, parents, n_parents);
}

static uint64_t ip_tunnel_uid(const struct tunnel_layer *l)
{
    struct {
        struct ip_addr lo, hi;
        uint32_t type;
    } k;
    memset(&k, 0, sizeof k);
    bool src_first = ip_addr_cmp(&l->src, &l->dst) <= 0;
    k.lo = src_first ? l->src : l->dst;
    k.hi = src_first ? l->dst : l->src;
    k.type = (uint32_t)l->type;
    return hash64_bytes(&k, sizeof k, 0x7e11);
}

/* ARP and IPv6 neighbour discovery: who owns which address, for the
 * device inventory. */
static void observe_neighbors(struct worker *w, const struct packet *pkt, enum decode_result r)
{
    struct neighbor_binding b;
    if (r == DECODE_NOT_IP && pkt->l2_type == ETHERTYPE_ARP_FRAME && arp_parse(pkt->l2_payload, pkt->l2_caplen, &b))
        detect_neighbor(w->detect, pkt->ts_us, &b, false);
    else if (r == DECODE_OK && pkt->l4_proto == IPPROTO_ICMPV6 && ndp_parse(pkt, &b))
        detect_neighbor(w->detect, pkt->ts_us, &b, true);
}

static void worker_packet(struct worker *w, const struct frame_header *h, const uint8_t *data)
{
    struct packet pkt;
    int linktype = h->linktype;
    int64_t ts = h->ts_us;
    uint32_t caplen = h->caplen, wirelen = h->wirelen;
    w->packets++;
    w->now_us = ts;
    w->packet_number = h->number;
    w->bytes += caplen;
    w->wire_bytes += wirelen;
    enum decode_result r = decode_packet(w->decoder, linktype, ts, data, caplen, wirelen, &pkt);
    if (w->neighbors)
        observe_neighbors(w, &pkt, r);
    if (r != DECODE_OK)
        return;
    pkt.number = h->number;
    uint64_t parents[PACKET_MAX_TUNNELS];
    unsigned n = 0;
    for (unsigned i = 0; i < pkt.tunnel_depth && i < PACKET_MAX_TUNNELS; i++) {
        const struct tunnel_layer *l = &pkt.tunnels[i];
        uint64_t uid = udp_tunnel(l->type) ? track_outer_udp(w, &pkt, l, parents, n) : ip_tunnel_uid(l);
        /* Zeek lists only the innermost enclosing tunnel as the parent. */
        parents[0] = uid;
        n = 1;
    }
    w->pkt = &pkt;
    flow_table_packet(w->flows, &pkt, parents, n);
    w->pkt = NULL;
}

static void worker_run_batch(struct worker *w, const struct batch *b)
{
    size_t off = 0;
    while (off + sizeof(struct frame_header) <= b->used) {
        struct frame_header h;
        memcpy(&h, b->data + off, sizeof h);
        off += sizeof h;
        worker_packet(w, &h, b->data + off);
        off += h.caplen;
    }
}

static void on_open_flow(void *ctx, const struct conn_record *rec)
{
    struct worker *w = ctx;
    detect_open_conn(w->detect, rec);
}

static void worker_scan_open(struct worker *w)
{
    int64_t before = atomic_load(&w->engine->scan_before);
    if (before == w->scanned_before || w->detect == NULL || w->flows == NULL)
        return;
    w->scanned_before = before;
    flow_table_visit_open(w->flows, before, on_open_flow, w);
}

void engine_scan_open_flows(struct engine *e, int64_t started_before)
{
    atomic_store(&e->scan_before, started_before);
    if (!e->threaded && !e->lanes)
        worker_scan_open(&e->workers[0]);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct batch *b;
    while ((b = queue_pop(&w->full)) != NULL) {
        if (w->detect) {
            detect_worker_sync(w->detect);
            worker_scan_open(w);
        }
        worker_sync_rules(w);
        worker_run_batch(w, b);
        if (b->flush_after && w->out)
            output_worker_flush(w->out);
        b->flush_after = false;
        b->used = 0;
        queue_push(&w->empty, b);
    }
    return NULL;
}

/* --- life cycle --- */

/* --cpus: false when the system refuses the CPU (offline, outside the cpuset). */
static bool pin_thread(const struct engine *e, pthread_t thread, unsigned index)
{
    if (e->cfg.n_cpus == 0)
        return true;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(e->cfg.cpus[index % e->cfg.n_cpus], &set);
    return pthread_setaffinity_np(thread, sizeof set, &set) == 0;
}

/* --max-flows N split so that the shares add up to N (at least one each). */
static uint32_t worker_flow_share(const struct engine *e, unsigned index)
{
    uint32_t share = e->cfg.max_flows / e->n_workers + (index < e->cfg.max_flows % e->n_workers ? 1 : 0);
    return share ? share : 1;
}

static bool worker_init(struct engine *e, struct worker *w, char *err, size_t errlen)
{
    w->engine = e;
    w->app.publish = on_transaction;
    w->app.acked = on_acked;
    w->app.ctx = w;
    w->app.settings.ftp = &e->cfg.ftp;
    w->app.settings.limits = &e->cfg.app_limits;
    w->app.settings.smb_log_reads_writes = e->cfg.smb_log_reads_writes;
    if (!e->cfg.conn_only) {
        struct file_config filecfg = {
            .extract_dir = e->cfg.extract_dir,
            .extract_max_file = e->cfg.extract_max_file,
            .extract_max_total = e->cfg.extract_max_total,
            .inspector = e->cfg.file_inspector,
            .message_max_bytes = e->cfg.message_max_bytes,
            .eve_body_limit = !e->cfg.eve_http_body_limit_set ? 0
                              : e->cfg.eve_http_body_limit == 0 ? UINT64_MAX
                                                                : e->cfg.eve_http_body_limit,
        };
        w->app.files = file_ctx_new(&filecfg, err, errlen);
        if (!w->app.files)
            return false;
    }
    w->decoder = decoder_new(&e->cfg.decode, on_decode_weird, w);
    struct flow_config fc = {
        .tcp_timeout_us = e->cfg.tcp_timeout_us,
        .udp_timeout_us = e->cfg.udp_timeout_us,
        .icmp_timeout_us = e->cfg.icmp_timeout_us,
        .max_flows = worker_flow_share(e, (unsigned)(w - e->workers)),
        .app = e->cfg.conn_only ? NULL : &w->app,
        .stream_memcap = e->cfg.stream_memcap / e->n_workers,
        .community_id_seed = e->cfg.community_id_seed,
        .uid_key = e->cfg.uid_key,
        .uid_window_us = e->cfg.uid_window_us,
        .community_id = e->cfg.community_id,
        .app_midstream = e->cfg.app_midstream,
        .stream_inline = e->cfg.stream_inline,
        .eve_tcp_closed_timeout_us = e->cfg.eve_tcp_closed_timeout_us, /* cli/session.c: 0 without EVE */
        .n_local_nets = e->cfg.n_local_nets,
        .local_nets = e->cfg.local_nets,
    };
    struct flow_sink sink = {.conn = on_conn, .weird = on_flow_weird, .ctx = w};
    w->flows = flow_table_new(&fc, &sink);
    w->out = e->out ? output_worker_new(e->out) : NULL;
    struct detect_sink reports = output_detect_sink(w->out);
    w->detect = e->detect ? detect_worker_new(e->detect, &reports) : NULL;
    w->neighbors = w->detect && detect_wants_neighbors(w->detect);
    w->icmp_echoes = w->detect && detect_wants_icmp_echo(w->detect);
    if (w->icmp_echoes)
        w->app.packet = on_packet;
    if (!w->decoder || !w->flows || (e->out && !w->out) || (e->detect && !w->detect)) {
        snprintf(err, errlen, "out of memory setting up a worker (--max-flows %u)", e->cfg.max_flows);
        return false;
    }
    /* through the detectors' sink when there are detectors: its subscriber (the correlator) sees rule alerts too */
    w->sig_sink = w->detect ? *detect_worker_sink(w->detect) : output_detect_sink(w->out);
    if (!worker_sync_rules(w)) {
        snprintf(err, errlen, "out of memory for the signature matcher");
        return false;
    }
    unsigned index = (unsigned)(w - e->workers);
    if (e->lanes)
        return true; /* the capture pins each ring's thread */
    if (!e->threaded) {
        if (!pin_thread(e, pthread_self(), index)) {
            snprintf(err, errlen, "--cpus: cannot run on CPU %u", e->cfg.cpus[index % e->cfg.n_cpus]);
            return false;
        }
        return true;
    }
    queue_init(&w->full);
    queue_init(&w->empty);
    w->queues_ready = true;
    for (int i = 0; i < QUEUE_DEPTH; i++) {
        struct batch *b = malloc(sizeof *b);
        if (!b) {
            snprintf(err, errlen, "out of memory for packet batches");
            return false;
        }
        b->used = 0;
        b->flush_after = false;
        queue_push(&w->empty, b);
    }
    w->filling = queue_pop(&w->empty);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        snprintf(err, errlen, "cannot start a worker thread");
        return false;
    }
    if (!pin_thread(e, w->thread, index)) {
        snprintf(err, errlen, "--cpus: cannot run on CPU %u", e->cfg.cpus[index % e->cfg.n_cpus]);
        return false;
    }
    return true;
}

struct engine *engine_new(const struct vigil_config *cfg, struct output *out, struct detect *detect,
                          char *err, size_t errlen)
{
    struct engine *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    e->cfg = *cfg;
    atomic_init(&e->rules, cfg->rules);
    atomic_init(&e->rules_epoch, 1);
    e->out = out;
    e->detect = detect;
    e->n_workers = cfg->workers < 1 ? 1 : cfg->workers > MAX_WORKERS ? MAX_WORKERS : cfg->workers;
    e->lanes = cfg->lanes;
    e->threaded = e->n_workers > 1 && !e->lanes;
    pthread_mutex_init(&e->probe_lock, NULL);
    if (cfg->checksums_auto && cfg->decode.verify_checksums) {
        e->probe = checksum_probe_new(&cfg->decode);
        if (!e->probe) {
            snprintf(err, errlen, "out of memory");
            free(e);
            return NULL;
        }
    }
    for (unsigned i = 0; i < e->n_workers; i++) {
        if (!worker_init(e, &e->workers[i], err, errlen)) {
            checksum_probe_free(e->probe);
            e->probe = NULL;
            e->n_workers = i + 1;
            engine_finish(e);
            engine_free(e);
            return NULL;
        }
    }
    return e;
}

static void dispatch(struct engine *e, unsigned lane, const struct frame_header *fh, const uint8_t *data)
{
    int linktype = fh->linktype;
    uint32_t caplen = fh->caplen;
    uint32_t h = lane == ENGINE_LANE_HASH ? decode_dispatch_hash(linktype, data, caplen) : lane;
    struct worker *w = &e->workers[h % e->n_workers];
    size_t need = sizeof(struct frame_header) + caplen;
    if (need > BATCH_BYTES)
        return; /* larger than any link's MTU; decode would reject it too */
    if (w->filling->used + need > BATCH_BYTES) {
        queue_push(&w->full, w->filling);
        w->filling = queue_pop(&w->empty);
    }
    memcpy(w->filling->data + w->filling->used, fh, sizeof *fh);
    memcpy(w->filling->data + w->filling->used + sizeof *fh, data, caplen);
    w->filling->used += need;
}

static void route_packet(void *ctx, unsigned lane, int linktype, int64_t ts_us, const uint8_t *data,
                         uint32_t caplen, uint32_t wirelen)
{
    struct engine *e = ctx;
    if (ts_us > e->last_ts_us)
        e->last_ts_us = ts_us;
    struct frame_header fh = {.ts_us = ts_us, .number = ++e->packets_routed, .caplen = caplen, .wirelen = wirelen,
                              .linktype = linktype};
    if (e->threaded)
        dispatch(e, lane, &fh, data);
    else {
        struct worker *w = &e->workers[0];
        /* A new indicator set is picked up between packets (SIGHUP reload). */
        if (w->detect)
            detect_worker_sync(w->detect);
        worker_packet(w, &fh, data);
    }
}

/* Ends the offload probe: verification set for every worker, then the held
 * packets go through as if they had never waited. */
static void settle_checksums(struct engine *e)
{
    checksum_probe_decide(e->probe, &e->checksum);
    if (e->checksum.offloaded)
        for (unsigned i = 0; i < e->n_workers; i++)
            decoder_set_verify_checksums(e->workers[i].decoder, false);
    e->checksum_decided = true;
    struct checksum_probe *p = e->probe;
    e->probe = NULL;
    checksum_probe_replay(p, route_packet, e);
    checksum_probe_free(p);
}

static void engine_packet_lane(struct engine *e, unsigned lane, int linktype, int64_t ts_us, const uint8_t *data,
                               uint32_t caplen, uint32_t wirelen)
{
    if (__builtin_expect(e->probe != NULL, 0)) {
        if (checksum_probe_add(e->probe, lane, linktype, ts_us, data, caplen, wirelen))
            settle_checksums(e);
        return;
    }
    route_packet(e, lane, linktype, ts_us, data, caplen, wirelen);
}

void engine_packet(struct engine *e, int linktype, int64_t ts_us, const uint8_t *data, uint32_t caplen,
                   uint32_t wirelen)
{
    engine_packet_lane(e, ENGINE_LANE_HASH, linktype, ts_us, data, caplen, wirelen);
}

bool engine_checksum_verdict(struct engine *e, struct checksum_verdict *v)
{
    pthread_mutex_lock(&e->probe_lock);
    bool decided = e->checksum_decided;
    if (decided)
        *v = e->checksum;
    pthread_mutex_unlock(&e->probe_lock);
    return decided;
}

/* --- lanes: each worker on its capture ring's thread --- */

/* What the run's thread asked for, taken between packets. */
static void lane_sync(struct worker *w)
{
    if (w->detect) {
        detect_worker_sync(w->detect);
        worker_scan_open(w);
    }
    worker_sync_rules(w);
    if (atomic_load_explicit(&w->flush_requested, memory_order_relaxed) &&
        atomic_exchange(&w->flush_requested, false) && w->out)
        output_worker_flush(w->out);
}

/* A packet into its lane's worker, numbered in the lane's order (EVE's
 * pcap_cnt is for capture files only). */
static void lane_worker_packet(struct worker *w, int linktype, int64_t ts_us, const uint8_t *data, uint32_t caplen,
                               uint32_t wirelen)
{
    struct frame_header fh = {.ts_us = ts_us, .number = ++w->lane_number, .caplen = caplen, .wirelen = wirelen,
                              .linktype = linktype};
    worker_packet(w, &fh, data);
}

static void lane_replayed_packet(void *ctx, unsigned lane, int linktype, int64_t ts_us, const uint8_t *data,
                                 uint32_t caplen, uint32_t wirelen)
{
    lane_worker_packet(ctx, linktype, ts_us, data, caplen, wirelen);
}

/* The checksum probe, shared by the lanes: true while it holds the packet.
 * Once it has decided, each lane applies the verdict to its own decoder and
 * replays its own held packets, on its own thread. */
static bool lane_probe(struct engine *e, struct worker *w, unsigned lane, int linktype, int64_t ts_us,
                       const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
    if (w->probe_replayed)
        return false;
    pthread_mutex_lock(&e->probe_lock);
    bool held = !e->checksum_decided && data != NULL;
    if (held && checksum_probe_add(e->probe, lane, linktype, ts_us, data, caplen, wirelen)) {
        checksum_probe_decide(e->probe, &e->checksum);
        e->checksum_decided = true;
    }
    bool decided = e->checksum_decided;
    pthread_mutex_unlock(&e->probe_lock);
    if (decided) {
        if (e->checksum.offloaded)
            decoder_set_verify_checksums(w->decoder, false);
        checksum_probe_replay_lane(e->probe, lane, lane_replayed_packet, w);
        w->probe_replayed = true;
    }
    return held;
}

/* Counts the packet where the run's thread can read it; its number. */
static uint64_t lane_progress(struct worker *w, int64_t ts_us, uint32_t caplen)
{
    uint64_t n = atomic_load_explicit(&w->lane_packets, memory_order_relaxed) + 1;
    atomic_store_explicit(&w->lane_packets, n, memory_order_relaxed);
    atomic_store_explicit(&w->lane_bytes, atomic_load_explicit(&w->lane_bytes, memory_order_relaxed) + caplen,
                          memory_order_relaxed);
    if (ts_us > atomic_load_explicit(&w->lane_last_ts, memory_order_relaxed))
        atomic_store_explicit(&w->lane_last_ts, ts_us, memory_order_relaxed);
    return n;
}

void engine_lane_packet(struct engine *e, unsigned lane, int linktype, int64_t ts_us, const uint8_t *data,
                        uint32_t caplen, uint32_t wirelen)
{
    struct worker *w = &e->workers[lane % e->n_workers];
    /* between packets, as often as a batch of the threaded engine: the requests are not urgent (idle lanes
     * take them in engine_lane_idle) */
    if ((lane_progress(w, ts_us, caplen) & (LANE_SYNC_EVERY - 1)) == 1)
        lane_sync(w);
    if (__builtin_expect(e->probe != NULL, 0) &&
        lane_probe(e, w, lane % e->n_workers, linktype, ts_us, data, caplen, wirelen))
        return;
    lane_worker_packet(w, linktype, ts_us, data, caplen, wirelen);
}

void engine_lane_idle(struct engine *e, unsigned lane)
{
    struct worker *w = &e->workers[lane % e->n_workers];
    lane_sync(w);
    if (__builtin_expect(e->probe != NULL, 0))
        lane_probe(e, w, lane % e->n_workers, 0, 0, NULL, 0, 0);
}

void engine_lane_progress(const struct engine *e, uint64_t *packets, uint64_t *bytes, int64_t *last_ts_us)
{
    *packets = *bytes = 0;
    *last_ts_us = 0;
    for (unsigned i = 0; i < e->n_workers; i++) {
        const struct worker *w = &e->workers[i];
        *packets += atomic_load_explicit(&w->lane_packets, memory_order_relaxed);
        *bytes += atomic_load_explicit(&w->lane_bytes, memory_order_relaxed);
        int64_t ts = atomic_load_explicit(&w->lane_last_ts, memory_order_relaxed);
        if (ts > *last_ts_us)
            *last_ts_us = ts;
    }
}

static void worker_stop(struct engine *e, struct worker *w)
{
    if (w->queues_ready && w->thread) {
        if (w->filling && w->filling->used)
            queue_push(&w->full, w->filling);
        else
            free(w->filling);
        w->filling = NULL;
        queue_close(&w->full);
        pthread_join(w->thread, NULL);
        w->thread = 0;
    }
    if (w->flows) {
        /* Every worker ends at the same clock, so what timed out and what was
         * cut by the end of input does not depend on the number of workers. */
        flow_table_flush(w->flows, e->last_ts_us);
    }
    if (w->out)
        output_worker_flush(w->out);
}

void engine_flush_tick(struct engine *e)
{
    for (unsigned i = 0; i < e->n_workers; i++) {
        struct worker *w = &e->workers[i];
        if (e->lanes) {
            atomic_store(&w->flush_requested, true);
            continue;
        }
        if (!e->threaded) {
            /* an idle worker still takes a reloaded indicator set, so the old one can be freed */
            if (w->detect)
                detect_worker_sync(w->detect);
            if (w->out)
                output_worker_flush(w->out);
            continue;
        }
        /* the batch being filled goes now, packets or not, and carries the flush */
        w->filling->flush_after = true;
        queue_push(&w->full, w->filling);
        w->filling = queue_pop(&w->empty);
    }
}

/* Lanes at the end (their threads are gone): the probe decides if it had
 * not, and each lane's held packets not yet replayed go through. */
static void settle_lanes(struct engine *e)
{
    for (unsigned i = 0; i < e->n_workers; i++) {
        int64_t ts = atomic_load(&e->workers[i].lane_last_ts);
        if (ts > e->last_ts_us)
            e->last_ts_us = ts;
    }
    if (e->probe == NULL)
        return;
    if (!e->checksum_decided) {
        checksum_probe_decide(e->probe, &e->checksum);
        e->checksum_decided = true;
    }
    for (unsigned i = 0; i < e->n_workers; i++)
        lane_probe(e, &e->workers[i], i, 0, 0, NULL, 0, 0);
    checksum_probe_free(e->probe);
    e->probe = NULL;
}

void engine_finish(struct engine *e)
{
    if (e->lanes)
        settle_lanes(e);
    else if (e->probe)
        settle_checksums(e);
    for (unsigned i = 0; i < e->n_workers; i++)
        worker_stop(e, &e->workers[i]);
}

void engine_get_stats(const struct engine *e, struct engine_stats *s)
{
    memset(s, 0, sizeof *s);
    for (unsigned i = 0; i < e->n_workers; i++) {
        const struct worker *w = &e->workers[i];
        s->packets += w->packets;
        s->bytes += w->bytes;
        s->wire_bytes += w->wire_bytes;
        s->weirds += w->weirds;
        s->sig_alerts += w->sig_alerts;
        if (w->sig) {
            struct sig_stats st;
            sig_worker_stats(w->sig, &st);
            s->sig_alerts += st.alerts;
        }
        if (w->decoder) {
            const struct decode_stats *d = decoder_stats(w->decoder);
            s->not_ip += d->not_ip;
            s->malformed += d->malformed;
            s->truncated += d->truncated;
            s->fragments += d->fragments;
            s->frag_dropped += d->frag_dropped;
        }
        if (w->flows) {
            const struct flow_stats *f = flow_table_stats(w->flows);
            s->flows += f->flows_logged;
            s->flows_evicted += f->flows_evicted;
        }
    }
}

uint64_t engine_flows_logged(const struct engine *e)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < e->n_workers; i++)
        n += atomic_load_explicit(&e->workers[i].conns_logged, memory_order_relaxed);
    return n;
}

static void drain_batches(struct batch_queue *q)
{
    for (unsigned i = 0; i < q->count; i++)
        free(q->items[(q->head + i) % QUEUE_DEPTH]);
    q->count = 0;
}

void engine_free(struct engine *e)
{
    if (!e)
        return;
    for (unsigned i = 0; i < e->n_workers; i++) {
        struct worker *w = &e->workers[i];
        if (w->queues_ready) {
            drain_batches(&w->empty);
            drain_batches(&w->full);
            free(w->filling);
            queue_destroy(&w->full);
            queue_destroy(&w->empty);
        }
        flow_table_free(w->flows);
        sig_worker_free(w->sig); /* reports through the detect worker's sink */
        detect_worker_free(w->detect);
        if (w->out) {
            output_eve_release_all(w->out);
            output_worker_free(w->out);
        }
        decoder_free(w->decoder);
        file_ctx_free(w->app.files);
    }
    checksum_probe_free(e->probe);
    pthread_mutex_destroy(&e->probe_lock);
    free(e);
}
