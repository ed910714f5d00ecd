/* What the files of the smb parser share: proto/smb.c (NetBIOS framing,
 * the parser), proto/smb2.c and proto/smb1.c (each dialect's commands) and
 * proto/smb_state.c (the connection's trees, files and pending requests,
 * the smb_files rows, file and pipe bytes, security blobs), the leaf the
 * others call. */
#ifndef VIGIL_PROTO_SMB_INTERNAL_H
#define VIGIL_PROTO_SMB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/krb.h"
#include "proto/ntlm.h"
#include "proto/smb.h"
#include "util/uid.h"

#define SMB_MAX_MESSAGE ((8u << 20) + 4096)  /* MS-SMB2: reads and writes are at most 8 MiB */
#define SMB_MAX_PENDING 64                   /* requests awaiting a response */
#define SMB_MAX_TREES 32
#define SMB_MAX_FILES 256                    /* files open at once per connection */
#define SMB_RECENT 64                        /* Zeek's recent_files, as a ring of hashes */
#define SMB_NAME_MAX 1024
#define SMB_MAX_CLIENT_DIALECTS 16           /* a negotiate offers five or so */

#define STATUS_SUCCESS 0x00000000u
#define STATUS_PENDING 0x00000103u
#define STATUS_MORE_PROCESSING_REQUIRED 0xC0000016u
#define STATUS_BUFFER_OVERFLOW 0x80000005u

enum share_type { SHARE_UNKNOWN = 0, SHARE_DISK = 1, SHARE_PIPE = 2, SHARE_PRINT = 3 };

struct smb_tree {
    bool used;
    uint32_t id;
    uint8_t type;
    char *path;
};

struct smb_file {
    bool used;
    uint64_t fid_p, fid_v;              /* SMB1: the 16-bit FID in fid_p, fid_v 0 */
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
    bool fa_complete;                   /* all its size read: in files.log, later bytes are re-reads */
    const char *action;                 /* the last smb_file_publish's (Zeek's current action) */
    char fuid[UID_LEN];
};

struct smb_pending {
    bool used;
    uint64_t mid;
    uint16_t command;
    uint32_t tree_id;
    uint64_t fid_p, fid_v;
    uint64_t offset;
    uint32_t disposition, create_options; /* SMB2 create */
    int64_t ts_us;
    char *text;                         /* tree connect: the path; create: the name */
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
    struct krb_gss_session krb;
    uint64_t files_begun;
    uint64_t last_fid_p, last_fid_v;    /* related compound requests refer to the previous create's */
    bool encrypted_reported;
    bool too_many_files_reported;
    struct smb_command_info cur;        /* the message being read (SMB2) */
    uint64_t n_txns;                    /* EVE smb.id of the last */
    uint16_t dialect;
    uint16_t client_dialects[SMB_MAX_CLIENT_DIALECTS];
    size_t n_client_dialects;
    uint8_t client_guid[16];
    bool has_client_guid;
};

/* Names of at most SMB_NAME_MAX characters, malloc'd (the caller frees). */
char *smb_utf16_dup(const uint8_t *p, size_t n);
/* The bytes [off, off+len) of a message of n bytes (points into msg), NULL
 * when outside. */
const uint8_t *smb_span(const uint8_t *msg, size_t n, uint64_t off, uint64_t len);
/* A FILETIME as Zeek logs it, 0 for 0. */
int64_t smb_filetime_us(uint64_t ft);
const char *smb_share_type_name(uint8_t t); /* static string: "DISK", "PIPE", "PRINT" */

/* Tables: each bounded, a cap reached is a weird and a slot reused. The
 * pointers are the state's, valid until the slot is freed. */
struct smb_pending *smb_pending_add(struct smb_state *s, struct app_env *env, uint64_t mid);
struct smb_pending *smb_pending_find(struct smb_state *s, uint64_t mid);
void smb_pending_free(struct smb_pending *p);
struct smb_tree *smb_tree_find(struct smb_state *s, uint32_t id);
struct smb_tree *smb_tree_add(struct smb_state *s, struct app_env *env, uint32_t id);
void smb_tree_free(struct smb_tree *t);
struct smb_file *smb_file_find(struct smb_state *s, uint64_t p, uint64_t v);
/* NULL when out of memory. Like the others, valid until the slot is freed. */
struct smb_file *smb_file_add(struct smb_state *s, struct app_env *env, uint64_t p, uint64_t v);
/* Ends the file's byte analysis and its pipe (the fuid stays). */
void smb_file_release(struct smb_state *s, struct app_env *env, struct smb_file *f);
void smb_file_free(struct smb_state *s, struct app_env *env, struct smb_file *f);
/* The tree's type and path given to a file just opened on it. */
void smb_file_on_tree(struct smb_state *s, struct smb_file *f, uint32_t tree_id);

/* Zeek's SMB::Action of a verb ("OPEN", "READ", "WRITE", "CLOSE") on a share type:
 * a static string, or verb itself (the caller's) when Zeek keeps it. */
const char *smb_action_name(const char *verb, uint8_t share_type);
/* One EVENT_SMB_FILES; action (a static string) becomes the file's current one. */
void smb_file_publish(struct smb_state *s, struct app_env *env, struct smb_file *f, const char *action,
                      uint64_t offset, const uint8_t *data, size_t data_len);
/* File bytes at offset (to files/), or named-pipe bytes (to DCE-RPC). */
void smb_file_bytes(struct smb_state *s, struct app_env *env, struct smb_file *f, bool from_orig, uint64_t offset,
                    const uint8_t *p, size_t n);
/* Named-pipe bytes of a transaction. */
void smb_pipe_data(struct smb_state *s, struct app_env *env, struct smb_file *f, bool from_orig, const uint8_t *p,
                   size_t n);
/* A session setup's security blob (NTLMSSP or Kerberos in SPNEGO/GSS-API),
 * then, on a final response, its outcome. */
void smb_session_blob(struct smb_state *s, struct app_env *env, bool from_orig, const uint8_t *p, size_t n);
void smb_session_result(struct smb_state *s, struct app_env *env, uint32_t status);

/* One NetBIOS message of each dialect (m points at its protocol id). */
void smb2_chain(struct smb_state *s, struct app_env *env, bool from_orig, const uint8_t *m, size_t n);
void smb1_message(struct smb_state *s, struct app_env *env, bool from_orig, const uint8_t *m, size_t n);

#endif
