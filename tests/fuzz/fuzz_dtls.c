/* libFuzzer target for the DTLS parser (and through it the TLS session
 * and X.509 code): the input is a sequence of datagrams, each a 2-byte
 * big-endian length then its bytes, alternating directions (client first). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/dtls.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void no_publish(struct app_env *env, enum event_kind kind, const void *txn) {}
static void no_weird(struct app_env *env, const char *name, const char *addl, const char *source) {}
static void no_service(struct app_env *env, const char *service) {}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    void *state = calloc(1, dtls_parser.state_size);
    if (state == NULL)
        return 0;
    struct app_conn conn;
    memset(&conn, 0, sizeof(conn));
    struct app_env env = {.conn = &conn, .publish = no_publish, .weird = no_weird, .add_service = no_service};
    dtls_parser.open(state);
    bool from_orig = true;
    size_t off = 0;
    while (off + 2 <= n) {
        size_t len = (size_t)d[off] << 8 | d[off + 1];
        off += 2;
        if (len > n - off)
            len = n - off;
        uint8_t *dgram = malloc(len ? len : 1);
        if (dgram == NULL)
            break;
        memcpy(dgram, d + off, len);
        dtls_parser.probe(dgram, len, from_orig);
        dtls_parser.data(state, &env, from_orig, dgram, len);
        free(dgram);
        off += len;
        from_orig = !from_orig;
    }
    dtls_parser.close(state, &env);
    free(state);
    return 0;
}
