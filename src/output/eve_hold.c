/* EVE lines that wait for an ack. Suricata in IDS mode parses TCP data once
 * the peer acknowledges it, so the event of a transaction carries the
 * number of the packet that acknowledged the data completing it (pcap_cnt),
 * and is written then. Vigil parses on arrival (Zeek's logs need it), so the
 * EVE line of such a transaction is rendered at once and held here, per
 * worker, until the flow layer reports the ack (output_eve_acked); at the
 * flow's end what is left goes out as Suricata's flow-timeout pseudo packet
 * writes it: no pcap_cnt, pkt_src "stream (flow timeout)". */
#include <stdlib.h>
#include <string.h>

#include "output/eve.h"
#include "output/output_internal.h"
#include "util/grow.h"

/* Held lines per worker: beyond it the oldest goes out with the number of
 * the packet that carried its data (the bound on memory a flood of
 * unacknowledged transactions can take). */
#define EVE_HOLD_MAX_LINES 4096
#define EVE_HOLD_MAX_BYTES (16u * 1024 * 1024)

static const char PKT_SRC_WIRE[] = "\"pkt_src\":\"wire/pcap\"";
static const char PKT_SRC_TIMEOUT[] = "\"pkt_src\":\"stream (flow timeout)\"";
static const char EVENT_TYPE_KEY[] = ",\"event_type\":";

struct eve_held {
    uint64_t flow_id;
    uint64_t carried_by;   /* the packet that carried the data: the number if it must go out early */
    uint32_t ack_wait;
    uint8_t dir;
    size_t pcap_cnt_at;    /* where pcap_cnt goes (before ,"event_type") */
    size_t pkt_src_at;     /* where "pkt_src":"wire/pcap" starts */
    size_t len;            /* without the newline */
    char text[];
};

static const char *find(const char *hay, size_t n, const char *needle)
{
    return memmem(hay, n, needle, strlen(needle));
}

void eve_hold_begin(struct output_worker *w, const struct app_conn *c)
{
    w->hold_next = false;
    if (c == NULL || c->ack_dir == 0 || c->packet_number == 0 || (w->o->formats & OUTPUT_EVE_PCAP_CNT) == 0)
        return;
    w->hold_next = true;
    w->hold_conn_flow_id = c->flow_id;
    w->hold_dir = c->ack_dir;
    w->hold_ack_wait = c->ack_wait;
    w->hold_carried_by = c->packet_number;
}

/* The line at eve_start (complete, newline excluded) without pcap_cnt,
 * which the header writer left out. */
bool eve_hold_take(struct output_worker *w)
{
    if (!w->hold_next)
        return false;
    w->hold_next = false;
    const char *line = w->eve_log->buf.data + w->eve_start;
    size_t len = w->eve_log->buf.len - w->eve_start;
    const char *type_at = find(line, len, EVENT_TYPE_KEY);
    const char *src_at = find(line, len, PKT_SRC_WIRE);
    if (w->eve_log->buf.failed || type_at == NULL || src_at == NULL || src_at < type_at)
        return false;
    void *array = w->held;
    if (grow_array(&array, &w->cap_held, w->n_held + 1, sizeof *w->held, 16) != 0)
        return false;
    w->held = array;
    struct eve_held *h = malloc(sizeof *h + len);
    if (h == NULL)
        return false;
    h->flow_id = w->hold_conn_flow_id;
    h->carried_by = w->hold_carried_by;
    h->ack_wait = w->hold_ack_wait;
    h->dir = w->hold_dir;
    h->pcap_cnt_at = (size_t)(type_at - line);
    h->pkt_src_at = (size_t)(src_at - line);
    h->len = len;
    memcpy(h->text, line, len);
    buf_truncate(&w->eve_log->buf, w->eve_start);
    /* the line is out of the buffer: the oldest may go out to make room */
    if (w->n_held == EVE_HOLD_MAX_LINES || w->held_bytes + len > EVE_HOLD_MAX_BYTES)
        eve_hold_release_oldest(w);
    w->held[w->n_held++] = h;
    w->held_bytes += len;
    return true;
}

/* Writes h with packet number n (0: the flow's end) and frees it. */
static void write_held(struct output_worker *w, struct eve_held *h, uint64_t n)
{
    struct buf *b = &w->eve_log->buf;
    size_t start = b->len;
    buf_append(b, h->text, h->pcap_cnt_at);
    if (n != 0) {
        char num[24];
        buf_puts(b, ",\"pcap_cnt\":");
        buf_append(b, num, json_fmt_u64(num, n));
        buf_append(b, h->text + h->pcap_cnt_at, h->len - h->pcap_cnt_at);
    } else {
        buf_append(b, h->text + h->pcap_cnt_at, h->pkt_src_at - h->pcap_cnt_at);
        buf_puts(b, PKT_SRC_TIMEOUT);
        size_t after = h->pkt_src_at + sizeof PKT_SRC_WIRE - 1;
        buf_append(b, h->text + after, h->len - after);
    }
    buf_putc(b, '\n');
    w->held_bytes -= h->len;
    free(h);
    output_worker_commit(w, w->eve_log, start);
}

void eve_hold_release_oldest(struct output_worker *w)
{
    if (w->n_held == 0)
        return;
    write_held(w, w->held[0], w->held[0]->carried_by);
    memmove(w->held, w->held + 1, (w->n_held - 1) * sizeof *w->held);
    w->n_held--;
}

void output_eve_acked(struct output_worker *w, uint64_t flow_id, uint8_t dir, uint32_t up_to, uint64_t packet_number)
{
    if (w == NULL || w->o == NULL)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < w->n_held; i++) {
        struct eve_held *h = w->held[i];
        if (h->flow_id == flow_id && (dir == 0 || (h->dir == dir && h->ack_wait <= up_to)))
            write_held(w, h, packet_number);
        else
            w->held[kept++] = h;
    }
    w->n_held = kept;
}

void output_eve_release_all(struct output_worker *w)
{
    while (w != NULL && w->o != NULL && w->n_held > 0)
        eve_hold_release_oldest(w);
}
