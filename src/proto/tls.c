/* TLS 1.0-1.3 over reassembled TCP, as Zeek's SSL analyzer sees it: the
 * record layer, the clear-text handshake (ClientHello, ServerHello,
 * Certificate, key exchanges), ChangeCipherSpec and alerts. Once Zeek would
 * call the session established it logs and detaches, and so do we: the
 * encrypted stream is never parsed.
 *
 * Per direction, record bodies are not buffered: only the 5-byte header,
 * an alert's 2 bytes and handshake messages (which may span records, and
 * several of which may share one) are kept, the latter in a buffer of at
 * most TLS_HS_BUF_MAX bytes. */
#include "proto/tls.h"
#include "util/bytes.h"
#include "util/grow.h"
#include "util/reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/tls_fingerprint.h"
#include "proto/tls_session.h"
#include "proto/x509.h"

/* Largest handshake message reassembled; bigger ones are skipped (weird).
 * Certificate chains get more room: Zeek's own tests carry a 330 KiB one. */
#define TLS_HS_BUF_MAX (64 * 1024)
#define TLS_CERT_MSG_MAX (512 * 1024)

enum {
    CT_CHANGE_CIPHER_SPEC = 20,
    CT_ALERT = 21,
    CT_HANDSHAKE = 22,
    CT_APPLICATION_DATA = 23,
    CT_HEARTBEAT = 24,
};

enum {
    HS_HELLO_REQUEST = 0,
    HS_CLIENT_HELLO = 1,
    HS_SERVER_HELLO = 2,
    HS_HELLO_VERIFY_REQUEST = 3,
    HS_SESSION_TICKET = 4,
    HS_END_OF_EARLY_DATA = 5,
    HS_HELLO_RETRY_REQUEST = 6,
    HS_ENCRYPTED_EXTENSIONS = 8,
    HS_CERTIFICATE = 11,
    HS_SERVER_KEY_EXCHANGE = 12,
    HS_CERTIFICATE_REQUEST = 13,
    HS_SERVER_HELLO_DONE = 14,
    HS_CERTIFICATE_VERIFY = 15,
    HS_CLIENT_KEY_EXCHANGE = 16,
    HS_FINISHED = 20,
    HS_CERTIFICATE_URL = 21,
    HS_CERTIFICATE_STATUS = 22,
    HS_SUPPLEMENTAL_DATA = 23,
    HS_KEY_UPDATE = 24,
    HS_MESSAGE_HASH = 254,
};

enum record_mode {
    REC_HEADER,         /* reading the 5-byte header */
    REC_HANDSHAKE,      /* body goes to the handshake buffer */
    REC_ALERT,          /* first 2 body bytes are the alert */
    REC_SKIP,           /* body is ignored */
};

struct tls_dir {
    enum record_mode mode;
    uint8_t hdr[5];
    size_t hdr_len;
    uint32_t body_left;
    uint8_t alert[2];
    size_t alert_len;
    uint8_t *hs;            /* handshake reassembly, grown up to TLS_HS_BUF_MAX */
    size_t hs_len, hs_cap;
    uint32_t hs_skip;       /* bytes left of an oversized message */
    bool encrypted;
    bool lost;              /* a gap: this direction is no longer parsed */
};

struct tls_state {
    struct tls_dir dir[2];  /* [0] originator (client), [1] responder */
    uint16_t record_layer_version;
    uint16_t negotiated_version; /* 0 until a ServerHello */
    bool session;           /* Zeek's c$ssl exists */
    bool done;              /* logged (established or violation): stop parsing */
    bool hrr_seen;
    bool client_ticket_empty_session_seen;
    bool client_key_exchange_seen;
    bool client_psk_seen;
    bool has_session_id;
    uint8_t session_id[32];
    size_t session_id_len;
    bool server_cert_seen[2];
    char ja4_transport;     /* JA4's first letter: 't' (TCP), 'd' (DTLS) */
    struct tls_txn txn;
    /* Each side's first Certificate message, kept whole for EVE's
     * certificate/chain fields; [0] client, [1] server. */
    uint8_t *kept_cert_msg[2];
    size_t kept_cert_list_len[2];
};

/* One certificate at a time (14 KiB): allocated per Certificate message
 * rather than carried in every connection's state. */
struct cert_scratch {
    struct x509_cert cert;
    struct x509_eve_view eve;
};

static bool is_dtls_version(uint32_t v)
{
    return v == 0xfeff || v == 0xfefd || v == 0xfefc;
}

static void weird(struct app_env *env, const char *name, const char *addl)
{
    if (env != NULL && env->weird != NULL)
        env->weird(env, name, addl, "SSL");
}

static void str_set(struct tls_str *s, const uint8_t *p, size_t n)
{
    s->len = bytes_copy_cstr(s->text, sizeof s->text, p, n);
    s->set = true;
}

/* ---- session bookkeeping (Zeek's ssl/main.zeek) ---- */

static void set_session(struct tls_state *st, struct app_env *env)
{
    if (st->session)
        return;
    st->session = true;
    st->txn.ts_us = env->ts_us;
    st->txn.sni_matches_cert = -1;
}

static void add_history(struct tls_state *st, struct app_env *env, bool from_client, char letter)
{
    struct tls_txn *t = &st->txn;
    if (t->history_len >= TLS_HISTORY_MAX)
        return;
    char c = letter;
    if (from_client && c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    t->history[t->history_len++] = c;
    t->history[t->history_len] = '\0';
    if (t->history_len == TLS_HISTORY_MAX)
        weird(env, "SSL_max_ssl_history_length_reached", NULL);
}

static void publish(struct tls_state *st, struct app_env *env)
{
    if (!st->session || st->done)
        return;
    st->done = true;
    st->txn.eve_ts_us = env != NULL ? env->ts_us : st->txn.ts_us;
    /* the list starts after the 4-byte message header and its 3-byte length */
    st->txn.client_chain = st->kept_cert_msg[0] != NULL ? st->kept_cert_msg[0] + 7 : NULL;
    st->txn.client_chain_len = st->kept_cert_list_len[0];
    st->txn.server_chain = st->kept_cert_msg[1] != NULL ? st->kept_cert_msg[1] + 7 : NULL;
    st->txn.server_chain_len = st->kept_cert_list_len[1];
    if (env != NULL && env->publish != NULL)
        env->publish(env, EVENT_TLS, &st->txn);
}

/* ---- ClientHello ---- */

struct hello_ext {
    uint32_t type;
    struct byte_reader body;
};

static void parse_sni(struct tls_state *st, struct app_env *env, bool from_client, struct byte_reader r)
{
    struct byte_reader list = reader_sub(&r, reader_u16(&r));
    size_t n_names = 0;
    while (reader_left(&list) >= 3) {
        uint32_t type = reader_u8(&list);
        struct byte_reader name = reader_sub(&list, reader_u16(&list));
        if (list.bad)
            break;
        if (type != 0) {
            char addl[64];
            snprintf(addl, sizeof(addl), "%u", (unsigned)type);
            weird(env, "SSL_unknown_server_name_type", addl);
            continue;
        }
        if (name.n == 0) {
            weird(env, "SSL_empty_server_name", NULL);
            continue;
        }
        if (from_client && n_names == 0)
            str_set(&st->txn.server_name, name.p, name.n);
        n_names++;
    }
    if (from_client && n_names > 1)
        weird(env, "SSL_many_server_names", NULL);
}

static void parse_alpn(struct tls_str *out, size_t *n_out, struct byte_reader r, struct byte_reader *first)
{
    struct byte_reader list = reader_sub(&r, reader_u16(&r));
    bool have_first = false;
    while (reader_left(&list) >= 1) {
        struct byte_reader name = reader_sub(&list, reader_u8(&list));
        if (list.bad)
            break;
        if (!have_first && first != NULL) {
            *first = name;
            have_first = true;
        }
        if (*n_out < TLS_MAX_ALPN)
            str_set(&out[(*n_out)++], name.p, name.n);
    }
}

static void client_extension(struct tls_state *st, struct app_env *env, bool from_client,
                             uint32_t type, struct byte_reader body, struct client_hello_view *v)
{
    switch (type) {
    case EXT_SERVER_NAME:
        v->has_sni = true;
        parse_sni(st, env, from_client, body);
        break;
    case EXT_SUPPORTED_GROUPS: {
        v->has_groups = true;
        v->groups = reader_sub(&body, reader_u16(&body));
        break;
    }
    case EXT_EC_POINT_FORMATS:
        v->has_points = true;
        v->points = reader_sub(&body, reader_u8(&body));
        break;
    case EXT_SIGNATURE_ALGORITHMS:
        v->has_sigalgs = true;
        v->sigalgs = reader_sub(&body, reader_u16(&body));
        break;
    case EXT_ALPN:
        v->has_alpn = true;
        parse_alpn(st->txn.client_alpns, &st->txn.n_client_alpns, body, &v->alpn_first);
        break;
    case EXT_SUPPORTED_VERSIONS: {
        v->has_versions = true;
        struct byte_reader list = reader_sub(&body, reader_u8(&body));
        while (reader_left(&list) >= 2) {
            uint32_t ver = reader_u16(&list);
            if (!tls_is_grease(ver) && ver > v->max_version)
                v->max_version = ver;
        }
        break;
    }
    case EXT_SESSION_TICKET:
        if (from_client && body.n > 0)
            st->client_ticket_empty_session_seen = true;
        break;
    case EXT_PRE_SHARED_KEY:
        if (from_client)
            st->client_psk_seen = true;
        break;
    default:
        break;
    }
}

static void handle_client_hello(struct tls_state *st, struct app_env *env, bool from_client,
                                struct byte_reader r)
{
    struct client_hello_view v;
    memset(&v, 0, sizeof(v));
    v.legacy_version = reader_u16(&r);
    reader_sub(&r, 32); /* random */
    struct byte_reader sid = reader_sub(&r, reader_u8(&r));
    if (is_dtls_version(v.legacy_version))
        reader_sub(&r, reader_u8(&r)); /* DTLS cookie */
    uint32_t csuit_len = reader_u16(&r);
    v.ciphers = reader_sub(&r, csuit_len);
    struct byte_reader comp = reader_sub(&r, reader_u8(&r));
    if (r.bad || csuit_len < 2 || csuit_len % 2 != 0 || comp.n == 0) {
        weird(env, "SSL_malformed_client_hello", NULL);
        return;
    }
    if (reader_left(&r) >= 2) {
        v.has_exts = true;
        v.exts = reader_sub(&r, reader_u16(&r));
        if (r.bad) {
            /* Zeek parses what is there; keep the rest as the list */
            v.exts.bad = true;
        }
    }
    set_session(st, env);
    st->txn.n_client_alpns = 0;

    if (v.has_exts && !v.exts.bad) {
        struct byte_reader e = v.exts;
        while (reader_left(&e) >= 4) {
            uint32_t type = reader_u16(&e);
            struct byte_reader body = reader_sub(&e, reader_u16(&e));
            if (e.bad)
                break;
            client_extension(st, env, from_client, type, body, &v);
        }
    } else {
        v.has_exts = false;
    }

    /* ssl_client_hello */
    st->txn.client_version = (uint16_t)v.legacy_version;
    static const uint8_t zeros[32];
    if (sid.n > 0 && !(sid.n == 32 && memcmp(sid.p, zeros, 32) == 0)) {
        st->has_session_id = true;
        st->session_id_len = sid.n <= sizeof(st->session_id) ? sid.n : sizeof(st->session_id);
        memcpy(st->session_id, sid.p, st->session_id_len);
        st->client_ticket_empty_session_seen = false;
    }
    /* Suricata keeps the JA3 of the first ClientHello of a session (a
     * duplicated or retried hello does not replace it) */
    if (!st->txn.has_ja3)
        tls_ja3(&st->txn, &v);
    tls_ja4(&st->txn, st->ja4_transport, &v);
    add_history(st, env, from_client, 'c');
}

/* ---- ServerHello ---- */

static const uint8_t hrr_random[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
};

static void handle_server_hello(struct tls_state *st, struct app_env *env, bool from_client,
                                struct byte_reader r)
{
    struct tls_txn *t = &st->txn;
    uint32_t version = reader_u16(&r);
    struct byte_reader random = reader_sub(&r, 32);
    /* TLS 1.3 drafts before 22 dropped session id and compression */
    bool early_draft = (version >> 8) == 0x7f && (version & 0xff) < 22;
    struct byte_reader sid = {NULL, 0, 0, false};
    if (!early_draft)
        sid = reader_sub(&r, reader_u8(&r));
    uint32_t cipher = reader_u16(&r);
    if (!early_draft)
        reader_u8(&r); /* compression */
    if (r.bad) {
        weird(env, "SSL_malformed_server_hello", NULL);
        return;
    }
    set_session(st, env);
    bool has_exts = false;
    struct byte_reader exts = {NULL, 0, 0, true};
    if (reader_left(&r) >= 2) {
        exts = reader_sub(&r, reader_u16(&r));
        has_exts = !exts.bad;
    }

    tls_ja3s(t, version, cipher, has_exts ? &exts : NULL);

    uint32_t chosen_version = 0;
    t->n_server_alpns = 0;
    if (has_exts) {
        struct byte_reader e = exts;
        while (reader_left(&e) >= 4) {
            uint32_t type = reader_u16(&e);
            struct byte_reader body = reader_sub(&e, reader_u16(&e));
            if (e.bad)
                break;
            switch (type) {
            case EXT_SUPPORTED_VERSIONS:
                if (body.n == 2) {
                    chosen_version = reader_u16(&body);
                    t->has_version = true;
                    t->version_num = (uint16_t)chosen_version;
                }
                break;
            case EXT_KEY_SHARE:
                if (body.n >= 2) {
                    t->has_curve = true;
                    t->curve = (uint16_t)reader_u16(&body);
                }
                break;
            case EXT_ALPN: {
                struct byte_reader first = {NULL, 0, 0, true};
                parse_alpn(t->server_alpns, &t->n_server_alpns, body, &first);
                if (!first.bad) {
                    str_set(&t->next_protocol, first.p, first.n);
                }
                break;
            }
            case EXT_PRE_SHARED_KEY:
                if (st->client_psk_seen)
                    t->resumed = true;
                break;
            case EXT_SERVER_NAME:
                parse_sni(st, env, from_client, body);
                break;
            default:
                break;
            }
        }
    }
    /* ssl_server_hello */
    if (!t->has_version) {
        t->has_version = true;
        t->version_num = (uint16_t)version;
    }
    st->negotiated_version = chosen_version != 0 ? (uint16_t)chosen_version : (uint16_t)version;
    t->has_cipher = true;
    t->cipher = (uint16_t)cipher;
    if (!random.bad && memcmp(random.p, hrr_random, 32) == 0)
        st->hrr_seen = true;
    if (st->has_session_id && sid.n == st->session_id_len &&
        memcmp(sid.p, st->session_id, sid.n) == 0 && t->version_num / 0xFF != 0x7F &&
        t->version_num != 0x0304)
        t->resumed = true;

    if (st->hrr_seen) {
        add_history(st, env, from_client, 'j');
        st->hrr_seen = false;
    } else {
        add_history(st, env, from_client, 's');
    }
}

/* ---- Certificate ---- */

static void keep_san(struct tls_txn *t, const char *s, size_t len)
{
    if (t->n_sans >= TLS_MAX_SAN || len > TLS_SAN_POOL - t->san_pool_used)
        return;
    memcpy(t->san_pool + t->san_pool_used, s, len);
    t->sans[t->n_sans].off = (uint16_t)t->san_pool_used;
    t->sans[t->n_sans].len = (uint16_t)len;
    t->n_sans++;
    t->san_pool_used += len;
}

/* The x509 parser groups names by kind, so the certificate's own order is
 * kept within each kind only (DNS names first: nearly every certificate has
 * nothing else). */
static void keep_sans(struct tls_txn *t, const struct x509_cert *c)
{
    static const enum x509_san_kind order[] = {X509_SAN_DNS, X509_SAN_EMAIL, X509_SAN_URI};
    t->n_sans = 0;
    t->san_pool_used = 0;
    for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
        enum x509_san_kind kind = order[k];
        for (size_t i = 0; i < c->n_san[kind] && i < X509_SAN_MAX; i++) {
            size_t off = c->san[kind][i].off, len = c->san[kind][i].len;
            if (off <= c->san_pool_used && len <= c->san_pool_used - off)
                keep_san(t, c->san_pool + off, len);
        }
    }
    for (size_t i = 0; i < c->n_san_ip && i < X509_SAN_MAX; i++) {
        char text[64];
        ip_addr_format(&c->san_ip[i], text, sizeof(text));
        keep_san(t, text, strnlen(text, sizeof(text)));
    }
}

/* EVE's certificate/chain fields need the DER as sent: the buffer holding
 * each side's first Certificate message is handed over (not copied) and
 * kept until the connection closes. */
static void keep_certificate_message(struct tls_state *st, bool from_client)
{
    int side = from_client ? 0 : 1;
    struct tls_dir *d = &st->dir[side];
    if (st->kept_cert_msg[side] != NULL || d->hs_len < 7)
        return;
    size_t list_len = (size_t)d->hs[4] << 16 | (size_t)d->hs[5] << 8 | d->hs[6];
    if (list_len > d->hs_len - 7)
        return;
    st->kept_cert_msg[side] = d->hs;
    st->kept_cert_list_len[side] = list_len;
    d->hs = NULL;
    d->hs_cap = 0;
}

static void handle_certificate(struct tls_state *st, struct app_env *env, bool from_client,
                               struct byte_reader r)
{
    struct tls_txn *t = &st->txn;
    struct byte_reader list = reader_sub(&r, reader_u24(&r));
    if (r.bad) {
        weird(env, "SSL_malformed_certificate", NULL);
        return;
    }
    set_session(st, env);
    t->has_cert_chains = true;
    struct cert_scratch *scratch = malloc(sizeof *scratch);
    if (scratch == NULL)
        return;
    size_t index = 0;
    while (reader_left(&list) >= 3) {
        struct byte_reader der = reader_sub(&list, reader_u24(&list));
        if (list.bad) {
            weird(env, "SSL_malformed_certificate", NULL);
            break;
        }
        if (der.n == 0)
            continue;
        struct x509_cert *c = &scratch->cert;
        /* No memset of the 12 KiB: a parse that succeeds writes all of *c
         * but these three, which it keeps; one that fails leaves *c unread. */
        c->ts_us = env->ts_us;
        c->host_cert = !from_client && index == 0;
        c->client_cert = from_client && index == 0;
        bool server_leaf = !from_client && index == 0 && !t->has_server_cert;
        bool client_leaf = from_client && index == 0 && !t->has_client_cert;
        const char *sni = server_leaf && t->server_name.set ? t->server_name.text : NULL;
        /* The worker state of TLS over TCP and of DTLS (which shares it) is a
         * certificate cache; QUIC drives this code with its own env. */
        struct x509_cache *cache =
            st->ja4_transport == '\0' || st->ja4_transport == 'd' ? env->worker_state : NULL;
        if (!x509_cert_parse_cached(cache, der.p, der.n, c, &scratch->eve, sni, t->server_name.len)) {
            weird(env, "x509_certificate_parse_error", NULL);
            index++;
            continue;
        }
        size_t *nfp = from_client ? &t->n_client_fps : &t->n_server_fps;
        char(*fps)[65] = from_client ? t->client_fps : t->server_fps;
        if (*nfp < TLS_MAX_CHAIN)
            memcpy(fps[(*nfp)++], c->fingerprint, 65);
        if (server_leaf) {
            t->has_server_cert = true;
            memcpy(t->subject, scratch->eve.subject, sizeof(t->subject));
            memcpy(t->issuerdn, scratch->eve.issuerdn, sizeof(t->issuerdn));
            t->subject_len = scratch->eve.subject_len;
            t->issuerdn_len = scratch->eve.issuerdn_len;
            memcpy(t->serial, scratch->eve.serial, sizeof(t->serial));
            memcpy(t->fingerprint, scratch->eve.sha1, sizeof(t->fingerprint));
            t->notbefore_s = c->not_valid_before_s;
            t->notafter_s = c->not_valid_after_s;
            if (scratch->eve.sni_checked)
                t->sni_matches_cert = scratch->eve.sni_matches ? 1 : 0;
            keep_sans(t, c);
        }
        if (client_leaf) {
            t->has_client_cert = true;
            memcpy(t->client_subject, scratch->eve.subject, sizeof(t->client_subject));
            memcpy(t->client_issuerdn, scratch->eve.issuerdn, sizeof(t->client_issuerdn));
            memcpy(t->client_serial, scratch->eve.serial, sizeof(t->client_serial));
            memcpy(t->client_fingerprint, scratch->eve.sha1, sizeof(t->client_fingerprint));
            t->client_notbefore_s = c->not_valid_before_s;
            t->client_notafter_s = c->not_valid_after_s;
        }
        c->known = x509_cache_seen_before(cache, c);
        if (env->publish != NULL)
            env->publish(env, EVENT_X509, c);
        index++;
    }
    free(scratch);
}

static bool cipher_is_ecdhe(uint16_t c)
{
    return (c >> 8) == 0xC0 || (c >> 8) == 0xD0 || c == 0xCCA8 || c == 0xCCA9 || c == 0xCCAC;
}

static void handle_handshake_message(struct tls_state *st, struct app_env *env, bool from_client,
                                     uint8_t type, const uint8_t *body, size_t len)
{
    struct byte_reader r = {body, len, 0, false};
    char letter;
    set_session(st, env);
    switch (type) {
    case HS_CLIENT_HELLO:
        handle_client_hello(st, env, from_client, r);
        return;
    case HS_SERVER_HELLO:
        handle_server_hello(st, env, from_client, r);
        return;
    case HS_CERTIFICATE:
        /* TLS 1.3 sends it encrypted; a clear one is the 1.2 layout */
        handle_certificate(st, env, from_client, r);
        letter = 'x';
        break;
    case HS_SERVER_KEY_EXCHANGE:
        if (st->txn.has_cipher && cipher_is_ecdhe(st->txn.cipher) && len >= 3 && body[0] == 3) {
            st->txn.has_curve = true;
            st->txn.curve = (uint16_t)(body[1] << 8 | body[2]);
        }
        letter = 'k';
        break;
    case HS_CLIENT_KEY_EXCHANGE:
        if (from_client)
            st->client_key_exchange_seen = true;
        letter = 'g';
        break;
    case HS_HELLO_REQUEST: letter = 'h'; break;
    case HS_HELLO_VERIFY_REQUEST: letter = 'v'; break;
    case HS_SESSION_TICKET: letter = 't'; break;
    case HS_END_OF_EARLY_DATA: letter = 'e'; break;
    case HS_HELLO_RETRY_REQUEST: letter = 'j'; break;
    case HS_ENCRYPTED_EXTENSIONS: letter = 'o'; break;
    case HS_CERTIFICATE_REQUEST: letter = 'r'; break;
    case HS_SERVER_HELLO_DONE:
        /* Suricata logs a TLS 1.2 session once the server's clear handshake is done */
        if (!from_client && env->logger_ready)
            env->logger_ready(env);
        letter = 'n';
        break;
    case HS_CERTIFICATE_VERIFY: letter = 'y'; break;
    case HS_FINISHED: letter = 'f'; break;
    case HS_CERTIFICATE_URL: letter = 'w'; break;
    case HS_CERTIFICATE_STATUS: letter = 'u'; break;
    case HS_SUPPLEMENTAL_DATA: letter = 'a'; break;
    case HS_KEY_UPDATE: letter = 'p'; break;
    case HS_MESSAGE_HASH: letter = 'm'; break;
    default: letter = 'z'; break;
    }
    add_history(st, env, from_client, letter);
}

/* ---- record layer ---- */

static size_t hs_message_cap(uint8_t type)
{
    return type == HS_CERTIFICATE ? TLS_CERT_MSG_MAX : TLS_HS_BUF_MAX;
}

static bool hs_reserve(struct tls_dir *d, size_t need, size_t limit)
{
    return grow_bytes(&d->hs, &d->hs_cap, need, 1024, limit);
}

/* Feeds handshake-record bytes and processes every complete message. */
static void handshake_bytes(struct tls_state *st, struct app_env *env, bool from_client,
                            const uint8_t *p, size_t n)
{
    struct tls_dir *d = &st->dir[from_client ? 0 : 1];
    while (n > 0 && !st->done) {
        if (d->hs_skip > 0) {
            size_t k = n < d->hs_skip ? n : d->hs_skip;
            d->hs_skip -= (uint32_t)k;
            p += k;
            n -= k;
            continue;
        }
        /* take what is needed for the header, then for the message */
        size_t want = 4;
        if (d->hs_len >= 4)
            want = 4 + ((size_t)d->hs[1] << 16 | (size_t)d->hs[2] << 8 | d->hs[3]);
        size_t limit = d->hs_len >= 4 ? hs_message_cap(d->hs[0]) : TLS_HS_BUF_MAX;
        if (want > limit) {
            weird(env, "SSL_handshake_message_too_large", NULL);
            d->hs_skip = (uint32_t)(want - d->hs_len);
            d->hs_len = 0;
            continue;
        }
        size_t k = want - d->hs_len;
        if (k > n)
            k = n;
        if (!hs_reserve(d, d->hs_len + k, limit)) {
            weird(env, "SSL_handshake_buffer_exhausted", NULL);
            d->lost = true;
            return;
        }
        memcpy(d->hs + d->hs_len, p, k);
        d->hs_len += k;
        p += k;
        n -= k;
        if (d->hs_len >= 4) {
            size_t msg_len = (size_t)d->hs[1] << 16 | (size_t)d->hs[2] << 8 | d->hs[3];
            if (d->hs_len == 4 + msg_len) {
                handle_handshake_message(st, env, from_client, d->hs[0], d->hs + 4, msg_len);
                if (d->hs[0] == HS_CERTIFICATE)
                    keep_certificate_message(st, from_client);
                d->hs_len = 0;
            }
        }
    }
}

static bool is_tls_record_version(uint16_t v)
{
    return v == 0x0300 || v == 0x0301 || v == 0x0302 || v == 0x0303;
}

static bool version_is_pre_13(uint16_t v)
{
    return v == 0x0002 || v == 0x0300 || v == 0x0301 || v == 0x0302 || v == 0x0303 ||
           v == 0xfeff || v == 0xfefd;
}

/* Zeek's analyzer_violation: log what we have and stop. */
static void violation(struct tls_state *st, struct app_env *env)
{
    publish(st, env);
    st->done = true;
}

static enum record_mode record_content(struct tls_state *st, struct app_env *env, bool from_client,
                                       uint8_t type);

static void start_record(struct tls_state *st, struct app_env *env, bool from_client)
{
    struct tls_dir *d = &st->dir[from_client ? 0 : 1];
    uint8_t type = d->hdr[0];
    uint16_t version = (uint16_t)(d->hdr[1] << 8 | d->hdr[2]);
    d->body_left = (uint32_t)d->hdr[3] << 8 | d->hdr[4];
    d->hdr_len = 0;
    d->alert_len = 0;
    d->mode = REC_SKIP;

    if (type & 0x80) {
        /* SSLv2 framing: not analysed */
        violation(st, env);
        return;
    }
    if (!is_tls_record_version(version)) {
        violation(st, env);
        return;
    }
    if (st->record_layer_version == 0) {
        if (type < 20 || type > 30) {
            violation(st, env);
            return;
        }
        st->record_layer_version = version;
    }
    d->mode = record_content(st, env, from_client, type);
}

/* Application data after the ServerHello: the handshake is done, the rest
 * is encrypted and signatures leave the payload alone (Suricata's
 * SSLV3_APPLICATION_PROTOCOL; 0-RTT data before the ServerHello is not). */
static void payload_encrypted(const struct tls_state *st, struct app_env *env)
{
    if (st->txn.has_version && env->payload_encrypted)
        env->payload_encrypted(env);
}

/* What a record of this content type means to the session, whatever its
 * framing (TLS or DTLS): how its body is to be read. */
static enum record_mode record_content(struct tls_state *st, struct app_env *env, bool from_client,
                                       uint8_t type)
{
    struct tls_dir *d = &st->dir[from_client ? 0 : 1];
    bool encrypted = d->encrypted;
    if (!encrypted && type == CT_APPLICATION_DATA && !version_is_pre_13(st->negotiated_version)) {
        d->encrypted = true;
        encrypted = true;
    }
    if (encrypted) {
        if (type == CT_APPLICATION_DATA)
            payload_encrypted(st, env);
        if (st->dir[0].encrypted && st->dir[1].encrypted && st->session &&
            !st->txn.established) {
            st->txn.established = true;
            publish(st, env);
        }
        return REC_SKIP;
    }
    switch (type) {
    case CT_CHANGE_CIPHER_SPEC:
        set_session(st, env);
        add_history(st, env, from_client, 'i');
        if (from_client && st->client_ticket_empty_session_seen && !st->client_key_exchange_seen)
            st->txn.resumed = true;
        d->encrypted = true;
        return REC_SKIP;
    case CT_ALERT:
        return REC_ALERT;
    case CT_HANDSHAKE:
        return REC_HANDSHAKE;
    case CT_APPLICATION_DATA:
        set_session(st, env);
        if (st->txn.has_version && !st->txn.established)
            weird(env, "ssl_early_application_data", NULL);
        payload_encrypted(st, env);
        return REC_SKIP;
    case CT_HEARTBEAT:
        set_session(st, env);
        add_history(st, env, from_client, 'b');
        return REC_SKIP;
    default:
        violation(st, env);
        return REC_SKIP;
    }
}

static void finish_alert(struct tls_state *st, struct app_env *env, bool from_client)
{
    struct tls_dir *d = &st->dir[from_client ? 0 : 1];
    set_session(st, env);
    add_history(st, env, from_client, 'l');
    st->txn.has_last_alert = true;
    st->txn.last_alert = d->alert[1];
}

static void tls_data(void *state, struct app_env *env, bool from_client, const uint8_t *p, size_t n)
{
    struct tls_state *st = state;
    struct tls_dir *d = &st->dir[from_client ? 0 : 1];
    while (n > 0 && !st->done && !d->lost) {
        if (d->mode == REC_HEADER) {
            bytes_fill(d->hdr, &d->hdr_len, 5, &p, &n);
            if (d->hdr_len == 5) {
                start_record(st, env, from_client);
                if (d->body_left == 0) {
                    d->mode = REC_HEADER;
                }
            }
            continue;
        }
        size_t k = n < d->body_left ? n : d->body_left;
        if (d->mode == REC_HANDSHAKE) {
            handshake_bytes(st, env, from_client, p, k);
        } else if (d->mode == REC_ALERT) {
            for (size_t i = 0; i < k && d->alert_len < 2; i++)
                d->alert[d->alert_len++] = p[i];
        }
        p += k;
        n -= k;
        d->body_left -= (uint32_t)k;
        if (d->body_left == 0) {
            if (d->mode == REC_ALERT && d->alert_len == 2)
                finish_alert(st, env, from_client);
            d->mode = REC_HEADER;
        }
    }
}

static void tls_gap(void *state, struct app_env *env, bool from_client, uint64_t len)
{
    struct tls_state *st = state;
    st->dir[from_client ? 0 : 1].lost = true;
}

static void tls_open(void *state)
{
    struct tls_state *st = state;
    st->dir[0].mode = REC_HEADER;
    st->dir[1].mode = REC_HEADER;
    st->txn.sni_matches_cert = -1;
}

static void tls_close(void *state, struct app_env *env)
{
    struct tls_state *st = state;
    publish(st, env);
    for (int i = 0; i < 2; i++) {
        free(st->dir[i].hs);
        st->dir[i].hs = NULL;
        st->dir[i].hs_len = st->dir[i].hs_cap = 0;
        free(st->kept_cert_msg[i]);
        st->kept_cert_msg[i] = NULL;
        st->kept_cert_list_len[i] = 0;
    }
}

/* For protocols that carry TLS handshakes outside TLS records (QUIC):
 * the ClientHello's view as the TLS parser computes it, on a scratch state
 * so nothing is published and no weird is raised twice. */
bool tls_parse_client_hello(const uint8_t *body, size_t n, char ja4_transport, struct tls_txn *out)
{
    struct tls_state *st = calloc(1, sizeof(*st));
    if (st == NULL)
        return false;
    struct app_env quiet;
    memset(&quiet, 0, sizeof(quiet));
    tls_open(st);
    struct byte_reader r = {body, n, 0, false};
    handle_client_hello(st, &quiet, true, r);
    bool ok = st->txn.has_ja3;
    if (ok && st->txn.has_ja4 && ja4_transport != '\0')
        st->txn.ja4[0] = ja4_transport;
    memcpy(out, &st->txn, sizeof(*out));
    free(st);
    return ok;
}

/* A record header of a handshake record (TLS 1.0-1.2 record versions, SSL
 * 3.0 too) that carries a ClientHello. */
static enum app_probe tls_probe(const uint8_t *p, size_t n, bool from_orig)
{
    if (n == 0)
        return APP_PROBE_MAYBE;
    if (p[0] != CT_HANDSHAKE)
        return APP_PROBE_NO;
    if (n < 2)
        return APP_PROBE_MAYBE;
    if (p[1] != 0x03)
        return APP_PROBE_NO;
    if (n < 3)
        return APP_PROBE_MAYBE;
    if (p[2] > 0x04)
        return APP_PROBE_NO;
    if (n < 6)
        return APP_PROBE_MAYBE;
    uint32_t len = (uint32_t)p[3] << 8 | p[4];
    if (len < 4)
        return APP_PROBE_NO;
    if (from_orig)
        return p[5] == HS_CLIENT_HELLO ? APP_PROBE_YES : APP_PROBE_NO;
    return p[5] == HS_SERVER_HELLO ? APP_PROBE_YES : APP_PROBE_NO;
}

static const uint16_t tls_ports[] = {443, 563, 585, 614, 636, 989, 990, 992, 993, 995, 5223};

/* The worker's certificate cache (proto/x509.h). */
static void *tls_worker_open(void)
{
    return x509_cache_new();
}

static void tls_worker_close(void *worker_state, struct app_env *env)
{
    x509_cache_free(worker_state);
}

const struct app_parser tls_parser = {
    .name = "ssl",
    .ipproto = 6,
    .ports = tls_ports,
    .n_ports = sizeof(tls_ports) / sizeof(tls_ports[0]),
    .probe = tls_probe,
    .state_size = sizeof(struct tls_state),
    .open = tls_open,
    .data = tls_data,
    .gap = tls_gap,
    .close = tls_close,
    .worker_open = tls_worker_open,
    .worker_close = tls_worker_close,
};

/* ---- the session for other framings (proto/tls_session.h) ---- */

struct tls_state *tls_session_new(char ja4_transport)
{
    struct tls_state *st = calloc(1, sizeof(*st));
    if (st == NULL)
        return NULL;
    tls_open(st);
    st->ja4_transport = ja4_transport;
    return st;
}

enum tls_record_body tls_session_record(struct tls_state *st, struct app_env *env, bool from_client,
                                        uint8_t content_type)
{
    if (st->done)
        return TLS_BODY_SKIP;
    switch (record_content(st, env, from_client, content_type)) {
    case REC_HANDSHAKE:
        return TLS_BODY_HANDSHAKE;
    case REC_ALERT:
        return TLS_BODY_ALERT;
    default:
        return TLS_BODY_SKIP;
    }
}

void tls_session_handshake(struct tls_state *st, struct app_env *env, bool from_client, uint8_t msg_type,
                           const uint8_t *body, size_t len)
{
    if (!st->done)
        handle_handshake_message(st, env, from_client, msg_type, body, len);
}

void tls_session_alert(struct tls_state *st, struct app_env *env, bool from_client, uint8_t level,
                       uint8_t description)
{
    if (st->done)
        return;
    struct tls_dir *d = &st->dir[from_client ? 0 : 1];
    d->alert[0] = level;
    d->alert[1] = description;
    d->alert_len = 2;
    finish_alert(st, env, from_client);
}

void tls_session_violation(struct tls_state *st, struct app_env *env)
{
    violation(st, env);
}

bool tls_session_done(const struct tls_state *st)
{
    return st->done;
}

void tls_session_free(struct tls_state *st, struct app_env *env)
{
    if (st == NULL)
        return;
    tls_close(st, env);
    free(st);
}
