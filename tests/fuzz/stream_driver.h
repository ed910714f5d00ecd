/* What the fuzz targets of application parsers share: one connection's
 * parser with an environment that ignores what it reports, and the two
 * ways an input is cut into the chunks reassembly would deliver.
 *
 *  - control chunks (fuzz_next_control_chunk): [1 control byte][bytes]. The
 *    control byte's low bit picks the direction (0 originator), bit 1 turns
 *    the chunk into a gap of its length, and its upper six bits plus one give
 *    the chunk length (a length past the end takes what is left);
 *  - length chunks (fuzz_next_length_chunk): [2-byte big-endian length]
 *    [bytes], alternating directions (originator first), each copied into a
 *    buffer of its exact size so ASan sees any overread; an empty chunk is
 *    a gap of 10 bytes. A short last chunk is delivered as it is.
 *
 * A target keeps what is specific to it: what its publish callback checks,
 * the connection's identity, the clock, extra calls between chunks. */
#ifndef VIGIL_TESTS_FUZZ_STREAM_DRIVER_H
#define VIGIL_TESTS_FUZZ_STREAM_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_EMPTY_CHUNK_GAP 10

struct fuzz_chunk {
    bool from_orig, gap;
    const uint8_t *p;       /* data; NULL for a gap */
    size_t n;               /* bytes of data, or of the gap */
    uint8_t *copy;          /* length chunks: the exact-size copy, owned */
};

static inline void fuzz_no_publish(struct app_env *env, enum event_kind kind, const void *txn) {}
static inline void fuzz_no_weird(struct app_env *env, const char *name, const char *addl, const char *source) {}
static inline void fuzz_no_service(struct app_env *env, const char *service) {}
static inline void fuzz_no_hand_over(struct app_env *env, const char *parser_name) {}

/* The next control chunk at *off; false at the end of the input. */
static inline bool fuzz_next_control_chunk(const uint8_t *d, size_t size, size_t *off, struct fuzz_chunk *c)
{
    if (*off >= size)
        return false;
    uint8_t ctl = d[(*off)++];
    size_t len = (size_t)(ctl >> 2) + 1;
    if (len > size - *off)
        len = size - *off;
    *c = (struct fuzz_chunk){.from_orig = (ctl & 1) == 0, .gap = (ctl & 2) != 0, .n = len};
    if (!c->gap)
        c->p = d + *off;
    *off += len;
    return true;
}

/* Frees what the last length chunk held. */
static inline void fuzz_chunk_done(struct fuzz_chunk *c)
{
    free(c->copy);
    c->copy = NULL;
}

/* The next length chunk at *off, in the other direction than c's: c starts
 * zeroed, so the first is the originator's. False at the end, or out of
 * memory; either way c holds nothing more to free. */
static inline bool fuzz_next_length_chunk(const uint8_t *d, size_t size, size_t *off, struct fuzz_chunk *c)
{
    bool from_orig = !c->from_orig;
    fuzz_chunk_done(c);
    if (*off + 2 > size)
        return false;
    size_t len = (size_t)d[*off] << 8 | d[*off + 1];
    *off += 2;
    if (len > size - *off)
        len = size - *off;
    uint8_t *copy = malloc(len ? len : 1);
    if (copy == NULL)
        return false;
    memcpy(copy, d + *off, len);
    *off += len;
    *c = (struct fuzz_chunk){.from_orig = from_orig, .gap = len == 0, .p = copy, .n = len, .copy = copy};
    return true;
}

/* One parser on one connection. */
struct fuzz_conn {
    const struct app_parser *parser;
    struct app_conn conn;
    struct app_env env;
    void *state;
};

/* A zeroed connection at time 1 whose reports go to publish (NULL: ignored). */
static inline bool fuzz_conn_open(struct fuzz_conn *fc, const struct app_parser *parser,
                                  void (*publish)(struct app_env *, enum event_kind, const void *))
{
    memset(fc, 0, sizeof *fc);
    fc->parser = parser;
    fc->env = (struct app_env){.conn = &fc->conn, .ts_us = 1, .publish = publish ? publish : fuzz_no_publish,
                               .weird = fuzz_no_weird, .add_service = fuzz_no_service};
    fc->state = calloc(1, parser->state_size ? parser->state_size : 1);
    if (fc->state == NULL)
        return false;
    if (parser->open != NULL) /* a parser whose zeroed state is ready has none */
        parser->open(fc->state);
    return true;
}

/* Delivers a chunk: data, or a gap where the parser takes gaps (an empty
 * length chunk is then FUZZ_EMPTY_CHUNK_GAP bytes lost). */
static inline void fuzz_conn_feed(struct fuzz_conn *fc, const struct fuzz_chunk *c)
{
    if (c->gap && fc->parser->gap != NULL)
        fc->parser->gap(fc->state, &fc->env, c->from_orig, c->copy != NULL ? FUZZ_EMPTY_CHUNK_GAP : c->n);
    else
        fc->parser->data(fc->state, &fc->env, c->from_orig, c->p, c->gap ? 0 : c->n);
}

static inline void fuzz_conn_close(struct fuzz_conn *fc)
{
    if (fc->state != NULL && fc->parser->close != NULL)
        fc->parser->close(fc->state, &fc->env);
    free(fc->state);
    fc->state = NULL;
}

/* The whole input probed as each direction's first bytes (where the parser
 * probes), then delivered in control chunks one microsecond apart; after
 * each chunk, after_chunk (NULL: nothing) sees the connection. Closes fc. */
static inline void fuzz_conn_run_control(struct fuzz_conn *fc, const uint8_t *d, size_t size,
                                         void (*after_chunk)(struct fuzz_conn *))
{
    if (fc->parser->probe != NULL) {
        fc->parser->probe(d, size, true);
        fc->parser->probe(d, size, false);
    }
    struct fuzz_chunk c;
    size_t off = 0;
    while (fuzz_next_control_chunk(d, size, &off, &c)) {
        fuzz_conn_feed(fc, &c);
        if (after_chunk != NULL)
            after_chunk(fc);
        fc->env.ts_us++;
    }
    fuzz_conn_close(fc);
}

#endif
