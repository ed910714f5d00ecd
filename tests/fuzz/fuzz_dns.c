/* libFuzzer target for the DNS parser. The first byte picks the transport
 * (bit 0: TCP), the port (bits 1-2: 53, 137, 5353, 5355) and whether gaps
 * are injected (bit 3); then chunks of [2-byte length][bytes] alternate
 * directions, each a datagram (UDP) or a segment (TCP). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

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

static void nop_weird(struct app_env *env, const char *name, const char *addl, const char *source) {}
static void nop_service(struct app_env *env, const char *service) {}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n < 1)
        return 0;
    static const uint16_t ports[] = {53, 137, 5353, 5355};
    uint8_t mode = d[0];
    d++;
    n--;
    struct app_conn conn;
    memset(&conn, 0, sizeof conn);
    conn.proto = (mode & 1) ? 6 : 17;
    conn.orig_p = 40000;
    conn.resp_p = ports[(mode >> 1) & 3];
    struct app_env env = {
        .conn = &conn, .publish = nop_publish, .weird = nop_weird, .add_service = nop_service,
    };
    const struct app_parser *p = (mode & 1) ? &dns_tcp_parser : &dns_parser;
    (void)p->probe(d, n, true);
    void *state = calloc(1, p->state_size);
    if (state == NULL)
        return 0;
    p->open(state);
    bool from_orig = true;
    while (n >= 2) {
        size_t len = ((size_t)d[0] << 8) | d[1];
        d += 2;
        n -= 2;
        if (len > n)
            len = n;
        /* an exact-size copy so reads past the chunk are caught */
        uint8_t *chunk = malloc(len ? len : 1);
        if (chunk == NULL)
            break;
        memcpy(chunk, d, len);
        env.ts_us += 1000;
        p->data(state, &env, from_orig, chunk, len);
        free(chunk);
        if ((mode & 8) && len > 0 && (d[0] & 1))
            p->gap(state, &env, from_orig, d[0]);
        d += len;
        n -= len;
        from_orig = !from_orig;
    }
    p->close(state, &env);
    free(state);
    return 0;
}
