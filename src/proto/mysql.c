/* MySQL (TCP 3306) as far as the conn.log service and TLS: after the
 * server's Handshake v10, a client whose first packet is the 32-byte SSL
 * Request (capability CLIENT_SSL) continues in TLS ("mysql,ssl"). Nothing
 * else is parsed. Packets: a 3-byte little-endian length and a sequence id. */
#include <string.h>

#include "proto/starttls.h"
#include "proto/tls_carriers.h"
#include "util/bytes.h"
#include "util/reader.h"

#define MYSQL_CLIENT_SSL 0x0800u
#define MYSQL_SSL_REQUEST_LEN 32u
#define MYSQL_HEAD_MAX 64     /* the start of each side's first packet */

struct mysql_state {
    uint8_t head[2][MYSQL_HEAD_MAX];   /* [0] server, [1] client */
    size_t head_len[2];
    bool greeted;
    bool done;
};

static bool is_handshake_v10(const uint8_t *p, size_t n)
{
    return n >= 5 && p[3] == 0 && p[4] == 10 && (p[0] | p[1] | p[2]) != 0;
}

static void mysql_deliver(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct mysql_state *st = state;
    int d = from_orig ? 1 : 0;
    if (st->done)
        return;
    bytes_fill(st->head[d], &st->head_len[d], MYSQL_HEAD_MAX, &p, &n);
    if (!from_orig) {
        if (!st->greeted && is_handshake_v10(st->head[0], st->head_len[0]))
            starttls_greeted(&st->greeted, env, "mysql");
        return;
    }
    if (st->head_len[1] < 8)
        return;
    st->done = true;
    uint32_t len = load_le32(st->head[1]) & 0xffffff;
    uint32_t caps = load_le32(st->head[1] + 4);
    if (st->greeted && len == MYSQL_SSL_REQUEST_LEN && st->head[1][3] == 1 && (caps & MYSQL_CLIENT_SSL))
        starttls_upgrade(env, "mysql");
}

static enum app_probe mysql_probe(const uint8_t *p, size_t n, bool from_orig)
{
    if (from_orig)
        return APP_PROBE_NO;
    if (n < 6)
        return APP_PROBE_MAYBE;
    if (!is_handshake_v10(p, n) || (load_le32(p) & 0xffffff) + 4 < n)
        return APP_PROBE_NO;
    /* the server version string: printable up to its NUL */
    for (size_t i = 5; i < n; i++) {
        if (p[i] == 0)
            return i > 5 ? APP_PROBE_YES : APP_PROBE_NO;
        if (p[i] < 0x20 || p[i] > 0x7e)
            return APP_PROBE_NO;
    }
    return APP_PROBE_MAYBE;
}

static const uint16_t mysql_ports[] = {3306};

const struct app_parser mysql_parser = {
    .name = "mysql",
    .ipproto = 6,
    .ports = mysql_ports,
    .n_ports = 1,
    .no_service = true, /* set on the server's handshake */
    .probe = mysql_probe,
    .state_size = sizeof(struct mysql_state),
    .data = mysql_deliver,
};
