/* ntlm: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/ntlm-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_NTLM_H
#define VIGIL_PROTO_NTLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/ntlm-t.h"
#include "proto/parser.h"

/* Reads the NTLMSSP message inside blob (bare, or wrapped in SPNEGO/GSS-API:
 * the message is found by its signature). Malformed fields are weirds
 * ("NTLM_offset_outside_message"...), never reads outside the blob. */
void ntlm_session_blob(struct ntlm_session *s, struct app_env *env, const char *carrier, const uint8_t *p,
                       size_t n);
/* The authentication's outcome is known (SMB session setup answered):
 * publishes the row once. */
void ntlm_session_result(struct ntlm_session *s, struct app_env *env, bool success);
/* The connection ended: publishes a row not published yet (success unset). */
void ntlm_session_close(struct ntlm_session *s, struct app_env *env);

#endif
