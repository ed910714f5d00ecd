/* OpenVPN over TCP (1194): each packet behind a 2-byte length. The control
 * channel (P_CONTROL_HARD_RESET_*, P_CONTROL_V1, P_ACK_V1) carries a TLS
 * session in the payload of its P_CONTROL_V1 packets, in the order of their
 * message packet ids; that byte stream goes to the TLS parser, so the
 * tunnel's handshake gets its ssl.log row, JA3/JA3S/JA4 and certificates
 * ("openvpn,ssl" in conn.log). With --tls-auth each control packet carries
 * an HMAC, a packet id and a time after the session id: its size (SHA-1,
 * SHA-256 or SHA-512) is learned from the client's hard reset, whose length
 * is fixed. --tls-crypt encrypts the control channel: nothing to read, the
 * parser stops. Data packets are skipped unread. */
#include <stdlib.h>
#include <string.h>

#include "proto/tls.h"
#include "proto/tls_carriers.h"
#include "util/bytes.h"
#include "util/reader.h"

enum {
    OP_HARD_RESET_CLIENT_V1 = 1,
    OP_HARD_RESET_SERVER_V1 = 2,
    OP_SOFT_RESET_V1 = 3,
    OP_CONTROL_V1 = 4,
    OP_ACK_V1 = 5,
    OP_DATA_V1 = 6,
    OP_HARD_RESET_CLIENT_V2 = 7,
    OP_HARD_RESET_SERVER_V2 = 8,
    OP_DATA_V2 = 9,
    OP_HARD_RESET_CLIENT_V3 = 10,
};

/* Control packets are at most a TLS fragment (OpenVPN's tls-mtu, 1250 by
 * default) plus headers; a longer one is skipped. */
#define OPENVPN_FRAME_MAX 2048
#define OPENVPN_SESSION_ID 8
#define OPENVPN_ACKS_MAX 8          /* ack_array length: OpenVPN's RELIABLE_ACK_SIZE */
#define OPENVPN_NO_AUTH (-1)

struct openvpn_dir {
    uint8_t len_bytes[2];
    size_t len_have;            /* bytes of the length prefix read */
    size_t frame_len, frame_have;
    uint8_t frame[OPENVPN_FRAME_MAX];
    uint32_t next_msg_id;       /* the TLS stream's next control packet */
};

struct openvpn_state {
    struct openvpn_dir dir[2];  /* [0] server, [1] client */
    int auth_len;               /* bytes of HMAC + packet id + time; OPENVPN_NO_AUTH: not known yet */
    bool stopped;
    bool noted;
    void *tls;                  /* the TLS parser's state */
};

static bool is_reset(uint8_t op)
{
    return op == OP_HARD_RESET_CLIENT_V1 || op == OP_HARD_RESET_SERVER_V1 || op == OP_HARD_RESET_CLIENT_V2 ||
           op == OP_HARD_RESET_SERVER_V2 || op == OP_HARD_RESET_CLIENT_V3 || op == OP_SOFT_RESET_V1;
}

/* The client's first hard reset has no acks and no payload: what is left
 * after the fixed fields is the tls-auth block, one of its known sizes. */
static int auth_len_of_reset(size_t frame_len)
{
    static const int sizes[] = {0, 20 + 8, 32 + 8, 64 + 8};
    size_t fixed = 1 + OPENVPN_SESSION_ID + 1 + 4;
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        if (frame_len == fixed + (size_t)sizes[i])
            return sizes[i];
    return OPENVPN_NO_AUTH;
}

static void feed_tls(struct openvpn_state *st, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    if (st->tls == NULL) {
        st->tls = calloc(1, tls_parser.state_size);
        if (st->tls == NULL)
            return;
        if (tls_parser.open)
            tls_parser.open(st->tls);
    }
    if (!st->noted && env->add_service != NULL) {
        st->noted = true;
        env->add_service(env, "openvpn");
        env->add_service(env, "ssl");
    }
    tls_parser.data(st->tls, env, from_orig, p, n);
}

static void control_packet(struct openvpn_state *st, struct app_env *env, bool from_orig, const uint8_t *f,
                           size_t n)
{
    uint8_t op = f[0] >> 3;
    if (op == OP_DATA_V1 || op == OP_DATA_V2)
        return;
    if (st->auth_len == OPENVPN_NO_AUTH) {
        if (!from_orig || !is_reset(op) || (st->auth_len = auth_len_of_reset(n)) == OPENVPN_NO_AUTH) {
            st->stopped = true; /* tls-crypt, or not OpenVPN */
            return;
        }
    }
    struct byte_reader r = {.p = f, .n = n};
    reader_bytes(&r, 1 + OPENVPN_SESSION_ID + (size_t)st->auth_len);
    uint32_t acks = reader_u8(&r);
    if (acks > OPENVPN_ACKS_MAX) {
        st->stopped = true;
        return;
    }
    reader_bytes(&r, acks * 4 + (acks ? OPENVPN_SESSION_ID : 0));
    if (op == OP_ACK_V1 || !reader_has(&r, 4))
        return;
    uint32_t msg_id = reader_u32(&r);
    struct openvpn_dir *d = &st->dir[from_orig ? 1 : 0];
    if (msg_id != d->next_msg_id)
        return; /* a retransmission (or a loss we cannot fill) */
    d->next_msg_id++;
    if (op == OP_CONTROL_V1 && reader_left(&r) > 0)
        feed_tls(st, env, from_orig, r.p + r.off, reader_left(&r));
}

static void openvpn_deliver(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct openvpn_state *st = state;
    struct openvpn_dir *d = &st->dir[from_orig ? 1 : 0];
    while (n > 0 && !st->stopped) {
        if (d->len_have < 2) {
            if (bytes_fill_be16(d->len_bytes, &d->len_have, &p, &n, &d->frame_len))
                d->frame_have = 0;
            continue;
        }
        size_t want = d->frame_len - d->frame_have;
        size_t take = want < n ? want : n;
        if (d->frame_have + take <= OPENVPN_FRAME_MAX)
            memcpy(d->frame + d->frame_have, p, take);
        d->frame_have += take;
        p += take;
        n -= take;
        if (d->frame_have < d->frame_len)
            continue;
        d->len_have = 0;
        if (d->frame_len > 0 && d->frame_len <= OPENVPN_FRAME_MAX)
            control_packet(st, env, from_orig, d->frame, d->frame_len);
    }
}

static void openvpn_gap(void *state, struct app_env *env, bool from_orig, uint64_t len)
{
    struct openvpn_state *st = state;
    st->stopped = true; /* the framing is lost */
}

static void openvpn_close(void *state, struct app_env *env)
{
    struct openvpn_state *st = state;
    if (st->tls != NULL) {
        if (tls_parser.close)
            tls_parser.close(st->tls, env);
        free(st->tls);
        st->tls = NULL;
    }
}

static void openvpn_open(void *state)
{
    struct openvpn_state *st = state;
    st->auth_len = OPENVPN_NO_AUTH;
}

static enum app_probe openvpn_probe(const uint8_t *p, size_t n, bool from_orig)
{
    if (!from_orig)
        return APP_PROBE_NO;
    if (n < 3)
        return APP_PROBE_MAYBE;
    uint8_t op = p[2] >> 3;
    if (op != OP_HARD_RESET_CLIENT_V2 && op != OP_HARD_RESET_CLIENT_V3)
        return APP_PROBE_NO;
    return auth_len_of_reset(load_be16(p)) != OPENVPN_NO_AUTH ? APP_PROBE_YES : APP_PROBE_NO;
}

static const uint16_t openvpn_ports[] = {1194};

const struct app_parser openvpn_parser = {
    .name = "openvpn",
    .ipproto = 6,
    .ports = openvpn_ports,
    .n_ports = 1,
    .no_service = true, /* "openvpn,ssl" once the TLS session starts */
    .probe = openvpn_probe,
    .state_size = sizeof(struct openvpn_state),
    .open = openvpn_open,
    .data = openvpn_deliver,
    .gap = openvpn_gap,
    .close = openvpn_close,
};
