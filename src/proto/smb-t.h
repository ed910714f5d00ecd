/* SMB (Zeek's smb_mapping.log and smb_files.log): what proto/smb2.c
 * publishes. A tree connected is one EVENT_SMB_MAPPING; every file action
 * (open, read, write, close, rename, delete) is one EVENT_SMB_FILES, with
 * `logged` telling whether Zeek would write it (its default
 * SMB::logged_file_actions, less the repeats its recent_files set drops):
 * detectors see every action, the log only those. Named-pipe traffic goes
 * on to proto/dce_rpc.h, session-setup blobs to proto/ntlm.h, file bytes to
 * files/. Type-only. */
#ifndef VIGIL_PROTO_SMB_T_H
#define VIGIL_PROTO_SMB_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/event-t.h"
#include "proto/smb_command-t.h"

/* Strings are NUL-terminated, NULL when unset, borrowed for the publish call. */
struct smb_mapping_txn {
    int64_t ts_us;                  /* the tree connect request */
    const char *path;               /* "\\10.0.0.12\IPC$" */
    const char *service;            /* SMB1 only */
    const char *native_file_system; /* SMB1 only */
    const char *share_type;         /* "DISK", "PIPE", "PRINT" */
};

enum smb_time { SMB_MODIFIED, SMB_ACCESSED, SMB_CREATED, SMB_CHANGED, SMB_TIMES };

struct smb_file_txn {
    int64_t ts_us;                  /* when the file was first referenced */
    const char *fuid;               /* its files.log id, once its bytes were seen */
    const char *action;             /* Zeek's SMB::Action: "SMB::FILE_OPEN", "SMB::PIPE_WRITE"... */
    const char *path;               /* the tree's path */
    const char *name;
    uint64_t size;
    const char *prev_name;          /* renames */
    bool has_times;
    int64_t times_us[SMB_TIMES];
    bool logged;                    /* smb_files.log shows it */
    const char *share_type;         /* the tree's: "DISK", "PIPE", "PRINT" */
    /* Writes and reads: the offset and the bytes (borrowed; n may be 0). */
    uint64_t offset;
    const uint8_t *data;
    size_t data_len;
};

/* One SMB request answered, as Suricata's SMB transaction (EVE `smb`,
 * the rule buffers smb.share, smb.named_pipe, smb.ntlmssp_*): every SMB2
 * command but the file reads, writes and info queries (those are files:
 * smb_file_txn) and the pipe calls (DCE-RPC: dce_rpc_txn). Published as
 * EVENT_SMB when the response comes; strings borrowed for the call. */
struct smb_txn {
    int64_t ts_us;                  /* the request */
    struct smb_command_info cmd;
    /* tree connect */
    const char *share;              /* the path asked for ("\\host\IPC$") */
    bool is_pipe;                   /* the share is IPC$ (share type PIPE) */
    uint8_t share_type;             /* MS-SMB2 ShareType: 1 disk, 2 pipe, 3 print */
    /* create */
    const char *filename;           /* "<share_root>" for the share itself */
    bool directory;
    bool has_create;
    uint32_t disposition;
    bool delete_on_close;
    uint64_t size;
    int64_t created, accessed, modified, changed; /* Unix seconds, 0 unknown */
    uint64_t fid_p, fid_v;
    /* session setup: the NTLMSSP AUTHENTICATE's names, NULL when none */
    const char *ntlmssp_user, *ntlmssp_domain, *ntlmssp_host;
    /* negotiate: the dialects the client offered, both GUIDs (16 bytes as
     * on the wire, NULL when not seen), the server's read and write sizes */
    const uint16_t *client_dialects;
    size_t n_client_dialects;
    const uint8_t *client_guid, *server_guid;
    uint32_t max_read_size, max_write_size;
};

#endif
