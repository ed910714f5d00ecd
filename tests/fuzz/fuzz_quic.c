/* libFuzzer target for the QUIC parser (and, through the ClientHello, the
 * TLS parser). The input is a sequence of datagrams alternating directions:
 * a flags byte, a 2-byte length, the bytes. With flag 0x80 the bytes are
 * the plaintext frames of an Initial packet that the harness protects with
 * the keys of RFC 9001 Appendix A (DCID 8394c8f03e515708), so the fuzzer
 * reaches the frame parser, CRYPTO reassembly and the ClientHello instead
 * of dying at the AEAD tag; otherwise they are a raw datagram. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "proto/quic.h"
#include "stream_driver.h"


struct keys {
    uint8_t key[16], iv[12], hp[16];
};

static const struct keys client_keys = {
    {0x1f, 0x36, 0x96, 0x13, 0xdd, 0x76, 0xd5, 0x46, 0x77, 0x30, 0xef, 0xcb, 0xe3, 0xb1, 0xa2, 0x2d},
    {0xfa, 0x04, 0x4b, 0x2f, 0x42, 0xa3, 0xfd, 0x3b, 0x46, 0xfb, 0x25, 0x5c},
    {0x9f, 0x50, 0x44, 0x9e, 0x04, 0xa0, 0xe8, 0x10, 0x28, 0x3a, 0x1e, 0x99, 0x33, 0xad, 0xed, 0xd2},
};
static const struct keys server_keys = {
    {0xcf, 0x3a, 0x53, 0x31, 0x65, 0x3c, 0x36, 0x4c, 0x88, 0xf0, 0xf3, 0x79, 0xb6, 0x06, 0x7e, 0x37},
    {0x0a, 0xc1, 0x49, 0x3c, 0xa1, 0x90, 0x58, 0x53, 0xb0, 0xbb, 0xa0, 0x3e},
    {0xc2, 0x06, 0xb8, 0xd9, 0xb9, 0xf0, 0xf3, 0x76, 0x44, 0x43, 0x0b, 0x49, 0x0e, 0xea, 0xa3, 0x14},
};

/* Builds a protected Initial around `frames` (padded to 20 bytes at least). */
static size_t wrap_initial(const struct keys *k, bool from_client, const uint8_t *frames, size_t n, uint8_t *out)
{
    static const uint8_t dcid[8] = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08};
    uint8_t payload[4096];
    if (n > sizeof(payload))
        n = sizeof(payload);
    size_t plen = n < 20 ? 20 : n;
    memset(payload, 0, plen);
    memcpy(payload, frames, n);
    size_t h = 0;
    out[h++] = 0xc3;
    out[h++] = 0, out[h++] = 0, out[h++] = 0, out[h++] = 1;
    if (from_client) {
        out[h++] = 8;
        memcpy(out + h, dcid, 8);
        h += 8;
        out[h++] = 0;
    } else {
        out[h++] = 0;
        out[h++] = 8;
        memcpy(out + h, dcid, 8);
        h += 8;
    }
    out[h++] = 0; /* token */
    size_t len = plen + 4 + 16;
    out[h++] = (uint8_t)(0x40 | len >> 8);
    out[h++] = (uint8_t)len;
    size_t pn_off = h;
    out[h++] = 0, out[h++] = 0, out[h++] = 0, out[h++] = 7;
    uint8_t nonce[12];
    memcpy(nonce, k->iv, 12);
    nonce[11] ^= 7;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int l = 0;
    if (ctx == NULL || EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, k->key, nonce) != 1 ||
        EVP_EncryptUpdate(ctx, NULL, &l, out, (int)h) != 1 ||
        EVP_EncryptUpdate(ctx, out + h, &l, payload, (int)plen) != 1 ||
        EVP_EncryptFinal_ex(ctx, out + h + plen, &l) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + h + plen) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        return 0;
    }
    EVP_CIPHER_CTX_free(ctx);
    uint8_t mask[16];
    ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL || EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, k->hp, NULL) != 1 ||
        EVP_EncryptUpdate(ctx, mask, &l, out + pn_off + 4, 16) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        return 0;
    }
    EVP_CIPHER_CTX_free(ctx);
    out[0] ^= mask[0] & 0x0f;
    for (int i = 0; i < 4; i++)
        out[pn_off + i] ^= mask[1 + i];
    return h + plen + 16;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    struct fuzz_conn fc;
    uint8_t *pkt = malloc(4096 + 64);
    if (pkt == NULL)
        return 0;
    if (!fuzz_conn_open(&fc, &quic_parser, NULL)) {
        free(pkt);
        return 0;
    }
    fc.env.ts_us = 0;
    bool from_orig = true;
    size_t i = 0;
    while (n - i >= 3) {
        uint8_t flags = d[i];
        size_t len = (size_t)d[i + 1] << 8 | d[i + 2];
        i += 3;
        if (len > n - i)
            len = n - i;
        if (flags & 0x80) {
            size_t m = wrap_initial(from_orig ? &client_keys : &server_keys, from_orig, d + i, len, pkt);
            if (m > 0)
                quic_parser.data(fc.state, &fc.env, from_orig, pkt, m);
        } else if (len > 0) {
            quic_parser.data(fc.state, &fc.env, from_orig, d + i, len);
        }
        i += len;
        from_orig = !from_orig;
    }
    fuzz_conn_close(&fc);
    free(pkt);
    return 0;
}
