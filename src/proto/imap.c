/* IMAP (TCP 143) as far as Zeek's IMAP analyzer goes without a log: the
 * conn.log service, and STARTTLS (RFC 3501 6.2.1): the tagged OK to a
 * STARTTLS command gives the rest of the connection to TLS ("imap,ssl").
 * Nothing else is parsed. */
#include <string.h>

#include "proto/probe.h"
#include "proto/starttls.h"
#include "proto/tls_carriers.h"

#define IMAP_TAG_MAX 64

struct imap_state {
    struct starttls_lines lines;
    bool greeted;
    size_t tag_len;             /* the tag of a pending STARTTLS; 0: none */
    char tag[IMAP_TAG_MAX];
};

static bool imap_line(void *ctx, struct app_env *env, bool from_orig, const char *line, size_t len)
{
    struct imap_state *st = ctx;
    if (from_orig) {
        const char *sp = memchr(line, ' ', len);
        size_t tag_len = sp ? (size_t)(sp - line) : 0;
        if (tag_len > 0 && tag_len < sizeof st->tag &&
            starttls_starts_with(sp + 1, len - tag_len - 1, "STARTTLS") && len - tag_len - 1 == 8) {
            memcpy(st->tag, line, tag_len);
            st->tag_len = tag_len;
        }
        return true;
    }
    if (!st->greeted && (starttls_starts_with(line, len, "* OK") || starttls_starts_with(line, len, "* PREAUTH")))
        starttls_greeted(&st->greeted, env, "imap");
    if (st->tag_len == 0 || len <= st->tag_len || memcmp(line, st->tag, st->tag_len) != 0 || line[st->tag_len] != ' ')
        return true;
    bool ok = starttls_starts_with(line + st->tag_len + 1, len - st->tag_len - 1, "OK");
    st->tag_len = 0;
    if (!ok)
        return true;
    starttls_upgrade(env, "imap");
    return false;
}

static void imap_deliver(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct imap_state *st = state;
    starttls_lines_feed(&st->lines, env, from_orig, p, n, imap_line, st);
}

static enum app_probe imap_probe(const uint8_t *p, size_t n, bool from_orig)
{
    if (from_orig)
        return APP_PROBE_NO;
    enum app_probe greeting = probe_magic(p, n, "* OK", 4);
    if (greeting != APP_PROBE_YES)
        return greeting;
    /* "* OK" is also POP3-like servers' and others' banner: IMAP names itself */
    return memmem(p, n, "IMAP", 4) != NULL ? APP_PROBE_YES : APP_PROBE_MAYBE;
}

static const uint16_t imap_ports[] = {143};

const struct app_parser imap_parser = {
    .name = "imap",
    .ipproto = 6,
    .ports = imap_ports,
    .n_ports = 1,
    .no_service = true, /* set on the greeting */
    .probe = imap_probe,
    .state_size = sizeof(struct imap_state),
    .data = imap_deliver,
};
