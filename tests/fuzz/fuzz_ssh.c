/* libFuzzer target for the SSH parser: the input is a sequence of chunks,
 * each a 2-byte big-endian length then that many bytes, alternating
 * directions (originator first); the packet clock advances 1 s per chunk
 * so timers fire. A short last chunk is delivered as it is. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/ssh.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void no_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    (void)env;
    (void)kind;
    (void)txn;
}

static void no_weird(struct app_env *env, const char *name, const char *addl, const char *source)
{
    (void)env;
    (void)name;
    (void)addl;
    (void)source;
}

static void no_service(struct app_env *env, const char *service)
{
    (void)env;
    (void)service;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    struct app_conn conn;
    memset(&conn, 0, sizeof conn);
    struct app_env env = {.conn = &conn, .ts_us = 1, .publish = no_publish, .weird = no_weird, .add_service = no_service};
    void *state = calloc(1, ssh_parser.state_size);
    if (state == NULL)
        return 0;
    ssh_parser.open(state);
    bool from_orig = true;
    size_t off = 0;
    while (off + 2 <= n) {
        size_t len = (size_t)d[off] << 8 | d[off + 1];
        off += 2;
        if (len > n - off)
            len = n - off;
        /* an exact-size copy so ASan sees any overread */
        uint8_t *chunk = malloc(len ? len : 1);
        if (chunk == NULL)
            break;
        memcpy(chunk, d + off, len);
        env.ts_us += 1000000;
        if (len == 0 && ssh_parser.gap)
            ssh_parser.gap(state, &env, from_orig, 10);
        else
            ssh_parser.data(state, &env, from_orig, chunk, len);
        free(chunk);
        off += len;
        from_orig = !from_orig;
    }
    ssh_parser.close(state, &env);
    free(state);
    return 0;
}
