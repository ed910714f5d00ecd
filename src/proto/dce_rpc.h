/* dce_rpc: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/dce_rpc-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_DCE_RPC_H
#define VIGIL_PROTO_DCE_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/dce_rpc-t.h"
#include "proto/dce_rpc_names.h"
#include "proto/ntlm.h"
#include "proto/parser.h"
#include "proto/smb_command-t.h"

void dce_rpc_assoc_init(struct dce_rpc_assoc *a);
/* Bytes of one direction (a TCP stream, or an SMB pipe's write/read data). */
void dce_rpc_assoc_data(struct dce_rpc_assoc *a, const struct dce_rpc_carrier *car, struct app_env *env,
                        bool from_orig, const uint8_t *p, size_t n);
/* Bytes lost: the direction resynchronises on the next chunk. */
void dce_rpc_assoc_gap(struct dce_rpc_assoc *a, bool from_orig);
/* Publishes the last request if it was never answered, frees the buffers. */
void dce_rpc_assoc_close(struct dce_rpc_assoc *a, const struct dce_rpc_carrier *car, struct app_env *env);
/* True when p starts like a DCE-RPC bind (content detection). */
bool dce_rpc_looks_like_bind(const uint8_t *p, size_t n);
/* True when p starts like any whole connection-oriented PDU (version 5.0
 * or 5.1, a known type, first and last fragment): Zeek's dpd_dce_rpc
 * signature, which matches either direction. */
bool dce_rpc_looks_like_pdu(const uint8_t *p, size_t n);
/* The text form of a wire UUID (first three fields little-endian). */
void dce_rpc_uuid_str(const uint8_t uuid[16], char out[DCE_RPC_UUID_STR]);
/* DCE-RPC over TCP (Zeek's "dce_rpc" service). */
extern const struct app_parser dce_rpc_parser;

#endif
