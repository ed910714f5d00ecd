/* SMB (Zeek's smb_mapping.log and smb_files.log): what proto/smb2.c
 * publishes. A tree connected is one EVENT_SMB_MAPPING; every file action
 * (open, read, write, close, rename, delete) is one EVENT_SMB_FILES, with
 * `logged` telling whether Zeek would write it (its default
 * SMB::logged_file_actions, less the repeats its recent_files set drops):
 * detectors see every action, the log only those. Named-pipe traffic goes
 * on to proto/dce_rpc.h, session-setup blobs to proto/ntlm.h, file bytes to
 * files/. Type-only. */
#ifndef VIGIL_PROTO_SMB_H
#define VIGIL_PROTO_SMB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/parser.h"

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

extern const struct app_parser smb_parser;

#endif
