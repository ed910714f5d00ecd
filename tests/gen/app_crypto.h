/* Cryptography the application scenarios need at generation time, all
 * deterministic: a certificate chain signed from fixed keys, QUIC v1 Initial
 * packet protection (RFC 9001) and gzip. OpenSSL and zlib. */
#ifndef VIGIL_GEN_APP_CRYPTO_H
#define VIGIL_GEN_APP_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* DER of a self-signed RSA-2048 CA ("Vigil Test Root CA") and of a leaf
 * certificate for leaf_cn (plus SANs) with a P-256 key, signed by the CA
 * with sha256WithRSAEncryption. Same bytes on every run. */
bool cert_chain_der(const char *leaf_cn, uint8_t *leaf, size_t leaf_cap, size_t *leaf_len, uint8_t *ca,
                    size_t ca_cap, size_t *ca_len);

/* The Initial secrets of one direction, derived from the client's first DCID. */
struct quic_initial_keys {
    uint8_t key[16], iv[12], hp[16];
};
bool quic_initial_keys_derive(const uint8_t *dcid, size_t dcid_len, bool server, struct quic_initial_keys *out);
/* Protects a long-header packet in place: pkt holds the header (pn_offset is
 * where the pn_len-byte packet number starts), then the plaintext payload of
 * payload_len bytes followed by 16 free bytes for the tag. Returns the packet
 * length, 0 on failure. */
size_t quic_protect(const struct quic_initial_keys *k, uint8_t *pkt, size_t pn_offset, size_t pn_len, uint64_t pn,
                    size_t payload_len);

/* gzip (RFC 1952, mtime 0) of in; returns the length or 0. */
size_t gzip_bytes(const uint8_t *in, size_t len, uint8_t *out, size_t cap);
uint32_t crc32_of(const uint8_t *p, size_t n);

#endif
