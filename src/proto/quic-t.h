/* QUIC over UDP, as Zeek's QUIC analyzer sees it: long-header packets of
 * versions 1, 2 and drafts 22-34, the client's and server's Initial packets
 * decrypted with the keys every observer can derive (RFC 9001 §5.2), the TLS
 * ClientHello/ServerHello carried in their CRYPTO frames. What the parser
 * publishes (EVENT_QUIC): one transaction per quic.log row, i.e. per
 * connection at its end, or earlier when Zeek logs early (RETRY, an
 * unhandled version, a CONNECTION_CLOSE frame in an Initial). The TLS
 * handshake is also published as EVENT_TLS (Zeek's ssl.log for QUIC).
 * Type-only. */
#ifndef VIGIL_PROTO_QUIC_T_H
#define VIGIL_PROTO_QUIC_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/tls-t.h"

#define QUIC_HISTORY_MAX 100       /* Zeek's QUIC::max_history_length */
#define QUIC_CID_MAX 255           /* the length byte's range; RFC 9000 allows 20 */
#define QUIC_MAX_EXTS 64           /* ClientHello extensions kept for EVE */
#define QUIC_EXT_VALUES_MAX 8      /* SNI / ALPN values kept per extension */
#define QUIC_EXT_POOL 2048         /* bytes of all those values together */

struct quic_cid {
    bool set;
    uint8_t len;
    uint8_t bytes[QUIC_CID_MAX];
};

/* One ClientHello extension as Suricata's EVE lists it. */
struct quic_ext {
    uint16_t type;
    uint8_t n_values;
    uint16_t value_off[QUIC_EXT_VALUES_MAX]; /* into quic_txn.ext_pool */
    uint16_t value_len[QUIC_EXT_VALUES_MAX];
};

struct quic_txn {
    int64_t ts_us;                  /* first packet of this record */
    uint32_t version;               /* from the packet that opened the record */
    struct quic_cid client_initial_dcid;
    struct quic_cid client_scid;    /* last client long header's SCID */
    struct quic_cid server_scid;    /* last server long header's SCID */
    struct tls_str server_name;     /* the ClientHello's, as TLS keeps them */
    struct tls_str client_protocol; /* its first ALPN name */
    size_t history_len;
    char history[QUIC_HISTORY_MAX + 1];

    /* EVE (Suricata) view of the handshake; NULL when not seen. */
    const struct tls_txn *client_hello; /* sni, ja3, ja4 ('q' prefix) */
    const struct tls_txn *server_hello; /* ja3s */
    size_t n_exts;
    struct quic_ext exts[QUIC_MAX_EXTS];
    char ext_pool[QUIC_EXT_POOL];
};

#endif
