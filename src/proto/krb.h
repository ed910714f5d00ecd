/* krb: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/krb-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_KRB_H
#define VIGIL_PROTO_KRB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/krb-t.h"
#include "proto/krb_names-t.h"
#include "proto/parser.h"

void krb_gss_blob(struct krb_gss_session *s, struct app_env *env, bool from_orig, const uint8_t *p, size_t n);
void krb_gss_close(struct krb_gss_session *s, struct app_env *env);
extern const struct app_parser krb_parser;     /* UDP: conn.log service "krb" */
extern const struct app_parser krb_tcp_parser; /* TCP: "krb_tcp" */

#endif
