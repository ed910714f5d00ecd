/* The harness the small per-parser fuzz targets share: the input is split
 * into chunks that alternate directions (originator first); each chunk's
 * first byte gives its length, and a chunk starting 0xff is followed by a
 * gap. Each chunk is copied to an exact-size buffer so ASan sees any
 * overread. */
#ifndef VIGIL_FUZZ_PARSER_HARNESS_H
#define VIGIL_FUZZ_PARSER_HARNESS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/banner.h"
#include "proto/parser.h"

static void harness_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    /* Read every byte the parser hands out, as the inventory would. */
    if (kind == EVENT_BANNER) {
        const struct banner_txn *b = txn;
        char *copy = malloc(b->len ? b->len : 1);
        if (copy) {
            memcpy(copy, b->text, b->len);
            free(copy);
        }
    }
}
static void harness_weird(struct app_env *env, const char *name, const char *addl, const char *source) {}
static void harness_service(struct app_env *env, const char *service) {}
static void harness_hand_over(struct app_env *env, const char *parser_name) {}

/* fuzz_parser with the parser's per-worker state (NULL: none) and the
 * run's protocol options (NULL: the defaults). */
static inline int fuzz_parser_settings(const struct app_parser *p, void *worker_state,
                                       const struct app_settings *settings, const uint8_t *d, size_t n)
{
    void *state = calloc(1, p->state_size ? p->state_size : 1);
    if (state == NULL)
        return 0;
    struct app_conn conn;
    memset(&conn, 0, sizeof conn);
    struct app_env env = {.conn = &conn, .publish = harness_publish, .weird = harness_weird,
                          .add_service = harness_service, .hand_over = harness_hand_over,
                          .worker_state = worker_state, .settings = settings};
    if (p->open)
        p->open(state);
    bool from_orig = true;
    size_t i = 0;
    while (i < n) {
        size_t len = d[i++];
        if (len > n - i)
            len = n - i;
        uint8_t *chunk = malloc(len ? len : 1);
        if (chunk == NULL)
            break;
        memcpy(chunk, d + i, len);
        if (p->probe)
            p->probe(chunk, len, from_orig);
        p->data(state, &env, from_orig, chunk, len);
        if (len > 0 && chunk[0] == 0xff && p->gap)
            p->gap(state, &env, from_orig, 10);
        free(chunk);
        i += len;
        from_orig = !from_orig;
    }
    if (p->close)
        p->close(state, &env);
    free(state);
    return 0;
}

static inline int fuzz_parser_with(const struct app_parser *p, void *worker_state, const uint8_t *d, size_t n)
{
    return fuzz_parser_settings(p, worker_state, NULL, d, n);
}

static inline int fuzz_parser(const struct app_parser *p, const uint8_t *d, size_t n)
{
    return fuzz_parser_with(p, NULL, d, n);
}

#endif
