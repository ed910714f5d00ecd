/* What Suricata's EVE `smb` event says of every SMB message pair: the
 * command, its status and the session and tree it ran in. Filled by
 * proto/smb2.c, carried by its transactions and by the DCE-RPC calls of
 * its named pipes (proto/dce_rpc-t.h). Type-only. */
#ifndef VIGIL_PROTO_SMB_COMMAND_T_H
#define VIGIL_PROTO_SMB_COMMAND_T_H

#include <stdbool.h>
#include <stdint.h>

struct smb_command_info {
    uint64_t id;                    /* the connection's SMB transaction count, from 1 (EVE smb.id) */
    uint16_t dialect;               /* negotiated (0x0210, 0x0311...), 0 before a negotiate answer */
    uint16_t command;               /* the SMB2 command number */
    bool has_status;
    uint32_t status;                /* the response's NT status */
    uint64_t session_id;
    uint32_t tree_id;
};

#endif
