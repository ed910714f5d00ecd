/* The EVE flows of a connection, where Suricata cuts flows where Zeek does
 * not. conn.log keeps Zeek's connection; these records let EVE write
 * Suricata's flows inside it:
 *   - IPsec ESP: Zeek keys it by addresses only (one unknown_transport row
 *     per address pair); Suricata keys it by SPI too (RFC 4303: the first 4
 *     bytes of the header) and writes one flow per SPI with its "spi".
 *   - A flow that has heard no reply (Suricata's "new" state) ends after
 *     SURICATA_NEW_TIMEOUT_US of silence in Suricata (flow-timeouts
 *     udp/icmp/default new: 30), before Zeek's 60 s udp/icmp timeouts:
 *     the next packet starts a new EVE flow in the same connection. */
#include "flow/flow_internal.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "util/mix.h"
#include "util/uid.h"

#define SURICATA_NEW_TIMEOUT_US (30 * 1000000LL)

/* Grown a part at a time (most flows that have any have one), up to
 * CONN_MAX_EVE_PARTS: a table full of one-way flows costs tens of bytes
 * per flow, not the cap's worth. */
struct eve_flows {
    unsigned n, cap;
    bool whole;                 /* the parts are every EVE flow of the connection (ESP) */
    /* the part still open (not ESP): where it starts and who sent first,
     * and the connection's counters before it, orig then resp */
    int64_t open_start_us;
    bool open_from_orig;
    uint64_t base_pkts[2], base_bytes[2];
    struct eve_flow_part part[];
};

static struct eve_flows *eve_flows_of(struct flow *f)
{
    if (f->eve_flows == NULL)
        f->eve_flows = calloc(1, sizeof *f->eve_flows);
    return f->eve_flows; /* NULL: counted by the allocator wrapper; EVE writes the connection as one flow */
}

/* A new part at the end of f's, NULL at the cap or out of memory. */
static struct eve_flow_part *eve_part_add(struct flow *f, bool from_orig, int64_t ts_us)
{
    struct eve_flows *e = f->eve_flows;
    if (e->n == CONN_MAX_EVE_PARTS)
        return NULL;
    if (e->n == e->cap) {
        struct eve_flows *grown = realloc(e, sizeof *e + (e->cap + 1) * sizeof e->part[0]);
        if (grown == NULL)
            return NULL; /* counted by the allocator wrapper */
        f->eve_flows = e = grown;
        e->cap++;
    }
    struct eve_flow_part *part = &e->part[e->n];
    memset(part, 0, sizeof *part);
    uint64_t h = flow_uid_hash(f);
    part->from_orig = from_orig;
    /* the first ESP association is the connection itself: its anomalies carry that flow_id */
    part->flow_id = uid_flow_id(e->whole && e->n == 0 ? h : mix64(h ^ (e->n + 1)));
    part->first_us = ts_us;
    e->n++;
    return part;
}

/* The SPI is the first 4 bytes of the ESP header (RFC 4303 2.1). */
static bool esp_spi(const struct packet *pkt, uint32_t *spi)
{
    if (pkt->l4 == NULL || pkt->l4_caplen < 4)
        return false;
    const uint8_t *p = pkt->l4;
    *spi = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return true;
}

static void esp_packet(struct flow *f, const struct packet *pkt, bool is_orig)
{
    uint32_t spi;
    if (!esp_spi(pkt, &spi))
        return;
    struct eve_flows *e = eve_flows_of(f);
    if (e == NULL)
        return;
    e->whole = true;
    struct eve_flow_part *sa = NULL;
    for (unsigned i = 0; i < e->n && !sa; i++)
        if (e->part[i].spi == spi)
            sa = &e->part[i];
    if (sa == NULL) {
        sa = eve_part_add(f, is_orig, pkt->ts_us);
        if (sa == NULL)
            return; /* past the cap: in conn.log, not in EVE */
        sa->has_spi = true;
        sa->spi = spi;
    }
    unsigned dir = sa->from_orig == is_orig ? 0 : 1;
    sa->pkts[dir]++;
    sa->bytes[dir] += pkt->wirelen;
    sa->last_us = pkt->ts_us;
}

/* Closes the open part when Suricata's flow would have timed out before pkt. */
static void split_if_timed_out(struct flow *f, const struct packet *pkt, bool is_orig)
{
    struct eve_flows *e = f->eve_flows;
    uint64_t base_orig = e ? e->base_pkts[0] : 0, base_resp = e ? e->base_pkts[1] : 0;
    uint64_t sent_orig = f->orig_pkts - base_orig, sent_resp = f->resp_pkts - base_resp;
    bool one_way = (sent_orig == 0) != (sent_resp == 0);
    if (!one_way || pkt->ts_us - f->last_us <= SURICATA_NEW_TIMEOUT_US)
        return;
    if ((e = eve_flows_of(f)) == NULL)
        return;
    bool from_orig = sent_orig > 0;
    struct eve_flow_part *part = eve_part_add(f, from_orig, e->n ? e->open_start_us : f->start_us);
    if (part == NULL)
        return; /* past the cap: the open part goes on */
    e = f->eve_flows; /* moved if it grew */
    uint64_t frames[2] = {f->orig_frame_bytes - e->base_bytes[0], f->resp_frame_bytes - e->base_bytes[1]};
    part->pkts[0] = from_orig ? sent_orig : sent_resp;
    part->bytes[0] = from_orig ? frames[0] : frames[1];
    part->last_us = f->last_us;
    e->base_pkts[0] = f->orig_pkts;
    e->base_pkts[1] = f->resp_pkts;
    e->base_bytes[0] = f->orig_frame_bytes;
    e->base_bytes[1] = f->resp_frame_bytes;
    e->open_start_us = pkt->ts_us;
    e->open_from_orig = is_orig;
}

void flow_eve_packet(struct flow *f, const struct packet *pkt, bool is_orig)
{
    if (f->key.proto == IPPROTO_TCP)
        return;
    if (f->key.proto == IPPROTO_ESP)
        esp_packet(f, pkt, is_orig);
    else
        split_if_timed_out(f, pkt, is_orig);
}

void flow_eve_record(const struct flow *f, struct conn_record *rec)
{
    const struct eve_flows *e = f->key.proto == IPPROTO_TCP ? NULL : f->eve_flows;
    memset(&rec->eve_rest, 0, sizeof rec->eve_rest);
    rec->eve_parts = e ? e->part : NULL;
    rec->n_eve_parts = e ? e->n : 0;
    rec->eve_parts_whole = e && e->whole;
    if (e == NULL || e->whole)
        return;
    /* what the parts left: the connection's own EVE flow */
    struct eve_flow_part *rest = &rec->eve_rest;
    bool o = e->open_from_orig;
    rest->from_orig = o;
    rest->flow_id = rec->flow_id;
    rest->first_us = e->open_start_us;
    rest->last_us = f->last_us;
    uint64_t pkts[2] = {f->orig_pkts - e->base_pkts[0], f->resp_pkts - e->base_pkts[1]};
    uint64_t bytes[2] = {f->orig_frame_bytes - e->base_bytes[0], f->resp_frame_bytes - e->base_bytes[1]};
    rest->pkts[0] = pkts[o ? 0 : 1];
    rest->pkts[1] = pkts[o ? 1 : 0];
    rest->bytes[0] = bytes[o ? 0 : 1];
    rest->bytes[1] = bytes[o ? 1 : 0];
}

void flow_eve_free(struct flow *f)
{
    if (f->key.proto == IPPROTO_TCP)
        return;
    free(f->eve_flows);
    f->eve_flows = NULL;
}
