/* libFuzzer target for the TLS parser (and, through Certificate messages,
 * the X.509 code): the input is split into chunks that alternate
 * directions; each chunk's first byte gives its length. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void no_publish(struct app_env *env, enum event_kind kind, const void *txn) {}
static void no_weird(struct app_env *env, const char *name, const char *addl, const char *source) {}
static void no_service(struct app_env *env, const char *service) {}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    void *state = calloc(1, tls_parser.state_size);
    if (state == NULL)
        return 0;
    struct app_conn conn;
    memset(&conn, 0, sizeof(conn));
    struct app_env env = {.conn = &conn, .publish = no_publish, .weird = no_weird, .add_service = no_service};
    tls_parser.open(state);
    bool from_orig = true;
    size_t i = 0;
    while (i < n) {
        size_t len = (size_t)d[i++] * 4 + 1;
        if (len > n - i)
            len = n - i;
        tls_parser.data(state, &env, from_orig, d + i, len);
        if (len > 0 && d[i] == 0xff)
            tls_parser.gap(state, &env, from_orig, 10);
        i += len;
        from_orig = !from_orig;
    }
    tls_parser.close(state, &env);
    free(state);
    return 0;
}
