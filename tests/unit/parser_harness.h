/* The unit tests' harness for a parser of proto/: one connection, an
 * environment whose callbacks are the test's, and delivery of bytes in
 * pieces, each an exact-size copy so ASan sees any overread. The test keeps
 * what is its own: what its callbacks record, the connection's identity, the
 * clock (env.ts_us starts at 1 s). Include after <cmocka.h>. */
#ifndef VIGIL_TESTS_UNIT_PARSER_HARNESS_H
#define VIGIL_TESTS_UNIT_PARSER_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/parser.h"
#include "util/bytes.h" /* bytes_copy_cstr keeps a published text past the callback */

/* The weirds a parser raised: how many, the last one's name, and the names
 * and addl texts (NULL: "") of the first PARSER_WEIRDS_KEPT. A run keeps
 * them when the test's hooks leave .weird unset; a test with an environment
 * of its own records into one from its weird callback. */
#define PARSER_WEIRDS_KEPT 64

struct parser_weirds {
    int n;
    char last[64];
    char names[PARSER_WEIRDS_KEPT][64];
    char addls[PARSER_WEIRDS_KEPT][64];
};

static inline void parser_weirds_add(struct parser_weirds *w, const char *name, const char *addl)
{
    if (w->n < PARSER_WEIRDS_KEPT) {
        snprintf(w->names[w->n], sizeof w->names[0], "%s", name);
        snprintf(w->addls[w->n], sizeof w->addls[0], "%s", addl ? addl : "");
    }
    w->n++;
    snprintf(w->last, sizeof w->last, "%s", name);
}

/* Whether a weird of that name is among those kept. */
static inline bool parser_weirds_saw(const struct parser_weirds *w, const char *name)
{
    for (int i = 0; i < w->n && i < PARSER_WEIRDS_KEPT; i++)
        if (strcmp(w->names[i], name) == 0)
            return true;
    return false;
}

struct parser_run {
    const struct app_parser *parser;
    struct app_conn conn;
    struct app_env env;
    void *state;            /* owned: parser_run_close frees it */
    struct parser_weirds weirds;
};

/* The default weird hook: env is the run's own (parser_run_open). */
static inline void parser_run_weird(struct app_env *env, const char *name, const char *addl, const char *source)
{
    struct parser_run *r = (struct parser_run *)((char *)env - offsetof(struct parser_run, env));
    parser_weirds_add(&r->weirds, name, addl);
}

/* Opens parser on a zeroed connection. env takes hooks' callbacks (and
 * files, worker_state), ctx becomes env.ctx; without a weird callback the
 * run counts the weirds in r->weirds. */
static inline void parser_run_open(struct parser_run *r, const struct app_parser *parser,
                                   const struct app_env *hooks, void *ctx)
{
    memset(r, 0, sizeof *r);
    r->parser = parser;
    r->env = *hooks;
    r->env.conn = &r->conn;
    r->env.ctx = ctx;
    if (r->env.weird == NULL)
        r->env.weird = parser_run_weird;
    if (r->env.ts_us == 0)
        r->env.ts_us = 1000000;
    r->state = calloc(1, parser->state_size ? parser->state_size : 1);
    assert_non_null(r->state);
    if (parser->open != NULL)
        parser->open(r->state);
}

/* Delivers p[0..n) in pieces of step bytes (0: at once). */
static inline void parser_run_feed(struct parser_run *r, bool from_orig, const void *p, size_t n, size_t step)
{
    const uint8_t *b = p;
    if (step == 0 || step > n)
        step = n;
    size_t i = 0;
    do {
        size_t k = n - i < step ? n - i : step;
        uint8_t *copy = malloc(k ? k : 1);
        assert_non_null(copy);
        if (k > 0)
            memcpy(copy, b + i, k);
        r->parser->data(r->state, &r->env, from_orig, copy, k);
        free(copy);
        i += k;
    } while (i < n);
}

/* Closes the parser (it publishes what it holds) and frees its state; a
 * second close does nothing. */
static inline void parser_run_close(struct parser_run *r)
{
    if (r->state == NULL)
        return;
    r->parser->close(r->state, &r->env);
    free(r->state);
    r->state = NULL;
}

#endif
