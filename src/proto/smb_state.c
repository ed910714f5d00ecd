/* The smb parser's connection state, shared by both dialects: trees, files
 * and pending requests (each table bounded; a cap reached is a weird), the
 * smb_files rows as Zeek's scripts decide them, file bytes to files/ and
 * named-pipe bytes to DCE-RPC, session-setup blobs to NTLM and Kerberos. */
#include "proto/smb_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files/files.h"
#include "proto/dce_rpc.h"
#include "util/reader.h"
#include "util/utf16.h"

const char *smb_share_type_name(uint8_t t)
{
    switch (t) {
    case SHARE_PIPE: return "PIPE";
    case SHARE_PRINT: return "PRINT";
    default: return "DISK";
    }
}

char *smb_utf16_dup(const uint8_t *p, size_t n)
{
    if (n > 2 * SMB_NAME_MAX)
        n = 2 * SMB_NAME_MAX;
    char tmp[SMB_NAME_MAX * 3 + 1];
    utf16le_to_utf8(p, n, tmp, sizeof tmp);
    return strdup(tmp);
}

/* The bytes [off, off+len) of a message of n bytes, NULL when outside. */
const uint8_t *smb_span(const uint8_t *msg, size_t n, uint64_t off, uint64_t len)
{
    if (off > n || len > n - off)
        return NULL;
    return msg + off;
}

/* Zeek's filetime2zeektime computes a double (ft / 1e7 - 11644473600) and
 * logs it with six decimals: the same arithmetic gives the same digits. */
int64_t smb_filetime_us(uint64_t ft)
{
    if (ft == 0)
        return 0;
    double t = (double)ft / 10000000.0 - 11644473600.0;
    char text[64];
    snprintf(text, sizeof text, "%.6f", t);
    char *dot = strchr(text, '.');
    if (dot == NULL || t < 0 || t > 9e12)
        return 0;
    *dot = '\0';
    return strtoll(text, NULL, 10) * 1000000 + strtoll(dot + 1, NULL, 10);
}

/* ---- tables ---- */

void smb_pending_free(struct smb_pending *p)
{
    free(p->text);
    memset(p, 0, sizeof *p);
}

struct smb_pending *smb_pending_add(struct smb_state *s, struct app_env *env, uint64_t mid)
{
    struct smb_pending *slot = NULL;
    for (size_t i = 0; i < SMB_MAX_PENDING; i++) {
        if (s->pending[i].used && s->pending[i].mid == mid) {
            slot = &s->pending[i];
            break;
        }
        if (!s->pending[i].used && slot == NULL)
            slot = &s->pending[i];
    }
    if (slot == NULL) {
        env->weird(env, "SMB_too_many_pending_requests", NULL, "SMB");
        slot = &s->pending[mid % SMB_MAX_PENDING];
    }
    smb_pending_free(slot);
    slot->used = true;
    slot->mid = mid;
    slot->ts_us = env->ts_us;
    return slot;
}

struct smb_pending *smb_pending_find(struct smb_state *s, uint64_t mid)
{
    for (size_t i = 0; i < SMB_MAX_PENDING; i++)
        if (s->pending[i].used && s->pending[i].mid == mid)
            return &s->pending[i];
    return NULL;
}

struct smb_tree *smb_tree_find(struct smb_state *s, uint32_t id)
{
    for (size_t i = 0; i < SMB_MAX_TREES; i++)
        if (s->trees[i].used && s->trees[i].id == id)
            return &s->trees[i];
    return NULL;
}

void smb_tree_free(struct smb_tree *t)
{
    free(t->path);
    memset(t, 0, sizeof *t);
}

struct smb_tree *smb_tree_add(struct smb_state *s, struct app_env *env, uint32_t id)
{
    struct smb_tree *t = smb_tree_find(s, id);
    for (size_t i = 0; t == NULL && i < SMB_MAX_TREES; i++)
        if (!s->trees[i].used)
            t = &s->trees[i];
    if (t == NULL) {
        env->weird(env, "SMB_too_many_trees", NULL, "SMB");
        t = &s->trees[id % SMB_MAX_TREES];
    }
    smb_tree_free(t);
    t->used = true;
    t->id = id;
    return t;
}

struct smb_file *smb_file_find(struct smb_state *s, uint64_t p, uint64_t v)
{
    if (s->files == NULL)
        return NULL;
    for (size_t i = 0; i < SMB_MAX_FILES; i++)
        if (s->files[i].used && s->files[i].fid_p == p && s->files[i].fid_v == v)
            return &s->files[i];
    return NULL;
}

static struct dce_rpc_carrier pipe_carrier(struct smb_state *s, struct app_env *env, const struct smb_file *f)
{
    return (struct dce_rpc_carrier){.names = env->worker_state, .ntlm = &s->ntlm, .smb_share = f->path,
                                    /* SMB2's command info; SMB1 pipes carry none (plain dcerpc events) */
                                    .smb = s->cur.has_status ? &s->cur : NULL};
}

/* Ends what a file holds: its bytes' analysis (keeping the fuid) and its pipe. */
void smb_file_release(struct smb_state *s, struct app_env *env, struct smb_file *f)
{
    if (f->fa && f->fa_complete)  /* files.log has it: its EVE fileinfo, at the close as Suricata's */
        file_publish(f->fa, env, NULL);
    else if (f->fa)
        file_end(f->fa, env, f->fuid, NULL);
    f->fa = NULL;
    if (f->rpc) {
        struct dce_rpc_carrier car = pipe_carrier(s, env, f);
        dce_rpc_assoc_close(f->rpc, &car, env);
        free(f->rpc);
        f->rpc = NULL;
    }
}

void smb_file_free(struct smb_state *s, struct app_env *env, struct smb_file *f)
{
    smb_file_release(s, env, f);
    free(f->name);
    free(f->prev_name);
    free(f->path);
    memset(f, 0, sizeof *f);
}

struct smb_file *smb_file_add(struct smb_state *s, struct app_env *env, uint64_t p, uint64_t v)
{
    if (s->files == NULL) {
        s->files = calloc(SMB_MAX_FILES, sizeof *s->files);
        if (s->files == NULL)
            return NULL;
    }
    struct smb_file *f = smb_file_find(s, p, v);
    for (size_t i = 0; f == NULL && i < SMB_MAX_FILES; i++)
        if (!s->files[i].used)
            f = &s->files[i];
    if (f == NULL) {
        if (!s->too_many_files_reported)
            env->weird(env, "SMB_too_many_open_files", NULL, "SMB");
        s->too_many_files_reported = true;
        f = &s->files[(p + v) % SMB_MAX_FILES];
    }
    smb_file_free(s, env, f);
    f->used = true;
    f->fid_p = p;
    f->fid_v = v;
    f->ts_us = env->ts_us;
    return f;
}

/* ---- smb_files ---- */

const char *smb_action_name(const char *verb, uint8_t share_type)
{
    static const char *const names[][3] = {
        /* DISK, PIPE, PRINT */
        {"SMB::FILE_OPEN", "SMB::PIPE_OPEN", "SMB::PRINT_OPEN"},
        {"SMB::FILE_READ", "SMB::PIPE_READ", "SMB::PRINT_READ"},
        {"SMB::FILE_WRITE", "SMB::PIPE_WRITE", "SMB::PRINT_WRITE"},
        {"SMB::FILE_CLOSE", "SMB::PIPE_CLOSE", "SMB::PRINT_CLOSE"},
    };
    static const char *const verbs[] = {"OPEN", "READ", "WRITE", "CLOSE"};
    size_t col = share_type == SHARE_PIPE ? 1 : share_type == SHARE_PRINT ? 2 : 0;
    for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++)
        if (strcmp(verb, verbs[i]) == 0)
            return names[i][col];
    return verb;  /* RENAME, DELETE: Zeek's FILE_ action whatever the share */
}

/* Zeek's default SMB::logged_file_actions, with --smb-log-reads-writes the
 * redef that adds SMB::FILE_READ and SMB::FILE_WRITE. */
static bool action_logged(const struct app_env *env, const char *action)
{
    if (env->settings && env->settings->smb_log_reads_writes &&
        (strcmp(action, "SMB::FILE_READ") == 0 || strcmp(action, "SMB::FILE_WRITE") == 0))
        return true;
    return strcmp(action, "SMB::FILE_OPEN") == 0 || strcmp(action, "SMB::FILE_RENAME") == 0 ||
           strcmp(action, "SMB::FILE_DELETE") == 0 || strcmp(action, "SMB::PRINT_OPEN") == 0 ||
           strcmp(action, "SMB::PRINT_CLOSE") == 0;
}

/* Zeek's recent_files: the same action on the same file with the same
 * times (access time left out) is logged once per connection. */
static bool recently_logged(struct smb_state *s, const struct smb_file_txn *t)
{
    if (!t->has_times)
        return false;
    uint64_t h = hash64_bytes(t->action, strlen(t->action), 1);
    const char *parts[] = {t->fuid, t->name, t->path};
    for (size_t i = 0; i < 3; i++)
        if (parts[i])
            h = hash64_bytes(parts[i], strlen(parts[i]), h);
    int64_t times[4] = {t->times_us[SMB_MODIFIED], 0, t->times_us[SMB_CREATED], t->times_us[SMB_CHANGED]};
    h = hash64_bytes(times, sizeof times, h ^ t->size);
    for (size_t i = 0; i < SMB_RECENT; i++)
        if (s->recent[i] == h)
            return true;
    s->recent[s->recent_next] = h;
    s->recent_next = (s->recent_next + 1) % SMB_RECENT;
    return false;
}

void smb_file_publish(struct smb_state *s, struct app_env *env, struct smb_file *f, const char *action,
                      uint64_t offset, const uint8_t *data, size_t data_len)
{
    f->action = action;
    struct smb_file_txn t = {
        .ts_us = f->ts_us, .fuid = f->fuid[0] ? f->fuid : NULL, .action = action, .path = f->path, .name = f->name,
        .size = f->size, .prev_name = f->prev_name, .has_times = f->has_times, .share_type = smb_share_type_name(f->share_type),
        .offset = offset, .data = data, .data_len = data_len,
    };
    memcpy(t.times_us, f->times_us, sizeof t.times_us);
    t.logged = t.name != NULL && action_logged(env, action) && !recently_logged(s, &t);
    env->publish(env, EVENT_SMB_FILES, &t);
}

/* ---- file bytes ---- */

static bool looks_like_pipe_traffic(const uint8_t *p, size_t n)
{
    return dce_rpc_looks_like_bind(p, n);
}

void smb_pipe_data(struct smb_state *s, struct app_env *env, struct smb_file *f, bool from_orig,
                      const uint8_t *p, size_t n)
{
    if (f->rpc == NULL) {
        if (!from_orig || !looks_like_pipe_traffic(p, n))
            return;
        f->rpc = malloc(sizeof *f->rpc);
        if (f->rpc == NULL)
            return;
        dce_rpc_assoc_init(f->rpc);
    }
    struct dce_rpc_carrier car = pipe_carrier(s, env, f);
    dce_rpc_assoc_data(f->rpc, &car, env, from_orig, p, n);
}

/* File bytes at offset: in order they stream to files/, ahead they leave a
 * gap, behind (a re-read) they are not counted twice. */
void smb_file_bytes(struct smb_state *s, struct app_env *env, struct smb_file *f, bool from_orig,
                       uint64_t offset, const uint8_t *p, size_t n)
{
    if (f->share_type == SHARE_PIPE || f->rpc || (f->share_type == SHARE_UNKNOWN && looks_like_pipe_traffic(p, n))) {
        smb_pipe_data(s, env, f, from_orig, p, n);
        return;
    }
    if (env->files == NULL || n == 0 || f->fa_complete)
        return;
    if (f->fa == NULL) {
        const char *name = f->name ? f->name : "";
        f->fa = file_begin_seq(env->files, env->conn, "SMB", from_orig, name, strlen(name), from_orig ? 0 : f->size,
                               env->ts_us, s->files_begun++);
        if (f->fa == NULL)
            return;
        f->fa_is_orig = from_orig;
        f->next_offset = 0;
        snprintf(f->fuid, sizeof f->fuid, "%s", file_fuid(f->fa));
        /* Zeek's file_over_new_connection writes the file's row again, now
         * with its fuid, under the action that brought the bytes (a read or
         * a write: shown only when those are logged) */
        if (f->action && action_logged(env, f->action))
            smb_file_publish(s, env, f, f->action, offset, NULL, 0);
    }
    if (offset + n <= f->next_offset)
        return;
    if (offset > f->next_offset) {
        file_gap(f->fa, offset - f->next_offset);
        f->next_offset = offset;
    }
    size_t skip = (size_t)(f->next_offset - offset);
    file_data(f->fa, p + skip, n - skip, env->ts_us);
    f->next_offset = offset + n;
    /* A read file is done for Zeek once its size (the create's end of
     * file) has come, as its file analysis ends a file whose total_bytes
     * are seen: files.log has it then; Suricata's fileinfo waits for the close */
    if (!f->fa_is_orig && f->size > 0 && f->next_offset >= f->size) {
        file_publish_zeek(f->fa, env, f->fuid);
        f->fa_complete = true;
    }
}


void smb_file_on_tree(struct smb_state *s, struct smb_file *f, uint32_t tree_id)
{
    struct smb_tree *t = smb_tree_find(s, tree_id);
    f->share_type = t ? t->type : SHARE_UNKNOWN;
    free(f->path);
    f->path = t && t->path ? strdup(t->path) : NULL;
}

/* ---- session setup ---- */

void smb_session_blob(struct smb_state *s, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    ntlm_session_blob(&s->ntlm, env, "SMB", p, n);
    krb_gss_blob(&s->krb, env, from_orig, p, n);
}

void smb_session_result(struct smb_state *s, struct app_env *env, uint32_t status)
{
    if (status == STATUS_MORE_PROCESSING_REQUIRED)
        return;
    ntlm_session_result(&s->ntlm, env, status == STATUS_SUCCESS);
}
