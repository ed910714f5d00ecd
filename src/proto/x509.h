/* x509: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/x509-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_X509_H
#define VIGIL_PROTO_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/x509-t.h"
#include "util/addr.h"

/* Parses one DER certificate (at most n bytes are read). Returns false on
 * garbage: *out is then unspecified and nothing is allocated. `sni` (may
 * be NULL) is matched against the certificate's names into eve->sni_*.
 * out->ts_us, host_cert and client_cert are the caller's and kept; every
 * other field of *out (and of *eve) is written: *out needs no zeroing. */
bool x509_cert_parse(const uint8_t *der, size_t n, struct x509_cert *out,
                     struct x509_eve_view *eve, const char *sni, size_t sni_len);
/* The caller frees it with x509_cache_free(); NULL when out of memory. */
struct x509_cache *x509_cache_new(void);
void x509_cache_free(struct x509_cache *c);
/* Zeek's x509.log deduplication (base/files/x509 main.zeek): true when
 * the same fingerprint with the same host_cert and client_cert flags was
 * first seen less than relog_known_certificates_after (1 day) before
 * cert->ts_us; false adds it (the caller logs it). NULL cache: false. */
bool x509_cache_seen_before(struct x509_cache *c, const struct x509_cert *cert);
/* x509_cert_parse through the cache (cache may be NULL: no caching). */
bool x509_cert_parse_cached(struct x509_cache *cache, const uint8_t *der, size_t n, struct x509_cert *out,
                            struct x509_eve_view *eve, const char *sni, size_t sni_len);

#endif
