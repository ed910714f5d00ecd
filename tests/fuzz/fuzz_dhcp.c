/* libFuzzer target for the DHCP parser. Input: length chunks
 * (stream_driver.h) that alternate, every two chunks, between two
 * connections (a broadcast one and a unicast one sharing the per-worker
 * state, as a lease does); the packet clock advances 1 s per chunk so expiry
 * fires. */
#include "proto/dhcp.h"
#include "stream_driver.h"

#define N_CONNS 2

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    struct fuzz_conn conns[N_CONNS];
    const uint8_t any[4] = {0, 0, 0, 0}, bcast[4] = {255, 255, 255, 255};
    const uint8_t client[4] = {10, 0, 0, 2}, server[4] = {10, 0, 0, 1};
    void *worker = dhcp_parser.worker_open ? dhcp_parser.worker_open() : NULL;
    bool opened = true;
    for (int i = 0; i < N_CONNS; i++) {
        opened = fuzz_conn_open(&conns[i], &dhcp_parser, NULL) && opened;
        struct app_conn *conn = &conns[i].conn;
        conn->uid[0] = 'C';
        conn->uid[1] = (char)('0' + i);
        ip_addr_from_v4(&conn->orig_h, i == 0 ? any : client);
        ip_addr_from_v4(&conn->resp_h, i == 0 ? bcast : server);
        conn->orig_p = 68;
        conn->resp_p = 67;
        conn->proto = 17;
        conns[i].env.worker_state = worker;
    }
    struct fuzz_chunk c = {0};
    int64_t now = 1;
    size_t off = 0;
    for (size_t chunk_no = 0; opened && fuzz_next_length_chunk(d, n, &off, &c); chunk_no++) {
        now += 1000000;
        struct fuzz_conn *fc = &conns[(chunk_no / 2) % N_CONNS];
        fc->env.ts_us = now;
        fuzz_conn_feed(fc, &c);
    }
    fuzz_chunk_done(&c);
    for (int i = 0; i < N_CONNS; i++)
        fuzz_conn_close(&conns[i]);
    if (worker != NULL) {
        /* the end of the run: a zeroed identity, no weird */
        struct app_conn none;
        memset(&none, 0, sizeof none);
        struct app_env end = {.conn = &none, .publish = fuzz_no_publish, .worker_state = worker};
        dhcp_parser.worker_close(worker, &end);
    }
    return 0;
}
