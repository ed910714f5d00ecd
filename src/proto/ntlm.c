/* NTLMSSP (MS-NLMP 2.2.1): NEGOTIATE, CHALLENGE (the server's names from
 * the AV pairs of its target info) and AUTHENTICATE (the client's user,
 * domain and workstation). Every field is (length, max length, offset)
 * into the message: each is checked against the message's end. */
#include "proto/ntlm.h"

#include <string.h>

#include "util/reader.h"
#include "util/utf16.h"

#define NTLM_SIGNATURE "NTLMSSP"
#define NTLM_SIGNATURE_LEN 8            /* with its NUL */
#define NTLM_NEGOTIATE_UNICODE 0x00000001u
#define NTLM_MAX_AV_PAIRS 64            /* target info holds about ten; the rest is a weird */

enum ntlm_av_id {
    AV_EOL = 0,
    AV_NB_COMPUTER_NAME = 1,
    AV_DNS_COMPUTER_NAME = 3,
    AV_DNS_TREE_NAME = 5,
};

/* The bytes of the field descriptor at `at`, or NULL (weird) when the field
 * lies outside the message. An empty field is present with *len 0. */
static const uint8_t *ntlm_field(struct app_env *env, const uint8_t *msg, size_t n, size_t at, size_t *len)
{
    if (at + 8 > n)
        return NULL;
    size_t flen = load_le16(msg + at), off = load_le32(msg + at + 4);
    if (off > n) {
        env->weird(env, "NTLM_offset_outside_message", NULL, "NTLM");
        return NULL;
    }
    if (flen > n - off) {
        /* a field running past the end keeps what is there, as Zeek's does */
        env->weird(env, "NTLM_offset_outside_message", NULL, "NTLM");
        flen = n - off;
    }
    *len = flen;
    return msg + off;
}

static void ntlm_string(char *out, bool *has, const uint8_t *p, size_t n, bool unicode)
{
    if (unicode) {
        utf16le_to_utf8(p, n, out, NTLM_NAME_MAX);
    } else {
        size_t k = n < NTLM_NAME_MAX - 1 ? n : NTLM_NAME_MAX - 1;
        memcpy(out, p, k);
        out[k] = '\0';
    }
    *has = true;
}

static void ntlm_challenge(struct ntlm_session *s, struct app_env *env, const uint8_t *msg, size_t n)
{
    if (n < 48)
        return;
    size_t len = 0;
    const uint8_t *ti = ntlm_field(env, msg, n, 40, &len);
    if (ti == NULL)
        return;
    size_t off = 0;
    for (unsigned i = 0; off + 4 <= len; i++) {
        if (i == NTLM_MAX_AV_PAIRS) {
            env->weird(env, "NTLM_too_many_av_pairs", NULL, "NTLM");
            return;
        }
        uint32_t id = load_le16(ti + off), alen = load_le16(ti + off + 2);
        off += 4;
        if (id == AV_EOL)
            return;
        if (alen > len - off) {
            env->weird(env, "NTLM_av_pair_outside_message", NULL, "NTLM");
            return;
        }
        struct ntlm_txn *t = &s->info;
        if (id == AV_NB_COMPUTER_NAME)
            ntlm_string(t->server_nb_computer_name, &t->has_server_nb, ti + off, alen, true);
        else if (id == AV_DNS_COMPUTER_NAME)
            ntlm_string(t->server_dns_computer_name, &t->has_server_dns, ti + off, alen, true);
        else if (id == AV_DNS_TREE_NAME)
            ntlm_string(t->server_tree_name, &t->has_server_tree, ti + off, alen, true);
        off += alen;
    }
}

/* Zeek leaves a name unset when its field is empty. */
static void ntlm_auth_field(struct app_env *env, const uint8_t *msg, size_t n, size_t at, bool unicode, char *out,
                            bool *has)
{
    size_t len = 0;
    const uint8_t *p = ntlm_field(env, msg, n, at, &len);
    if (p != NULL && len > 0)
        ntlm_string(out, has, p, len, unicode);
}

static void ntlm_authenticate(struct ntlm_session *s, struct app_env *env, const uint8_t *msg, size_t n)
{
    if (n < 64)
        return;
    bool unicode = (load_le32(msg + 60) & NTLM_NEGOTIATE_UNICODE) != 0;
    struct ntlm_txn *t = &s->info;
    ntlm_auth_field(env, msg, n, 28, unicode, t->domainname, &t->has_domainname);
    ntlm_auth_field(env, msg, n, 36, unicode, t->username, &t->has_username);
    ntlm_auth_field(env, msg, n, 44, unicode, t->hostname, &t->has_hostname);
}

void ntlm_session_blob(struct ntlm_session *s, struct app_env *env, const char *carrier, const uint8_t *p,
                       size_t n)
{
    const uint8_t *msg = p ? memmem(p, n, NTLM_SIGNATURE, NTLM_SIGNATURE_LEN) : NULL;
    if (msg == NULL)
        return;
    size_t mlen = n - (size_t)(msg - p);
    if (mlen < 12)
        return;
    if (!s->active) {
        s->active = true;
        s->info.ts_us = env->ts_us;
        s->info.carrier = carrier;
    }
    switch (load_le32(msg + 8)) {
    case 2:
        ntlm_challenge(s, env, msg, mlen);
        break;
    case 3:
        ntlm_authenticate(s, env, msg, mlen);
        s->authenticated = true;
        break;
    default:
        break;
    }
}

void ntlm_session_result(struct ntlm_session *s, struct app_env *env, bool success)
{
    if (!s->active || s->done)
        return;
    s->info.has_success = true;
    s->info.success = success;
    env->publish(env, EVENT_NTLM, &s->info);
    s->done = true;
}

void ntlm_session_close(struct ntlm_session *s, struct app_env *env)
{
    if (!s->active || s->done)
        return;
    env->publish(env, EVENT_NTLM, &s->info);
    s->done = true;
}
