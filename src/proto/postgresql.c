/* PostgreSQL (TCP 5432) as far as the conn.log service and TLS: a client
 * that opens with SSLRequest (int32 length 8, code 80877103) and a server
 * that answers 'S' continue in TLS ("postgresql,ssl"); 'N' keeps the
 * connection in clear, and nothing more is parsed. */
#include <string.h>

#include "proto/starttls.h"
#include "proto/tls_carriers.h"
#include "util/bytes.h"
#include "util/reader.h"

#define PG_SSL_REQUEST 80877103u
#define PG_PROTOCOL_3 0x00030000u

struct postgresql_state {
    uint8_t head[8];            /* the client's first 8 bytes */
    size_t head_len;
    bool ssl_requested;
    bool done;
};

static bool is_ssl_request(const uint8_t *p)
{
    return load_be32(p) == 8 && load_be32(p + 4) == PG_SSL_REQUEST;
}

static void postgresql_deliver(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct postgresql_state *st = state;
    if (st->done || n == 0)
        return;
    if (from_orig) {
        if (st->head_len == sizeof st->head)
            return;
        bytes_fill(st->head, &st->head_len, sizeof st->head, &p, &n);
        if (st->head_len < sizeof st->head)
            return;
        st->ssl_requested = is_ssl_request(st->head);
        if (!st->ssl_requested) {
            st->done = true;
            if (load_be32(st->head + 4) == PG_PROTOCOL_3 && env->add_service != NULL)
                env->add_service(env, "postgresql");
        }
        return;
    }
    if (!st->ssl_requested)
        return;
    st->done = true;
    if (p[0] == 'S')
        starttls_upgrade(env, "postgresql");
    else if (p[0] == 'N' && env->add_service != NULL)
        env->add_service(env, "postgresql");
}

static enum app_probe postgresql_probe(const uint8_t *p, size_t n, bool from_orig)
{
    if (!from_orig)
        return APP_PROBE_NO;
    if (n < 8)
        return n >= 4 && load_be32(p) != 8 ? APP_PROBE_NO : APP_PROBE_MAYBE;
    return is_ssl_request(p) ? APP_PROBE_YES : APP_PROBE_NO;
}

static const uint16_t postgresql_ports[] = {5432};

const struct app_parser postgresql_parser = {
    .name = "postgresql",
    .ipproto = 6,
    .ports = postgresql_ports,
    .n_ports = 1,
    .no_service = true, /* set once the start is recognised */
    .probe = postgresql_probe,
    .state_size = sizeof(struct postgresql_state),
    .data = postgresql_deliver,
};
