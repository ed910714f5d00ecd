/* Query names as the DNS detectors read them (dns_name.h). */
#include "detect/dns_name.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_PSL_PATH "/usr/share/publicsuffix/public_suffix_list.dafsa"
#define NAME_MAX_LEN 253

unsigned dns_char_bin(unsigned char ch)
{
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a';
    if (ch >= '0' && ch <= '9')
        return 26u + (ch - '0');
    if (ch == '-')
        return 36;
    if (ch == '_')
        return 37;
    return 38;
}

bool dns_qtype_is_odd(uint16_t t)
{
    return t == 5 || t == 10 || t == 15 || t == 16 || t == 25 || t == 255 || (t >= 65280 && t <= 65534);
}

static bool is_reverse_zone(const char *q, size_t n)
{
    return (n == 4 && memcmp(q, "arpa", 4) == 0) || (n > 5 && memcmp(q + n - 5, ".arpa", 5) == 0);
}

/* "lan", "corp", "internal": letters only and short, as a TLD-like word. */
static bool word_like_label(const char *label)
{
    size_t n = 0;
    for (; label[n]; n++)
        if (label[n] < 'a' || label[n] > 'z')
            return false;
    return n > 0 && n <= 12;
}

bool dns_name_split(const psl_ctx_t *psl, const char *q, size_t n, struct dns_name_parts *out)
{
    if (n == 0 || n > NAME_MAX_LEN || is_reverse_zone(q, n))
        return false;
    /* libpsl wants UTF-8 or ASCII; data labels may carry any byte (iodine's
     * raw mode). It sees a copy with those bytes masked; offsets are the same. */
    char ascii[NAME_MAX_LEN + 1];
    for (size_t i = 0; i < n; i++)
        ascii[i] = (unsigned char)q[i] >= 0x80 || q[i] == '\0' ? '_' : q[i];
    ascii[n] = '\0';
    const char *last_dot = strrchr(ascii, '.');
    if (last_dot != NULL && !word_like_label(last_dot + 1) &&
        !psl_is_public_suffix2(psl, last_dot + 1, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE)) {
        const char *first_dot = memchr(q, '.', n);
        if (first_dot == q)
            return false;
        *out = (struct dns_name_parts){.key = q, .key_len = (size_t)(first_dot - q), .sub = first_dot + 1,
                                       .sub_len = n - (size_t)(first_dot + 1 - q)};
        return true;
    }
    const char *reg_ascii = psl_registrable_domain(psl, ascii);
    if (reg_ascii == NULL || reg_ascii < ascii || reg_ascii >= ascii + n)
        return false;
    const char *reg = q + (reg_ascii - ascii);
    *out = (struct dns_name_parts){.key = reg, .key_len = n - (size_t)(reg - q), .sub = q,
                                   .sub_len = reg > q ? (size_t)(reg - q) - 1 : 0, .registered = true};
    return true;
}

psl_ctx_t *dns_psl_load(const char *path, bool *owned, char *err, size_t errlen)
{
    const char *p = path ? path : DEFAULT_PSL_PATH;
    psl_ctx_t *psl = psl_load_file(p);
    *owned = psl != NULL;
    if (psl != NULL)
        return psl;
    if (path != NULL) {
        snprintf(err, errlen, "%s: cannot load the public suffix list", path);
        return NULL;
    }
    psl = (psl_ctx_t *)psl_builtin();
    if (psl == NULL)
        snprintf(err, errlen, "no public suffix list: %s is unreadable and libpsl has no built-in list",
                 DEFAULT_PSL_PATH);
    return psl;
}

/* FNV-1a: the cache is only a shortcut (a collision costs a lookup, never
 * a wrong answer: the whole name is compared), so no keyed hash is needed. */
static size_t cache_slot_of(const char *q, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)q[i]) * 16777619u;
    return h % DNS_NAME_CACHE_SLOTS;
}

bool dns_name_split_cached(const psl_ctx_t *psl, struct dns_name_cache *c, const char *q, size_t n,
                           struct dns_name_parts *out)
{
    if (n == 0 || n > DNS_NAME_CACHE_LEN)
        return dns_name_split(psl, q, n, out);
    struct dns_name_cached *e = &c->slot[cache_slot_of(q, n)];
    if (e->len != n || memcmp(e->name, q, n) != 0) {
        struct dns_name_parts p;
        e->len = (uint16_t)n;
        memcpy(e->name, q, n);
        e->split = dns_name_split(psl, q, n, &p);
        if (e->split) {
            e->registered = p.registered;
            e->key_off = (uint16_t)(p.key - q);
            e->key_len = (uint16_t)p.key_len;
            e->sub_off = (uint16_t)(p.sub - q);
            e->sub_len = (uint16_t)p.sub_len;
        }
    }
    if (!e->split)
        return false;
    *out = (struct dns_name_parts){.key = q + e->key_off, .key_len = e->key_len, .sub = q + e->sub_off,
                                   .sub_len = e->sub_len, .registered = e->registered};
    return true;
}
