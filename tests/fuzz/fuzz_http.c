/* libFuzzer target for the HTTP parser. Input: control chunks
 * (stream_driver.h), so the fuzzer controls how the stream is split and
 * interleaved, as reassembly would deliver it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/http.h"
#include "proto/parser.h"
#include "stream_driver.h"

static void fuzz_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    if (kind != EVENT_HTTP && kind != EVENT_HTTP_REQUEST)
        return; /* EVENT_APP_ANOMALY: names are static strings */
    const struct http_txn *t = txn;
    /* touch every string so ASan sees a bad pointer */
    volatile uint8_t sink = 0;
    const struct byte_view *all[] = {&t->method, &t->host, &t->uri, &t->raw_uri, &t->referrer,
                                    &t->version, &t->user_agent, &t->origin, &t->status_msg,
                                    &t->info_msg, &t->username, &t->location};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        for (size_t k = 0; all[i]->p != NULL && k < all[i]->n; k++)
            sink ^= all[i]->p[k];
    for (size_t k = 0; k < t->response_body_head_len; k++)
        sink ^= t->response_body_head[k];
    (void)sink;
}

/* Requests for signatures: published at once on odd timestamps, else
 * deferred to the end of the chunk, as the flow layer's ack would. */
static bool fuzz_request_parsed(struct app_env *env)
{
    return env->ts_us % 2 != 0;
}

static void inspect_deferred_requests(struct fuzz_conn *fc)
{
    http_parser.inspect_requests(fc->state, &fc->env);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_conn fc;
    if (!fuzz_conn_open(&fc, &http_parser, fuzz_publish))
        return 0;
    fc.env.request_parsed = fuzz_request_parsed;
    fuzz_conn_run_control(&fc, data, size, inspect_deferred_requests);
    return 0;
}
