/* What the parsers of protocols that upgrade to TLS in the middle of a
 * connection share (IMAP, POP3, PostgreSQL, MySQL): a line splitter for the
 * text protocols and the upgrade itself, the seam SMTP's STARTTLS uses: the
 * protocol's conn.log service, then "ssl", and the rest of the connection
 * to the TLS parser (ssl.log, JA3/JA3S/JA4, x509). Internal to proto/. */
#ifndef VIGIL_PROTO_STARTTLS_H
#define VIGIL_PROTO_STARTTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/parser.h"

/* Command and reply lines are short; a longer one is cut (the rest of it skipped). */
#define STARTTLS_LINE_MAX 512

struct starttls_lines {
    char buf[2][STARTTLS_LINE_MAX];   /* [0] responder, [1] originator */
    size_t len[2];
    bool cut[2];
    bool stopped;                     /* a line function returned false: no more lines */
};

/* Called for each whole line, CR LF removed; returns false to stop feeding
 * (the connection was handed over). */
typedef bool (*starttls_line_fn)(void *ctx, struct app_env *env, bool from_orig, const char *line, size_t len);

/* Splits one direction's bytes into lines for fn, until fn returns false. */
void starttls_lines_feed(struct starttls_lines *l, struct app_env *env, bool from_orig, const uint8_t *p, size_t n,
                         starttls_line_fn fn, void *ctx);
/* Case-insensitive: does line (len bytes) start with word? */
bool starttls_starts_with(const char *line, size_t len, const char *word);
/* A greeting seen: the protocol's conn.log service, once (*greeted). */
void starttls_greeted(bool *greeted, struct app_env *env, const char *service);
/* The upgrade: service and "ssl" for conn.log, the rest of the connection to TLS. */
void starttls_upgrade(struct app_env *env, const char *service);

#endif
