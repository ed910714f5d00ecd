/* libFuzzer target for the DNS parser. The first byte picks the transport
 * (bit 0: TCP), the port (bits 1-2: 53, 137, 5353, 5355) and whether gaps
 * are injected (bit 3); then chunks of [2-byte length][bytes] alternate
 * directions, each a datagram (UDP) or a segment (TCP): stream_driver.h's
 * length chunks, whose gaps this target injects itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/dns.h"
#include "stream_driver.h"

static void nop_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    /* touch what outputs read so the sanitizers check it */
    const struct dns_txn *t = txn;
    volatile size_t sink = 0;
    if (t->row != NULL) {
        if (t->row->has_query && t->row->query.n > 0)
            sink += t->row->query.p[t->row->query.n - 1];
        for (size_t i = 0; i < t->row->n_answers; i++)
            if (t->row->answers[i].n > 0)
                sink += t->row->answers[i].p[t->row->answers[i].n - 1];
    }
    if (t->msg != NULL)
        for (size_t i = 0; i < t->msg->n_rrs; i++)
            if (t->msg->rrs[i].raw.n > 0)
                sink += t->msg->rrs[i].raw.p[t->msg->rrs[i].raw.n - 1];
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n < 1)
        return 0;
    static const uint16_t ports[] = {53, 137, 5353, 5355};
    uint8_t mode = d[0];
    d++;
    n--;
    struct fuzz_conn fc;
    if (!fuzz_conn_open(&fc, (mode & 1) ? &dns_tcp_parser : &dns_parser, nop_publish))
        return 0;
    fc.conn.proto = (mode & 1) ? 6 : 17;
    fc.conn.orig_p = 40000;
    fc.conn.resp_p = ports[(mode >> 1) & 3];
    fc.env.ts_us = 0;
    (void)fc.parser->probe(d, n, true);
    struct fuzz_chunk c = {0};
    size_t off = 0;
    while (fuzz_next_length_chunk(d, n, &off, &c)) {
        fc.env.ts_us += 1000;
        fc.parser->data(fc.state, &fc.env, c.from_orig, c.p, c.n);
        if ((mode & 8) && c.n > 0 && (c.p[0] & 1))
            fc.parser->gap(fc.state, &fc.env, c.from_orig, c.p[0]);
    }
    fuzz_conn_close(&fc);
    return 0;
}
