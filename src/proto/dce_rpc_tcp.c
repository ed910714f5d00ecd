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

static enum app_probe tcp_probe(const uint8_t *p, size_t n, bool from_orig)
{
    if (!from_orig)
        return APP_PROBE_NO;
    if (n < 16)
        return n >= 1 && p[0] == 5 ? APP_PROBE_MAYBE : APP_PROBE_NO;
    return dce_rpc_looks_like_bind(p, n) ? APP_PROBE_YES : APP_PROBE_NO;
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
