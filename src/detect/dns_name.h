/* detect/dns_name: how the DNS detectors (dns_tunnel.c over the whole run,
 * dns_short.c within minutes) read a query name: its registered domain and
 * the data left of it, the character classes of that data, the record
 * types tunnels use, and the Public Suffix List behind it. A leaf. */
#ifndef VIGIL_DETECT_DNS_NAME_H
#define VIGIL_DETECT_DNS_NAME_H

#include <libpsl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_CHAR_BINS 40            /* a-z, 0-9, '-', '_', other, (unused) */

/* A lower-cased query name cut into the domain it is grouped under and the
 * subdomain part left of it (both point into the name given). */
struct dns_name_parts {
    const char *key;                /* the registered domain, or the first label (see below) */
    size_t key_len;
    const char *sub;                /* the subdomain part, without the dot before key */
    size_t sub_len;
    bool registered;                /* key is a registrable domain (DGA counts only those) */
};

/* Splits q[0..n) (lower case, no trailing dot). Names without a registrable
 * domain and reverse zones under .arpa give false. A name under a top-level
 * label that is neither a public suffix nor a short word ("lan", "corp") is
 * data sent straight to the resolver ("dnscat.<hex>.<hex>"): it is grouped
 * by its first label, the rest being the subdomain part. */
bool dns_name_split(const psl_ctx_t *psl, const char *q, size_t n, struct dns_name_parts *out);

/* The bin of a name character: a-z, 0-9, '-', '_', anything else. */
unsigned dns_char_bin(unsigned char ch);

/* CNAME, NULL, MX, TXT, KEY, ANY and the private range 65280-65534: the
 * types tunnels carry data in. */
bool dns_qtype_is_odd(uint16_t t);

/* The Public Suffix List at path (NULL: the one Debian's publicsuffix
 * installs, else libpsl's built-in). *owned says whether the caller must
 * free it with psl_free (else it is libpsl's static built-in list). NULL
 * with err set when none can be had. */
psl_ctx_t *dns_psl_load(const char *path, bool *owned, char *err, size_t errlen);

/* The splits of the names seen last, as dns_name_split gives them: clients
 * ask the same names over and over, and each split is a Public Suffix List
 * lookup (most of the DNS detectors' time per query). Direct-mapped; a
 * zeroed struct is an empty cache; one per user, never shared between
 * threads. */
#define DNS_NAME_CACHE_SLOTS 256
#define DNS_NAME_CACHE_LEN 253      /* the longest name, as dns_name_split's */
struct dns_name_cache {
    struct dns_name_cached {
        uint16_t len;               /* of name; 0: an empty slot */
        bool split, registered;     /* what dns_name_split said */
        uint16_t key_off, key_len, sub_off, sub_len;
        char name[DNS_NAME_CACHE_LEN];
    } slot[DNS_NAME_CACHE_SLOTS];
};

/* dns_name_split through the cache: the same answer (parts point into q). */
bool dns_name_split_cached(const psl_ctx_t *psl, struct dns_name_cache *c, const char *q, size_t n,
                           struct dns_name_parts *out);

#endif
