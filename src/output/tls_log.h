/* ssl.log (Zeek) and the EVE "tls" event (Suricata). */
#ifndef VIGIL_OUTPUT_TLS_LOG_H
#define VIGIL_OUTPUT_TLS_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "output/writers.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"
#include "proto/tls-t.h"

struct json_writer;
struct output_worker;
struct zrow;

void output_tls(struct output_worker *w, const struct app_conn *c, const struct tls_txn *t);

/* Zeek's names (base/protocols/ssl/consts.zeek): "TLSv12",
 * "TLS_AES_128_GCM_SHA256", "x25519", "handshake_failure"; unknown values
 * as Zeek prints them ("unknown-1234"). tmp holds formatted ones. */
const char *tls_version_name(uint16_t v, char *tmp, size_t n);
const char *tls_cipher_name(uint16_t v, char *tmp, size_t n);
const char *tls_curve_name(uint16_t v, char *tmp, size_t n);
const char *tls_alert_name(uint8_t v, char *tmp, size_t n);
/* Suricata's version text: "TLS 1.2", "TLSv1", "TLS 1.3 draft-19". */
const char *tls_eve_version_name(uint16_t v, char *tmp, size_t n);
/* Suricata's `ja3` or `ja3s` object (key), {"hash", "string"}: the tls and
 * the quic events write it alike. */
void tls_eve_ja3(struct json_writer *j, const char *key, const char *hash, const char *text, size_t len);
/* A name of the handshake, unset (Zeek's `-`) when not seen: ssl.log's and
 * quic.log's server_name and ALPN fields. */
void tls_zrow_str(struct zrow *r, const struct tls_str *s);

/* The entry of output/writers.c for EVENT_TLS. */
extern const struct txn_writer tls_writer;

#endif
