/* smtp: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/smtp-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_SMTP_H
#define VIGIL_PROTO_SMTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/conn-t.h"
#include "proto/smtp-t.h"
#include "util/addr.h"
#include "util/bytes.h"

struct app_parser;
extern const struct app_parser smtp_parser;
/* True once the server accepted STARTTLS: every later byte of the
 * connection is TLS and must go to the tls parser; SMTP parses no more.
 * *resp_leftover is the number of bytes at the end of the last responder
 * chunk passed to data() that followed the 220 reply (already TLS). */
bool smtp_tls_takeover(const void *state, size_t *resp_leftover);

#endif
