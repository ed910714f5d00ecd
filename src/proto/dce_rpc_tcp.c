/* DCE-RPC directly over TCP: the endpoint mapper on 135 and the dynamic
 * ports it hands out, found by content (a bind as the first bytes). */
#include <stdlib.h>

#include "proto/dce_rpc.h"

struct dce_rpc_tcp {
    struct dce_rpc_assoc assoc;
    struct ntlm_session ntlm;
};

static struct dce_rpc_carrier tcp_carrier(struct dce_rpc_tcp *s, struct app_env *env)
{
    return (struct dce_rpc_carrier){.names = env->worker_state, .ntlm = &s->ntlm};
}

/* Zeek's dpd_dce_rpc signature has no direction: a connection caught after
 * its bind (no handshake seen, the server's bind_ack or alter_context_resp
 * first, even as the "originator") is DCE-RPC too. Zeek's signature asks
 * for flags 0x03 exactly in its latest form and for no flags in older
 * ones; both fragment bits with the header-signing bit allowed is what a
 * Windows bind_ack carries (dce_rpc_ntlm.pcapng's 0x07). */
static enum app_probe tcp_probe(const uint8_t *p, size_t n, bool from_orig)
{
    if (n < 16)
        return n >= 1 && p[0] == 5 ? APP_PROBE_MAYBE : APP_PROBE_NO;
    if (from_orig && dce_rpc_looks_like_bind(p, n))
        return APP_PROBE_YES;
    return dce_rpc_looks_like_pdu(p, n) ? APP_PROBE_YES : APP_PROBE_NO;
}

static void tcp_open(void *state)
{
    struct dce_rpc_tcp *s = state;
    dce_rpc_assoc_init(&s->assoc);
}

static void tcp_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct dce_rpc_tcp *s = state;
    struct dce_rpc_carrier car = tcp_carrier(s, env);
    dce_rpc_assoc_data(&s->assoc, &car, env, from_orig, p, n);
}

static void tcp_gap(void *state, struct app_env *env, bool from_orig, uint64_t len)
{
    struct dce_rpc_tcp *s = state;
    dce_rpc_assoc_gap(&s->assoc, from_orig);
}

static void tcp_close(void *state, struct app_env *env)
{
    struct dce_rpc_tcp *s = state;
    struct dce_rpc_carrier car = tcp_carrier(s, env);
    dce_rpc_assoc_close(&s->assoc, &car, env);
    ntlm_session_close(&s->ntlm, env);
}

static const uint16_t dce_rpc_ports[] = {135};

const struct app_parser dce_rpc_parser = {
    .name = "dce_rpc",
    .ipproto = 6,
    .ports = dce_rpc_ports,
    .n_ports = 1,
    .probe = tcp_probe,
    .state_size = sizeof(struct dce_rpc_tcp),
    .open = tcp_open,
    .data = tcp_data,
    .gap = tcp_gap,
    .close = tcp_close,
    .worker_open = dce_rpc_names_worker_open,
    .worker_close = dce_rpc_names_worker_close,
};
