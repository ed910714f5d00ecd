/* SOCKS 4, 4a and 5 over TCP, as Zeek's SOCKS analyzer sees it: the
 * client's request (after SOCKS 5's method negotiation and optional
 * username/password login) and the proxy's reply. Once both were seen the
 * rest of the connection is the tunnelled protocol: the parser hands the
 * connection back to protocol detection, as Zeek gives it to a new PIA.
 *
 * Messages are small; each direction buffers at most SOCKS_BUF_MAX bytes
 * until a whole message is there. The row is published when the parser is
 * closed (hand-over or end of connection), and only when the proxy replied
 * to the request: Zeek logs confirmed connections only. */
#include "proto/socks.h"
#include "util/bytes.h"

#include <stdio.h>
#include <string.h>

/* Largest message: a SOCKS 4a request with a 255-byte user and host name. */
#define SOCKS_BUF_MAX 1024

enum { V5_AUTH_NONE = 0, V5_AUTH_USERPASS = 2, V5_AUTH_NO_ACCEPTABLE = 0xff };

struct socks_dir {
    uint8_t buf[SOCKS_BUF_MAX];
    size_t len;
};

struct socks_state {
    struct socks_dir dir[2];    /* [0] client, [1] proxy */
    uint8_t version;            /* of the client's first message; 0 = none yet */
    /* SOCKS 5 negotiation, as Zeek tracks it */
    bool v5_past_auth;          /* the proxy chose a method */
    bool v5_in_auth;            /* a method's sub-negotiation is going on */
    uint8_t v5_method;
    bool request_done, reply_done;
    bool confirmed;             /* the proxy replied to the request */
    bool session;               /* txn started (Zeek's c$socks) */
    bool stopped;               /* violation, gap or cap: parse nothing more */
    bool published;
    struct socks_txn txn;
};

/* What parsing a buffered message found. */
enum parse_result {
    PARSE_MORE,     /* incomplete: wait for more bytes */
    PARSE_DONE,     /* consumed `used` bytes */
    PARSE_STOP,     /* not SOCKS (any more): stop */
};

static void weird(struct app_env *env, const char *name, const char *addl)
{
    if (env != NULL && env->weird != NULL)
        env->weird(env, name, addl, "SOCKS");
}

static void set_session(struct socks_state *st, struct app_env *env, uint8_t version)
{
    if (st->session)
        return;
    st->session = true;
    st->txn.ts_us = env->ts_us;
    st->txn.version = version;
}

static void set_name(struct socks_address *a, const uint8_t *p, size_t n)
{
    a->name_len = bytes_copy_cstr(a->name, sizeof a->name, p, n);
    a->has_name = true;
}

static void set_status(struct socks_txn *t, uint8_t version, uint8_t code)
{
    static const char *const v5[] = {
        "succeeded",
        "general SOCKS server failure",
        "connection not allowed by ruleset",
        "Network unreachable",
        "Host unreachable",
        "Connection refused",
        "TTL expired",
        "Command not supported",
        "Address type not supported",
    };
    static const char *const v4[] = {
        "succeeded",
        "general SOCKS server failure",
        "request failed because client is not running identd",
        "request failed because client's identd could not confirm the user ID string in the request",
    };
    const char *text = NULL;
    if (version == 5 && code < sizeof(v5) / sizeof(v5[0]))
        text = v5[code];
    else if (version == 4 && code >= 0x5a && code <= 0x5d)
        text = v4[code - 0x5a];
    if (text != NULL)
        snprintf(t->status, sizeof(t->status), "%s", text);
    else
        snprintf(t->status, sizeof(t->status), "unknown-%u", (unsigned)code);
    t->has_status = true;
}

static void set_v4_addr(struct socks_address *a, const uint8_t *p)
{
    ip_addr_from_v4(&a->host, p);
    a->has_host = true;
}

/* A SOCKS 5 address (type, then IPv4, name or IPv6) at p[0..n).
 * Returns its length, 0 when incomplete, -1 on an unknown type. */
static int v5_address(const uint8_t *p, size_t n, struct socks_address *out)
{
    if (n < 1)
        return 0;
    switch (p[0]) {
    case 1:
        if (n < 5)
            return 0;
        if (out != NULL)
            set_v4_addr(out, p + 1);
        return 5;
    case 3:
        if (n < 2 || n < 2 + (size_t)p[1])
            return 0;
        if (out != NULL)
            set_name(out, p + 2, p[1]);
        return 2 + p[1];
    case 4:
        if (n < 17)
            return 0;
        if (out != NULL) {
            ip_addr_from_v6(&out->host, p + 1);
            out->has_host = true;
        }
        return 17;
    default:
        return -1;
    }
}

static const uint8_t *find_nul(const uint8_t *p, size_t n)
{
    return memchr(p, 0, n);
}

/* SOCKS 4/4a request: VN CD DSTPORT DSTIP USERID\0 [HOST\0 when DSTIP is 0.0.0.x]. */
static enum parse_result v4_request(struct socks_state *st, struct app_env *env, const uint8_t *p, size_t n,
                                    size_t *used)
{
    if (n < 9)
        return PARSE_MORE;
    const uint8_t *user_end = find_nul(p + 8, n - 8);
    if (user_end == NULL)
        return PARSE_MORE;
    bool v4a = p[4] == 0 && p[5] == 0 && p[6] == 0;
    const uint8_t *name = user_end + 1;
    const uint8_t *name_end = NULL;
    if (v4a) {
        name_end = find_nul(name, n - (size_t)(name - p));
        if (name_end == NULL)
            return PARSE_MORE;
    }
    struct socks_txn *t = &st->txn;
    set_session(st, env, 4);
    t->has_request = true;
    t->command = p[1];
    t->request_p = (uint16_t)(p[2] << 8 | p[3]);
    set_v4_addr(&t->request, p + 4);
    if (v4a)
        set_name(&t->request, name, (size_t)(name_end - name));
    /* the SOCKS 4 user id is not logged: Zeek's script drops it */
    *used = (size_t)((v4a ? name_end : user_end) - p) + 1;
    st->request_done = true;
    return PARSE_DONE;
}

/* SOCKS 5 request: VER CMD RSV ATYP DST.ADDR DST.PORT */
static enum parse_result v5_request(struct socks_state *st, struct app_env *env, const uint8_t *p, size_t n,
                                    size_t *used)
{
    if (n < 4)
        return PARSE_MORE;
    if (p[2] != 0 || p[1] == 0 || p[1] > 3)
        return PARSE_STOP; /* Zeek's violations: reserved byte set, undefined command */
    int alen = v5_address(p + 3, n - 3, NULL);
    if (alen < 0)
        return PARSE_STOP;
    if (alen == 0 || n < 3 + (size_t)alen + 2)
        return PARSE_MORE;
    struct socks_txn *t = &st->txn;
    set_session(st, env, 5);
    memset(&t->request, 0, sizeof(t->request));
    v5_address(p + 3, n - 3, &t->request);
    t->has_request = true;
    t->command = p[1];
    t->request_p = (uint16_t)(p[3 + alen] << 8 | p[3 + alen + 1]);
    *used = 3 + (size_t)alen + 2;
    st->request_done = true;
    return PARSE_DONE;
}

/* The client's sub-negotiation for the chosen method: username/password
 * (RFC 1929) is parsed, anything else is skipped whole. */
static enum parse_result v5_auth_request(struct socks_state *st, struct app_env *env, const uint8_t *p, size_t n,
                                         size_t *used)
{
    char addl[48];
    if (st->v5_method != V5_AUTH_USERPASS) {
        snprintf(addl, sizeof(addl), "%u", (unsigned)st->v5_method);
        weird(env, "socks5_unsupported_authentication_method", addl);
        *used = n; /* Zeek takes the rest of the delivery */
        return PARSE_DONE;
    }
    if (p[0] != 1) {
        snprintf(addl, sizeof(addl), "method %u, version %u", (unsigned)st->v5_method, (unsigned)p[0]);
        weird(env, "socks5_unsupported_authentication", addl);
        *used = n;
        return PARSE_DONE;
    }
    if (n < 2 || n < 3 + (size_t)p[1])
        return PARSE_MORE;
    size_t ulen = p[1];
    size_t plen = p[2 + ulen];
    if (n < 3 + ulen + plen)
        return PARSE_MORE;
    struct socks_txn *t = &st->txn;
    set_session(st, env, 5);
    memcpy(t->user, p + 2, ulen);
    t->user[ulen] = '\0';
    t->user_len = ulen;
    t->has_user = true;
    /* the password is not kept: Zeek logs it only when told to */
    *used = 3 + ulen + plen;
    return PARSE_DONE;
}

static enum parse_result client_message(struct socks_state *st, struct app_env *env, const uint8_t *p, size_t n,
                                        size_t *used)
{
    if (st->v5_in_auth)
        return v5_auth_request(st, env, p, n, used);
    if (st->version == 0)
        st->version = p[0];
    if (p[0] == 4 && st->version == 4)
        return v4_request(st, env, p, n, used);
    if (p[0] != 5 || st->version != 5)
        return PARSE_STOP; /* unknown SOCKS version */
    if (st->v5_past_auth)
        return v5_request(st, env, p, n, used);
    /* method negotiation: VER NMETHODS METHODS */
    if (n < 2 || n < 2 + (size_t)p[1])
        return PARSE_MORE;
    *used = 2 + (size_t)p[1];
    return PARSE_DONE;
}

static void reply_seen(struct socks_state *st)
{
    st->reply_done = true;
    st->confirmed = true;
}

static enum parse_result server_message(struct socks_state *st, struct app_env *env, const uint8_t *p, size_t n,
                                        size_t *used)
{
    struct socks_txn *t = &st->txn;
    if (st->v5_in_auth) {
        if (st->v5_method != V5_AUTH_USERPASS) {
            st->v5_in_auth = false;
            *used = n;
            return PARSE_DONE;
        }
        if (n < 2)
            return PARSE_MORE;
        st->v5_in_auth = false;
        if (p[0] == 1) {
            set_session(st, env, 5);
            set_status(t, 5, p[1]);
        } else {
            char addl[48];
            snprintf(addl, sizeof(addl), "method %u, version %u", (unsigned)st->v5_method, (unsigned)p[0]);
            weird(env, "socks5_unsupported_authentication", addl);
        }
        *used = 2;
        return PARSE_DONE;
    }
    if (st->version == 4) {
        /* VN (0; some proxies echo 4) CD DSTPORT DSTIP */
        if (p[0] != 0 && p[0] != 4)
            return PARSE_STOP;
        if (n < 8)
            return PARSE_MORE;
        set_session(st, env, 4);
        set_status(t, 4, p[1]);
        t->has_bound = true;
        memset(&t->bound, 0, sizeof(t->bound));
        set_v4_addr(&t->bound, p + 4);
        t->bound_p = (uint16_t)(p[2] << 8 | p[3]);
        *used = 8;
        reply_seen(st);
        return PARSE_DONE;
    }
    if (st->version != 5 || p[0] != 5)
        return PARSE_STOP;
    if (!st->v5_past_auth) {
        /* VER METHOD */
        if (n < 2)
            return PARSE_MORE;
        st->v5_method = p[1];
        st->v5_past_auth = true;
        st->v5_in_auth = p[1] != V5_AUTH_NONE && p[1] != V5_AUTH_NO_ACCEPTABLE;
        *used = 2;
        return PARSE_DONE;
    }
    /* VER REP RSV ATYP BND.ADDR BND.PORT */
    if (n < 4)
        return PARSE_MORE;
    int alen = v5_address(p + 3, n - 3, NULL);
    if (alen < 0)
        return PARSE_STOP;
    if (alen == 0 || n < 3 + (size_t)alen + 2)
        return PARSE_MORE;
    set_session(st, env, 5);
    set_status(t, 5, p[1]);
    t->has_bound = true;
    memset(&t->bound, 0, sizeof(t->bound));
    v5_address(p + 3, n - 3, &t->bound);
    t->bound_p = (uint16_t)(p[3 + alen] << 8 | p[3 + alen + 1]);
    *used = 3 + (size_t)alen + 2;
    reply_seen(st);
    return PARSE_DONE;
}

/* Parses every whole message buffered in one direction. */
static void drain(struct socks_state *st, struct app_env *env, bool from_orig)
{
    struct socks_dir *d = &st->dir[from_orig ? 0 : 1];
    while (d->len > 0 && !st->stopped && !(st->request_done && st->reply_done)) {
        if (from_orig ? st->request_done : st->reply_done)
            return; /* this side said its part; what follows is the tunnel */
        size_t used = 0;
        enum parse_result r = from_orig ? client_message(st, env, d->buf, d->len, &used)
                                        : server_message(st, env, d->buf, d->len, &used);
        if (r == PARSE_STOP) {
            st->stopped = true;
            return;
        }
        if (r == PARSE_MORE) {
            if (d->len == sizeof(d->buf)) {
                weird(env, "socks_message_too_long", NULL);
                st->stopped = true;
            }
            return;
        }
        memmove(d->buf, d->buf + used, d->len - used);
        d->len -= used;
    }
}

static void publish(struct socks_state *st, struct app_env *env)
{
    if (st->published || !st->confirmed)
        return;
    st->published = true;
    if (env != NULL && env->publish != NULL)
        env->publish(env, EVENT_SOCKS, &st->txn);
}

static void socks_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct socks_state *st = state;
    struct socks_dir *d = &st->dir[from_orig ? 0 : 1];
    while (n > 0 && !st->stopped && !(st->request_done && st->reply_done)) {
        size_t k = bytes_fill(d->buf, &d->len, sizeof d->buf, &p, &n);
        size_t before = d->len;
        drain(st, env, from_orig);
        if ((d->len == before && k == 0) || (from_orig ? st->request_done : st->reply_done))
            break;
    }
    if (st->request_done && st->reply_done && !st->stopped) {
        /* Zeek assumes no tunnelled byte comes before both ends are done */
        st->stopped = true;
        if (env->hand_over != NULL)
            env->hand_over(env, NULL);
    }
}

static void socks_gap(void *state, struct app_env *env, bool from_orig, uint64_t len)
{
    struct socks_state *st = state;
    st->stopped = true;
}

static void socks_close(void *state, struct app_env *env)
{
    struct socks_state *st = state;
    publish(st, env);
}

static enum app_probe probe_v4(const uint8_t *p, size_t n)
{
    if (n < 2)
        return APP_PROBE_MAYBE;
    if (p[1] != 1 && p[1] != 2)
        return APP_PROBE_NO;
    /* Zeek's dpd_socks4_client: a user id of at most 32 bytes */
    size_t limit = 8 + 32 + 1;
    for (size_t i = 8; i < n && i < limit; i++)
        if (p[i] == 0)
            return APP_PROBE_YES;
    return n >= limit ? APP_PROBE_NO : APP_PROBE_MAYBE;
}

/* Zeek's dpd_socks5_client (a greeting offering no authentication,
 * GSSAPI or username/password first), made stricter by asking for the
 * whole greeting and nothing after it, since the proxy's half of Zeek's
 * signature pair cannot be checked here. */
static enum app_probe probe_v5(const uint8_t *p, size_t n)
{
    if (n < 3)
        return n < 2 || p[1] != 0 ? APP_PROBE_MAYBE : APP_PROBE_NO;
    if (p[1] == 0 || p[2] > 2)
        return APP_PROBE_NO;
    size_t whole = 2 + (size_t)p[1];
    if (n < whole)
        return APP_PROBE_MAYBE;
    return n == whole ? APP_PROBE_YES : APP_PROBE_NO;
}

static enum app_probe socks_probe(const uint8_t *p, size_t n, bool from_orig)
{
    if (!from_orig)
        return APP_PROBE_NO;
    if (n == 0)
        return APP_PROBE_MAYBE;
    if (p[0] == 4)
        return probe_v4(p, n);
    if (p[0] == 5)
        return probe_v5(p, n);
    return APP_PROBE_NO;
}

static const uint16_t socks_ports[] = {1080};

const struct app_parser socks_parser = {
    .name = "socks",
    .ipproto = 6,
    .ports = socks_ports,
    .n_ports = sizeof(socks_ports) / sizeof(socks_ports[0]),
    .skip_partial = true, /* Zeek's SOCKS analyzer punts on partial connections */
    .probe = socks_probe,
    .state_size = sizeof(struct socks_state),
    .data = socks_data,
    .gap = socks_gap,
    .close = socks_close,
};
