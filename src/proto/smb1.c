/* SMB1 (MS-CIFS, MS-SMB; the NT LM 0.12 dialect): a message is a chain of
 * AndX command blocks, each found at the offset its predecessor names. The
 * chain must move forward and is capped, so a chain that points back at
 * itself is a weird and ends. Session setups hand their security blobs to
 * NTLM and Kerberos; trees, files and named pipes are logged as Zeek's
 * smb1-main.zeek does (its actions are FILE_* whatever the share; READ is
 * published at the request, WRITE with its bytes); TRANSACTION requests on
 * a pipe (TransactNmPipe) carry DCE-RPC both ways. */
#include "proto/smb_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/reader.h"
#include "util/utf16.h"

#define SMB1_HEADER 32
#define SMB1_MAX_ANDX 16                     /* command blocks per message */
#define SMB1_FLAGS_REPLY 0x80
#define SMB1_FLAGS2_UNICODE 0x8000
#define SMB1_NO_ANDX 0xff

enum smb1_command {
    SMB1_CLOSE = 0x04,
    SMB1_TRANSACTION = 0x25,
    SMB1_READ_ANDX = 0x2e,
    SMB1_WRITE_ANDX = 0x2f,
    SMB1_TREE_DISCONNECT = 0x71,
    SMB1_SESSION_SETUP_ANDX = 0x73,
    SMB1_TREE_CONNECT_ANDX = 0x75,
    SMB1_NT_CREATE_ANDX = 0xa2,
};

#define TRANS_TRANSACT_NMPIPE 0x26

struct smb1_header {
    uint32_t status;
    uint8_t flags;
    uint16_t flags2, tid, mid;
};

/* One command block: its parameter words and its bytes, inside the message. */
struct smb1_block {
    uint8_t command;
    const uint8_t *words;
    size_t n_words;                          /* bytes of parameter words (2 * WordCount) */
    size_t bytes_at, n_bytes;                /* the data bytes, as offsets from the header */
};

/* Requests and responses of one message share its mid: the key tells the
 * commands of an AndX chain apart. */
static uint64_t pending_key(const struct smb1_header *h, uint8_t command)
{
    return (uint64_t)command << 16 | h->mid;
}

static uint16_t word16(const struct smb1_block *b, size_t at)
{
    return at + 2 <= b->n_words ? (uint16_t)load_le16(b->words + at) : 0;
}

static uint32_t word32(const struct smb1_block *b, size_t at)
{
    return at + 4 <= b->n_words ? load_le32(b->words + at) : 0;
}

static uint64_t word64(const struct smb1_block *b, size_t at)
{
    return at + 8 <= b->n_words ? load_le64(b->words + at) : 0;
}

/* A NUL-terminated string at *at (an offset from the header), Unicode when
 * the field may be and the header says so (then aligned to two bytes from
 * the header's start),
 * cut at the block's end; *at moves past it. NULL when nothing is there. */
static char *block_string(const struct smb1_header *h, const struct smb1_block *b, const uint8_t *m, size_t *at,
                          bool unicode)
{
    size_t end = b->bytes_at + b->n_bytes;
    bool wide = unicode && (h->flags2 & SMB1_FLAGS2_UNICODE);
    if (wide && (*at & 1))
        (*at)++;
    if (*at >= end)
        return NULL;
    const uint8_t *p = m + *at;
    size_t room = end - *at, len = 0;
    if (wide) {
        while (len + 1 < room && (p[len] || p[len + 1]))
            len += 2;
        *at += len + 2;
        return smb_utf16_dup(p, len);
    }
    while (len < room && p[len])
        len++;
    *at += len + 1;
    if (len > SMB_NAME_MAX)
        len = SMB_NAME_MAX;
    return strndup((const char *)p, len);
}

/* ---- commands ---- */

static void session_setup(struct smb_state *s, struct app_env *env, const struct smb1_header *h,
                          const struct smb1_block *b, const uint8_t *m, bool request)
{
    /* extended security: the request's blob length is word 7 (12 words), the response's word 3 (4 words) */
    size_t len = word16(b, request ? 14 : 6);
    if (b->n_words == (request ? 24u : 8u) && len <= b->n_bytes)
        smb_session_blob(s, env, request, m + b->bytes_at, len);
    if (!request)
        smb_session_result(s, env, h->status);
}

static void tree_connect_request(struct smb_state *s, struct app_env *env, const struct smb1_header *h,
                                 const struct smb1_block *b, const uint8_t *m)
{
    if (b->n_words < 8)
        return;
    size_t at = b->bytes_at + word16(b, 6); /* past the password */
    struct smb_pending *p = smb_pending_add(s, env, pending_key(h, SMB1_TREE_CONNECT_ANDX));
    p->command = SMB1_TREE_CONNECT_ANDX;
    p->text = block_string(h, b, m, &at, true);
}

static void tree_connect_response(struct smb_state *s, struct app_env *env, const struct smb1_header *h,
                                  const struct smb1_block *b, const uint8_t *m)
{
    struct smb_pending *p = smb_pending_find(s, pending_key(h, SMB1_TREE_CONNECT_ANDX));
    if (p == NULL)
        return;
    if (h->status == STATUS_SUCCESS && b->n_words >= 6) {
        size_t at = b->bytes_at;
        char *service = block_string(h, b, m, &at, false);
        char *native_fs = block_string(h, b, m, &at, true);
        struct smb_tree *t = smb_tree_add(s, env, h->tid);
        /* Zeek: an "IPC" service is a PIPE share, anything else keeps the default DISK */
        t->type = service && strcmp(service, "IPC") == 0 ? SHARE_PIPE : SHARE_DISK;
        t->path = p->text;
        p->text = NULL;
        struct smb_mapping_txn txn = {.ts_us = p->ts_us, .path = t->path, .service = service,
                                      .native_file_system = native_fs && native_fs[0] ? native_fs : NULL,
                                      .share_type = smb_share_type_name(t->type)};
        env->publish(env, EVENT_SMB_MAPPING, &txn);
        free(service);
        free(native_fs);
    }
    smb_pending_free(p);
}

static void nt_create_request(struct smb_state *s, struct app_env *env, const struct smb1_header *h,
                              const struct smb1_block *b, const uint8_t *m)
{
    if (b->n_words < 48)
        return;
    size_t at = b->bytes_at;
    struct smb_pending *p = smb_pending_add(s, env, pending_key(h, SMB1_NT_CREATE_ANDX));
    p->command = SMB1_NT_CREATE_ANDX;
    p->tree_id = h->tid;
    p->text = block_string(h, b, m, &at, true);
    if (p->text == NULL || p->text[0] == '\0') {
        free(p->text);
        p->text = strdup("<share_root>");
    }
}

static void nt_create_response(struct smb_state *s, struct app_env *env, const struct smb1_header *h,
                               const struct smb1_block *b)
{
    struct smb_pending *p = smb_pending_find(s, pending_key(h, SMB1_NT_CREATE_ANDX));
    if (p == NULL)
        return;
    if (h->status == STATUS_SUCCESS && b->n_words >= 68) {
        struct smb_file *f = smb_file_add(s, env, word16(b, 5), 0);
        if (f) {
            f->ts_us = p->ts_us;
            f->name = p->text;
            p->text = NULL;
            smb_file_on_tree(s, f, p->tree_id);
            f->size = word64(b, 55);
            int64_t modified = smb_filetime_us(word64(b, 27));
            if (modified > 0) { /* Zeek: "negative data from IPC tree transfers" */
                f->has_times = true;
                f->times_us[SMB_MODIFIED] = modified;
                f->times_us[SMB_ACCESSED] = smb_filetime_us(word64(b, 19));
                f->times_us[SMB_CREATED] = smb_filetime_us(word64(b, 11));
                f->times_us[SMB_CHANGED] = smb_filetime_us(word64(b, 35));
            }
            smb_file_publish(s, env, f, smb_action_name("OPEN", SHARE_DISK), 0, NULL, 0);
        }
    }
    smb_pending_free(p);
}

static void read_request(struct smb_state *s, struct app_env *env, const struct smb1_header *h,
                         const struct smb1_block *b)
{
    if (b->n_words < 20)
        return;
    uint64_t offset = word32(b, 6) | (b->n_words >= 24 ? (uint64_t)word32(b, 20) << 32 : 0);
    struct smb_pending *p = smb_pending_add(s, env, pending_key(h, SMB1_READ_ANDX));
    p->command = SMB1_READ_ANDX;
    p->fid_p = word16(b, 4);
    p->offset = offset;
    struct smb_file *f = smb_file_find(s, p->fid_p, 0);
    if (f)
        smb_file_publish(s, env, f, smb_action_name("READ", SHARE_DISK), offset, NULL, 0);
}

/* The request of command cmd that h answers, and in *f its file when the
 * answer carries data (a success, or a part with more to follow). */
static struct smb_pending *answered(struct smb_state *s, const struct smb1_header *h, uint8_t cmd,
                                    struct smb_file **f)
{
    struct smb_pending *p = smb_pending_find(s, pending_key(h, cmd));
    *f = NULL;
    if (p != NULL && (h->status == STATUS_SUCCESS || h->status == STATUS_BUFFER_OVERFLOW))
        *f = smb_file_find(s, p->fid_p, 0);
    return p;
}

static void read_response(struct smb_state *s, struct app_env *env, const struct smb1_header *h,
                          const struct smb1_block *b, const uint8_t *m, size_t n)
{
    struct smb_file *f;
    struct smb_pending *p = answered(s, h, SMB1_READ_ANDX, &f);
    if (p == NULL)
        return;
    if (f && b->n_words >= 24) {
        uint64_t len = word16(b, 10) | (uint64_t)word16(b, 14) << 16;
        const uint8_t *data = smb_span(m, n, word16(b, 12), len);
        if (data)
            smb_file_bytes(s, env, f, false, p->offset, data, (size_t)len);
        else
            env->weird(env, "SMB_read_outside_message", NULL, "SMB");
    }
    smb_pending_free(p);
}

static void write_request(struct smb_state *s, struct app_env *env, const struct smb1_block *b, const uint8_t *m,
                          size_t n)
{
    if (b->n_words < 24)
        return;
    struct smb_file *f = smb_file_find(s, word16(b, 4), 0);
    if (f == NULL)
        return;
    uint64_t offset = word32(b, 6) | (b->n_words >= 28 ? (uint64_t)word32(b, 24) << 32 : 0);
    uint64_t len = word16(b, 20) | (uint64_t)word16(b, 18) << 16;
    const uint8_t *data = smb_span(m, n, word16(b, 22), len);
    if (data == NULL) {
        env->weird(env, "SMB_write_outside_message", NULL, "SMB");
        return;
    }
    smb_file_publish(s, env, f, smb_action_name("WRITE", SHARE_DISK), offset, data, (size_t)len);
    smb_file_bytes(s, env, f, true, offset, data, (size_t)len);
}

static void close_request(struct smb_state *s, struct app_env *env, const struct smb1_block *b)
{
    struct smb_file *f = b->n_words >= 2 ? smb_file_find(s, word16(b, 0), 0) : NULL;
    if (f == NULL)
        return;
    smb_file_release(s, env, f);
    smb_file_publish(s, env, f, smb_action_name("CLOSE", SHARE_DISK), 0, NULL, 0);
    smb_file_free(s, env, f);
}

/* TRANSACTION on a named pipe: the request's setup words are the
 * subcommand and the FID; the response names neither, so the FID waits
 * under the message's mid. */
static void transaction_request(struct smb_state *s, struct app_env *env, const struct smb1_header *h,
                                const struct smb1_block *b, const uint8_t *m, size_t n)
{
    if (b->n_words < 32 || b->words[26] < 2 || word16(b, 28) != TRANS_TRANSACT_NMPIPE)
        return;
    struct smb_file *f = smb_file_find(s, word16(b, 30), 0);
    struct smb_pending *p = smb_pending_add(s, env, pending_key(h, SMB1_TRANSACTION));
    p->command = SMB1_TRANSACTION;
    p->fid_p = word16(b, 30);
    uint16_t len = word16(b, 22);
    const uint8_t *data = smb_span(m, n, word16(b, 24), len);
    if (f && data)
        smb_pipe_data(s, env, f, true, data, len);
}

static void transaction_response(struct smb_state *s, struct app_env *env, const struct smb1_header *h,
                                 const struct smb1_block *b, const uint8_t *m, size_t n)
{
    struct smb_file *f;
    struct smb_pending *p = answered(s, h, SMB1_TRANSACTION, &f);
    if (p == NULL)
        return;
    if (f && b->n_words >= 20) {
        uint16_t len = word16(b, 12);
        const uint8_t *data = smb_span(m, n, word16(b, 14), len);
        if (data)
            smb_pipe_data(s, env, f, false, data, len);
    }
    if (h->status != STATUS_BUFFER_OVERFLOW) /* more of the answer follows under the same mid */
        smb_pending_free(p);
}

static void smb1_command(struct smb_state *s, struct app_env *env, const struct smb1_header *h,
                         const struct smb1_block *b, const uint8_t *m, size_t n)
{
    bool request = !(h->flags & SMB1_FLAGS_REPLY);
    switch (b->command) {
    case SMB1_SESSION_SETUP_ANDX: session_setup(s, env, h, b, m, request); break;
    case SMB1_TREE_CONNECT_ANDX:
        if (request)
            tree_connect_request(s, env, h, b, m);
        else
            tree_connect_response(s, env, h, b, m);
        break;
    case SMB1_TREE_DISCONNECT:
        if (request && smb_tree_find(s, h->tid))
            smb_tree_free(smb_tree_find(s, h->tid));
        break;
    case SMB1_NT_CREATE_ANDX:
        if (request)
            nt_create_request(s, env, h, b, m);
        else
            nt_create_response(s, env, h, b);
        break;
    case SMB1_READ_ANDX:
        if (request)
            read_request(s, env, h, b);
        else
            read_response(s, env, h, b, m, n);
        break;
    case SMB1_WRITE_ANDX:
        if (request)
            write_request(s, env, b, m, n);
        break;
    case SMB1_CLOSE:
        if (request)
            close_request(s, env, b);
        break;
    case SMB1_TRANSACTION:
        if (request)
            transaction_request(s, env, h, b, m, n);
        else
            transaction_response(s, env, h, b, m, n);
        break;
    default: break;
    }
}

/* The block at offset at; false when it does not fit the message. */
static bool block_read(const uint8_t *m, size_t n, size_t at, uint8_t command, struct smb1_block *b)
{
    if (at >= n)
        return false;
    size_t words = 2 * (size_t)m[at];
    if (at + 1 + words + 2 > n)
        return false;
    b->command = command;
    b->words = m + at + 1;
    b->n_words = words;
    b->bytes_at = at + 1 + words + 2;
    b->n_bytes = load_le16(m + at + 1 + words);
    if (b->n_bytes > n - b->bytes_at)
        b->n_bytes = n - b->bytes_at; /* cut: what is there is read, every field bounded */
    return true;
}

static bool is_andx(uint8_t command)
{
    switch (command) {
    case SMB1_READ_ANDX:
    case SMB1_WRITE_ANDX:
    case SMB1_SESSION_SETUP_ANDX:
    case SMB1_TREE_CONNECT_ANDX:
    case SMB1_NT_CREATE_ANDX:
    case 0x24: /* LOCKING_ANDX */
    case 0x2d: /* OPEN_ANDX */
    case 0x74: /* LOGOFF_ANDX */
        return true;
    default:
        return false;
    }
}

void smb1_message(struct smb_state *s, struct app_env *env, bool from_orig, const uint8_t *m, size_t n)
{
    if (n < SMB1_HEADER + 3)
        return;
    struct smb1_header h = {.status = load_le32(m + 5), .flags = m[9], .flags2 = (uint16_t)load_le16(m + 10),
                            .tid = (uint16_t)load_le16(m + 24), .mid = (uint16_t)load_le16(m + 30)};
    if (((h.flags & SMB1_FLAGS_REPLY) != 0) == from_orig)
        return; /* a message whose direction disagrees with the flow's */
    uint8_t command = m[4];
    size_t at = SMB1_HEADER;
    for (unsigned i = 0;; i++) {
        if (i == SMB1_MAX_ANDX) {
            env->weird(env, "SMB1_andx_chain_too_long", NULL, "SMB");
            return;
        }
        struct smb1_block b;
        if (!block_read(m, n, at, command, &b)) {
            if (i > 0)
                env->weird(env, "SMB1_bad_andx_offset", NULL, "SMB");
            return;
        }
        smb1_command(s, env, &h, &b, m, n);
        if (!is_andx(command) || b.n_words < 4 || b.words[0] == SMB1_NO_ANDX)
            return;
        size_t next = load_le16(b.words + 2);
        if (next <= at) { /* each block must lie past the one that names it: a loop ends here */
            env->weird(env, "SMB1_andx_chain_loop", NULL, "SMB");
            return;
        }
        command = b.words[0];
        at = next;
    }
}
