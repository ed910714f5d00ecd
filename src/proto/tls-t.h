/* TLS (Zeek's "ssl"): what the parser publishes (EVENT_TLS), once per
 * connection, when Zeek writes its ssl.log row: when the handshake is
 * established, or when the connection ends or the analyzer gives up.
 * Certificates are published separately as EVENT_X509 (proto/x509-t.h).
 * Type-only. */
#ifndef VIGIL_PROTO_TLS_T_H
#define VIGIL_PROTO_TLS_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TLS_HISTORY_MAX 100        /* Zeek's SSL::max_ssl_history_length */
#define TLS_MAX_CHAIN 16           /* certificate fingerprints kept per direction */
#define TLS_NAME_MAX 256           /* server_name, next_protocol (ALPN max is 255) */
#define TLS_DN_MAX 1024            /* subject / issuer text for EVE */
#define TLS_JA3_MAX 8192           /* JA3 string; longer hellos are truncated (weird) */
#define TLS_JA4_MAX 40             /* "t13d1516h2_8daaf6152771_e5627efa2ab1" */
#define TLS_MAX_ALPN 8             /* ALPN names kept for EVE */
#define TLS_MAX_SAN 64             /* server certificate subjectAltNames kept for EVE */
#define TLS_SAN_POOL 4096          /* bytes for all of them */

/* A string that may be unset (Zeek's `-`). */
struct tls_str {
    bool set;
    size_t len;
    char text[TLS_NAME_MAX];
};

struct tls_txn {
    int64_t ts_us;                 /* first TLS message: ssl.log ts */
    int64_t eve_ts_us;             /* when the row is written: EVE timestamp */
    bool has_version;
    uint16_t version_num;          /* chosen by the server (supported_versions wins) */
    bool has_cipher;
    uint16_t cipher;
    bool has_curve;
    uint16_t curve;
    struct tls_str server_name;    /* first SNI host name */
    bool resumed;
    bool has_last_alert;
    uint8_t last_alert;
    struct tls_str next_protocol;  /* server's ALPN choice */
    bool established;
    size_t history_len;
    char history[TLS_HISTORY_MAX + 1];
    /* cert_chain_fps / client_cert_chain_fps: unset until a Certificate
     * message was seen in either direction, then both are set. */
    bool has_cert_chains;
    size_t n_server_fps, n_client_fps;
    char server_fps[TLS_MAX_CHAIN][65];
    char client_fps[TLS_MAX_CHAIN][65];
    int8_t sni_matches_cert;       /* -1 unset, 0 F, 1 T */

    /* EVE (Suricata) view */
    uint16_t client_version;       /* ClientHello legacy_version; 0 = no ClientHello */
    bool has_server_cert;          /* first server certificate parsed */
    char subject[TLS_DN_MAX];      /* "C=US, O=..., CN=..." as Suricata prints it */
    char issuerdn[TLS_DN_MAX];
    size_t subject_len, issuerdn_len; /* whole names for signatures: a NUL byte inside ends the C string only */
    char serial[200];              /* "00:C7:D4:..." */
    char fingerprint[60];          /* SHA-1, "06:39:f9:..." */
    int64_t notbefore_s, notafter_s;
    bool has_ja3;
    char ja3_hash[33];
    size_t ja3_len;
    char ja3[TLS_JA3_MAX];
    bool has_ja3s;
    char ja3s_hash[33];
    size_t ja3s_len;
    char ja3s[TLS_JA3_MAX];
    bool has_ja4;
    char ja4[TLS_JA4_MAX];
    size_t n_client_alpns, n_server_alpns;
    struct tls_str client_alpns[TLS_MAX_ALPN];
    struct tls_str server_alpns[TLS_MAX_ALPN];
    /* Server leaf's subjectAltNames (DNS names, then e-mails, URIs, IP
     * addresses), offsets into san_pool. */
    size_t n_sans, san_pool_used;
    struct {
        uint16_t off, len;
    } sans[TLS_MAX_SAN];
    char san_pool[TLS_SAN_POOL];
    /* First client certificate (client authentication): EVE's tls.client. */
    bool has_client_cert;
    char client_subject[TLS_DN_MAX];
    char client_issuerdn[TLS_DN_MAX];
    char client_serial[200];
    char client_fingerprint[60];
    int64_t client_notbefore_s, client_notafter_s;
    /* Each side's first Certificate message: the certificate_list (3-byte
     * length-prefixed DER certificates), NULL/0 when none. Owned by the
     * parser and valid during the publish call only. */
    const uint8_t *server_chain, *client_chain;
    size_t server_chain_len, client_chain_len;
};

#endif
