/* Suricata's buffer transforms (dotprefix, to_lowercase, url_decode...),
 * applied in rule order before the buffer's contents are checked. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "sig/buffers.h"

static size_t apply(uint8_t xf, const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    size_t o = 0;
    switch (xf) {
    case SIG_XF_DOTPREFIX:
        if (cap == 0)
            return 0;
        out[o++] = '.';
        if (n > cap - 1)
            n = cap - 1;
        memcpy(out + o, in, n);
        return o + n;
    case SIG_XF_TO_LOWERCASE:
    case SIG_XF_TO_UPPERCASE:
    case SIG_XF_HEADER_LOWERCASE:
        for (size_t i = 0; i < n && o < cap; i++)
            out[o++] = (uint8_t)(xf == SIG_XF_TO_UPPERCASE ? toupper(in[i]) : tolower(in[i]));
        return o;
    case SIG_XF_STRIP_WHITESPACE:
        for (size_t i = 0; i < n && o < cap; i++)
            if (!isspace(in[i]))
                out[o++] = in[i];
        return o;
    case SIG_XF_COMPRESS_WHITESPACE:
        for (size_t i = 0; i < n && o < cap; i++) {
            if (isspace(in[i]) && i > 0 && isspace(in[i - 1]))
                continue;
            out[o++] = isspace(in[i]) ? ' ' : in[i];
        }
        return o;
    case SIG_XF_URL_DECODE:
        for (size_t i = 0; i < n && o < cap; i++) {
            if (in[i] == '%' && i + 2 < n && isxdigit(in[i + 1]) && isxdigit(in[i + 2])) {
                char hex[3] = {(char)in[i + 1], (char)in[i + 2], 0};
                out[o++] = (uint8_t)strtol(hex, NULL, 16);
                i += 2;
            } else {
                out[o++] = in[i] == '+' ? ' ' : in[i];
            }
        }
        return o;
    case SIG_XF_TO_MD5:
    case SIG_XF_TO_SHA1:
    case SIG_XF_TO_SHA256: {
        const EVP_MD *md = xf == SIG_XF_TO_MD5 ? EVP_md5() : xf == SIG_XF_TO_SHA1 ? EVP_sha1() : EVP_sha256();
        unsigned len = 0;
        uint8_t digest[EVP_MAX_MD_SIZE];
        if (!EVP_Digest(in, n, digest, &len, md, NULL) || len > cap)
            return 0;
        memcpy(out, digest, len);
        return len;
    }
    default: /* strip_pseudo_headers: HTTP/1 has none */
        if (n > cap)
            n = cap;
        memmove(out, in, n);
        return n;
    }
}

void sig_transform(const struct sig_list *l, struct sig_bytes *b, struct sig_scratch *s)
{
    static const size_t cap = sizeof s->data;
    for (unsigned i = 0; i < l->n_transforms; i++) {
        uint8_t tmp[sizeof s->data];
        size_t n = b->n < cap ? b->n : cap;
        memcpy(tmp, b->p, n);
        b->n = apply(l->transforms[i], tmp, n, s->data, cap);
        b->p = s->data;
    }
}
