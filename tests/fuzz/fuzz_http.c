/* libFuzzer target for the HTTP parser.
 *
 * Input: chunks, each [1 control byte][bytes]. The control byte's low bit
 * picks the direction, bit 1 turns the chunk into a gap of its length
 * instead of data, and its upper six bits plus one give the chunk length
 * (a length past the end takes what is left). So the fuzzer controls how
 * the stream is split and interleaved, as reassembly would deliver it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/http.h"
#include "proto/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
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

static void fuzz_weird(struct app_env *env, const char *name, const char *addl, const char *source)
{
}

static void fuzz_add_service(struct app_env *env, const char *service)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void *state = calloc(1, http_parser.state_size);
    if (state == NULL)
        return 0;
    struct app_conn conn;
    memset(&conn, 0, sizeof conn);
    struct app_env env = {
        .conn = &conn,
        .ts_us = 1,
        .publish = fuzz_publish,
        .weird = fuzz_weird,
        .add_service = fuzz_add_service,
    };
    http_parser.probe(data, size, true);
    http_parser.probe(data, size, false);
    http_parser.open(state);
    size_t i = 0;
    while (i < size) {
        uint8_t ctl = data[i++];
        size_t len = (size_t)(ctl >> 2) + 1;
        if (len > size - i)
            len = size - i;
        bool from_orig = (ctl & 1) == 0;
        if (ctl & 2)
            http_parser.gap(state, &env, from_orig, len);
        else
            http_parser.data(state, &env, from_orig, data + i, len);
        i += len;
        env.ts_us++;
    }
    http_parser.close(state, &env);
    free(state);
    return 0;
}
