/* RDP's connection sequence (MS-RDPBCGR 1.3.1.1) in TPKT/X.224 frames: the
 * client's Connection Request with its "Cookie: mstshash=" line and
 * RDP_NEG_REQ, the server's Connection Confirm with RDP_NEG_RSP or
 * RDP_NEG_FAILURE, and with standard RDP security the client's MCS
 * Connect-Initial, whose GCC user data hold the client core and network
 * blocks. Zeek's main.zeek writes the row when the session has a cookie,
 * keyboard layout or result, at the end (or after rdp_check_interval): here
 * at the end of the parser, which a TLS hand-over also is. */
#include "proto/rdp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ber.h"
#include "util/bytes.h"
#include "util/reader.h"

#define TPKT_MAX 16384          /* a Connect-Initial is a few hundred bytes; larger is not RDP */
#define X224_CR 0xe0
#define X224_CC 0xd0
#define X224_DATA 0xf0

struct rdp_dir {
    uint8_t buf[TPKT_MAX];
    size_t len;
};

struct rdp_state {
    struct rdp_dir dir[2];
    struct rdp_info info;
    bool session, logged, stopped;
    bool saw_request, saw_confirm, saw_connect;
};

static const char *failure_name(uint32_t code)
{
    static const char *const names[] = {
        NULL, "SSL_REQUIRED_BY_SERVER", "SSL_NOT_ALLOWED_BY_SERVER", "SSL_CERT_NOT_ON_SERVER",
        "INCONSISTENT_FLAGS", "HYBRID_REQUIRED_BY_SERVER", "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER",
    };
    return code < sizeof names / sizeof *names ? names[code] : NULL;
}

static void weird(struct app_env *env, const char *name)
{
    if (env->weird)
        env->weird(env, name, NULL, "RDP");
}

static void set_session(struct rdp_state *st, struct app_env *env)
{
    if (!st->session) {
        st->session = true;
        st->info.ts_us = env->ts_us;
    }
}

static void emit(struct rdp_state *st, struct app_env *env, enum rdp_event ev)
{
    struct rdp_txn t = {ev, env->ts_us, &st->info};
    env->publish(env, EVENT_RDP, &t);
}

/* ---- X.224 --------------------------------------------------------------------- */

/* "Cookie: mstshash=NAME\r\n" (Zeek keeps NAME; no cookie is an empty one). */
static size_t parse_cookie(struct rdp_info *info, const uint8_t *p, size_t n)
{
    static const char prefix[] = "Cookie: mstshash=";
    size_t k = sizeof prefix - 1;
    info->has_cookie = true;
    info->cookie_len = 0;
    if (n < k || memcmp(p, prefix, k) != 0) {
        /* a routing token ("Cookie: msts=...") or none: skip its line */
        if (n >= 8 && memcmp(p, "Cookie: ", 8) == 0) {
            for (size_t i = 0; i + 1 < n; i++)
                if (p[i] == '\r' && p[i + 1] == '\n')
                    return i + 2;
            return n;
        }
        return 0;
    }
    size_t i = k;
    while (i < n && p[i] != '\r')
        i++;
    size_t len = i - k < RDP_COOKIE_MAX - 1 ? i - k : RDP_COOKIE_MAX - 1;
    memcpy(info->cookie, p + k, len);
    info->cookie[len] = '\0';
    info->cookie_len = len;
    return i + 2 <= n ? i + 2 : n;
}

static void connection_request(struct rdp_state *st, struct app_env *env, const uint8_t *p, size_t n)
{
    /* p: after the fixed CR header (DST-REF, SRC-REF, class) */
    set_session(st, env);
    size_t used = parse_cookie(&st->info, p, n);
    p += used;
    n -= used;
    if (n >= 8 && p[0] == 0x01 && load_le16(p + 2) == 8) {
        st->info.has_requested = true;
        st->info.request_flags = p[1];
        st->info.requested_protocols = load_le32(p + 4);
    }
    st->saw_request = true;
    emit(st, env, RDP_EVENT_REQUEST);
}

/* true when the server chose TLS or CredSSP: the TLS parser takes over. */
static bool connection_confirm(struct rdp_state *st, struct app_env *env, const uint8_t *p, size_t n)
{
    set_session(st, env);
    st->saw_confirm = true;
    bool tls = false;
    if (n >= 8 && p[0] == 0x02) {
        st->info.has_security_protocol = true;
        st->info.security_protocol = load_le32(p + 4);
        st->info.response_flags = p[1];
        if (st->info.security_protocol != 0) {
            /* Zeek's rdp_begin_encryption */
            if (st->info.result == NULL)
                st->info.result = "encrypted";
            tls = true;
        }
    } else if (n >= 8 && p[0] == 0x03) {
        st->info.has_failure = true;
        st->info.failure_code = load_le32(p + 4);
        st->info.result = failure_name(st->info.failure_code);
        if (st->info.result == NULL)
            st->info.result = "unknown";
    }
    emit(st, env, RDP_EVENT_RESPONSE);
    return tls;
}

/* ---- MCS Connect-Initial (T.125 BER) and GCC user data (MS-RDPBCGR 2.2.1.3) ---- */

/* UTF-16LE to ASCII/UTF-8 up to the first NUL, as Zeek's utf16_to_utf8 of a fixed field. */
static void utf16_field(char *out, size_t cap, const uint8_t *p, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i + 1 < n && k + 4 < cap; i += 2) {
        uint32_t c = load_le16(p + i);
        if (c == 0)
            break;
        if (c < 0x80) {
            out[k++] = (char)c;
        } else if (c < 0x800) {
            out[k++] = (char)(0xc0 | c >> 6);
            out[k++] = (char)(0x80 | (c & 0x3f));
        } else {
            out[k++] = (char)(0xe0 | c >> 12);
            out[k++] = (char)(0x80 | ((c >> 6) & 0x3f));
            out[k++] = (char)(0x80 | (c & 0x3f));
        }
    }
    out[k] = '\0';
}

static const char *high_color_depth(uint32_t v)
{
    switch (v) {
    case 0x04: return "4bit";
    case 0x08: return "8bit";
    case 0x0f: return "15bit";
    case 0x10: return "16bit";
    case 0x18: return "24bit";
    default: return NULL;
    }
}

static void client_core(struct rdp_info *info, const uint8_t *p, size_t n)
{
    /* offsets from the block's start (its 4-byte header included) */
    if (n < 132)
        return;
    info->has_core = true;
    info->desktop_width = (uint16_t)load_le16(p + 8);
    info->desktop_height = (uint16_t)load_le16(p + 10);
    info->keyboard_layout = load_le32(p + 16);
    info->client_build = load_le32(p + 20);
    utf16_field(info->client_name, sizeof info->client_name, p + 24, 32);
    /* optional fields, each present only when the block is long enough (2.2.1.3.2) */
    if (n >= 142)
        info->color_depth = high_color_depth(load_le16(p + 140));
    if (n >= 146 && (load_le16(p + 144) & 0x0002)) /* RNS_UD_CS_WANT_32BPP_SESSION */
        info->color_depth = "32bit";
    if (n >= 210) {
        info->has_dig_product_id = true;
        utf16_field(info->dig_product_id, sizeof info->dig_product_id, p + 146, 64);
    }
}

static void client_network(struct rdp_info *info, const uint8_t *p, size_t n)
{
    if (n < 8)
        return;
    uint32_t count = load_le32(p + 4);
    info->has_channels = true;
    for (uint32_t i = 0; i < count && info->n_channels < RDP_CHANNELS_MAX && 8 + 12 * (size_t)(i + 1) <= n; i++) {
        const uint8_t *c = p + 8 + 12 * (size_t)i;
        size_t len = 0;
        while (len < 8 && c[len] != 0)
            len++;
        memcpy(info->channels[info->n_channels], c, len);
        info->channels[info->n_channels][len] = '\0';
        info->n_channels++;
    }
}

/* The GCC Conference Create Request's user data follow the H.221 key "Duca"
 * and a PER length; then the client blocks, each type and length (LE). */
static bool gcc_user_data(struct rdp_info *info, const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i + 4 <= n && memcmp(p + i, "Duca", 4) != 0)
        i++;
    if (i + 4 > n)
        return false;
    i += 4;
    if (i >= n)
        return false;
    i += (p[i] & 0x80) ? 2 : 1; /* PER length of the blocks */
    while (i + 4 <= n) {
        uint32_t type = load_le16(p + i), len = load_le16(p + i + 2);
        if (len < 4 || len > n - i)
            break;
        if (type == 0xc001)
            client_core(info, p + i, len);
        else if (type == 0xc003)
            client_network(info, p + i, len);
        i += len;
    }
    return true;
}

static void connect_initial(struct rdp_state *st, struct app_env *env, const uint8_t *p, size_t n)
{
    /* MCS Connect-Initial: [APPLICATION 101] { ..., userData OCTET STRING } */
    struct byte_reader r = {p, n, 0, false};
    struct ber_item ci, it;
    if (!ber_next(&r, &ci) || ci.cls != BER_APPLICATION || ci.tag != 101)
        return;
    struct byte_reader in = ber_contents(&ci);
    while (reader_left(&in) > 0 && ber_next(&in, &it))
        if (it.cls == BER_UNIVERSAL && it.tag == BER_TAG_OCTET_STRING && it.len > 8 &&
            gcc_user_data(&st->info, it.value, it.len)) {
            st->saw_connect = true;
            if (st->info.has_core)
                emit(st, env, RDP_EVENT_CONNECT);
            return;
        }
}

/* ---- framing -------------------------------------------------------------------- */

static void publish_row(struct rdp_state *st, struct app_env *env)
{
    if (!st->session || st->logged)
        return;
    st->logged = true;
    if (st->info.has_cookie || st->info.has_core || st->info.result != NULL) {
        struct rdp_txn t = {RDP_EVENT_LOG, st->info.ts_us, &st->info};
        env->publish(env, EVENT_RDP, &t);
    }
}

/* One TPKT; false when the parser is done with the connection. */
static bool tpkt(struct rdp_state *st, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    if (n < 7)
        return true;
    uint8_t li = p[4], code = p[5] & 0xf0;
    if (from_orig && !st->saw_request && code == X224_CR && n >= 11) {
        connection_request(st, env, p + 11, n - 11);
        return true;
    }
    if (!from_orig && !st->saw_confirm && code == X224_CC && n >= 11) {
        if (connection_confirm(st, env, p + 11, n - 11)) {
            publish_row(st, env);
            if (env->hand_over)
                env->hand_over(env, "ssl");
            return false;
        }
        return true;
    }
    if (from_orig && code == X224_DATA && !st->saw_connect && (size_t)li + 5 <= n) {
        connect_initial(st, env, p + 5 + li, n - 5 - li);
        return !st->saw_connect; /* nothing after it is read */
    }
    return true;
}

static void rdp_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct rdp_state *st = state;
    struct rdp_dir *d = &st->dir[from_orig ? 0 : 1];
    while (n > 0 && !st->stopped) {
        size_t need = 4;
        if (d->len >= 4) {
            if (d->buf[0] != 3) {
                /* after the negotiation, fast-path PDUs are not TPKTs: nothing more to read */
                if (!st->saw_request)
                    weird(env, "RDP_not_tpkt");
                st->stopped = true;
                return;
            }
            need = load_be16(d->buf + 2);
            if (need < 7 || need > TPKT_MAX) {
                weird(env, "RDP_bad_tpkt_length");
                st->stopped = true;
                return;
            }
        }
        bytes_fill(d->buf, &d->len, need, &p, &n);
        if (d->len == need && need > 4) {
            d->len = 0;
            if (!tpkt(st, env, from_orig, d->buf, need))
                st->stopped = true;
        }
    }
}

static void rdp_gap(void *state, struct app_env *env, bool from_orig, uint64_t len)
{
    struct rdp_state *st = state;
    st->stopped = true;
}

static void rdp_close(void *state, struct app_env *env)
{
    publish_row(state, env);
}

/* TPKT version 3 and an X.224 Connection Request (Zeek's dpd signature). */
static enum app_probe rdp_probe(const uint8_t *p, size_t n, bool from_orig)
{
    if (!from_orig)
        return APP_PROBE_NO;
    if (n < 6)
        return n >= 1 && p[0] != 3 ? APP_PROBE_NO : APP_PROBE_MAYBE;
    if (p[0] != 3 || p[1] != 0 || (p[5] & 0xf0) != X224_CR)
        return APP_PROBE_NO;
    return APP_PROBE_YES;
}

static const uint16_t rdp_ports[] = {3389};

const struct app_parser rdp_parser = {
    .name = "rdp",
    .ipproto = 6,
    .ports = rdp_ports,
    .n_ports = 1,
    .probe = rdp_probe,
    .state_size = sizeof(struct rdp_state),
    .data = rdp_data,
    .gap = rdp_gap,
    .close = rdp_close,
};
