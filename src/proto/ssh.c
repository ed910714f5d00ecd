/* SSH, as Zeek's SSH analyzer and ssh.log see it: the version banners, the
 * cleartext binary packets until NEWKEYS (KEXINIT from both sides, the
 * server host key of the key exchange reply), then Zeek's guess at the
 * authentication outcome from the sizes of the first encrypted segments.
 * Suricata's view (banner split, HASSH) is filled in on the way. */
#include "proto/ssh.h"
#include "proto/probe.h"
#include "util/grow.h"
#include "util/reader.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Caps. A cleartext key-exchange packet is at most 35000 bytes (RFC 4253
 * 6.1); anything larger is not SSH and ends the analysis. */
#define SSH_MAX_PACKET 65536
#define SSH_MAX_LINE 1024            /* a pre-banner line from the server */
#define SSH_MAX_PREBANNER_LINES 32   /* RFC 4253 4.2: "other lines" before the banner */
#define SSH_MSG_KEXINIT 20
#define SSH_MSG_NEWKEYS 21

enum ssh_dir_state {
    SSH_DIR_BANNER,
    SSH_DIR_PACKETS,    /* cleartext binary packets */
    SSH_DIR_ENCRYPTED,
};

enum ssh_kex_kind {
    SSH_KEX_PENDING,    /* both KEXINITs not seen yet */
    SSH_KEX_DH,
    SSH_KEX_GEX,
    SSH_KEX_ECC,
    SSH_KEX_GSS,
    SSH_KEX_RSA,
};

struct ssh_dir {
    enum ssh_dir_state state;
    uint8_t *buf;       /* the line or packet being assembled */
    size_t len, cap;
    unsigned prebanner_lines;
    bool saw_kexinit;
    bool saw_newkeys;
};

struct ssh_state {
    struct ssh_dir dir[2];      /* [0] originator (client), [1] responder (server) */
    struct ssh_txn txn;
    bool started;               /* a banner was seen: Zeek's c$ssh exists */
    bool logged;
    bool stopped;               /* violation, gap or analyzer detached */
    unsigned wire_version;      /* 0 unknown, 1, 2: how packets are framed */
    enum ssh_kex_kind kex;
    uint8_t *first_kexinit;     /* payload of the first side's KEXINIT */
    size_t first_kexinit_len;
    bool first_kexinit_from_client;
    /* Zeek's SSH_Analyzer::ProcessEncrypted state */
    bool auth_decision_made, skipped_banner, saw_encrypted_client_data;
    int64_t service_accept_size, userauth_failure_size;
};

/* ---- small helpers ------------------------------------------------------ */

/* Reads an SSH string at *off; false when it does not fit. */
static bool read_string(const uint8_t *p, size_t n, size_t *off, const uint8_t **s, size_t *slen)
{
    struct byte_reader r = {p, n, *off, false};
    uint32_t len = reader_u32(&r);
    const uint8_t *q = reader_bytes(&r, len);
    if (q == NULL)
        return false;
    *s = q;
    *slen = len;
    *off = r.off;
    return true;
}

static bool reserve(struct ssh_dir *d, size_t need)
{
    return grow_bytes(&d->buf, &d->cap, need, 256, SSH_MAX_PACKET + 8);
}

static void field_set(struct ssh_field *f, const char *s, size_t n)
{
    if (n >= sizeof f->text)
        n = sizeof f->text - 1;
    memcpy(f->text, s, n);
    f->text[n] = '\0';
    f->len = n;
    f->set = true;
}

static void stop(struct ssh_state *st)
{
    st->stopped = true;
}

/* ---- banners ------------------------------------------------------------ */

static bool is_ssh_199(const struct ssh_side *s)
{
    return s->banner_len > 7 && s->banner[6] == '9' && s->banner[7] == '9';
}

/* Zeek's SSH::set_version: the protocol both sides speak, or 0 (with a
 * weird) when their banners disagree. */
static unsigned negotiate_version(struct ssh_state *st, struct app_env *env)
{
    const struct ssh_side *c = &st->txn.client, *s = &st->txn.server;
    if (!c->has_banner || !s->has_banner || c->banner_len == 0 || s->banner_len == 0)
        return 0;
    char addl[2 * SSH_BANNER_MAX + 8];
    snprintf(addl, sizeof addl, "%.*s vs %.*s", (int)s->banner_len, s->banner, (int)c->banner_len, c->banner);
    if (c->banner_len <= 4 || s->banner_len <= 4) {
        env->weird(env, "SSH_cannot_determine_version", addl, "SSH");
        return 0;
    }
    char cv = c->banner[4], sv = s->banner[4];
    if (cv == '1' && sv == '2') {
        if (is_ssh_199(c))
            return 2;
        env->weird(env, "SSH_version_mismatch", addl, "SSH");
        return 0;
    }
    if (cv == '2' && sv == '1') {
        if (is_ssh_199(s))
            return 2;
        env->weird(env, "SSH_version_mismatch", addl, "SSH");
        return 0;
    }
    if (cv == '1' && sv == '1')
        return (is_ssh_199(s) && is_ssh_199(c)) ? 2 : 1;
    if (cv == '2' && sv == '2')
        return 2;
    return 0;
}

/* Suricata's banner split: "SSH-" protover "-" swver [" " comments]. */
static void split_banner(struct ssh_side *s)
{
    size_t i = 4;
    while (i < s->banner_len && s->banner[i] != '-')
        i++;
    s->proto_version_off = 4;
    s->proto_version_len = i - 4;
    if (i >= s->banner_len) {
        s->software_version_len = 0;
        return;
    }
    size_t j = i + 1;
    while (j < s->banner_len && s->banner[j] != ' ')
        j++;
    s->software_version_off = i + 1;
    s->software_version_len = j - (i + 1);
}

static void begin_session(struct ssh_state *st, struct app_env *env)
{
    if (st->started)
        return;
    st->started = true;
    st->txn.ts_us = env->ts_us;
}

static void handle_line(struct ssh_state *st, struct app_env *env, bool from_orig, const uint8_t *line, size_t n)
{
    struct ssh_dir *d = &st->dir[from_orig ? 0 : 1];
    if (n > 0 && line[n - 1] == '\r')
        n--;
    if (n < 4 || memcmp(line, "SSH-", 4) != 0) {
        /* The server may talk before its banner; a client may not (Zeek
         * then drops the analyzer: "expected pattern SSH-.*"). */
        if (from_orig || ++d->prebanner_lines > SSH_MAX_PREBANNER_LINES)
            stop(st);
        return;
    }
    struct ssh_side *side = from_orig ? &st->txn.client : &st->txn.server;
    if (n > sizeof side->banner) {
        env->weird(env, "SSH_banner_too_long", NULL, "SSH");
        n = sizeof side->banner;
    }
    begin_session(st, env);
    memcpy(side->banner, line, n);
    side->banner_len = n;
    side->has_banner = true;
    split_banner(side);
    d->state = SSH_DIR_PACKETS;
    unsigned v = negotiate_version(st, env);
    st->txn.has_version = v != 0;
    st->txn.version = v;
    st->wire_version = v;
    /* Suricata logs the session once both banners are parsed */
    if (st->txn.client.has_banner && st->txn.server.has_banner && env->logger_ready)
        env->logger_ready(env);
}

/* ---- key exchange ------------------------------------------------------- */

enum kexinit_list {
    KEX_ALGS,
    HOST_KEY_ALGS,
    ENC_C2S,
    ENC_S2C,
    MAC_C2S,
    MAC_S2C,
    COMP_C2S,
    COMP_S2C,
    LANG_C2S,
    LANG_S2C,
    KEXINIT_LISTS,
};

struct name_list {
    const uint8_t *p;
    size_t n;
};

static bool parse_kexinit(const uint8_t *p, size_t n, struct name_list lists[KEXINIT_LISTS])
{
    if (n < 16)
        return false;
    size_t off = 16; /* cookie */
    for (int i = 0; i < KEXINIT_LISTS; i++)
        if (!read_string(p, n, &off, &lists[i].p, &lists[i].n))
            return false;
    return true;
}

/* The next non-empty name of a comma-separated list, as Zeek's
 * name_list_to_vector splits it. */
static bool next_name(const struct name_list *l, size_t *pos, const uint8_t **name, size_t *len)
{
    while (*pos < l->n) {
        size_t start = *pos;
        while (*pos < l->n && l->p[*pos] != ',')
            (*pos)++;
        size_t end = *pos;
        if (*pos < l->n)
            (*pos)++;
        if (end > start) {
            *name = l->p + start;
            *len = end - start;
            return true;
        }
    }
    return false;
}

/* Zeek's find_alg: the first client algorithm the server also offers. */
static bool find_alg(const struct name_list *client, const struct name_list *server, const uint8_t **alg,
                     size_t *len)
{
    size_t cpos = 0;
    const uint8_t *c;
    size_t cn;
    while (next_name(client, &cpos, &c, &cn)) {
        size_t spos = 0;
        const uint8_t *s;
        size_t sn;
        while (next_name(server, &spos, &s, &sn))
            if (sn == cn && memcmp(s, c, cn) == 0) {
                *alg = c;
                *len = cn;
                return true;
            }
    }
    return false;
}

static const char negotiation_failed[] = "Algorithm negotiation failed";

static void set_alg(struct ssh_field *f, const struct name_list *client, const struct name_list *server)
{
    const uint8_t *a;
    size_t n;
    if (find_alg(client, server, &a, &n))
        field_set(f, (const char *)a, n);
    else
        field_set(f, negotiation_failed, sizeof negotiation_failed - 1);
}

/* Zeek's find_bidirectional_alg. */
static void set_bidirectional_alg(struct ssh_field *f, const struct name_list *client, const struct name_list *server,
                                  int c2s, int s2c)
{
    struct ssh_field to_server = {0}, to_client = {0};
    set_alg(&to_server, &client[c2s], &server[c2s]);
    set_alg(&to_client, &client[s2c], &server[s2c]);
    if (to_server.len == to_client.len && memcmp(to_server.text, to_client.text, to_server.len) == 0) {
        *f = to_server;
        return;
    }
    char both[2 * SSH_ALG_NAME_MAX + 32];
    int k = snprintf(both, sizeof both, "To server: %s, to client: %s", to_server.text, to_client.text);
    field_set(f, both, k < 0 ? 0 : (size_t)k);
}

static bool has_prefix(const uint8_t *p, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(p, prefix, k) == 0;
}

static bool equals(const uint8_t *p, size_t n, const char *s)
{
    return strlen(s) == n && memcmp(p, s, n) == 0;
}

/* Which messages the negotiated key exchange uses (Zeek's update_kex). */
static enum ssh_kex_kind kex_kind(const uint8_t *a, size_t n)
{
    if (has_prefix(a, n, "diffie-hellman-group-exchange-"))
        return SSH_KEX_GEX;
    if (has_prefix(a, n, "diffie-hellman-group"))
        return SSH_KEX_DH;
    if (has_prefix(a, n, "gss-"))
        return SSH_KEX_GSS;
    if (equals(a, n, "rsa1024-sha1") || equals(a, n, "rsa2048-sha256"))
        return SSH_KEX_RSA;
    if (has_prefix(a, n, "ecdh-sha2-") || equals(a, n, "ecmqv-sha2") || has_prefix(a, n, "curve25519-sha256") ||
        has_prefix(a, n, "curve448-sha512") || has_prefix(a, n, "sntrup761x25519-sha512") ||
        has_prefix(a, n, "mlkem768"))
        return SSH_KEX_ECC;
    return SSH_KEX_PENDING;
}

static void compute_hassh(struct ssh_side *side, const struct name_list l[KEXINIT_LISTS], bool server)
{
    const struct name_list *parts[4] = {
        &l[KEX_ALGS], &l[server ? ENC_S2C : ENC_C2S], &l[server ? MAC_S2C : MAC_C2S], &l[server ? COMP_S2C : COMP_C2S]};
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_md5(), NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        return;
    }
    side->hassh_string_len = 0;
    for (int i = 0; i < 4; i++) {
        if (i > 0) {
            EVP_DigestUpdate(ctx, ";", 1);
            if (side->hassh_string_len + 1 < sizeof side->hassh_string)
                side->hassh_string[side->hassh_string_len++] = ';';
        }
        EVP_DigestUpdate(ctx, parts[i]->p, parts[i]->n);
        size_t room = sizeof side->hassh_string - 1 - side->hassh_string_len;
        size_t k = parts[i]->n < room ? parts[i]->n : room;
        memcpy(side->hassh_string + side->hassh_string_len, parts[i]->p, k);
        side->hassh_string_len += k;
    }
    side->hassh_string[side->hassh_string_len] = '\0';
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 16) {
        for (unsigned i = 0; i < 16; i++)
            snprintf(side->hassh + 2 * i, 3, "%02x", md[i]);
        side->has_hassh = true;
    }
    EVP_MD_CTX_free(ctx);
}

/* Kept as sent: the wire's comma list is the hassh package's join. */
static void keep_host_key_algs(struct ssh_side *side, const struct name_list *algs)
{
    size_t k = algs->n < sizeof side->host_key_algs - 1 ? algs->n : sizeof side->host_key_algs - 1;
    memcpy(side->host_key_algs, algs->p, k);
    side->host_key_algs[k] = '\0';
    side->host_key_algs_len = k;
}

static void negotiate(struct ssh_state *st, struct app_env *env, const struct name_list client[KEXINIT_LISTS],
                      const struct name_list server[KEXINIT_LISTS])
{
    struct ssh_txn *t = &st->txn;
    set_bidirectional_alg(&t->cipher_alg, client, server, ENC_C2S, ENC_S2C);
    set_bidirectional_alg(&t->mac_alg, client, server, MAC_C2S, MAC_S2C);
    set_bidirectional_alg(&t->compression_alg, client, server, COMP_C2S, COMP_S2C);
    set_alg(&t->kex_alg, &client[KEX_ALGS], &server[KEX_ALGS]);
    set_alg(&t->host_key_alg, &client[HOST_KEY_ALGS], &server[HOST_KEY_ALGS]);

    const uint8_t *kex;
    size_t kn;
    if (!find_alg(&client[KEX_ALGS], &server[KEX_ALGS], &kex, &kn))
        return;
    st->kex = kex_kind(kex, kn);
    if (st->kex == SSH_KEX_PENDING) {
        /* Zeek names the algorithm in the weird itself. */
        char name[SSH_ALG_NAME_MAX + 32];
        snprintf(name, sizeof name, "ssh_unknown_kex_algorithm=%.*s", (int)kn, (const char *)kex);
        env->weird(env, name, NULL, "SSH");
        /* Most new exchanges reply like ECDH (K_S first): keep looking for
         * the host key that way rather than giving up. */
        st->kex = SSH_KEX_ECC;
    }
}

static void handle_kexinit(struct ssh_state *st, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct ssh_dir *d = &st->dir[from_orig ? 0 : 1];
    struct name_list lists[KEXINIT_LISTS];
    if (!parse_kexinit(p, n, lists)) {
        stop(st);
        return;
    }
    if (d->saw_kexinit)
        return;
    d->saw_kexinit = true;
    struct ssh_side *side = from_orig ? &st->txn.client : &st->txn.server;
    compute_hassh(side, lists, !from_orig);
    keep_host_key_algs(side, &lists[HOST_KEY_ALGS]);

    if (st->first_kexinit == NULL) {
        st->first_kexinit = malloc(n);
        if (st->first_kexinit == NULL) {
            stop(st);
            return;
        }
        memcpy(st->first_kexinit, p, n);
        st->first_kexinit_len = n;
        st->first_kexinit_from_client = from_orig;
        return;
    }
    struct name_list first[KEXINIT_LISTS];
    if (!parse_kexinit(st->first_kexinit, st->first_kexinit_len, first))
        return;
    if (from_orig)
        negotiate(st, env, lists, first);
    else
        negotiate(st, env, first, lists);
    free(st->first_kexinit);
    st->first_kexinit = NULL;
    st->first_kexinit_len = 0;
}

/* Zeek's ssh_server_host_key hash, as ssh.log's host_key_fingerprint shows
 * it: "SHA256:" and the first 32 characters of the base64 SHA-256 of K_S. */
static void handle_host_key(struct ssh_state *st, const uint8_t *key, size_t n)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (EVP_Digest(key, n, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        return;
    unsigned char b64[48];
    EVP_EncodeBlock(b64, md, 32);
    snprintf(st->txn.host_key_fingerprint, sizeof st->txn.host_key_fingerprint, "SHA256:%.32s", (const char *)b64);
    if (EVP_Digest(key, n, md, &mdlen, EVP_md5(), NULL) == 1 && mdlen == 16) {
        for (unsigned i = 0; i < 16; i++)
            snprintf(st->txn.host_key_md5 + 3 * i, 4, i == 15 ? "%02x" : "%02x:", md[i]);
    }
    st->txn.has_host_key = true;
}

/* The message types that carry the server host key K_S as their first
 * string, for each kind of key exchange. */
static bool carries_host_key(enum ssh_kex_kind k, uint8_t msg)
{
    switch (k) {
    case SSH_KEX_DH:
    case SSH_KEX_ECC: return msg == 31;  /* KEXDH_REPLY, KEX_ECDH_REPLY */
    case SSH_KEX_GEX: return msg == 33;  /* KEX_DH_GEX_REPLY */
    case SSH_KEX_GSS: return msg == 33;  /* KEXGSS_HOSTKEY */
    case SSH_KEX_RSA: return msg == 30;  /* KEXRSA_PUBKEY */
    case SSH_KEX_PENDING: return false;
    }
    return false;
}

static void both_newkeys_check(struct ssh_state *st, struct app_env *env)
{
    if (st->dir[0].saw_newkeys && st->dir[1].saw_newkeys && st->txn.eve_ts_us == 0)
        st->txn.eve_ts_us = env->ts_us;
}

/* pkt: a whole packet, length field included, packet_length >= 2. */
static void handle_packet(struct ssh_state *st, struct app_env *env, bool from_orig, const uint8_t *pkt)
{
    struct ssh_dir *d = &st->dir[from_orig ? 0 : 1];
    uint32_t packet_length = load_be32(pkt);
    uint8_t padding = pkt[4];
    if (packet_length < 2 || (uint32_t)padding + 2 > packet_length) {
        stop(st);
        return;
    }
    uint8_t msg = pkt[5];
    const uint8_t *body = pkt + 6;
    size_t body_len = packet_length - padding - 2;
    if (msg == SSH_MSG_NEWKEYS) {
        d->state = SSH_DIR_ENCRYPTED;
        d->saw_newkeys = true;
        both_newkeys_check(st, env);
        return;
    }
    if (msg == SSH_MSG_KEXINIT) {
        handle_kexinit(st, env, from_orig, body, body_len);
        return;
    }
    if (!from_orig && carries_host_key(st->kex, msg)) {
        size_t off = 0;
        const uint8_t *key;
        size_t kn;
        if (read_string(body, body_len, &off, &key, &kn))
            handle_host_key(st, key, kn);
    }
}

/* ---- after NEWKEYS: Zeek's authentication heuristic --------------------- */

static const char *const compression_algorithms[] = {"zlib", "zlib@openssh.com"};

static void publish(struct ssh_state *st, struct app_env *env)
{
    if (st->logged || !st->started)
        return;
    st->logged = true;
    if (st->txn.eve_ts_us == 0)
        st->txn.eve_ts_us = env->ts_us;
    env->publish(env, EVENT_SSH, &st->txn);
}

/* SSH::ssh_auth_attempted, both priorities. */
static void auth_attempted(struct ssh_state *st, struct app_env *env, bool authenticated)
{
    struct ssh_txn *t = &st->txn;
    if (t->auth == SSH_AUTH_SUCCESS)
        return;
    if (t->compression_alg.set)
        for (size_t i = 0; i < sizeof compression_algorithms / sizeof *compression_algorithms; i++)
            if (strcmp(t->compression_alg.text, compression_algorithms[i]) == 0)
                return;
    t->auth = authenticated ? SSH_AUTH_SUCCESS : SSH_AUTH_FAILURE;
    t->auth_attempts++;
    if (authenticated) {
        publish(st, env);
        stop(st); /* disable_analyzer_after_detection */
    }
}

static void encrypted_segment(struct ssh_state *st, struct app_env *env, bool from_orig, size_t seg)
{
    if (st->auth_decision_made || st->wire_version != 2 || seg == 0)
        return;
    int64_t len = (int64_t)seg;
    if (from_orig) {
        st->saw_encrypted_client_data = true;
        return;
    }
    if (!st->saw_encrypted_client_data)
        return;
    /* First server segment: SSH_MSG_SERVICE_ACCEPT. */
    if (st->service_accept_size == 0) {
        st->service_accept_size = len;
        return;
    }
    /* USERAUTH_SUCCESS is 16 bytes shorter than SERVICE_ACCEPT once padded. */
    if (st->userauth_failure_size == 0 && len + 16 == st->service_accept_size) {
        st->auth_decision_made = true;
        auth_attempted(st, env, true);
        return;
    }
    if (st->userauth_failure_size == 0) {
        if (!st->skipped_banner && len - st->service_accept_size > 256) {
            st->skipped_banner = true; /* a pre-auth banner, not a failure */
            return;
        }
        st->userauth_failure_size = len;
        return;
    }
    if (len == st->userauth_failure_size) {
        auth_attempted(st, env, false);
        return;
    }
    if (len - st->service_accept_size == -16) {
        st->auth_decision_made = true;
        auth_attempted(st, env, true);
    }
}

/* ---- byte stream -------------------------------------------------------- */

/* Feeds bytes to one direction until a state change or the bytes run out;
 * returns how many were consumed. */
static size_t consume(struct ssh_state *st, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct ssh_dir *d = &st->dir[from_orig ? 0 : 1];
    if (d->state == SSH_DIR_BANNER) {
        const uint8_t *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) + 1 : n;
        if (d->len + take > SSH_MAX_LINE) {
            /* A banner line cannot be this long: not SSH. */
            stop(st);
            return n;
        }
        if (!reserve(d, d->len + take)) {
            stop(st);
            return n;
        }
        memcpy(d->buf + d->len, p, take);
        d->len += take;
        if (nl) {
            handle_line(st, env, from_orig, d->buf, d->len - 1);
            d->len = 0;
        }
        return take;
    }
    /* Binary packets: 4-byte length first, then the rest. */
    size_t need = 4;
    if (d->len >= 4) {
        uint32_t plen = load_be32(d->buf);
        if (plen > SSH_MAX_PACKET) {
            env->weird(env, "SSH_packet_too_long", NULL, "SSH");
            stop(st);
            return n;
        }
        if (plen < 2) {
            /* No room for the padding length and message type. */
            stop(st);
            return n;
        }
        need = 4 + (size_t)plen;
    }
    size_t take = need - d->len < n ? need - d->len : n;
    if (!reserve(d, d->len + take)) {
        stop(st);
        return n;
    }
    memcpy(d->buf + d->len, p, take);
    d->len += take;
    if (d->len == 4 && need == 4)
        return take; /* header complete: the length is known next round */
    if (d->len == need && need > 4) {
        /* Zeek cannot frame packets before it knows the version
         * ("invalid index for case: SSH_Key_Exchange") and does not
         * analyse SSH1 key exchanges for ssh.log. */
        if (st->wire_version != 2)
            stop(st);
        else
            handle_packet(st, env, from_orig, d->buf);
        d->len = 0;
    }
    return take;
}

static void ssh_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct ssh_state *st = state;
    struct ssh_dir *d = &st->dir[from_orig ? 0 : 1];
    if (st->stopped)
        return;
    if (d->state == SSH_DIR_ENCRYPTED) {
        encrypted_segment(st, env, from_orig, n);
        return;
    }
    while (n > 0 && !st->stopped) {
        size_t used = consume(st, env, from_orig, p, n);
        p += used;
        n -= used;
        if (d->state == SSH_DIR_ENCRYPTED) {
            /* Encrypted bytes that shared the segment with NEWKEYS. */
            if (n > 0)
                encrypted_segment(st, env, from_orig, n);
            break;
        }
    }
}

static void ssh_gap(void *state, struct app_env *env, bool from_orig, uint64_t len)
{
    struct ssh_state *st = state;
    (void)env;
    (void)from_orig;
    (void)len;
    stop(st); /* Zeek: had_gap ends all analysis of the connection */
}

static void ssh_open(void *state)
{
    struct ssh_state *st = state;
    memset(st, 0, sizeof *st);
    st->txn.auth = SSH_AUTH_UNKNOWN;
}

static void ssh_close(void *state, struct app_env *env)
{
    struct ssh_state *st = state;
    publish(st, env);
    for (int i = 0; i < 2; i++) {
        free(st->dir[i].buf);
        st->dir[i].buf = NULL;
        st->dir[i].cap = st->dir[i].len = 0;
    }
    free(st->first_kexinit);
    st->first_kexinit = NULL;
}

static enum app_probe ssh_probe(const uint8_t *p, size_t n, bool from_orig)
{
    (void)from_orig;
    return probe_magic(p, n, "SSH-", 4);
}

static const uint16_t ssh_ports[] = {22};

const struct app_parser ssh_parser = {
    .name = "ssh",
    .ipproto = 6,
    .ports = ssh_ports,
    .n_ports = sizeof ssh_ports / sizeof ssh_ports[0],
    .probe = ssh_probe,
    .state_size = sizeof(struct ssh_state),
    .open = ssh_open,
    .data = ssh_data,
    .gap = ssh_gap,
    .close = ssh_close,
};
