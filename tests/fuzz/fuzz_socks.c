/* libFuzzer target for the SOCKS parser: the input is split into chunks
 * that alternate directions (client first); each chunk's first byte gives
 * its length, and a chunk starting 0xff is followed by a gap. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/socks.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void no_publish(struct app_env *env, enum event_kind kind, const void *txn) {}
static void no_weird(struct app_env *env, const char *name, const char *addl, const char *source) {}
static void no_service(struct app_env *env, const char *service) {}
static void no_hand_over(struct app_env *env, const char *parser_name) {}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    void *state = calloc(1, socks_parser.state_size);
    if (state == NULL)
        return 0;
    struct app_conn conn;
    memset(&conn, 0, sizeof(conn));
    struct app_env env = {.conn = &conn,
                          .publish = no_publish,
                          .weird = no_weird,
                          .add_service = no_service,
                          .hand_over = no_hand_over};
    if (socks_parser.open)
        socks_parser.open(state);
    bool from_orig = true;
    size_t i = 0;
    while (i < n) {
        size_t len = d[i++];
        if (len > n - i)
            len = n - i;
        /* an exact-size copy so ASan sees any overread */
        uint8_t *chunk = malloc(len ? len : 1);
        if (chunk == NULL)
            break;
        memcpy(chunk, d + i, len);
        socks_parser.data(state, &env, from_orig, chunk, len);
        if (len > 0 && chunk[0] == 0xff)
            socks_parser.gap(state, &env, from_orig, 10);
        free(chunk);
        socks_parser.probe(d + i, len, from_orig);
        i += len;
        from_orig = !from_orig;
    }
    socks_parser.close(state, &env);
    free(state);
    return 0;
}
