/* SMB over TCP 445 and NetBIOS 139 (MS-SMB2): NetBIOS session framing,
 * SMB2/3 headers and compound chains, requests matched to responses by
 * message id, trees, files and named pipes. SMB3 messages in a transform
 * header (0xFD 'SMB') are encrypted: counted and reported once as the
 * weird SMB_encrypted_message (Zeek's smb2_transform_header), the bytes
 * skipped. Every table is bounded; a cap reached is a weird. */
#include "proto/smb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files/files.h"
#include "proto/dce_rpc.h"
#include "proto/ntlm.h"
#include "util/reader.h"
#include "util/uid.h"
#include "util/utf16.h"

#define SMB2_HEADER 64
#define SMB_MAX_MESSAGE ((8u << 20) + 4096)  /* MS-SMB2: reads and writes are at most 8 MiB */
#define SMB2_MAX_CHAIN 32                    /* commands per compound message */
#define SMB_MAX_PENDING 64                   /* requests awaiting a response */
#define SMB_MAX_TREES 32
#define SMB_MAX_FILES 256                    /* files open at once per connection */
#define SMB_RECENT 64                        /* Zeek's recent_files, as a ring of hashes */
#define SMB_NAME_MAX 1024
#define SMB_MAX_CLIENT_DIALECTS 16           /* a negotiate offers five or so */

#define SMB2_FLAGS_RESPONSE 0x00000001u
#define SMB2_FLAGS_ASYNC 0x00000002u
#define SMB2_FLAGS_RELATED 0x00000004u
#define STATUS_SUCCESS 0x00000000u
#define STATUS_PENDING 0x00000103u
#define STATUS_MORE_PROCESSING_REQUIRED 0xC0000016u
#define STATUS_BUFFER_OVERFLOW 0x80000005u
#define FSCTL_PIPE_TRANSCEIVE 0x0011C017u

enum smb2_command {
    SMB2_NEGOTIATE = 0,
    SMB2_SESSION_SETUP = 1,
    SMB2_TREE_CONNECT = 3,
    SMB2_TREE_DISCONNECT = 4,
    SMB2_CREATE = 5,
    SMB2_CLOSE = 6,
    SMB2_READ = 8,
    SMB2_WRITE = 9,
    SMB2_IOCTL = 11,
    SMB2_QUERY_INFO = 16,
    SMB2_SET_INFO = 17,
};

#define FILE_DELETE_ON_CLOSE 0x00001000u
#define FILE_ATTRIBUTE_DIRECTORY 0x00000010u

enum share_type { SHARE_UNKNOWN = 0, SHARE_DISK = 1, SHARE_PIPE = 2, SHARE_PRINT = 3 };

struct smb_tree {
    bool used;
    uint32_t id;
    uint8_t type;
    char *path;
};

struct smb_file {
    bool used;
    uint64_t fid_p, fid_v;
    int64_t ts_us;
    char *name, *prev_name, *path;
    uint8_t share_type;
    uint64_t size;
    bool has_times;
    int64_t times_us[SMB_TIMES];
    struct dce_rpc_assoc *rpc;          /* named pipes carrying DCE-RPC */
    struct file_analysis *fa;           /* the file's bytes, once read or written */
    uint64_t next_offset;
    bool fa_is_orig;
    char fuid[UID_LEN];
};

struct smb_pending {
    bool used;
    uint64_t mid;
    uint16_t command;
    uint32_t tree_id;
    uint64_t fid_p, fid_v;
    uint64_t offset;
    int64_t ts_us;
    char *text;                         /* tree connect: the path; create: the name */
    uint32_t disposition, create_options; /* create */
    bool ntlm_auth;                     /* session setup: the request carried the NTLM AUTHENTICATE */
};

struct smb_reader {
    uint8_t *buf;
    size_t len, cap;
    size_t need;                        /* bytes of the current NetBIOS message (0: reading its header) */
    uint64_t skip;                      /* bytes still to drop (a message too large, not SMB) */
    uint8_t nb_type;
    uint8_t nb_header[4];
    size_t nb_have;
    bool resync;                        /* framing lost: look for the next message's start */
};

struct smb_state {
    struct smb_reader dir[2];
    struct smb_pending pending[SMB_MAX_PENDING];
    struct smb_tree trees[SMB_MAX_TREES];
    struct smb_file *files;             /* SMB_MAX_FILES, allocated on the first create */
    uint64_t recent[SMB_RECENT];
    size_t recent_next;
    struct ntlm_session ntlm;
    uint64_t files_begun;
    uint64_t last_fid_p, last_fid_v;    /* related compound requests refer to the previous create's */
    bool encrypted_reported;
    bool too_many_files_reported;
    struct smb_command_info cur;        /* the message being read */
    uint64_t n_txns;                    /* EVE smb.id of the last */
    uint16_t dialect;
    uint16_t client_dialects[SMB_MAX_CLIENT_DIALECTS];
    size_t n_client_dialects;
    uint8_t client_guid[16];
    bool has_client_guid;
};

/* The SMB2 header fields this parser reads. */
struct smb2_header {
    uint32_t status, flags, next;
    uint16_t command;
    uint64_t mid;
    uint32_t tree_id;
    uint64_t session_id;
};

static const char *share_type_name(uint8_t t)
{
    switch (t) {
    case SHARE_PIPE: return "PIPE";
    case SHARE_PRINT: return "PRINT";
    default: return "DISK";
    }
}

static char *utf16_dup(const uint8_t *p, size_t n)
{
    if (n > 2 * SMB_NAME_MAX)
        n = 2 * SMB_NAME_MAX;
    char tmp[SMB_NAME_MAX * 3 + 1];
    utf16le_to_utf8(p, n, tmp, sizeof tmp);
    return strdup(tmp);
}

/* The bytes [off, off+len) of a message of n bytes, NULL when outside. */
static const uint8_t *span(const uint8_t *msg, size_t n, uint64_t off, uint64_t len)
{
    if (off > n || len > n - off)
        return NULL;
    return msg + off;
}

/* Zeek's filetime2zeektime computes a double (ft / 1e7 - 11644473600) and
 * logs it with six decimals: the same arithmetic gives the same digits. */
static int64_t filetime_us(uint64_t ft)
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

static void pending_free(struct smb_pending *p)
{
    free(p->text);
    memset(p, 0, sizeof *p);
}

static struct smb_pending *pending_add(struct smb_state *s, struct app_env *env, uint64_t mid)
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
    pending_free(slot);
    slot->used = true;
    slot->mid = mid;
    slot->ts_us = env->ts_us;
    return slot;
}

static struct smb_pending *pending_find(struct smb_state *s, uint64_t mid)
{
    for (size_t i = 0; i < SMB_MAX_PENDING; i++)
        if (s->pending[i].used && s->pending[i].mid == mid)
            return &s->pending[i];
    return NULL;
}

static struct smb_tree *tree_find(struct smb_state *s, uint32_t id)
{
    for (size_t i = 0; i < SMB_MAX_TREES; i++)
        if (s->trees[i].used && s->trees[i].id == id)
            return &s->trees[i];
    return NULL;
}

static void tree_free(struct smb_tree *t)
{
    free(t->path);
    memset(t, 0, sizeof *t);
}

static struct smb_tree *tree_add(struct smb_state *s, struct app_env *env, uint32_t id)
{
    struct smb_tree *t = tree_find(s, id);
    for (size_t i = 0; t == NULL && i < SMB_MAX_TREES; i++)
        if (!s->trees[i].used)
            t = &s->trees[i];
    if (t == NULL) {
        env->weird(env, "SMB_too_many_trees", NULL, "SMB");
        t = &s->trees[id % SMB_MAX_TREES];
    }
    tree_free(t);
    t->used = true;
    t->id = id;
    return t;
}

static struct smb_file *file_find(struct smb_state *s, uint64_t p, uint64_t v)
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
    return (struct dce_rpc_carrier){.names = env->worker_state, .ntlm = &s->ntlm, .smb_share = f->path, .smb = &s->cur};
}

/* Ends what a file holds: its bytes' analysis (keeping the fuid) and its pipe. */
static void file_release(struct smb_state *s, struct app_env *env, struct smb_file *f)
{
    if (f->fa) {
        file_end(f->fa, env, f->fuid, NULL);
        f->fa = NULL;
    }
    if (f->rpc) {
        struct dce_rpc_carrier car = pipe_carrier(s, env, f);
        dce_rpc_assoc_close(f->rpc, &car, env);
        free(f->rpc);
        f->rpc = NULL;
    }
}

static void file_free(struct smb_state *s, struct app_env *env, struct smb_file *f)
{
    file_release(s, env, f);
    free(f->name);
    free(f->prev_name);
    free(f->path);
    memset(f, 0, sizeof *f);
}

static struct smb_file *file_add(struct smb_state *s, struct app_env *env, uint64_t p, uint64_t v)
{
    if (s->files == NULL) {
        s->files = calloc(SMB_MAX_FILES, sizeof *s->files);
        if (s->files == NULL)
            return NULL;
    }
    struct smb_file *f = file_find(s, p, v);
    for (size_t i = 0; f == NULL && i < SMB_MAX_FILES; i++)
        if (!s->files[i].used)
            f = &s->files[i];
    if (f == NULL) {
        if (!s->too_many_files_reported)
            env->weird(env, "SMB_too_many_open_files", NULL, "SMB");
        s->too_many_files_reported = true;
        f = &s->files[(p + v) % SMB_MAX_FILES];
    }
    file_free(s, env, f);
    f->used = true;
    f->fid_p = p;
    f->fid_v = v;
    f->ts_us = env->ts_us;
    return f;
}

/* ---- smb_files ---- */

static const char *action_name(const char *verb, uint8_t share_type)
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

/* Zeek's default SMB::logged_file_actions. */
static bool action_logged(const char *action)
{
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

static void file_publish(struct smb_state *s, struct app_env *env, const struct smb_file *f, const char *action,
                         uint64_t offset, const uint8_t *data, size_t data_len)
{
    struct smb_file_txn t = {
        .ts_us = f->ts_us, .fuid = f->fuid[0] ? f->fuid : NULL, .action = action, .path = f->path, .name = f->name,
        .size = f->size, .prev_name = f->prev_name, .has_times = f->has_times, .share_type = share_type_name(f->share_type),
        .offset = offset, .data = data, .data_len = data_len,
    };
    memcpy(t.times_us, f->times_us, sizeof t.times_us);
    t.logged = t.name != NULL && action_logged(action) && !recently_logged(s, &t);
    env->publish(env, EVENT_SMB_FILES, &t);
}

/* ---- file bytes ---- */

static bool looks_like_pipe_traffic(const uint8_t *p, size_t n)
{
    return dce_rpc_looks_like_bind(p, n);
}

static void pipe_data(struct smb_state *s, struct app_env *env, struct smb_file *f, bool from_orig,
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
static void file_bytes(struct smb_state *s, struct app_env *env, struct smb_file *f, bool from_orig,
                       uint64_t offset, const uint8_t *p, size_t n)
{
    if (f->share_type == SHARE_PIPE || f->rpc || (f->share_type == SHARE_UNKNOWN && looks_like_pipe_traffic(p, n))) {
        pipe_data(s, env, f, from_orig, p, n);
        return;
    }
    if (env->files == NULL || n == 0)
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
}

/* ---- commands ---- */

static void fid_of(struct smb_state *s, const struct smb2_header *h, const uint8_t *p, uint64_t *fp, uint64_t *fv)
{
    *fp = load_le64(p);
    *fv = load_le64(p + 8);
    if ((h->flags & SMB2_FLAGS_RELATED) && *fp == UINT64_MAX && *fv == UINT64_MAX) {
        *fp = s->last_fid_p;
        *fv = s->last_fid_v;
    }
}

static void negotiate_request(struct smb_state *s, const uint8_t *m, size_t n)
{
    if (n < SMB2_HEADER + 36)
        return;
    size_t count = load_le16(m + SMB2_HEADER + 2);
    memcpy(s->client_guid, m + SMB2_HEADER + 12, 16);
    s->has_client_guid = true;
    s->n_client_dialects = 0;
    for (size_t i = 0; i < count && s->n_client_dialects < SMB_MAX_CLIENT_DIALECTS; i++) {
        if (SMB2_HEADER + 36 + 2 * i + 2 > n)
            break;
        s->client_dialects[s->n_client_dialects++] = (uint16_t)load_le16(m + SMB2_HEADER + 36 + 2 * i);
    }
}

static void session_setup(struct smb_state *s, struct app_env *env, const struct smb2_header *h, const uint8_t *m,
                          size_t n, bool request)
{
    size_t at = SMB2_HEADER + (request ? 12 : 4);
    if (n < at + 4)
        return;
    const uint8_t *blob = span(m, n, load_le16(m + at), load_le16(m + at + 2));
    bool was_authenticated = s->ntlm.authenticated;
    if (blob)
        ntlm_session_blob(&s->ntlm, env, "SMB", blob, load_le16(m + at + 2));
    if (request && s->ntlm.authenticated && !was_authenticated) {
        struct smb_pending *p = pending_add(s, env, h->mid);
        p->command = SMB2_SESSION_SETUP;
        p->ntlm_auth = true;  /* the answer's EVE smb event shows the names */
    }
    if (request || h->status == STATUS_MORE_PROCESSING_REQUIRED)
        return;
    if (h->status == STATUS_SUCCESS)
        ntlm_session_result(&s->ntlm, env, true);
    else
        ntlm_session_result(&s->ntlm, env, false);
}

static void tree_connect_request(struct smb_state *s, struct app_env *env, const struct smb2_header *h,
                                 const uint8_t *m, size_t n)
{
    if (n < SMB2_HEADER + 8)
        return;
    const uint8_t *path = span(m, n, load_le16(m + SMB2_HEADER + 4), load_le16(m + SMB2_HEADER + 6));
    struct smb_pending *p = pending_add(s, env, h->mid);
    p->command = SMB2_TREE_CONNECT;
    if (path)
        p->text = utf16_dup(path, load_le16(m + SMB2_HEADER + 6));
}

static void tree_connect_response(struct smb_state *s, struct app_env *env, const struct smb2_header *h,
                                  const uint8_t *m, size_t n, struct smb_pending *p)
{
    if (h->status != STATUS_SUCCESS || n < SMB2_HEADER + 4)
        return;
    struct smb_tree *t = tree_add(s, env, h->tree_id);
    t->type = m[SMB2_HEADER + 2];
    t->path = p->text;
    p->text = NULL;
    struct smb_mapping_txn txn = {.ts_us = p->ts_us, .path = t->path, .share_type = share_type_name(t->type)};
    env->publish(env, EVENT_SMB_MAPPING, &txn);
}

static void create_request(struct smb_state *s, struct app_env *env, const struct smb2_header *h, const uint8_t *m,
                           size_t n)
{
    if (n < SMB2_HEADER + 56)
        return;
    size_t name_len = load_le16(m + SMB2_HEADER + 46);
    const uint8_t *name = span(m, n, load_le16(m + SMB2_HEADER + 44), name_len);
    struct smb_pending *p = pending_add(s, env, h->mid);
    p->command = SMB2_CREATE;
    p->tree_id = h->tree_id;
    p->text = name && name_len ? utf16_dup(name, name_len) : strdup("<share_root>");
    p->disposition = load_le32(m + SMB2_HEADER + 36);
    p->create_options = load_le32(m + SMB2_HEADER + 40);
}

static void create_response(struct smb_state *s, struct app_env *env, const struct smb2_header *h,
                            const uint8_t *m, size_t n, struct smb_pending *p)
{
    if (h->status != STATUS_SUCCESS || n < SMB2_HEADER + 88)
        return;
    const uint8_t *b = m + SMB2_HEADER;
    uint64_t fp = load_le64(b + 64), fv = load_le64(b + 72);
    s->last_fid_p = fp;
    s->last_fid_v = fv;
    struct smb_file *f = file_add(s, env, fp, fv);
    if (f == NULL)
        return;
    f->ts_us = p->ts_us;
    f->name = p->text;
    p->text = NULL;
    struct smb_tree *t = tree_find(s, p->tree_id);
    f->share_type = t ? t->type : SHARE_UNKNOWN;
    if (t && t->path)
        f->path = strdup(t->path);
    f->size = load_le64(b + 48);
    int64_t modified = filetime_us(load_le64(b + 24));
    if (modified > 0) {  /* Zeek: "negative data from IPC tree transfers" */
        f->has_times = true;
        f->times_us[SMB_MODIFIED] = modified;
        f->times_us[SMB_ACCESSED] = filetime_us(load_le64(b + 16));
        f->times_us[SMB_CREATED] = filetime_us(load_le64(b + 8));
        f->times_us[SMB_CHANGED] = filetime_us(load_le64(b + 32));
    }
    file_publish(s, env, f, action_name("OPEN", f->share_type), 0, NULL, 0);
}

static void close_request(struct smb_state *s, struct app_env *env, const struct smb2_header *h, const uint8_t *m,
                          size_t n)
{
    if (n < SMB2_HEADER + 24)
        return;
    uint64_t fp, fv;
    fid_of(s, h, m + SMB2_HEADER + 8, &fp, &fv);
    struct smb_file *f = file_find(s, fp, fv);
    if (f == NULL)
        return;
    file_release(s, env, f);
    file_publish(s, env, f, action_name("CLOSE", f->share_type), 0, NULL, 0);
    file_free(s, env, f);
}

static void read_request(struct smb_state *s, struct app_env *env, const struct smb2_header *h, const uint8_t *m,
                         size_t n)
{
    if (n < SMB2_HEADER + 32)
        return;
    struct smb_pending *p = pending_add(s, env, h->mid);
    p->command = SMB2_READ;
    p->offset = load_le64(m + SMB2_HEADER + 8);
    fid_of(s, h, m + SMB2_HEADER + 16, &p->fid_p, &p->fid_v);
    struct smb_file *f = file_find(s, p->fid_p, p->fid_v);
    if (f)
        file_publish(s, env, f, action_name("READ", f->share_type), p->offset, NULL, 0);
}

static void read_response(struct smb_state *s, struct app_env *env, const struct smb2_header *h, const uint8_t *m,
                          size_t n, const struct smb_pending *p)
{
    if ((h->status != STATUS_SUCCESS && h->status != STATUS_BUFFER_OVERFLOW) || n < SMB2_HEADER + 16)
        return;
    size_t len = load_le32(m + SMB2_HEADER + 4);
    const uint8_t *data = span(m, n, m[SMB2_HEADER + 2], len);
    struct smb_file *f = file_find(s, p->fid_p, p->fid_v);
    if (f == NULL)
        return;
    if (data == NULL) {
        env->weird(env, "SMB_read_outside_message", NULL, "SMB");
        return;
    }
    file_bytes(s, env, f, false, p->offset, data, len);
}

static void write_request(struct smb_state *s, struct app_env *env, const struct smb2_header *h, const uint8_t *m,
                          size_t n)
{
    if (n < SMB2_HEADER + 32)
        return;
    const uint8_t *b = m + SMB2_HEADER;
    size_t len = load_le32(b + 4);
    uint64_t offset = load_le64(b + 8), fp, fv;
    fid_of(s, h, b + 16, &fp, &fv);
    const uint8_t *data = span(m, n, load_le16(b + 2), len);
    struct smb_file *f = file_find(s, fp, fv);
    if (f == NULL)
        return;
    if (data == NULL) {
        env->weird(env, "SMB_write_outside_message", NULL, "SMB");
        return;
    }
    file_publish(s, env, f, action_name("WRITE", f->share_type), offset, data, len);
    file_bytes(s, env, f, true, offset, data, len);
}

static void ioctl_message(struct smb_state *s, struct app_env *env, const struct smb2_header *h, const uint8_t *m,
                          size_t n, bool request)
{
    if (n < SMB2_HEADER + 48 || load_le32(m + SMB2_HEADER + 4) != FSCTL_PIPE_TRANSCEIVE)
        return;
    if (!request && h->status != STATUS_SUCCESS && h->status != STATUS_BUFFER_OVERFLOW)
        return;
    const uint8_t *b = m + SMB2_HEADER;
    uint64_t fp, fv;
    fid_of(s, h, b + 8, &fp, &fv);
    struct smb_file *f = file_find(s, fp, fv);
    /* the request's input, the response's output */
    size_t off = load_le32(b + (request ? 24 : 32)), len = load_le32(b + (request ? 28 : 36));
    const uint8_t *data = span(m, n, off, len);
    if (f && data)
        pipe_data(s, env, f, request, data, len);
}

static void set_info_request(struct smb_state *s, struct app_env *env, const struct smb2_header *h,
                             const uint8_t *m, size_t n)
{
    if (n < SMB2_HEADER + 32 || m[SMB2_HEADER + 2] != 1 /* SMB2_0_INFO_FILE */)
        return;
    const uint8_t *b = m + SMB2_HEADER;
    uint8_t cls = b[3];
    size_t len = load_le32(b + 4);
    const uint8_t *info = span(m, n, load_le16(b + 8), len);
    uint64_t fp, fv;
    fid_of(s, h, b + 16, &fp, &fv);
    struct smb_file *f = file_find(s, fp, fv);
    if (f == NULL || info == NULL)
        return;
    if (cls == 10 && len >= 20) {  /* FileRenameInformation */
        size_t name_len = load_le32(info + 16);
        if (name_len > len - 20)
            return;
        free(f->prev_name);
        f->prev_name = f->name;
        f->name = utf16_dup(info + 20, name_len);
        file_publish(s, env, f, "SMB::FILE_RENAME", 0, NULL, 0);
    } else if (cls == 13 && len >= 1 && info[0]) {  /* FileDispositionInformation, delete pending */
        file_publish(s, env, f, "SMB::FILE_DELETE", 0, NULL, 0);
    }
}

/* Commands that are a Suricata SMB transaction of their own (EVE smb):
 * reads, writes and info queries are a file's, pipe transceives a call's. */
static bool is_command_txn(uint16_t command)
{
    return command != SMB2_READ && command != SMB2_WRITE && command != SMB2_QUERY_INFO &&
           command != SMB2_SET_INFO && command != SMB2_IOCTL;
}

static void smb2_request(struct smb_state *s, struct app_env *env, const struct smb2_header *h, const uint8_t *m,
                         size_t n)
{
    switch (h->command) {
    case SMB2_NEGOTIATE: negotiate_request(s, m, n); break;
    case SMB2_SESSION_SETUP: session_setup(s, env, h, m, n, true); break;
    case SMB2_TREE_CONNECT: tree_connect_request(s, env, h, m, n); break;
    case SMB2_TREE_DISCONNECT: {
        struct smb_tree *t = tree_find(s, h->tree_id);
        if (t)
            tree_free(t);
        break;
    }
    case SMB2_CREATE: create_request(s, env, h, m, n); break;
    case SMB2_CLOSE: close_request(s, env, h, m, n); break;
    case SMB2_READ: read_request(s, env, h, m, n); break;
    case SMB2_WRITE: write_request(s, env, h, m, n); break;
    case SMB2_IOCTL: ioctl_message(s, env, h, m, n, true); break;
    case SMB2_SET_INFO: set_info_request(s, env, h, m, n); break;
    default: break;
    }
}

static int64_t filetime_unix(uint64_t ft)
{
    return ft ? (int64_t)(ft / 10000000u) - 11644473600 : 0;
}

/* The create response's file, as the transaction shows it. */
static void command_create(struct smb_state *s, const uint8_t *m, size_t n, const struct smb_pending *p,
                           struct smb_txn *t)
{
    t->filename = p ? p->text : NULL;
    if (p) {
        t->has_create = true;
        t->disposition = p->disposition;
        t->delete_on_close = (p->create_options & FILE_DELETE_ON_CLOSE) != 0;
    }
    if (s->cur.status != STATUS_SUCCESS || n < SMB2_HEADER + 88)
        return;
    const uint8_t *b = m + SMB2_HEADER;
    t->created = filetime_unix(load_le64(b + 8));
    t->accessed = filetime_unix(load_le64(b + 16));
    t->modified = filetime_unix(load_le64(b + 24));
    t->changed = filetime_unix(load_le64(b + 32));
    t->size = load_le64(b + 48);
    t->directory = (load_le32(b + 56) & FILE_ATTRIBUTE_DIRECTORY) != 0;
    t->fid_p = load_le64(b + 64);
    t->fid_v = load_le64(b + 72);
    const struct smb_file *f = file_find(s, t->fid_p, t->fid_v);
    if (f && f->name)
        t->filename = f->name;
}

/* One request answered: EVENT_SMB (after the command's own handling). */
static void publish_command(struct smb_state *s, struct app_env *env, const uint8_t *m, size_t n,
                            const struct smb_pending *p)
{
    struct smb_txn t = {.ts_us = env->ts_us, .cmd = s->cur};
    t.cmd.id = ++s->n_txns;
    switch (s->cur.command) {
    case SMB2_NEGOTIATE:
        t.client_dialects = s->client_dialects;
        t.n_client_dialects = s->n_client_dialects;
        t.client_guid = s->has_client_guid ? s->client_guid : NULL;
        if (s->cur.status == STATUS_SUCCESS && n >= SMB2_HEADER + 40) {
            t.server_guid = m + SMB2_HEADER + 8;
            t.max_read_size = load_le32(m + SMB2_HEADER + 32);
            t.max_write_size = load_le32(m + SMB2_HEADER + 36);
        }
        break;
    case SMB2_SESSION_SETUP:
        if (p && p->ntlm_auth) {
            const struct ntlm_txn *a = &s->ntlm.info;
            t.ntlmssp_user = a->has_username ? a->username : "";
            t.ntlmssp_domain = a->has_domainname ? a->domainname : "";
            t.ntlmssp_host = a->has_hostname ? a->hostname : "";
        }
        break;
    case SMB2_TREE_CONNECT: {
        const struct smb_tree *tree = tree_find(s, s->cur.tree_id);
        t.share = p && p->text ? p->text : tree && s->cur.status == STATUS_SUCCESS ? tree->path : NULL;
        if (s->cur.status == STATUS_SUCCESS && n >= SMB2_HEADER + 4)
            t.share_type = m[SMB2_HEADER + 2];
        t.is_pipe = t.share_type == SHARE_PIPE;
        break;
    }
    case SMB2_CREATE: command_create(s, m, n, p, &t); break;
    default: break;
    }
    env->publish(env, EVENT_SMB, &t);
}

static void smb2_response(struct smb_state *s, struct app_env *env, const struct smb2_header *h, const uint8_t *m,
                          size_t n)
{
    if (h->status == STATUS_PENDING && (h->flags & SMB2_FLAGS_ASYNC))
        return;  /* an interim answer: the final one follows */
    if (h->command == SMB2_NEGOTIATE && h->status == STATUS_SUCCESS && n >= SMB2_HEADER + 6)
        s->dialect = (uint16_t)load_le16(m + SMB2_HEADER + 4);
    s->cur = (struct smb_command_info){.dialect = s->dialect, .command = h->command, .has_status = true,
                                       .status = h->status, .session_id = h->session_id, .tree_id = h->tree_id,
                                       .id = s->n_txns + 1};
    if (h->command == SMB2_IOCTL) {
        s->cur.id = ++s->n_txns;  /* a pipe's call (EVE smb with dcerpc), or an ioctl not logged */
        ioctl_message(s, env, h, m, n, false);
        return;
    }
    struct smb_pending *p = pending_find(s, h->mid);
    if (p && p->command != h->command)
        p = NULL;
    switch (h->command) {
    case SMB2_SESSION_SETUP: session_setup(s, env, h, m, n, false); break;
    case SMB2_TREE_CONNECT:
        if (p)
            tree_connect_response(s, env, h, m, n, p);
        break;
    case SMB2_CREATE:
        if (p)
            create_response(s, env, h, m, n, p);
        break;
    case SMB2_READ:
        if (p)
            read_response(s, env, h, m, n, p);
        break;
    default: break;
    }
    if (is_command_txn(h->command))
        publish_command(s, env, m, n, p);
    p = pending_find(s, h->mid);
    if (p)
        pending_free(p);
}

static bool smb2_header_read(const uint8_t *m, size_t n, struct smb2_header *h)
{
    if (n < SMB2_HEADER || memcmp(m, "\xfeSMB", 4) != 0 || load_le16(m + 4) != SMB2_HEADER)
        return false;
    h->status = load_le32(m + 8);
    h->command = (uint16_t)load_le16(m + 12);
    h->flags = load_le32(m + 16);
    h->next = load_le32(m + 20);
    h->mid = load_le64(m + 24);
    h->tree_id = (h->flags & SMB2_FLAGS_ASYNC) ? 0 : load_le32(m + 36);
    h->session_id = load_le64(m + 40);
    return true;
}

/* One NetBIOS message: an SMB2 compound chain. Each NextCommand must move
 * forward inside the message and the chain is capped, so a chain that
 * points back at itself ends. */
static void smb2_chain(struct smb_state *s, struct app_env *env, bool from_orig, const uint8_t *m, size_t n)
{
    size_t off = 0;
    for (unsigned i = 0;; i++) {
        if (i == SMB2_MAX_CHAIN) {
            env->weird(env, "SMB2_compound_chain_too_long", NULL, "SMB");
            return;
        }
        struct smb2_header h;
        if (!smb2_header_read(m + off, n - off, &h)) {
            if (i > 0)
                env->weird(env, "SMB2_bad_compound_member", NULL, "SMB");
            return;
        }
        size_t len = n - off;
        if (h.next) {
            if (h.next < SMB2_HEADER || h.next > len || (h.next & 7)) {
                env->weird(env, "SMB2_bad_next_command", NULL, "SMB");
                h.next = 0;
            } else {
                len = h.next;
            }
        }
        bool response = (h.flags & SMB2_FLAGS_RESPONSE) != 0;
        if (response != !from_orig) {
            /* a message whose direction disagrees with the flow's: skip it */
        } else if (response) {
            smb2_response(s, env, &h, m + off, len);
        } else {
            smb2_request(s, env, &h, m + off, len);
        }
        if (h.next == 0)
            return;
        off += h.next;
    }
}

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
    if (need <= r->cap)
        return true;
    size_t cap = r->cap ? r->cap : 4096;
    while (cap < need)
        cap *= 2;
    uint8_t *b = realloc(r->buf, cap);
    if (b == NULL)
        return false;
    r->buf = b;
    r->cap = cap;
    return true;
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
            file_free(s, env, &s->files[i]);
    free(s->files);
    for (size_t i = 0; i < SMB_MAX_PENDING; i++)
        pending_free(&s->pending[i]);
    for (size_t i = 0; i < SMB_MAX_TREES; i++)
        tree_free(&s->trees[i]);
    free(s->dir[0].buf);
    free(s->dir[1].buf);
    ntlm_session_close(&s->ntlm, env);
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
