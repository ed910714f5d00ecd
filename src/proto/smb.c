/* SMB over TCP 445 and NetBIOS 139: NetBIOS session framing, each message
 * handed to its dialect (proto/smb1.c, proto/smb2.c). SMB3 messages in a
 * transform header (0xFD 'SMB') are encrypted: counted and reported once
 * as the weird SMB_encrypted_message (Zeek's smb2_transform_header), the
 * bytes skipped. */
#include "proto/smb.h"

#include <stdlib.h>
#include <string.h>

#include "proto/dce_rpc.h"
#include "proto/smb_internal.h"
#include "util/grow.h"

static bool smb_protocol_id(const uint8_t *p)
{
    return (p[0] == 0xfe || p[0] == 0xfd || p[0] == 0xff) && memcmp(p + 1, "SMB", 3) == 0;
}

static void smb_message(struct smb_state *s, struct app_env *env, bool from_orig, const uint8_t *m, size_t n)
{
    if (n < 4 || !smb_protocol_id(m)) {
        s->dir[from_orig ? 0 : 1].resync = true;  /* not a message start: the framing is lost */
        return;
    }
    if (m[0] == 0xfe) {
        smb2_chain(s, env, from_orig, m, n);
    } else if (m[0] == 0xff) {
        smb1_message(s, env, from_orig, m, n);
    } else if (m[0] == 0xfd) {
        if (!s->encrypted_reported)
            env->weird(env, "SMB_encrypted_message", NULL, "SMB");
        s->encrypted_reported = true;
    }
}

/* The next NetBIOS session message that carries an SMB header, NULL when
 * the chunk has none (a message cut across chunks is given up: loss
 * already cost that one). */
static const uint8_t *smb_next_start(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 8 <= n; i++)
        if (p[i] == 0 && smb_protocol_id(p + i + 4))
            return p + i;
    return NULL;
}

/* ---- framing ---- */

static bool reader_reserve(struct smb_reader *r, size_t need)
{
    return grow_bytes(&r->buf, &r->cap, need, 4096, SIZE_MAX);
}

static void smb_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct smb_state *s = state;
    struct smb_reader *r = &s->dir[from_orig ? 0 : 1];
    while (n > 0) {
        if (r->resync) {
            const uint8_t *start = smb_next_start(p, n);
            if (start == NULL)
                return;
            n -= (size_t)(start - p);
            p = start;
            *r = (struct smb_reader){.buf = r->buf, .cap = r->cap};
        }
        if (r->skip) {
            size_t k = r->skip < n ? (size_t)r->skip : n;
            r->skip -= k;
            p += k;
            n -= k;
            continue;
        }
        if (r->nb_have < 4) {
            r->nb_header[r->nb_have++] = *p++;
            n--;
            if (r->nb_have < 4)
                continue;
            r->nb_type = r->nb_header[0];
            r->need = (size_t)r->nb_header[1] << 16 | (size_t)r->nb_header[2] << 8 | r->nb_header[3];
            r->len = 0;
            if (r->nb_type != 0 || r->need > SMB_MAX_MESSAGE) {
                if (r->nb_type == 0)
                    env->weird(env, "SMB_message_too_large", NULL, "SMB");
                r->skip = r->need;
                r->nb_have = 0;
            } else if (r->need == 0) {
                r->nb_have = 0;
            }
            continue;
        }
        if (r->len == 0 && n >= r->need) {  /* the whole message is here: no copy */
            size_t k = r->need;
            r->nb_have = 0;
            smb_message(s, env, from_orig, p, k);
            p += k;
            n -= k;
            continue;
        }
        size_t k = r->need - r->len < n ? r->need - r->len : n;
        if (!reader_reserve(r, r->len + k)) {  /* grows with the bytes that came, not the length claimed */
            r->skip = r->need - r->len;
            r->nb_have = 0;
            continue;
        }
        memcpy(r->buf + r->len, p, k);
        r->len += k;
        p += k;
        n -= k;
        if (r->len == r->need) {
            r->nb_have = 0;
            smb_message(s, env, from_orig, r->buf, r->len);
            r->len = 0;
        }
    }
}

/* A loss: inside a message of known length, the rest of it is skipped and
 * the framing holds; anywhere else the next message start is looked for. */
static void smb_gap(void *state, struct app_env *env, bool from_orig, uint64_t len)
{
    struct smb_state *s = state;
    struct smb_reader *r = &s->dir[from_orig ? 0 : 1];
    if (!r->resync && r->nb_have == 4 && r->need > r->len && len < r->need - r->len) {
        r->skip = r->need - r->len - len;
        r->len = 0;
        r->nb_have = 0;
        return;
    }
    r->resync = true;
}

static void smb_close(void *state, struct app_env *env)
{
    struct smb_state *s = state;
    for (size_t i = 0; s->files && i < SMB_MAX_FILES; i++)
        if (s->files[i].used)
            smb_file_free(s, env, &s->files[i]);
    free(s->files);
    for (size_t i = 0; i < SMB_MAX_PENDING; i++)
        smb_pending_free(&s->pending[i]);
    for (size_t i = 0; i < SMB_MAX_TREES; i++)
        smb_tree_free(&s->trees[i]);
    free(s->dir[0].buf);
    free(s->dir[1].buf);
    ntlm_session_close(&s->ntlm, env);
    krb_gss_close(&s->krb, env);
}

static void smb_open(void *state)
{
    (void)state;
}

static enum app_probe smb_probe(const uint8_t *p, size_t n, bool from_orig)
{
    if (n < 8)
        return n >= 1 && (p[0] == 0 || p[0] == 0x81) ? APP_PROBE_MAYBE : APP_PROBE_NO;
    if (p[0] != 0)
        return APP_PROBE_NO;
    return (memcmp(p + 4, "\xfeSMB", 4) == 0 || memcmp(p + 4, "\xffSMB", 4) == 0) ? APP_PROBE_YES : APP_PROBE_NO;
}

static const uint16_t smb_ports[] = {139, 445};

const struct app_parser smb_parser = {
    .name = "smb",
    .ipproto = 6,
    .ports = smb_ports,
    .n_ports = 2,
    .probe = smb_probe,
    .state_size = sizeof(struct smb_state),
    .open = smb_open,
    .data = smb_data,
    .gap = smb_gap,
    .close = smb_close,
    .worker_open = dce_rpc_names_worker_open,
    .worker_close = dce_rpc_names_worker_close,
};
