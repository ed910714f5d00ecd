/* The TLS session machinery of proto/tls.c for protocols that frame TLS
 * handshakes differently (DTLS): they parse their own records and hand the
 * session each record's content type, whole handshake messages and alerts.
 * Internal to proto/. */
#ifndef VIGIL_PROTO_TLS_SESSION_H
#define VIGIL_PROTO_TLS_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/parser.h"

struct tls_state;

/* How the body of a record is to be read. */
enum tls_record_body {
    TLS_BODY_SKIP,        /* ignored (encrypted, ChangeCipherSpec, application data) */
    TLS_BODY_HANDSHAKE,   /* handshake messages */
    TLS_BODY_ALERT,       /* alerts, two bytes each */
};

/* A session whose JA4 starts with ja4_transport ('d' for DTLS). NULL when
 * out of memory. The caller frees it with tls_session_free(). */
struct tls_state *tls_session_new(char ja4_transport);
/* A record of this content type starts; marks the direction encrypted after
 * ChangeCipherSpec and publishes the row once the session is established. */
enum tls_record_body tls_session_record(struct tls_state *st, struct app_env *env, bool from_client,
                                        uint8_t content_type);
/* One whole handshake message (after its header). */
void tls_session_handshake(struct tls_state *st, struct app_env *env, bool from_client, uint8_t msg_type,
                           const uint8_t *body, size_t len);
void tls_session_alert(struct tls_state *st, struct app_env *env, bool from_client, uint8_t level,
                       uint8_t description);
/* Zeek's analyzer violation: publishes what there is and stops. */
void tls_session_violation(struct tls_state *st, struct app_env *env);
/* Logged already (established or violation): nothing more to parse. */
bool tls_session_done(const struct tls_state *st);
/* Publishes what is pending and frees the session. */
void tls_session_free(struct tls_state *st, struct app_env *env);

#endif
