/* libFuzzer target for the DHCP parser: the input is a sequence of chunks,
 * each a 2-byte big-endian length then that many bytes, alternating
 * directions (originator first) and, every two chunks, connections (a
 * broadcast one and a unicast one sharing the per-worker state, as a lease
 * does); the packet clock advances 1 s per chunk so expiry fires. A short
 * last chunk is delivered as it is. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/dhcp.h"

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

#define N_CONNS 2

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    struct app_conn conns[N_CONNS];
    struct app_env envs[N_CONNS];
    void *states[N_CONNS] = {NULL};
    const uint8_t any[4] = {0, 0, 0, 0}, bcast[4] = {255, 255, 255, 255};
    const uint8_t client[4] = {10, 0, 0, 2}, server[4] = {10, 0, 0, 1};
    void *worker = dhcp_parser.worker_open ? dhcp_parser.worker_open() : NULL;
    for (int i = 0; i < N_CONNS; i++) {
        memset(&conns[i], 0, sizeof conns[i]);
        conns[i].uid[0] = 'C';
        conns[i].uid[1] = (char)('0' + i);
        ip_addr_from_v4(&conns[i].orig_h, i == 0 ? any : client);
        ip_addr_from_v4(&conns[i].resp_h, i == 0 ? bcast : server);
        conns[i].orig_p = 68;
        conns[i].resp_p = 67;
        conns[i].proto = 17;
        envs[i] = (struct app_env){.conn = &conns[i], .ts_us = 1, .publish = no_publish, .weird = no_weird,
                                   .add_service = no_service, .worker_state = worker};
        states[i] = calloc(1, dhcp_parser.state_size);
        if (states[i] == NULL)
            goto out;
        dhcp_parser.open(states[i]);
    }
    bool from_orig = true;
    int64_t now = 1;
    size_t off = 0, chunk_no = 0;
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
        now += 1000000;
        size_t c = (chunk_no / 2) % N_CONNS;
        envs[c].ts_us = now;
        if (len == 0 && dhcp_parser.gap)
            dhcp_parser.gap(states[c], &envs[c], from_orig, 10);
        else
            dhcp_parser.data(states[c], &envs[c], from_orig, chunk, len);
        free(chunk);
        off += len;
        from_orig = !from_orig;
        chunk_no++;
    }
    for (int i = 0; i < N_CONNS; i++)
        dhcp_parser.close(states[i], &envs[i]);
out:
    for (int i = 0; i < N_CONNS; i++)
        free(states[i]);
    if (worker != NULL) {
        /* the end of the run: a zeroed identity, no weird */
        struct app_conn none;
        memset(&none, 0, sizeof none);
        struct app_env end = {.conn = &none, .publish = no_publish, .worker_state = worker};
        dhcp_parser.worker_close(worker, &end);
    }
    return 0;
}
