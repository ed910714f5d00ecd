/* The harness the small per-parser fuzz targets share: the input is split
 * into chunks that alternate directions (originator first); each chunk's
 * first byte gives its length, and a chunk starting 0xff is followed by a
 * gap. Each chunk is copied to an exact-size buffer so ASan sees any
 * overread. The connection and its environment that ignores what the
 * parser reports are stream_driver.h's (fuzz_conn). */
#ifndef VIGIL_FUZZ_PARSER_HARNESS_H
#define VIGIL_FUZZ_PARSER_HARNESS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/banner.h"
#include "proto/parser.h"
#include "stream_driver.h"

#define HARNESS_GAP_AFTER_FF 10 /* bytes lost after a chunk starting 0xff */

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

/* fuzz_parser with what the parser is given besides the callbacks (the
 * per-worker state, file analysis, options) taken from setup. */
static inline int fuzz_parser_setup(const struct app_parser *p, const struct app_env *setup, const uint8_t *d,
                                    size_t n)
{
    struct fuzz_conn fc;
    if (!fuzz_conn_open(&fc, p, harness_publish))
        return 0;
    fc.env.hand_over = fuzz_no_hand_over;
    fc.env.worker_state = setup->worker_state;
    fc.env.files = setup->files;
    fc.env.settings = setup->settings;
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
        p->data(fc.state, &fc.env, from_orig, chunk, len);
        if (len > 0 && chunk[0] == 0xff && p->gap)
            p->gap(fc.state, &fc.env, from_orig, HARNESS_GAP_AFTER_FF);
        free(chunk);
        i += len;
        from_orig = !from_orig;
    }
    fuzz_conn_close(&fc);
    return 0;
}

/* fuzz_parser with the parser's per-worker state (NULL: none) and the
 * run's protocol options (NULL: the defaults). */
static inline int fuzz_parser_settings(const struct app_parser *p, void *worker_state,
                                       const struct app_settings *settings, const uint8_t *d, size_t n)
{
    struct app_env setup = {.worker_state = worker_state, .settings = settings};
    return fuzz_parser_setup(p, &setup, d, n);
}

/* fuzz_parser with the parser's per-worker state (NULL: none). */
static inline int fuzz_parser_with(const struct app_parser *p, void *worker_state, const uint8_t *d, size_t n)
{
    return fuzz_parser_settings(p, worker_state, NULL, d, n);
}

static inline int fuzz_parser(const struct app_parser *p, const uint8_t *d, size_t n)
{
    return fuzz_parser_with(p, NULL, d, n);
}

#endif
