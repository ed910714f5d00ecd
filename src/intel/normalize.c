/* Canonical forms of indicator values, and the type a bare value most
 * likely has. The same code runs when a feed is loaded and when a wire value
 * is looked up, so both sides agree byte for byte. */
#include "intel/intel.h"
#include "intel/intel_internal.h"
#include "util/ascii.h"

#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#define DOMAIN_MAX 253
#define LABEL_MAX 63

/* ---- small helpers ---- */

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

void intel_fold_name(const char *s, size_t n, char sep_a, char sep_b, char to, char *out)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        else if (c == sep_a || c == sep_b)
            c = to;
        out[i] = c;
    }
    out[n] = '\0';
}

void intel_trim(const char **p, size_t *len)
{
    const char *s = *p;
    size_t n = *len;
    while (n > 0 && is_space((unsigned char)s[0])) {
        s++;
        n--;
    }
    while (n > 0 && is_space((unsigned char)s[n - 1]))
        n--;
    *p = s;
    *len = n;
}

struct refang {
    const char *from;
    const char *to;
};

/* Longest first where one is a prefix of another. */
static const struct refang refangs[] = {
    {"[://]", "://"}, {"[dot]", "."}, {"(dot)", "."}, {"{dot}", "."}, {"[.]", "."}, {"(.)", "."},
    {"{.}", "."},     {"[at]", "@"},  {"(at)", "@"},  {"[@]", "@"},   {"(@)", "@"}, {"[:]", ":"},
    {"[/]", "/"},
};

/* Undoes defanging into out; with `url` also "hxxp(s)://" and "fxp://",
 * and only up to the path (a path may hold "[.]" of its own, and
 * normalising twice must give the same result).
 * Returns the length, or SIZE_MAX when out is too small. */
static size_t refang(const char *in, size_t n, char *out, size_t cap, bool url)
{
    bool scheme = url;
    size_t o = 0, i = 0;
    if (scheme) {
        static const struct refang schemes[] = {{"hxxps", "https"}, {"hxxp", "http"}, {"fxp", "ftp"}};
        for (size_t k = 0; k < sizeof schemes / sizeof schemes[0]; k++) {
            size_t fl = strlen(schemes[k].from);
            if (bytes_prefix_nocase(in, n, schemes[k].from) && n > fl && (in[fl] == ':' || in[fl] == '[')) {
                size_t tl = strlen(schemes[k].to);
                if (tl >= cap)
                    return SIZE_MAX;
                memcpy(out, schemes[k].to, tl);
                o = tl;
                i = fl;
                break;
            }
        }
    }
    while (i < n) {
        char c = in[i];
        if (url && (c == '/' || c == '?' || c == '#')) {
            /* the "//" of "scheme://" or a leading "//" is not the path */
            bool scheme_slash = c == '/' && (o == 0 || (o == 1 && out[0] == '/') || out[o - 1] == ':' ||
                                             (o >= 2 && out[o - 1] == '/' && out[o - 2] == ':'));
            if (!scheme_slash) {
                if (n - i >= cap - o)
                    return SIZE_MAX;
                memcpy(out + o, in + i, n - i);
                o += n - i;
                break;
            }
        }
        const struct refang *hit = NULL;
        if (in[i] == '[' || in[i] == '(' || in[i] == '{') {
            for (size_t k = 0; k < sizeof refangs / sizeof refangs[0]; k++) {
                if (bytes_prefix_nocase(in + i, n - i, refangs[k].from)) {
                    hit = &refangs[k];
                    break;
                }
            }
        }
        const char *piece = hit ? hit->to : in + i;
        size_t pl = hit ? strlen(hit->to) : 1;
        if (pl >= cap - o)
            return SIZE_MAX;
        memcpy(out + o, piece, pl);
        o += pl;
        i += hit ? strlen(hit->from) : 1;
    }
    out[o] = '\0';
    return o;
}

/* Copies the result into out; 0 when it does not fit. */
static size_t emit(const char *s, size_t n, char *out, size_t outlen)
{
    if (n == 0 || n >= outlen)
        return 0;
    memmove(out, s, n);
    out[n] = '\0';
    return n;
}

/* ---- host names ---- */

static bool host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Label lengths, characters, and a non-numeric last label. */
static bool valid_host(const char *h, size_t n, bool need_two_labels)
{
    if (n == 0 || n > DOMAIN_MAX)
        return false;
    size_t label = 0, labels = 1;
    bool last_all_digits = true;
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        if (c == '.') {
            if (label == 0)
                return false;
            labels++;
            label = 0;
            last_all_digits = true;
            continue;
        }
        if (!host_char(c) || ++label > LABEL_MAX)
            return false;
        if (c < '0' || c > '9')
            last_all_digits = false;
    }
    if (label == 0 || last_all_digits)
        return false;
    return !need_two_labels || labels >= 2;
}

bool intel_domain_is_canonical(const char *name, size_t len)
{
    if (len == 0 || len > DOMAIN_MAX || name[0] == '.' || name[len - 1] == '.')
        return false;
    for (size_t i = 0; i < len; i++)
        if (!host_char(name[i]) && name[i] != '.')
            return false;
    return true;
}

static bool valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t extra;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            extra = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            extra = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i <= extra)
            return false;
        for (size_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if ((extra == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return false;
        i += extra + 1;
    }
    return true;
}

/* A host name (already refanged and trimmed) into out: ASCII lower case,
 * "*." / "." prefix and one trailing dot removed, U-labels to A-labels. */
static size_t normalize_host(const char *in, size_t n, char *out, size_t outlen, bool need_two_labels)
{
    char buf[DOMAIN_MAX * 4 + 8];
    domain_text_trim(&in, &n);
    if (n == 0 || n >= sizeof buf)
        return 0;
    bool ascii = true;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c < 0x21 || c == 0x7f)
            return 0;
        if (c >= 0x80)
            ascii = false;
        buf[i] = ascii_lower((char)c);
    }
    buf[n] = '\0';
    if (ascii)
        return valid_host(buf, n, need_two_labels) ? emit(buf, n, out, outlen) : 0;
    if (!valid_utf8((const unsigned char *)buf, n))
        return 0;
    uint8_t *a_labels = NULL;
    int rc = idn2_lookup_u8((const uint8_t *)buf, &a_labels, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK) {
        a_labels = NULL;
        rc = idn2_lookup_u8((const uint8_t *)buf, &a_labels, IDN2_NFC_INPUT | IDN2_TRANSITIONAL);
    }
    if (rc != IDN2_OK || a_labels == NULL) {
        idn2_free(a_labels);
        return 0;
    }
    size_t an = strlen((const char *)a_labels);
    if (an > 0 && a_labels[an - 1] == '.')
        an--;
    size_t r = 0;
    if (an < sizeof buf) {
        for (size_t i = 0; i < an; i++)
            buf[i] = ascii_lower((char)a_labels[i]);
        r = valid_host(buf, an, need_two_labels) ? emit(buf, an, out, outlen) : 0;
    }
    idn2_free(a_labels);
    return r;
}

/* The value trimmed, refanged into buf and trimmed again: the result is
 * the span *p, *n inside buf. False when buf is too small. */
static bool refang_trimmed(const char *value, size_t len, char *buf, size_t cap, bool url, const char **p, size_t *n)
{
    intel_trim(&value, &len);
    *n = refang(value, len, buf, cap, url);
    if (*n == SIZE_MAX)
        return false;
    *p = buf;
    intel_trim(p, n);
    return true;
}

typedef size_t (*refanged_normalizer)(const char *p, size_t n, char *out, size_t outlen);

/* Refangs and trims value, then hands the result to `then`. */
static size_t normalize_refanged(const char *value, size_t len, char *out, size_t outlen, bool url,
                                 refanged_normalizer then)
{
    char buf[INTEL_VALUE_MAX];
    const char *p;
    size_t n;
    if (!refang_trimmed(value, len, buf, sizeof buf, url, &p, &n))
        return 0;
    return then(p, n, out, outlen);
}

static size_t normalize_refanged_domain(const char *p, size_t n, char *out, size_t outlen)
{
    return normalize_host(p, n, out, outlen, true);
}

static size_t normalize_domain(const char *value, size_t len, char *out, size_t outlen)
{
    return normalize_refanged(value, len, out, outlen, false, normalize_refanged_domain);
}

/* ---- addresses ---- */

static bool all_digits(const char *p, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return true;
}

/* Digits only, at most 65535; false for anything else. */
static bool parse_port(const char *p, size_t n, unsigned *port)
{
    if (!all_digits(p, n))
        return false;
    while (n > 1 && p[0] == '0') {
        p++;
        n--;
    }
    if (n > 5)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (unsigned)(p[i] - '0');
    if (v > 65535)
        return false;
    *port = v;
    return true;
}

static bool parse_ip_span(const char *p, size_t n, struct ip_addr *a)
{
    char tmp[IP_ADDR_STRLEN + 1];
    if (n == 0 || n >= sizeof tmp || memchr(p, '%', n) != NULL)
        return false;
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    return ip_addr_parse(tmp, a);
}

/* Refanged, trimmed copy of an address-ish value into buf. */
static size_t prepare_addr(const char *value, size_t len, char *buf, size_t cap)
{
    intel_trim(&value, &len);
    if (len == 0 || len >= cap)
        return 0;
    size_t n = refang(value, len, buf, cap, false);
    if (n == SIZE_MAX)
        return 0;
    const char *p = buf;
    intel_trim(&p, &n);
    memmove(buf, p, n);
    buf[n] = '\0';
    return n;
}

/* "a.b.c.d", "a.b.c.d:port", "[v6]", "[v6]:port", "v6". */
static bool parse_addr_with_port(const char *p, size_t n, struct ip_addr *a)
{
    if (n > 0 && p[0] == '[') {
        const char *close = memchr(p, ']', n);
        if (close == NULL)
            return false;
        size_t rest = n - (size_t)(close + 1 - p);
        unsigned port;
        if (rest != 0 && (close[1] != ':' || !parse_port(close + 2, rest - 1, &port)))
            return false;
        return parse_ip_span(p + 1, (size_t)(close - p - 1), a);
    }
    if (parse_ip_span(p, n, a))
        return true;
    const char *colon = memchr(p, ':', n);
    unsigned port;
    if (colon == NULL || memchr(colon + 1, ':', n - (size_t)(colon + 1 - p)) != NULL)
        return false;
    if (!parse_port(colon + 1, n - (size_t)(colon + 1 - p), &port))
        return false;
    size_t hl = (size_t)(colon - p);
    return parse_ip_span(p, hl, a) && memchr(p, '.', hl) != NULL && ip_addr_is_v4(a);
}

/* Splits "addr/len": *len_out = SIZE_MAX when there is no '/'. */
static bool split_prefix(const char *p, size_t n, size_t *addr_len, unsigned *prefix)
{
    const char *slash = memchr(p, '/', n);
    if (slash == NULL) {
        *addr_len = n;
        *prefix = UINT32_MAX;
        return true;
    }
    size_t dl = n - (size_t)(slash + 1 - p);
    if (dl == 0 || dl > 3 || !all_digits(slash + 1, dl))
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < dl; i++)
        v = v * 10 + (unsigned)(slash[1 + i] - '0');
    *addr_len = (size_t)(slash - p);
    *prefix = v;
    return true;
}

#define ADDR_TEXT_MAX 128

/* An address or subnet value as prepare_addr leaves it, split at its '/'. */
struct addr_text {
    char buf[ADDR_TEXT_MAX];
    size_t n;                   /* bytes of buf used */
    size_t addr_len;            /* bytes before the '/' (all n when there is none) */
    unsigned prefix;            /* the number after the '/'; UINT32_MAX when there is none */
};

/* false when there is no room to write, no address text or a bad '/'. */
static bool addr_text_prepare(struct addr_text *t, const char *value, size_t len, const char *out, size_t outlen)
{
    if (value == NULL || out == NULL || outlen == 0)
        return false;
    t->n = prepare_addr(value, len, t->buf, sizeof t->buf);
    return t->n != 0 && split_prefix(t->buf, t->n, &t->addr_len, &t->prefix);
}

/* Parses the text before the '/' into a and returns the address's full
 * prefix length: 32 for IPv4 written as such, 128 otherwise (an IPv4-mapped
 * address written with ':' is IPv6); 0 when it does not parse. */
static unsigned addr_text_parse(const struct addr_text *t, struct ip_addr *a)
{
    if (!parse_ip_span(t->buf, t->addr_len, a))
        return 0;
    return ip_addr_is_v4(a) && memchr(t->buf, ':', t->addr_len) == NULL ? 32 : 128;
}

size_t intel_normalize_addr(const char *value, size_t len, char *out, size_t outlen, struct ip_addr *a)
{
    struct addr_text t;
    if (!addr_text_prepare(&t, value, len, out, outlen))
        return 0;
    if (t.prefix != UINT32_MAX) {
        unsigned full = addr_text_parse(&t, a);
        if (full == 0 || t.prefix != full)
            return 0;
    } else if (!parse_addr_with_port(t.buf, t.n, a)) {
        return 0;
    }
    char text[IP_ADDR_STRLEN];
    size_t tl = ip_addr_format(a, text, sizeof text);
    return emit(text, tl, out, outlen);
}

size_t intel_normalize_subnet(const char *value, size_t len, char *out, size_t outlen, struct ip_prefix *p)
{
    struct addr_text t;
    if (!addr_text_prepare(&t, value, len, out, outlen))
        return 0;
    unsigned max = addr_text_parse(&t, &p->addr);
    if (max == 0)
        return 0;
    bool v4 = max == 32;
    unsigned prefix = t.prefix == UINT32_MAX ? max : t.prefix;
    if (prefix > max)
        return 0;
    p->len = (uint8_t)(v4 ? prefix + 96 : prefix);
    for (unsigned i = p->len; i < 128; i++)
        p->addr.b[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
    char text[IP_ADDR_STRLEN + 8];
    size_t tl = ip_addr_format(&p->addr, text, sizeof text);
    if (tl == 0)
        return 0;
    unsigned shown = ip_addr_is_v4(&p->addr) && p->len >= 96 ? p->len - 96u : p->len;
    text[tl++] = '/';
    tl += ascii_u8_decimal(text + tl, shown);
    return emit(text, tl, out, outlen);
}

/* ---- hashes ---- */

static bool hash_len_ok(enum intel_type t, size_t n)
{
    if (t == INTEL_JA3)
        return n == 32;
    return n == 32 || n == 40 || n == 64;
}

bool intel_hash_is_canonical(enum intel_type t, const char *value, size_t len)
{
    if ((t != INTEL_FILE_HASH && t != INTEL_CERT_HASH && t != INTEL_JA3) || !hash_len_ok(t, len))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = value[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

static size_t normalize_hash(enum intel_type t, const char *value, size_t len, char *out, size_t outlen)
{
    char buf[72];
    size_t n = 0;
    intel_trim(&value, &len);
    for (size_t i = 0; i < len; i++) {
        if (value[i] == ':')
            continue;
        if (hex_value(value[i]) < 0 || n >= sizeof buf)
            return 0;
        buf[n++] = ascii_lower(value[i]);
    }
    return hash_len_ok(t, n) ? emit(buf, n, out, outlen) : 0;
}

/* ---- URLs ---- */

static bool unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

struct out_buf {
    char *p;
    size_t n, cap;
    bool overflow;
};

static void put(struct out_buf *o, const char *s, size_t n)
{
    if (o->overflow || n >= o->cap - o->n) {
        o->overflow = true;
        return;
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
}

static void put_escape(struct out_buf *o, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    char e[3] = {'%', hex[c >> 4], hex[c & 15]};
    put(o, e, 3);
}

/* Path and query: unreserved escapes decoded, other escapes upper-cased,
 * bytes that cannot appear raw in a request line escaped. */
static void put_path(struct out_buf *o, const char *p, size_t n)
{
    if (n == 0 || p[0] != '/')
        put(o, "/", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '%' && n - i >= 3 && hex_value(p[i + 1]) >= 0 && hex_value(p[i + 2]) >= 0) {
            unsigned char d = (unsigned char)(hex_value(p[i + 1]) << 4 | hex_value(p[i + 2]));
            if (unreserved(d)) {
                char ch = (char)d;
                put(o, &ch, 1);
            } else {
                put_escape(o, d);
            }
            i += 2;
        } else if (c <= 0x20 || c >= 0x7f) {
            put_escape(o, c);
        } else {
            put(o, (const char *)&c, 1);
        }
    }
}

static unsigned default_port(const char *scheme, size_t n)
{
    if (n == 4 && strncasecmp(scheme, "http", 4) == 0)
        return 80;
    if (n == 5 && strncasecmp(scheme, "https", 5) == 0)
        return 443;
    if (n == 3 && strncasecmp(scheme, "ftp", 3) == 0)
        return 21;
    return 0;
}

/* Length of a "scheme:" prefix followed by "//", or 0. */
static size_t scheme_length(const char *p, size_t n)
{
    size_t i = 0;
    if (n == 0 || !((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z')))
        return 0;
    while (i < n && i < 32) {
        char c = p[i];
        if (c == ':')
            break;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
              c == '.'))
            return 0;
        i++;
    }
    if (n - i < 3 || p[i] != ':' || p[i + 1] != '/' || p[i + 2] != '/')
        return 0;
    return i;
}

static bool put_host(struct out_buf *o, const char *host, size_t hl)
{
    char norm[DOMAIN_MAX + 1];
    if (hl > 0 && host[0] == '[') {
        struct ip_addr a;
        if (hl < 3 || host[hl - 1] != ']' || !parse_ip_span(host + 1, hl - 2, &a))
            return false;
        char text[IP_ADDR_STRLEN];
        size_t tl = ip_addr_format(&a, text, sizeof text);
        if (tl == 0)
            return false;
        if (ip_addr_is_v4(&a) && memchr(host + 1, '.', hl - 2) != NULL) {
            put(o, text, tl);
        } else {
            put(o, "[", 1);
            put(o, text, tl);
            put(o, "]", 1);
        }
        return true;
    }
    struct ip_addr a;
    if (memchr(host, ':', hl) == NULL && parse_ip_span(host, hl, &a)) {
        char text[IP_ADDR_STRLEN];
        size_t tl = ip_addr_format(&a, text, sizeof text);
        put(o, text, tl);
        return tl > 0;
    }
    size_t nl = normalize_host(host, hl, norm, sizeof norm, false);
    if (nl == 0)
        return false;
    put(o, norm, nl);
    return true;
}

static size_t normalize_refanged_url(const char *p, size_t n, char *out, size_t outlen)
{
    size_t sl = scheme_length(p, n);
    unsigned dport = sl ? default_port(p, sl) : 0;
    if (sl) {
        p += sl + 3;
        n -= sl + 3;
    } else if (n >= 2 && p[0] == '/' && p[1] == '/') {
        p += 2;
        n -= 2;
    }
    size_t auth = 0;
    while (auth < n && p[auth] != '/' && p[auth] != '?' && p[auth] != '#')
        auth++;
    const char *at = NULL;
    for (size_t i = 0; i < auth; i++)
        if (p[i] == '@')
            at = p + i;
    const char *host = at ? at + 1 : p;
    size_t hostport = auth - (size_t)(host - p);
    /* The port starts at the last ':' outside an IPv6 literal. */
    const char *close = hostport && host[0] == '[' ? memchr(host, ']', hostport) : NULL;
    const char *scan = close ? close : host;
    const char *colon = memchr(scan, ':', hostport - (size_t)(scan - host));
    size_t hl = colon ? (size_t)(colon - host) : hostport;
    if (hl == 0)
        return 0;
    unsigned port = 0;
    bool has_port = false;
    if (colon != NULL) {
        size_t pl = hostport - hl - 1;
        if (pl > 0) {
            if (!parse_port(colon + 1, pl, &port))
                return 0;
            /* 80 and 443 go whatever the scheme, so a result is its own
             * normal form (it has no scheme left to say which is default) */
            has_port = port != 80 && port != 443 && port != dport;
        }
    }
    const char *path = p + auth;
    size_t path_len = n - auth;
    const char *frag = memchr(path, '#', path_len);
    if (frag != NULL)
        path_len = (size_t)(frag - path);
    struct out_buf o = {out, 0, outlen, false};
    if (outlen == 0 || !put_host(&o, host, hl))
        return 0;
    if (has_port) {
        char digits[8];
        size_t dl = 0;
        char tmp[6];
        size_t tn = 0;
        do {
            tmp[tn++] = (char)('0' + port % 10);
            port /= 10;
        } while (port > 0);
        digits[dl++] = ':';
        while (tn > 0)
            digits[dl++] = tmp[--tn];
        put(&o, digits, dl);
    }
    put_path(&o, path, path_len);
    if (o.overflow)
        return 0;
    out[o.n] = '\0';
    return o.n;
}

static size_t normalize_url(const char *value, size_t len, char *out, size_t outlen)
{
    return normalize_refanged(value, len, out, outlen, true, normalize_refanged_url);
}

/* ---- e-mail ---- */

static bool local_char(unsigned char c)
{
    return c > 0x20 && c != 0x7f && c != '<' && c != '>' && c != '(' && c != ')' && c != ',' && c != ';' &&
           c != ':' && c != '\\' && c != '"' && c != '[' && c != ']' && c != '@';
}

static size_t normalize_email(const char *value, size_t len, char *out, size_t outlen)
{
    char buf[INTEL_VALUE_MAX];
    intel_trim(&value, &len);
    size_t n = refang(value, len, buf, sizeof buf, false);
    if (n == SIZE_MAX)
        return 0;
    const char *p = buf;
    const char *lt = memchr(p, '<', n);
    if (lt != NULL) {
        const char *gt = memchr(lt, '>', n - (size_t)(lt - p));
        if (gt == NULL)
            return 0;
        n = (size_t)(gt - lt - 1);
        p = lt + 1;
    }
    intel_trim(&p, &n);
    if (bytes_prefix_nocase(p, n, "mailto:")) {
        p += 7;
        n -= 7;
    }
    const char *at = NULL;
    for (size_t i = 0; i < n; i++)
        if (p[i] == '@')
            at = p + i;
    if (at == NULL)
        return 0;
    size_t ll = (size_t)(at - p);
    if (ll == 0 || ll > 64 || ll + 2 >= outlen)
        return 0;
    char local[65];
    for (size_t i = 0; i < ll; i++) {
        if (!local_char((unsigned char)p[i]))
            return 0;
        local[i] = ascii_lower(p[i]);
    }
    if (!valid_utf8((const unsigned char *)local, ll))
        return 0;
    char domain[DOMAIN_MAX + 1];
    size_t dl = normalize_host(at + 1, n - ll - 1, domain, sizeof domain, true);
    if (dl == 0 || ll + 1 + dl >= outlen)
        return 0;
    memcpy(out, local, ll);
    out[ll] = '@';
    memcpy(out + ll + 1, domain, dl);
    out[ll + 1 + dl] = '\0';
    return ll + 1 + dl;
}

/* ---- exact text ---- */

static size_t normalize_text(const char *value, size_t len, char *out, size_t outlen, bool allow_spaces)
{
    intel_trim(&value, &len);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c < 0x20 || c == 0x7f || (!allow_spaces && c == ' '))
            return 0;
    }
    return emit(value, len, out, outlen);
}

size_t intel_normalize(enum intel_type t, const char *value, size_t len, char *out, size_t outlen)
{
    if (value == NULL || out == NULL || outlen == 0)
        return 0;
    if (outlen > INTEL_VALUE_MAX)
        outlen = INTEL_VALUE_MAX;
    switch (t) {
    case INTEL_ADDR: {
        struct ip_addr a;
        return intel_normalize_addr(value, len, out, outlen, &a);
    }
    case INTEL_SUBNET: {
        struct ip_prefix p;
        return intel_normalize_subnet(value, len, out, outlen, &p);
    }
    case INTEL_DOMAIN:
        return normalize_domain(value, len, out, outlen);
    case INTEL_URL:
        return normalize_url(value, len, out, outlen);
    case INTEL_FILE_HASH:
    case INTEL_CERT_HASH:
    case INTEL_JA3:
        return normalize_hash(t, value, len, out, outlen);
    case INTEL_EMAIL:
        return normalize_email(value, len, out, outlen);
    case INTEL_JA4:
        return normalize_text(value, len, out, outlen, false);
    case INTEL_USER_AGENT:
        return normalize_text(value, len, out, outlen, true);
    case INTEL_TYPE_COUNT:
        break;
    }
    return 0;
}

/* ---- guessing ---- */

static bool fits(enum intel_type t, const char *value, size_t len)
{
    char tmp[INTEL_VALUE_MAX];
    return intel_normalize(t, value, len, tmp, sizeof tmp) != 0;
}

static bool contains(const char *p, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(p + i, needle, k) == 0)
            return true;
    return false;
}

/* Cheap filters before the real parsers, which are what loading a large
 * plain list spends its time in: only the characters an address, a CIDR
 * (defanged or with a port) or a hash can hold. */
static bool could_be_address(const char *v, size_t n)
{
    if (n == 0 || n > 128)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':' ||
              c == '/' || c == '[' || c == ']' || c == '(' || c == ')' || c == '{' || c == '}' || c == 'o' ||
              c == 't' || c == 'O' || c == 'T' || c == ' ' || c == '\t' || c == '\r' || c == '\n'))
            return false;
    }
    return true;
}

static bool could_be_hash(const char *v, size_t n)
{
    if (n < 32 || n > 256)
        return false;
    for (size_t i = 0; i < n; i++)
        if (hex_value(v[i]) < 0 && v[i] != ':' && !is_space((unsigned char)v[i]))
            return false;
    return true;
}

/* A guessed name must end in a label that could be a TLD (two or more
 * letters, or an A-label), so "e.g." or "v1.2" in a list is not a domain. */
static bool plausible_domain(const char *value, size_t len)
{
    char tmp[INTEL_VALUE_MAX];
    size_t n = intel_normalize(INTEL_DOMAIN, value, len, tmp, sizeof tmp);
    if (n == 0)
        return false;
    const char *dot = strrchr(tmp, '.');
    const char *tld = dot ? dot + 1 : tmp;
    size_t tl = n - (size_t)(tld - tmp);
    if (tl >= 4 && memcmp(tld, "xn--", 4) == 0)
        return true;
    if (tl < 2)
        return false;
    for (size_t i = 0; i < tl; i++)
        if (tld[i] < 'a' || tld[i] > 'z')
            return false;
    return true;
}

/* A scheme-less guess ("host/path", "host:port") needs a host that is an
 * address or a plausible domain: "a/b" in a list is no URL. */
static bool plausible_url_host(const char *value, size_t len)
{
    char buf[INTEL_VALUE_MAX];
    size_t n = refang(value, len, buf, sizeof buf, false);
    if (n == SIZE_MAX)
        return false;
    size_t host = 0;
    while (host < n && buf[host] != '/' && buf[host] != '?' && buf[host] != '#' && buf[host] != ':')
        host++;
    struct ip_addr a;
    return parse_ip_span(buf, host, &a) || plausible_domain(buf, host);
}

bool intel_type_infer(const char *value, size_t len, enum intel_type *out)
{
    if (value == NULL)
        return false;
    intel_trim(&value, &len);
    if (len == 0 || len >= INTEL_VALUE_MAX)
        return false;
    if (could_be_address(value, len)) {
        if (fits(INTEL_ADDR, value, len)) {
            *out = INTEL_ADDR;
            return true;
        }
        if (fits(INTEL_SUBNET, value, len)) {
            *out = INTEL_SUBNET;
            return true;
        }
    }
    if (could_be_hash(value, len) && fits(INTEL_FILE_HASH, value, len)) {
        *out = INTEL_FILE_HASH;
        return true;
    }
    bool scheme = contains(value, len, "://") || contains(value, len, "[://]") ||
                  contains(value, len, "[:]//");
    bool has_at = memchr(value, '@', len) != NULL || contains(value, len, "[@]") || contains(value, len, "[at]");
    bool has_slash = memchr(value, '/', len) != NULL || memchr(value, '?', len) != NULL;
    enum intel_type order[3];
    size_t k = 0;
    if (scheme) {
        order[k++] = INTEL_URL;
    } else if (has_at) {
        order[k++] = INTEL_EMAIL;
    } else if (has_slash) {
        order[k++] = INTEL_URL;
    } else {
        order[k++] = INTEL_DOMAIN;
        order[k++] = INTEL_URL; /* "host:port" */
    }
    for (size_t i = 0; i < k; i++) {
        if (order[i] == INTEL_URL && !scheme && !has_slash && memchr(value, ':', len) == NULL)
            continue;
        if (order[i] == INTEL_URL && !scheme && !plausible_url_host(value, len))
            continue;
        if (order[i] == INTEL_DOMAIN ? plausible_domain(value, len) : fits(order[i], value, len)) {
            *out = order[i];
            return true;
        }
    }
    return false;
}

enum intel_type intel_type_refine(enum intel_type declared, const char *value, size_t len)
{
    if (value == NULL)
        return declared;
    char tmp[INTEL_VALUE_MAX];
    if (declared == INTEL_ADDR) {
        struct ip_addr a;
        struct ip_prefix p;
        if (intel_normalize_addr(value, len, tmp, sizeof tmp, &a) == 0 &&
            intel_normalize_subnet(value, len, tmp, sizeof tmp, &p) != 0)
            return INTEL_SUBNET;
    } else if (declared == INTEL_DOMAIN) {
        struct ip_addr a;
        if (could_be_address(value, len) && intel_normalize_addr(value, len, tmp, sizeof tmp, &a) != 0)
            return INTEL_ADDR;
        const char *v = value;
        size_t n = len;
        intel_trim(&v, &n);
        if (scheme_length(v, n) != 0 && fits(INTEL_URL, v, n))
            return INTEL_URL;
    }
    return declared;
}
