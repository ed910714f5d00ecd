/* POP3 (TCP 110) as far as the conn.log service and STLS (RFC 2595 4): a
 * "+OK" to the client's STLS gives the rest of the connection to TLS
 * ("pop3,ssl"). Nothing else is parsed. */
#include <string.h>

#include "proto/probe.h"
#include "proto/starttls.h"
#include "proto/tls_carriers.h"

struct pop3_state {
    struct starttls_lines lines;
    bool greeted;
    bool stls_pending;
};

static bool pop3_line(void *ctx, struct app_env *env, bool from_orig, const char *line, size_t len)
{
    struct pop3_state *st = ctx;
    if (from_orig) {
        st->stls_pending = len == 4 && starttls_starts_with(line, len, "STLS");
        return true;
    }
    if (!st->greeted && starttls_starts_with(line, len, "+OK")) {
        starttls_greeted(&st->greeted, env, "pop3");
        return true;
    }
    if (!st->stls_pending)
        return true;
    st->stls_pending = false;
    if (!starttls_starts_with(line, len, "+OK"))
        return true;
    starttls_upgrade(env, "pop3");
    return false;
}

static void pop3_deliver(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct pop3_state *st = state;
    starttls_lines_feed(&st->lines, env, from_orig, p, n, pop3_line, st);
}

static enum app_probe pop3_probe(const uint8_t *p, size_t n, bool from_orig)
{
    return from_orig ? APP_PROBE_NO : probe_magic(p, n, "+OK ", 4);
}

static const uint16_t pop3_ports[] = {110};

const struct app_parser pop3_parser = {
    .name = "pop3",
    .ipproto = 6,
    .ports = pop3_ports,
    .n_ports = 1,
    .no_service = true, /* set on the greeting */
    .probe = pop3_probe,
    .state_size = sizeof(struct pop3_state),
    .data = pop3_deliver,
};
