/* X.509 certificates seen in TLS handshakes (EVENT_X509): what Zeek's
 * x509.log holds for one certificate (struct x509_cert), Suricata's EVE view
 * of it, and the per-worker certificate cache as an opaque type. Type-only:
 * the parser's entry point and the cache's functions are in proto/x509.h. */
#ifndef VIGIL_PROTO_X509_T_H
#define VIGIL_PROTO_X509_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"

#define X509_DN_MAX 1024        /* subject / issuer text, truncated beyond */
#define X509_SAN_MAX 64         /* SAN entries kept per kind */
#define X509_SAN_POOL 8192      /* bytes for all SAN strings of one cert */

enum x509_san_kind {
    X509_SAN_DNS,
    X509_SAN_URI,
    X509_SAN_EMAIL,
    X509_SAN_KIND_COUNT,
};

struct x509_cert {
    int64_t ts_us;
    char fingerprint[65];       /* SHA-256 of the DER, lower-case hex */
    uint64_t version;           /* 1..3 */
    char serial[160];           /* upper-case hex, as i2a_ASN1_INTEGER */
    char subject[X509_DN_MAX];  /* RFC 2253 order, Zeek's flags */
    char issuer[X509_DN_MAX];
    int64_t not_valid_before_s, not_valid_after_s;
    char key_alg[64];
    char sig_alg[64];
    const char *key_type;       /* "rsa", "dsa", "ecdsa" or NULL */
    bool has_key_length;
    uint64_t key_length;
    char exponent[32];          /* RSA e in decimal; "" = unset */
    char curve[32];             /* EC named curve short name; "" = unset */
    /* SAN: offsets/lengths into san_pool; a kind with 0 entries is unset */
    size_t n_san[X509_SAN_KIND_COUNT];
    struct {
        uint16_t off, len;
    } san[X509_SAN_KIND_COUNT][X509_SAN_MAX];
    char san_pool[X509_SAN_POOL];
    size_t san_pool_used;
    size_t n_san_ip;
    struct ip_addr san_ip[X509_SAN_MAX];
    bool has_basic_constraints;
    bool ca;
    bool has_path_len;
    uint64_t path_len;
    bool host_cert;             /* first certificate of the server's chain */
    bool client_cert;           /* first certificate of the client's chain */
    bool known;                 /* logged before, within Zeek's relog window: no x509.log row */
};

/* Extras the TLS log wants from the same certificate, in Suricata's form. */
struct x509_eve_view {
    char subject[X509_DN_MAX];  /* "C=US, O=..., CN=..." */
    char issuerdn[X509_DN_MAX];
    size_t subject_len, issuerdn_len; /* a NUL byte in a name ends the C string, not the name */
    char serial[200];           /* "00:C7:D4:..." raw DER integer bytes */
    char sha1[60];              /* "06:39:f9:..." */
    /* SAN dNSName / CN matching against an SNI, Zeek's x509_check_cert_hostname */
    bool sni_checked;
    bool sni_matches;
};

/* Parsed certificates by SHA-256 of their DER, per worker: the same server
 * certificates come back in connection after connection, and OpenSSL's
 * d2i_X509 (public key decoding above all) is the dearest step of TLS
 * analysis. Bounded; the least recently used entry is replaced. A new
 * certificate's key is decoded through decoder contexts the cache keeps,
 * one per key type, instead of one built per certificate: the same fields. */
struct x509_cache;

#endif
