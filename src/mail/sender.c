/* Who a message claims to come from, and whether to believe it: display
 * names claiming a protected organisation, look-alike domains (edit
 * distance, homoglyphs and mixed scripts, the protected name inside another
 * domain, hyphens and swapped suffixes), unrelated Reply-To, Return-Path
 * and Message-ID domains, free-mail senders posing as an organisation, and
 * the authentication failures receiving servers recorded. */
#include "mail/mail_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <idn2.h>
#include <libpsl.h>

/* The address part of a header value: inside the last <...>, else the
 * first word holding '@'. */
static void address_of(const char *v, char *addr, size_t alen, char *display, size_t dlen)
{
    const char *lt = strrchr(v, '<');
    const char *gt = lt ? strchr(lt, '>') : NULL;
    addr[0] = 0;
    if (display)
        display[0] = 0;
    if (lt && gt) {
        snprintf(addr, alen, "%.*s", (int)(gt - lt - 1), lt + 1);
        if (display) {
            size_t a = 0, b = (size_t)(lt - v);
            while (a < b && (v[a] == ' ' || v[a] == '"'))
                a++;
            while (b > a && (v[b - 1] == ' ' || v[b - 1] == '"'))
                b--;
            decode_rfc2047(v + a, b - a, display, dlen);
        }
        return;
    }
    const char *at = strchr(v, '@');
    if (at == NULL)
        return;
    const char *s = at, *e = at;
    while (s > v && !isspace((unsigned char)s[-1]) && s[-1] != ',' && s[-1] != ':')
        s--;
    while (*e && !isspace((unsigned char)*e) && *e != ',' && *e != '>')
        e++;
    snprintf(addr, alen, "%.*s", (int)(e - s), s);
}

static void domain_of(const char *addr, char *out, size_t outlen)
{
    const char *at = strrchr(addr, '@');
    snprintf(out, outlen, "%s", at ? at + 1 : "");
    for (char *p = out; *p; p++)
        *p = (char)tolower((unsigned char)*p);
}

/* Confusable letters mapped to the Latin letter they imitate (a subset of
 * Unicode's confusables.txt: Cyrillic, Greek, digits). */
static char skeleton_char(uint32_t cp, bool *foreign)
{
    static const struct {
        uint32_t cp;
        char latin;
    } map[] = {
        {0x430, 'a'}, {0x435, 'e'}, {0x43E, 'o'}, {0x440, 'p'}, {0x441, 'c'}, {0x443, 'y'}, {0x445, 'x'},
        {0x456, 'i'}, {0x458, 'j'}, {0x455, 's'}, {0x501, 'd'}, {0x4CF, 'l'}, {0x432, 'b'}, {0x43D, 'h'},
        {0x43A, 'k'}, {0x43C, 'm'}, {0x442, 't'}, {0x3BF, 'o'}, {0x3B1, 'a'}, {0x3B5, 'e'}, {0x3C1, 'p'},
        {0x3BD, 'v'}, {0x3B9, 'i'}, {0x3BA, 'k'}, {0x3C4, 't'}, {0x3C5, 'u'}, {0x3C7, 'x'}, {'0', 'o'},
        {'1', 'l'}, {0x131, 'i'},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].cp == cp) {
            if (cp >= 0x80)
                *foreign = true;
            return map[i].latin;
        }
    if (cp < 0x80)
        return (char)tolower((int)cp);
    *foreign = true;
    return '?';
}

static bool is_latin(uint32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_cyrillic(uint32_t c) { return c >= 0x400 && c <= 0x4FF; }
static bool is_greek(uint32_t c) { return c >= 0x370 && c <= 0x3FF; }

/* The domain in Unicode, its skeleton (dots and hyphens dropped), and
 * whether one label mixes scripts. */
static void skeleton(const char *domain_ascii, char *sk, size_t sklen, bool *homoglyph, bool *mixed)
{
    char *uni = NULL;
    const char *u = domain_ascii;
    if (idn2_to_unicode_8z8z(domain_ascii, &uni, 0) == IDN2_OK && uni != NULL)
        u = uni;
    size_t k = 0;
    bool lat = false, cyr = false, gre = false;
    *homoglyph = *mixed = false;
    for (size_t i = 0; u[i] && k + 1 < sklen;) {
        uint32_t cp = (uint8_t)u[i];
        size_t len = 1;
        if (cp >= 0x80) {
            size_t want = (cp & 0xE0) == 0xC0 ? 2 : (cp & 0xF0) == 0xE0 ? 3 : 4;
            cp &= 0x7F >> want;
            /* a sequence cut short by the end (invalid UTF-8 that IDNA
             * refused) ends there: never step past the NUL */
            for (; len < want && u[i + len]; len++)
                cp = cp << 6 | ((uint8_t)u[i + len] & 0x3F);
        }
        i += len;
        if (cp == '.') {
            *mixed |= (lat + cyr + gre) > 1;
            lat = cyr = gre = false;
            continue;
        }
        if (cp == '-')
            continue;
        lat |= is_latin(cp);
        cyr |= is_cyrillic(cp);
        gre |= is_greek(cp);
        bool foreign = false;
        sk[k++] = skeleton_char(cp, &foreign);
        *homoglyph |= foreign;
    }
    *mixed |= (lat + cyr + gre) > 1;
    sk[k] = 0;
    idn2_free(uni);
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    size_t d[64][64];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
                d[i][j] = d[i - 2][j - 2] + 1; /* a swap */
        }
    return d[la][lb];
}

static bool within(const char *domain, const char *registered)
{
    size_t a = strlen(domain), b = strlen(registered);
    return a >= b && strcmp(domain + a - b, registered) == 0 && (a == b || domain[a - b - 1] == '.');
}

static void strip_chars(const char *in, char *out, size_t outlen)
{
    size_t k = 0;
    for (; *in && k + 1 < outlen; in++)
        if (*in != '.' && *in != '-')
            out[k++] = *in;
    out[k] = 0;
}

static void lookalike(const struct mail_ctx *c, const char *domain, struct doc_report *r)
{
    if (domain[0] == 0)
        return;
    char rd[256], sk[256], sk_rd[256];
    registered_domain(c, domain, rd, sizeof rd);
    bool homoglyph, mixed, hg2, mx2;
    skeleton(domain, sk, sizeof sk, &homoglyph, &mixed);
    skeleton(rd, sk_rd, sizeof sk_rd, &hg2, &mx2);
    for (size_t i = 0; i < c->n_protected; i++) {
        const struct protected_org *o = &c->protected[i];
        if (within(domain, o->domain))
            return; /* the organisation's own domain */
    }
    for (size_t i = 0; i < c->n_protected; i++) {
        const struct protected_org *o = &c->protected[i];
        char flat[256];
        strip_chars(o->domain, flat, sizeof flat);
        char core_sk[128];
        snprintf(core_sk, sizeof core_sk, "%s", o->core);
        const char *why = NULL;
        if (homoglyph && (strcmp(sk_rd, flat) == 0 || strstr(sk, flat) != NULL || strstr(sk, core_sk) != NULL))
            why = mixed ? "homoglyphs, mixed scripts" : "homoglyphs";
        else if (strstr(sk, flat) != NULL)
            why = "the protected domain with its dots changed or embedded";
        else if (strstr(sk, core_sk) != NULL && strlen(core_sk) >= 4)
            why = "the protected name inside another registered domain";
        else {
            char rd_core[128];
            snprintf(rd_core, sizeof rd_core, "%.*s", (int)strcspn(rd, "."), rd);
            size_t dist = edit_distance(rd_core, o->core);
            if (dist > 0 && dist <= (strlen(o->core) > 8 ? 2u : 1u))
                why = "edit distance";
        }
        if (why != NULL) {
            report_reason(r, "lookalike-domain", "%s imitates %s (%s)", domain, o->domain, why);
            report_indicator(r, domain, strlen(domain));
            return;
        }
    }
}

/* The protected organisation a display name or local part claims, or NULL. */
static const struct protected_org *claimed(const struct mail_ctx *c, const char *text)
{
    char folded[MAIL_MAX_FIELD];
    fold_utf8(text, folded, sizeof folded);
    if (folded[0] == 0)
        return NULL;
    for (size_t i = 0; i < c->n_protected; i++) {
        const struct protected_org *o = &c->protected[i];
        for (size_t k = 0; k < o->n_names; k++)
            if (o->names[k][0] && strstr(folded, o->names[k]) != NULL)
                return o;
        if (strstr(folded, o->domain) != NULL || (strlen(o->core) >= 4 && strstr(folded, o->core) != NULL))
            return o;
    }
    return NULL;
}

static void mismatch(const struct mail_ctx *c, const char *code, const char *what, const char *value,
                     const char *from_rd, struct doc_report *r)
{
    char addr[512], dom[256], rd[256];
    address_of(value, addr, sizeof addr, NULL, 0);
    if (strcmp(code, "message-id-mismatch") == 0) {
        snprintf(addr, sizeof addr, "%s", value);
        addr[strcspn(addr, ">")] = 0;
    }
    domain_of(addr, dom, sizeof dom);
    if (dom[0] == 0 || from_rd[0] == 0)
        return;
    registered_domain(c, dom, rd, sizeof rd);
    if (strcmp(rd, from_rd) != 0)
        report_reason(r, code, "%s in %s, From in %s", what, rd, from_rd);
}

static void auth_result(const char *auth, const char *method, char *out, size_t outlen)
{
    char key[24];
    snprintf(key, sizeof key, "%s=", method);
    const char *s = auth;
    out[0] = 0;
    while ((s = strcasestr(s, key)) != NULL) {
        if (s == auth || !isalnum((unsigned char)s[-1])) {
            const char *v = s + strlen(key);
            size_t k = 0;
            while (isalpha((unsigned char)v[k]) && k + 1 < outlen)
                k++;
            snprintf(out, outlen, "%.*s", (int)k, v);
            if (strcasecmp(out, "pass") != 0)
                return; /* a failure anywhere in the chain is kept */
        }
        s += strlen(key);
    }
}

/* A domain (or address) written in the display name, when it is a real
 * registered domain other than the sender's: "support@mail.coinbase.com"
 * <x@evil.example>, "proton.me Helpdesk" <a@b.example>. */
static void display_shows_other_domain(const struct mail_ctx *c, const struct mail_headers *h, const char *from_rd,
                                       struct doc_report *r)
{
    const char *s = h->display_name;
    while (*s) {
        while (*s && !isalnum((unsigned char)*s))
            s++;
        const char *e = s;
        while (*e && (isalnum((unsigned char)*e) || *e == '.' || *e == '-' || *e == '@'))
            e++;
        const char *at = memchr(s, '@', (size_t)(e - s));
        const char *d = at ? at + 1 : s;
        char host[256], rd[256];
        if (e > d && (size_t)(e - d) < sizeof host && memchr(d, '.', (size_t)(e - d)) != NULL) {
            snprintf(host, sizeof host, "%.*s", (int)(e - d), d);
            while (strlen(host) > 0 && host[strlen(host) - 1] == '.')
                host[strlen(host) - 1] = 0;
            for (char *q = host; *q; q++)
                *q = (char)tolower((unsigned char)*q);
            const char *real = c->psl ? psl_registrable_domain(c->psl, host) : NULL;
            if (real != NULL) {
                registered_domain(c, host, rd, sizeof rd);
                if (strcmp(rd, from_rd) != 0) {
                    report_reason(r, "display-name-spoof", "display name shows %s; the address is %s", host,
                                  h->address);
                    return;
                }
            }
        }
        s = *e ? e + 1 : e;
    }
}

/* Marks and invisible characters spliced between letters defeat keyword
 * filters while the name still reads "Amazon": combining marks of any
 * script, zero-width and format characters, variation selectors. */
static bool hiding_char(uint32_t cp)
{
    return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x483 && cp <= 0x489) || (cp >= 0x591 && cp <= 0x5BD) ||
           (cp >= 0x610 && cp <= 0x61A) || (cp >= 0x64B && cp <= 0x65F) || (cp >= 0x730 && cp <= 0x74A) ||
           (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
           cp == 0xFEFF || cp == 0xAD;
}

static size_t hidden_chars(const char *s)
{
    size_t count = 0;
    for (const uint8_t *p = (const uint8_t *)s; *p;) {
        uint32_t cp = *p;
        size_t len = cp < 0x80 ? 1 : (cp & 0xE0) == 0xC0 ? 2 : (cp & 0xF0) == 0xE0 ? 3 : 4;
        if (len > 1) {
            cp &= 0x7F >> len;
            for (size_t j = 1; j < len; j++) {
                if ((p[j] & 0xC0) != 0x80) {
                    len = j;
                    break;
                }
                cp = cp << 6 | (p[j] & 0x3F);
            }
        }
        count += hiding_char(cp);
        p += len;
    }
    return count;
}

void sender_analyze(const struct mail_ctx *c, struct mail_headers *h, struct doc_report *r)
{
    address_of(h->from, h->address, sizeof h->address, h->display_name, sizeof h->display_name);
    domain_of(h->address, h->domain, sizeof h->domain);
    char from_rd[256] = "";
    if (h->domain[0])
        registered_domain(c, h->domain, from_rd, sizeof from_rd);
    const struct protected_org *org = claimed(c, h->display_name);
    if (org != NULL && !within(h->domain, org->domain)) {
        report_reason(r, "display-name-spoof", "display name \"%s\" claims %s; the address is %s", h->display_name,
                      org->domain, h->address);
        if (h->domain[0])
            report_indicator(r, h->address, strlen(h->address));
    }
    if (org == NULL && from_rd[0])
        display_shows_other_domain(c, h, from_rd, r);
    size_t hidden = hidden_chars(h->display_name);
    if (hidden >= 2)
        report_reason(r, "display-name-spoof", "display name \"%s\" hides its letters with %zu combining or invisible "
                      "characters", h->display_name, hidden);
    lookalike(c, h->domain, r);
    if (from_rd[0] && str_set_has(&c->freemail, from_rd)) {
        const struct protected_org *o2 = org ? org : claimed(c, h->address);
        if (o2 != NULL)
            report_reason(r, "freemail-org", "free-mail address %s claims %s", h->address, o2->domain);
    }
    if (h->reply_to[0])
        mismatch(c, "reply-to-mismatch", "Reply-To", h->reply_to, from_rd, r);
    if (h->return_path[0])
        mismatch(c, "return-path-mismatch", "Return-Path", h->return_path, from_rd, r);
    if (h->message_id[0])
        mismatch(c, "message-id-mismatch", "Message-ID", h->message_id, from_rd, r);
    auth_result(h->auth, "spf", h->spf, sizeof h->spf);
    auth_result(h->auth, "dkim", h->dkim, sizeof h->dkim);
    auth_result(h->auth, "dmarc", h->dmarc, sizeof h->dmarc);
    const char *methods[3] = {"spf", "dkim", "dmarc"};
    const char *results[3] = {h->spf, h->dkim, h->dmarc};
    for (int i = 0; i < 3; i++)
        if (strcasecmp(results[i], "fail") == 0 || strcasecmp(results[i], "softfail") == 0 ||
            strcasecmp(results[i], "permerror") == 0)
            report_reason(r, "auth-fail", "%s=%s (recorded by a receiving server, not re-verified)", methods[i],
                          results[i]);
}
