/* What the files of mail/ share; not for use outside mail/. */
#ifndef VIGIL_MAIL_INTERNAL_H
#define VIGIL_MAIL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "doc/report.h"
#include "mail/mail.h"

#define MAIL_MAX_PROTECTED 256
#define MAIL_MAX_NAMES 8
#define MAIL_MAX_FIELD 1024
#define MAIL_MAX_URLS 256
#define MAIL_MAX_RECEIVED 32

struct protected_org {
    char domain[256];               /* registered domain, lower-case ASCII (punycode) */
    char core[128];                 /* the domain's label before its public suffix */
    size_t n_names;
    char names[MAIL_MAX_NAMES][256]; /* folded UTF-8 */
};

/* A set of strings (domains), open addressing, grown as needed. */
struct str_set {
    char **slot;
    size_t cap, n;
};

struct mail_ctx {
    const struct doc_ctx *doc;
    const struct intel_store *intel;
    struct psl_ctx_st *psl;
    size_t n_protected;
    struct protected_org protected[MAIL_MAX_PROTECTED];
    struct str_set freemail, shorteners, seen;
};

bool str_set_add(struct str_set *s, const char *v);     /* false if already there */
bool str_set_has(const struct str_set *s, const char *v);
void str_set_free(struct str_set *s);

/* The registered domain of a host (lower-case ASCII) into out; the host
 * itself when the PSL has no answer. */
void registered_domain(const struct mail_ctx *c, const char *host, char *out, size_t outlen);

/* Folds UTF-8 text for comparison: lower case (ASCII, Latin-1, Greek,
 * Cyrillic), runs of blanks to one space. */
void fold_utf8(const char *in, char *out, size_t outlen);
/* RFC 2047 encoded words decoded to UTF-8 (any charset iconv knows). */
void decode_rfc2047(const char *in, size_t n, char *out, size_t outlen);

/* What the sender checks read from the headers. */
struct mail_headers {
    char from[MAIL_MAX_FIELD], reply_to[MAIL_MAX_FIELD], return_path[MAIL_MAX_FIELD];
    char message_id[MAIL_MAX_FIELD], subject[MAIL_MAX_FIELD], date[256], to[MAIL_MAX_FIELD];
    char auth[4 * MAIL_MAX_FIELD];      /* Authentication-Results and ARC-, joined */
    size_t n_received;
    char received[MAIL_MAX_RECEIVED][64]; /* addresses of Received lines, newest first */
    /* derived by sender_analyze */
    char display_name[MAIL_MAX_FIELD], address[512], domain[256];
    char spf[16], dkim[16], dmarc[16];
};

void sender_analyze(const struct mail_ctx *c, struct mail_headers *h, struct doc_report *r);

struct mail_url {
    char url[1024];
    char host[256];
    char text[256];                 /* the anchor's visible text (HTML) */
};

struct mail_urls {
    size_t n;
    struct mail_url *items;         /* MAIL_MAX_URLS */
};

/* Links of a decoded text (html false) or HTML body. */
void urls_extract(struct mail_urls *u, const uint8_t *p, size_t n, bool html);
/* The URL checks; indicators for the bad ones. */
void urls_analyze(struct mail_ctx *c, const struct mail_urls *u, struct doc_report *r);

#endif
