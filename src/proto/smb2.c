/* SMB2/3 (MS-SMB2): headers and compound chains, requests matched to
 * responses by message id, trees, files and named pipes; the state they
 * update is proto/smb_state.c's. */
#include "proto/smb_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/reader.h"

#define SMB2_HEADER 64
#define SMB2_MAX_CHAIN 32                    /* commands per compound message */

#define SMB2_FLAGS_RESPONSE 0x00000001u
#define SMB2_FLAGS_ASYNC 0x00000002u
#define SMB2_FLAGS_RELATED 0x00000004u
#define FSCTL_PIPE_TRANSCEIVE 0x0011C017u
#define FILE_DELETE_ON_CLOSE 0x00001000u
#define FILE_ATTRIBUTE_DIRECTORY 0x00000010u

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

/* The SMB2 header fields this parser reads. */
struct smb2_header {
    uint32_t status, flags, next;
    uint16_t command;
    uint64_t mid;
    uint32_t tree_id;
    uint64_t session_id;
};

static void fid_of(struct smb_state *s, const struct smb2_header *h, const uint8_t *p, uint64_t *fp, uint64_t *fv)
{
    *fp = load_le64(p);
    *fv = load_le64(p + 8);
    if ((h->flags & SMB2_FLAGS_RELATED) && *fp == UINT64_MAX && *fv == UINT64_MAX) {
        *fp = s->last_fid_p;
        *fv = s->last_fid_v;
    }
}

static void session_setup(struct smb_state *s, struct app_env *env, const struct smb2_header *h, const uint8_t *m,
                          size_t n, bool request)
{
    size_t at = SMB2_HEADER + (request ? 12 : 4);
    if (n < at + 4)
        return;
    const uint8_t *blob = smb_span(m, n, load_le16(m + at), load_le16(m + at + 2));
    bool was_authenticated = s->ntlm.authenticated;
    if (blob)
        smb_session_blob(s, env, request, blob, load_le16(m + at + 2));
    if (request && s->ntlm.authenticated && !was_authenticated) {
        struct smb_pending *p = smb_pending_add(s, env, h->mid);
        p->command = SMB2_SESSION_SETUP;
        p->ntlm_auth = true;  /* the answer's EVE smb event shows the names */
    }
    if (!request)
        smb_session_result(s, env, h->status);
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

static void tree_connect_request(struct smb_state *s, struct app_env *env, const struct smb2_header *h,
                                 const uint8_t *m, size_t n)
{
    if (n < SMB2_HEADER + 8)
        return;
    const uint8_t *path = smb_span(m, n, load_le16(m + SMB2_HEADER + 4), load_le16(m + SMB2_HEADER + 6));
    struct smb_pending *p = smb_pending_add(s, env, h->mid);
    p->command = SMB2_TREE_CONNECT;
    if (path)
        p->text = smb_utf16_dup(path, load_le16(m + SMB2_HEADER + 6));
}

static void tree_connect_response(struct smb_state *s, struct app_env *env, const struct smb2_header *h,
                                  const uint8_t *m, size_t n, struct smb_pending *p)
{
    if (h->status != STATUS_SUCCESS || n < SMB2_HEADER + 4)
        return;
    struct smb_tree *t = smb_tree_add(s, env, h->tree_id);
    t->type = m[SMB2_HEADER + 2];
    t->path = p->text;
    p->text = NULL;
    struct smb_mapping_txn txn = {.ts_us = p->ts_us, .path = t->path, .share_type = smb_share_type_name(t->type)};
    env->publish(env, EVENT_SMB_MAPPING, &txn);
}

static void create_request(struct smb_state *s, struct app_env *env, const struct smb2_header *h, const uint8_t *m,
                           size_t n)
{
    if (n < SMB2_HEADER + 56)
        return;
    size_t name_len = load_le16(m + SMB2_HEADER + 46);
    const uint8_t *name = smb_span(m, n, load_le16(m + SMB2_HEADER + 44), name_len);
    struct smb_pending *p = smb_pending_add(s, env, h->mid);
    p->command = SMB2_CREATE;
    p->tree_id = h->tree_id;
    p->disposition = load_le32(m + SMB2_HEADER + 36);
    p->create_options = load_le32(m + SMB2_HEADER + 40);
    p->text = name && name_len ? smb_utf16_dup(name, name_len) : strdup("<share_root>");
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
    struct smb_file *f = smb_file_add(s, env, fp, fv);
    if (f == NULL)
        return;
    f->ts_us = p->ts_us;
    f->name = p->text;
    p->text = NULL;
    smb_file_on_tree(s, f, p->tree_id);
    f->size = load_le64(b + 48);
    int64_t modified = smb_filetime_us(load_le64(b + 24));
    if (modified > 0) {  /* Zeek: "negative data from IPC tree transfers" */
        f->has_times = true;
        f->times_us[SMB_MODIFIED] = modified;
        f->times_us[SMB_ACCESSED] = smb_filetime_us(load_le64(b + 16));
        f->times_us[SMB_CREATED] = smb_filetime_us(load_le64(b + 8));
        f->times_us[SMB_CHANGED] = smb_filetime_us(load_le64(b + 32));
    }
    smb_file_publish(s, env, f, smb_action_name("OPEN", f->share_type), 0, NULL, 0);
    /* Zeek (smb2-main.zeek) raises smb2_file_delete after the open's row
     * when the create asked for FILE_DELETE_ON_CLOSE */
    if (p->create_options & FILE_DELETE_ON_CLOSE)
        smb_file_publish(s, env, f, "SMB::FILE_DELETE", 0, NULL, 0);
}

static void close_request(struct smb_state *s, struct app_env *env, const struct smb2_header *h, const uint8_t *m,
                          size_t n)
{
    if (n < SMB2_HEADER + 24)
        return;
    uint64_t fp, fv;
    fid_of(s, h, m + SMB2_HEADER + 8, &fp, &fv);
    struct smb_file *f = smb_file_find(s, fp, fv);
    if (f == NULL)
        return;
    smb_file_release(s, env, f);
    smb_file_publish(s, env, f, smb_action_name("CLOSE", f->share_type), 0, NULL, 0);
    smb_file_free(s, env, f);
}

static void read_request(struct smb_state *s, struct app_env *env, const struct smb2_header *h, const uint8_t *m,
                         size_t n)
{
    if (n < SMB2_HEADER + 32)
        return;
    struct smb_pending *p = smb_pending_add(s, env, h->mid);
    p->command = SMB2_READ;
    p->offset = load_le64(m + SMB2_HEADER + 8);
    fid_of(s, h, m + SMB2_HEADER + 16, &p->fid_p, &p->fid_v);
    struct smb_file *f = smb_file_find(s, p->fid_p, p->fid_v);
    if (f)
        smb_file_publish(s, env, f, smb_action_name("READ", f->share_type), p->offset, NULL, 0);
}

static void read_response(struct smb_state *s, struct app_env *env, const struct smb2_header *h, const uint8_t *m,
                          size_t n, const struct smb_pending *p)
{
    if ((h->status != STATUS_SUCCESS && h->status != STATUS_BUFFER_OVERFLOW) || n < SMB2_HEADER + 16)
        return;
    size_t len = load_le32(m + SMB2_HEADER + 4);
    const uint8_t *data = smb_span(m, n, m[SMB2_HEADER + 2], len);
    struct smb_file *f = smb_file_find(s, p->fid_p, p->fid_v);
    if (f == NULL)
        return;
    if (data == NULL) {
        env->weird(env, "SMB_read_outside_message", NULL, "SMB");
        return;
    }
    smb_file_bytes(s, env, f, false, p->offset, data, len);
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
    const uint8_t *data = smb_span(m, n, load_le16(b + 2), len);
    struct smb_file *f = smb_file_find(s, fp, fv);
    if (f == NULL)
        return;
    if (data == NULL) {
        env->weird(env, "SMB_write_outside_message", NULL, "SMB");
        return;
    }
    smb_file_publish(s, env, f, smb_action_name("WRITE", f->share_type), offset, data, len);
    smb_file_bytes(s, env, f, true, offset, data, len);
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
    struct smb_file *f = smb_file_find(s, fp, fv);
    /* the request's input, the response's output */
    size_t off = load_le32(b + (request ? 24 : 32)), len = load_le32(b + (request ? 28 : 36));
    const uint8_t *data = smb_span(m, n, off, len);
    if (f && data)
        smb_pipe_data(s, env, f, request, data, len);
}

static void set_info_request(struct smb_state *s, struct app_env *env, const struct smb2_header *h,
                             const uint8_t *m, size_t n)
{
    if (n < SMB2_HEADER + 32 || m[SMB2_HEADER + 2] != 1 /* SMB2_0_INFO_FILE */)
        return;
    const uint8_t *b = m + SMB2_HEADER;
    uint8_t cls = b[3];
    size_t len = load_le32(b + 4);
    const uint8_t *info = smb_span(m, n, load_le16(b + 8), len);
    uint64_t fp, fv;
    fid_of(s, h, b + 16, &fp, &fv);
    struct smb_file *f = smb_file_find(s, fp, fv);
    if (f == NULL || info == NULL)
        return;
    if (cls == 10 && len >= 20) {  /* FileRenameInformation */
        size_t name_len = load_le32(info + 16);
        if (name_len > len - 20)
            return;
        free(f->prev_name);
        f->prev_name = f->name;
        f->name = smb_utf16_dup(info + 20, name_len);
        smb_file_publish(s, env, f, "SMB::FILE_RENAME", 0, NULL, 0);
    } else if (cls == 13 && len >= 1 && info[0]) {  /* FileDispositionInformation, delete pending */
        smb_file_publish(s, env, f, "SMB::FILE_DELETE", 0, NULL, 0);
    }
}

static void smb2_request(struct smb_state *s, struct app_env *env, const struct smb2_header *h, const uint8_t *m,
                         size_t n)
{
    switch (h->command) {
    case SMB2_NEGOTIATE: negotiate_request(s, m, n); break;
    case SMB2_SESSION_SETUP: session_setup(s, env, h, m, n, true); break;
    case SMB2_TREE_CONNECT: tree_connect_request(s, env, h, m, n); break;
    case SMB2_TREE_DISCONNECT: {
        struct smb_tree *t = smb_tree_find(s, h->tree_id);
        if (t)
            smb_tree_free(t);
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

/* Commands that are a Suricata SMB transaction of their own (EVE smb):
 * reads, writes and info queries are a file's, pipe transceives a call's. */
static bool is_command_txn(uint16_t command)
{
    return command != SMB2_READ && command != SMB2_WRITE && command != SMB2_QUERY_INFO &&
           command != SMB2_SET_INFO && command != SMB2_IOCTL;
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
    const struct smb_file *f = smb_file_find(s, t->fid_p, t->fid_v);
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
        const struct smb_tree *tree = smb_tree_find(s, s->cur.tree_id);
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
    struct smb_pending *p = smb_pending_find(s, h->mid);
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
    p = smb_pending_find(s, h->mid);
    if (p)
        smb_pending_free(p);
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
void smb2_chain(struct smb_state *s, struct app_env *env, bool from_orig, const uint8_t *m, size_t n)
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
