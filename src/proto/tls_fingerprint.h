/* JA3, JA3S and JA4 of a TLS handshake, for the TLS parser (tls.c) and the
 * framings that reuse it (DTLS, QUIC through tls_session.h). Internal to
 * proto/. */
#ifndef VIGIL_PROTO_TLS_FINGERPRINT_H
#define VIGIL_PROTO_TLS_FINGERPRINT_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/tls.h"
#include "util/reader.h"

enum {
    EXT_SERVER_NAME = 0,
    EXT_SUPPORTED_GROUPS = 10,
    EXT_EC_POINT_FORMATS = 11,
    EXT_SIGNATURE_ALGORITHMS = 13,
    EXT_ALPN = 16,
    EXT_SESSION_TICKET = 35,
    EXT_PRE_SHARED_KEY = 41,
    EXT_SUPPORTED_VERSIONS = 43,
    EXT_KEY_SHARE = 51,
};

/* RFC 8701's reserved values, which fingerprints leave out. */
static inline bool tls_is_grease(uint32_t v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* What one pass over the ClientHello's extensions collects. */
struct client_hello_view {
    uint32_t legacy_version;
    struct byte_reader ciphers;
    bool has_exts;
    struct byte_reader exts;
    bool has_groups, has_points, has_sigalgs, has_alpn, has_versions, has_sni;
    struct byte_reader groups, points, sigalgs;
    struct byte_reader alpn_first;   /* first ALPN name */
    uint32_t max_version;       /* highest non-GREASE supported_versions entry */
};

/* Fill t's ja3, ja3_hash and has_ja3. */
void tls_ja3(struct tls_txn *t, const struct client_hello_view *v);
/* Fill t's ja4; transport is JA4's first letter ('t' when '\0'). */
void tls_ja4(struct tls_txn *t, char transport, const struct client_hello_view *v);
/* Fill t's ja3s from a ServerHello; exts is NULL when it has none. */
void tls_ja3s(struct tls_txn *t, uint32_t version, uint32_t cipher, const struct byte_reader *exts);

#endif
