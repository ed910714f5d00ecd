/* DCE-RPC, connection-oriented (C706 chapter 12, MS-RPCE), as Zeek's
 * dce_rpc.log shows it: one transaction per call answered, with the
 * interface's endpoint and the operation named from a data file
 * (data/dce_rpc_operations.tsv, dce_rpc_names.h). The same PDU stream
 * decoder serves TCP (port 135, and the dynamic ports it hands out) and SMB
 * named pipes (proto/smb2.c feeds it a pipe's writes and reads). NTLM in
 * bind/alter-context/auth3 auth trailers goes to proto/ntlm.h. Type-only:
 * the published struct dce_rpc_txn, the association state a carrier keeps
 * (struct dce_rpc_assoc) and what it needs of its carrier (struct
 * dce_rpc_carrier); the decoder's functions are in proto/dce_rpc.h. */
#ifndef VIGIL_PROTO_DCE_RPC_T_H
#define VIGIL_PROTO_DCE_RPC_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/event-t.h"
#include "proto/ntlm-t.h"
#include "proto/smb_command-t.h"

struct dce_rpc_names;   /* proto/dce_rpc_names.h */

#define DCE_RPC_UUID_STR 37
#define DCE_RPC_PIPE_MAX 128         /* bind_ack secondary address kept */
#define DCE_RPC_MAX_CONTEXTS 16      /* presentation contexts remembered per association */
#define DCE_RPC_MAX_CALLS 16         /* calls awaiting an answer per association */
#define DCE_RPC_MAX_STUB (256u << 10) /* request stub bytes kept across fragments */

/* One call answered (or left unanswered at the end), published as
 * EVENT_DCE_RPC. Strings are NUL-terminated, NULL when unset; every pointer
 * is borrowed for the publish call. */
struct dce_rpc_txn {
    int64_t ts_us;                   /* the request */
    bool has_rtt;
    int64_t rtt_us;
    const char *named_pipe;          /* the bind_ack's secondary address ("\PIPE\svcctl", "49676") */
    const char *endpoint;            /* "svcctl", "unknown-<uuid>" */
    const char *operation;           /* "CreateServiceW", "unknown-<opnum>" */
    char uuid[DCE_RPC_UUID_STR];     /* the interface, "" when no bind was seen */
    uint16_t if_version, if_version_minor; /* the interface's, as bound */
    uint16_t opnum;
    uint32_t call_id;
    uint8_t rpc_version_minor;       /* 5.x */
    uint32_t req_frags, res_frags;   /* PDUs of the request and of the response */
    size_t res_stub_len;             /* response stub bytes (not kept) */
    bool logged;                     /* false: one of Zeek's ignored_operations (published for detectors) */
    const char *smb_share;           /* over SMB: the tree path of the pipe ("\\host\IPC$"); NULL over TCP */
    const struct smb_command_info *smb; /* over SMB: the message that ended the call; NULL over TCP */
    const uint8_t *stub;             /* the request's stub data (first DCE_RPC_MAX_STUB bytes) */
    size_t stub_len;
    bool answered;                   /* a response came (false: a fault, or none before the end) */
};

struct dce_rpc_call {
    bool used;
    uint32_t call_id;
    uint16_t ctx_id, opnum;
    int64_t ts_us;
    uint8_t rpc_version_minor;
    uint32_t req_frags, res_frags;
    size_t res_stub_len;
};

struct dce_rpc_context {
    bool used;
    uint16_t id;
    uint8_t uuid[16];
    uint16_t version, version_minor;
};

/* One direction's PDU assembly: a PDU is at most 65535 bytes. */
struct dce_rpc_reader {
    uint8_t *buf;
    size_t len, cap;
    bool lost;                       /* not at a PDU boundary: wait for a new stream */
};

/* One association: a TCP connection or one SMB pipe. */
struct dce_rpc_assoc {
    struct dce_rpc_reader dir[2];    /* [0] originator, [1] responder */
    struct dce_rpc_context ctx[DCE_RPC_MAX_CONTEXTS];
    struct dce_rpc_call calls[DCE_RPC_MAX_CALLS];
    uint8_t last_uuid[16];
    uint16_t last_version, last_version_minor;
    bool has_uuid;
    char named_pipe[DCE_RPC_PIPE_MAX];
    uint8_t *stub;                   /* the request being reassembled */
    size_t stub_len, stub_cap;
    uint32_t stub_call;
    bool stub_cut;
    bool pending;                    /* the last request is not answered yet */
    struct dce_rpc_call last;        /* ... and what it was */
};

/* What an association needs from its carrier. */
struct dce_rpc_carrier {
    const struct dce_rpc_names *names;   /* NULL: every name unknown */
    struct ntlm_session *ntlm;           /* the connection's (may be NULL) */
    const char *smb_share;               /* NULL over TCP */
    const struct smb_command_info *smb;  /* NULL over TCP */
};

#endif
