/* krb: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/krb-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_KRB_H
#define VIGIL_PROTO_KRB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/krb-t.h"
#include "proto/parser.h"

void krb_gss_blob(struct krb_gss_session *s, struct app_env *env, bool from_orig, const uint8_t *p, size_t n);
void krb_gss_close(struct krb_gss_session *s, struct app_env *env);
/* Names as static strings. Zeek's KRB::cipher_name of an etype ("rc4-hmac"),
 * NULL when unknown. */
const char *krb_cipher_name(int32_t etype);
/* Suricata's name of an etype ("RC4_HMAC"), NULL when unknown; a static string. */
const char *krb_etype_eve_name(int32_t etype);
/* Zeek's KRB::error_msg / Suricata's ErrorCode name ("KDC_ERR_PREAUTH_REQUIRED"), NULL when unknown;
 * a static string. */
const char *krb_error_name(int32_t code);
/* Suricata's msg_type name ("KRB_AS_REQ"), NULL when unknown; a static string. */
const char *krb_msg_type_name(unsigned type);
extern const struct app_parser krb_parser;     /* UDP: conn.log service "krb" */
extern const struct app_parser krb_tcp_parser; /* TCP: "krb_tcp" */

#endif
