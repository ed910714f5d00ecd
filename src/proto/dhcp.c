/* DHCP (RFC 2131/2132) over UDP 67/68: the BOOTP header and its options,
 * published per datagram (Suricata's view) and aggregated per transaction
 * ID the way Zeek's base/protocols/dhcp/main.zeek builds dhcp.log. A lease
 * spans connections (0.0.0.0 -> broadcast, server -> client), so the
 * aggregation lives in the per-worker state (the engine sends all of IPv4
 * DHCP to one worker) and each row carries the uids of its connections. */
#include "proto/dhcp.h"
#include "util/reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOOTP_FIXED_LEN 236          /* op .. file */
#define DHCP_COOKIE 0x63825363u
#define US_PER_S 1000000LL
/* Zeek's timing: join_data entries expire 10 s after creation and are then
 * re-checked every 5 s; one is logged once 5 s passed without a message or
 * DHCP::max_txid_watch_time (30 s) since the first one. */
#define FIRST_CHECK_US (10 * US_PER_S)
#define RECHECK_US (5 * US_PER_S)
#define IDLE_US (5 * US_PER_S)
#define MAX_WATCH_US (30 * US_PER_S)

enum {
    OPT_PAD = 0,
    OPT_HOST_NAME = 12,
    OPT_DOMAIN_NAME = 15,
    OPT_REQUESTED_ADDR = 50,
    OPT_LEASE = 51,
    OPT_OVERLOAD = 52,
    OPT_MSG_TYPE = 53,
    OPT_MESSAGE = 56,
    OPT_CLIENT_ID = 61,
    OPT_CLIENT_FQDN = 81,
    OPT_END = 255,
};

/* Per connection: only the datagram being parsed (too big for the stack). */
struct dhcp_state {
    struct dhcp_message msg;
};

/* One watched xid. The index is kept apart from the (large) summaries so
 * that the per-packet lookup scans a few KB. */
struct watched {
    bool used;
    uint32_t xid;
    int64_t next_check_us;
};

/* Per worker: Zeek's join_data, every connection's messages by xid. Zeek's
 * table is unbounded, a flood of xids must not be: past DHCP_MAX_WATCHED the
 * oldest is logged early. */
struct dhcp_worker {
    size_t n_used;
    int64_t earliest_check_us;   /* no check falls due before it */
    struct watched index[DHCP_MAX_WATCHED];
    struct dhcp_summary summaries[DHCP_MAX_WATCHED];
};

/* ---- parsing ------------------------------------------------------------ */

/* Walks one option area; false when it stopped on an error (truncated or
 * too many options). Pad takes no length byte, End ends the area. */
static bool parse_options(struct dhcp_message *m, struct app_env *env, const uint8_t *p, size_t n, bool overloaded,
                          bool *saw_end)
{
    size_t off = 0;
    while (off < n) {
        uint8_t code = p[off];
        if (code == OPT_END) {
            *saw_end = true;
            return true;
        }
        if (code == OPT_PAD) {
            off++;
            continue;
        }
        if (n - off < 2 || p[off + 1] > n - off - 2) {
            m->truncated_options = true;
            env->weird(env, "DHCP_option_len_gt_pkt", NULL, "DHCP");
            return false;
        }
        if (m->n_options >= DHCP_MAX_OPTIONS) {
            env->weird(env, "DHCP_too_many_options", NULL, "DHCP");
            return false;
        }
        struct dhcp_option *o = &m->options[m->n_options++];
        o->code = code;
        o->len = p[off + 1];
        o->data = p + off + 2;
        o->overloaded = overloaded;
        off += 2 + (size_t)o->len;
    }
    return true;
}

static const struct dhcp_option *find_option(const struct dhcp_message *m, uint8_t code)
{
    for (size_t i = 0; i < m->n_options; i++)
        if (m->options[i].code == code && !m->options[i].overloaded)
            return &m->options[i];
    return NULL;
}

/* False when the datagram is not DHCP (too short, wrong cookie). */
static bool parse_message(struct dhcp_message *m, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    if (n < BOOTP_FIXED_LEN + 4 || load_be32(p + BOOTP_FIXED_LEN) != DHCP_COOKIE)
        return false;
    memset(m, 0, offsetof(struct dhcp_message, options));
    m->ts_us = env->ts_us;
    m->from_orig = from_orig;
    m->op = p[0];
    m->htype = p[1];
    m->hlen = p[2];
    m->hops = p[3];
    m->xid = load_be32(p + 4);
    m->secs = (uint16_t)(p[8] << 8 | p[9]);
    m->flags = (uint16_t)(p[10] << 8 | p[11]);
    memcpy(m->ciaddr, p + 12, 4);
    memcpy(m->yiaddr, p + 16, 4);
    memcpy(m->siaddr, p + 20, 4);
    memcpy(m->giaddr, p + 24, 4);
    memcpy(m->chaddr, p + 28, 16);
    const uint8_t *sname = p + 44, *file = p + 108;

    bool end = false;
    parse_options(m, env, p + BOOTP_FIXED_LEN + 4, n - BOOTP_FIXED_LEN - 4, false, &end);
    m->saw_end = end;
    /* Option 52: more options in file (1), sname (2) or both (3), in
     * that order (RFC 2131 4.1). Zeek ignores them; Suricata 9 logs them. */
    const struct dhcp_option *ov = find_option(m, OPT_OVERLOAD);
    if (ov != NULL && ov->len >= 1 && ov->data[0] >= 1 && ov->data[0] <= 3) {
        bool ignored = false;
        if (ov->data[0] & 1)
            parse_options(m, env, file, 128, true, &ignored);
        if (ov->data[0] & 2)
            parse_options(m, env, sname, 64, true, &ignored);
    }
    const struct dhcp_option *t = find_option(m, OPT_MSG_TYPE);
    if (t != NULL && t->len >= 1) {
        m->has_msg_type = true;
        m->msg_type = t->data[0];
    }
    return true;
}

/* ---- Zeek's aggregation ------------------------------------------------- */

/* zeek::fmt_mac: 6 bytes, or 8 when bytes 7-8 are not zero; "" when the
 * address is neither. */
static void fmt_mac(char out[DHCP_MAC_STRLEN], const uint8_t *m, size_t len)
{
    out[0] = '\0';
    if (len < 8 && len != 6)
        return;
    if (len == 6 || (m[6] == 0 && m[7] == 0))
        snprintf(out, DHCP_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    else
        snprintf(out, DHCP_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5],
                 m[6], m[7]);
}

static void text_set(struct dhcp_text *t, const uint8_t *p, size_t n)
{
    if (n > sizeof t->bytes)
        n = sizeof t->bytes;
    memcpy(t->bytes, p, n);
    t->len = (uint8_t)(n > 255 ? 255 : n);
    t->set = true;
}

static bool addr_is(const struct ip_addr *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
    const uint8_t v4[4] = {b0, b1, b2, b3};
    struct ip_addr x;
    ip_addr_from_v4(&x, v4);
    return ip_addr_cmp(a, &x) == 0;
}

static bool v4_zero(const uint8_t a[4])
{
    return (a[0] | a[1] | a[2] | a[3]) == 0;
}

static void publish_summary(struct dhcp_worker *w, struct app_env *env, size_t i)
{
    struct dhcp_summary *s = &w->summaries[i];
    /* No client-id and no server chaddr: the client's chaddr is the mac. */
    if (s->mac[0] == '\0' && s->has_client_chaddr)
        memcpy(s->mac, s->client_chaddr, sizeof s->mac);
    struct dhcp_txn t = {.kind = DHCP_TXN_SUMMARY, .summary = s};
    env->publish(env, EVENT_DHCP, &t);
    w->index[i].used = false;
    w->n_used--;
}

/* join_data_expiration for the checks that fell due by `now`, the packet
 * time that makes Zeek's timers fire. */
static void expire_due(struct dhcp_worker *w, struct app_env *env, int64_t now)
{
    if (w->n_used == 0 || now < w->earliest_check_us)
        return;
    int64_t earliest = INT64_MAX;
    for (size_t i = 0; i < DHCP_MAX_WATCHED; i++) {
        struct watched *x = &w->index[i];
        if (!x->used)
            continue;
        if (x->next_check_us <= now) {
            const struct dhcp_summary *s = &w->summaries[i];
            if (now - s->last_us > IDLE_US || now - s->ts_us > MAX_WATCH_US) {
                publish_summary(w, env, i);
                continue;
            }
            x->next_check_us = now + RECHECK_US;
        }
        if (x->next_check_us < earliest)
            earliest = x->next_check_us;
    }
    w->earliest_check_us = earliest;
}

static size_t oldest_watched(const struct dhcp_worker *w)
{
    size_t oldest = DHCP_MAX_WATCHED;
    for (size_t i = 0; i < DHCP_MAX_WATCHED; i++)
        if (w->index[i].used && (oldest == DHCP_MAX_WATCHED || w->summaries[i].ts_us < w->summaries[oldest].ts_us))
            oldest = i;
    return oldest;
}

static size_t watch_xid(struct dhcp_worker *w, struct app_env *env, uint32_t xid, int64_t now)
{
    size_t slot = DHCP_MAX_WATCHED;
    for (size_t i = 0; i < DHCP_MAX_WATCHED; i++) {
        if (w->index[i].used && w->index[i].xid == xid)
            return i;
        if (!w->index[i].used && slot == DHCP_MAX_WATCHED)
            slot = i;
    }
    if (slot == DHCP_MAX_WATCHED) {
        /* Every slot busy (a flood of xids): log the oldest early. */
        if (env->weird)
            env->weird(env, "DHCP_too_many_transactions", NULL, "DHCP");
        slot = oldest_watched(w);
        publish_summary(w, env, slot);
    }
    struct watched *x = &w->index[slot];
    x->used = true;
    x->xid = xid;
    x->next_check_us = now + FIRST_CHECK_US;
    if (w->n_used == 0 || x->next_check_us < w->earliest_check_us)
        w->earliest_check_us = x->next_check_us;
    w->n_used++;
    struct dhcp_summary *s = &w->summaries[slot];
    memset(s, 0, sizeof *s);
    s->ts_us = now;
    s->last_us = now;
    s->xid = xid;
    return slot;
}

static void add_uid(struct dhcp_summary *s, const char *uid)
{
    size_t len = strnlen(uid, UID_LEN - 1);
    for (size_t i = 0; i < s->n_uids; i++)
        if (strncmp(s->uids[i], uid, UID_LEN) == 0)
            return;
    if (s->n_uids >= DHCP_MAX_UIDS)
        return;
    memcpy(s->uids[s->n_uids], uid, len);
    s->uids[s->n_uids][len] = '\0';
    s->n_uids++;
}

/* Zeek's is_client: the sender is the originator and the connection looks
 * like a client's (an unconfigured source, or the client/server ports);
 * a server broadcasting to 255.255.255.255 is an originator too. */
static bool sent_by_client(const struct app_conn *c, bool from_orig)
{
    return from_orig && (addr_is(&c->orig_h, 0, 0, 0, 0) || c->orig_p == 68 || c->resp_p == 67);
}

/* DHCP::aggregate_msgs, priorities 1000 and 5. */
static void aggregate(struct dhcp_worker *w, struct app_env *env, const struct dhcp_message *m)
{
    const struct app_conn *c = env->conn;
    size_t slot = watch_xid(w, env, m->xid, m->ts_us);
    struct dhcp_summary *s = &w->summaries[slot];
    s->last_us = m->ts_us;
    add_uid(s, c->uid);
    if (s->n_msg_types < DHCP_MAX_MSG_TYPES)
        s->msg_types[s->n_msg_types++] = m->has_msg_type ? m->msg_type : 0;

    bool is_client = sent_by_client(c, m->from_orig);
    const struct dhcp_option *o = find_option(m, OPT_MESSAGE);
    if (o != NULL)
        text_set(is_client ? &s->client_message : &s->server_message, o->data, o->len);

    if (is_client) {
        if (!addr_is(&c->orig_h, 0, 0, 0, 0) && !addr_is(&c->orig_h, 255, 255, 255, 255)) {
            s->client_addr = c->orig_h;
            s->has_client_addr = true;
        }
        if ((o = find_option(m, OPT_HOST_NAME)) != NULL)
            text_set(&s->host_name, o->data, o->len);
        if ((o = find_option(m, OPT_CLIENT_FQDN)) != NULL && o->len >= 3)
            text_set(&s->client_fqdn, o->data + 3, o->len - 3u);
        o = find_option(m, OPT_CLIENT_ID);
        if (o != NULL && o->len >= 1 && o->data[0] == 1) {
            fmt_mac(s->mac, o->data + 1, o->len - 1u);
        } else {
            fmt_mac(s->client_chaddr, m->chaddr, sizeof m->chaddr);
            s->has_client_chaddr = true;
        }
        if ((o = find_option(m, OPT_REQUESTED_ADDR)) != NULL && o->len >= 4) {
            ip_addr_from_v4(&s->requested_addr, o->data);
            s->has_requested_addr = true;
        }
    } else {
        /* Only a server that hands out an address is logged: the sender,
         * whichever end of the connection it is. */
        if (!v4_zero(m->yiaddr)) {
            s->server_addr = m->from_orig ? c->orig_h : c->resp_h;
            s->has_server_addr = true;
        }
        if (s->mac[0] == '\0')
            fmt_mac(s->mac, m->chaddr, sizeof m->chaddr);
        if (!v4_zero(m->yiaddr)) {
            ip_addr_from_v4(&s->assigned_addr, m->yiaddr);
            s->has_assigned_addr = true;
        }
        if (!s->has_client_addr && s->has_assigned_addr) {
            s->client_addr = s->assigned_addr;
            s->has_client_addr = true;
        }
        if ((o = find_option(m, OPT_DOMAIN_NAME)) != NULL) {
            /* Zeek keeps up to the last non-NUL byte, and nothing when
             * that is the first byte. */
            size_t last = 0;
            for (size_t i = 0; i < o->len; i++)
                if (o->data[i] != 0)
                    last = i;
            text_set(&s->domain, o->data, last == 0 ? 0 : last + 1);
        }
        if ((o = find_option(m, OPT_LEASE)) != NULL && o->len >= 4) {
            s->lease_time_s = load_be32(o->data);
            s->has_lease_time = true;
        }
    }
    /* Zeek logs early once uids or msg_types reach their caps; no message
     * type ends a transaction by itself. */
    if (s->n_uids >= DHCP_MAX_UIDS || s->n_msg_types >= DHCP_MAX_MSG_TYPES)
        publish_summary(w, env, slot);
}

/* ---- parser interface --------------------------------------------------- */

static void dhcp_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct dhcp_state *st = state;
    struct dhcp_worker *w = env->worker_state;
    if (w != NULL)
        expire_due(w, env, env->ts_us);
    struct dhcp_message *m = &st->msg;
    if (!parse_message(m, env, from_orig, p, n))
        return;
    struct dhcp_txn t = {.kind = DHCP_TXN_MESSAGE, .msg = m};
    env->publish(env, EVENT_DHCP, &t);
    /* Zeek's binpac parser throws, and raises no dhcp_message, when the
     * options run out before End. Without a worker state (out of memory)
     * there is nowhere to aggregate: only the EVE events are written. */
    if (w != NULL && m->saw_end && !m->truncated_options)
        aggregate(w, env, m);
}

static void dhcp_open(void *state)
{
    memset(state, 0, sizeof(struct dhcp_state));
}

/* A connection's end ends nothing: its xids stay watched in the worker
 * state, as Zeek's join_data outlives connections. */
static void dhcp_close(void *state, struct app_env *env)
{
    (void)state;
    (void)env;
}

static void *dhcp_worker_open(void)
{
    return calloc(1, sizeof(struct dhcp_worker));
}

/* zeek_done: whatever is still watched gets logged, oldest first. */
static void dhcp_worker_close(void *worker_state, struct app_env *env)
{
    struct dhcp_worker *w = worker_state;
    if (w == NULL)
        return;
    size_t i;
    while (w->n_used > 0 && (i = oldest_watched(w)) < DHCP_MAX_WATCHED)
        publish_summary(w, env, i);
    free(w);
}

static enum app_probe dhcp_probe(const uint8_t *p, size_t n, bool from_orig)
{
    (void)from_orig;
    if (n < BOOTP_FIXED_LEN + 4)
        return APP_PROBE_NO;
    if ((p[0] != 1 && p[0] != 2) || load_be32(p + BOOTP_FIXED_LEN) != DHCP_COOKIE)
        return APP_PROBE_NO;
    return APP_PROBE_YES;
}

static const uint16_t dhcp_ports[] = {67, 68, 4011};

const struct app_parser dhcp_parser = {
    .name = "dhcp",
    .ipproto = 17,
    .ports = dhcp_ports,
    .n_ports = sizeof dhcp_ports / sizeof dhcp_ports[0],
    .probe = dhcp_probe,
    .state_size = sizeof(struct dhcp_state),
    .open = dhcp_open,
    .data = dhcp_data,
    .gap = NULL,
    .close = dhcp_close,
    .worker_open = dhcp_worker_open,
    .worker_close = dhcp_worker_close,
};
