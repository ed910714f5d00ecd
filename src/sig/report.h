/* Private to sig/: a match turned into the generic alert and emitted
 * through the detector sink (never through an output writer). */
#ifndef VIGIL_SIG_REPORT_H
#define VIGIL_SIG_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "detect/alert-t.h"
#include "detect/sink-t.h"
#include "sig/rule.h"
#include "sig/sig.h"
#include "util/buf.h"

struct app_conn;

#define SIG_REPORT_MAX_META 32

/* A worker's room for one alert's metadata, notice text and app object. */
struct sig_report_scratch {
    struct alert_meta meta[SIG_REPORT_MAX_META];
    char meta_text[4096];
    char notice_msg[640];
    char notice_sub[4200];
    struct buf extra;
    struct buf frame;    /* a reassembled datagram behind its frame's headers */
};

struct sig_match {
    const struct sig_rule *rule;
    const char *rule_file;
    int64_t ts_us;
    const struct app_conn *conn;   /* NULL: a packet outside any flow */
    bool to_server;
    struct ip_addr src, dst;       /* in the triggering packet's direction */
    uint16_t sp, dp;
    uint8_t ipproto;
    int kind;                      /* enum event_kind, -1 for packets and streams */
    const void *txn;
    const struct packet *pkt;      /* the packet matched; NULL for streams and transactions */
    const struct packet *frame;    /* the packet matched or that delivered the stream bytes */
    const uint8_t *stream;         /* the stream bytes matched; NULL for packets and transactions */
    size_t stream_len;
    const struct sig_flow_tags *tags; /* the flow's traffic/ flowbits; NULL: no flow */
};

void sig_report_init(struct sig_report_scratch *s);
void sig_report_free(struct sig_report_scratch *s);
void sig_report(const struct detect_sink *sink, const struct sig_match *m, struct sig_report_scratch *s);

#endif
