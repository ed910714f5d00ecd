/* Links in decoded bodies: http(s) URLs of text, href targets of HTML with
 * their visible text; each checked against threat intel, for a visible
 * domain other than the target's, for bare IP hosts, shorteners, and for
 * domains not seen before (this run or --history). */
#include "mail/mail_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "intel/intel.h"
#include "util/addr.h"

static void host_of(const char *url, char *host, size_t hl)
{
    const char *s = strstr(url, "://");
    s = s ? s + 3 : url;
    const char *at = NULL;
    size_t k = strcspn(s, "/?#");
    for (size_t i = 0; i < k; i++)
        if (s[i] == '@')
            at = s + i;
    if (at)
        s = at + 1, k = strcspn(s, "/?#");
    size_t e = k;
    if (s[0] == '[') {
        const char *rb = memchr(s, ']', k);
        e = rb ? (size_t)(rb - s) + 1 : k;
    } else {
        const char *colon = memchr(s, ':', k);
        if (colon)
            e = (size_t)(colon - s);
    }
    snprintf(host, hl, "%.*s", (int)e, s);
    for (char *p = host; *p; p++)
        *p = (char)tolower((unsigned char)*p);
}

static void add_url(struct mail_urls *u, const char *url, size_t n, const char *text)
{
    if (n == 0 || n >= sizeof u->items[0].url || u->n >= MAIL_MAX_URLS)
        return;
    struct mail_url *m = &u->items[u->n];
    /* &amp; in HTML attributes */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (url[i] == '&' && n - i >= 5 && memcmp(url + i, "&amp;", 5) == 0) {
            m->url[k++] = '&';
            i += 4;
        } else {
            m->url[k++] = url[i];
        }
    }
    m->url[k] = 0;
    for (size_t i = 0; i < u->n; i++)
        if (strcmp(u->items[i].url, m->url) == 0 && strcmp(u->items[i].text, text) == 0)
            return;
    host_of(m->url, m->host, sizeof m->host);
    snprintf(m->text, sizeof m->text, "%s", text);
    u->n++;
}

static bool url_char(uint8_t c) { return c > ' ' && c < 0x7F && !strchr("\"'<>`", c); }

static void text_urls(struct mail_urls *u, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 8 < n; i++) {
        if ((p[i] | 0x20) != 'h' || (i > 0 && isalnum(p[i - 1])))
            continue;
        size_t skip = strncasecmp((const char *)p + i, "http://", 7) == 0    ? 7
                      : strncasecmp((const char *)p + i, "https://", 8) == 0 ? 8
                                                                              : 0;
        if (skip == 0)
            continue;
        size_t j = i + skip;
        while (j < n && url_char(p[j]))
            j++;
        while (j > i + skip && strchr(".,;:!?)]", p[j - 1]))
            j--;
        if (j > i + skip)
            add_url(u, (const char *)p + i, j - i, "");
        i = j;
    }
}

/* Visible text of an anchor: tags dropped, blanks folded, cut. */
static void anchor_text(const uint8_t *p, size_t n, char *out, size_t outlen)
{
    size_t k = 0;
    bool in_tag = false, space = true;
    for (size_t i = 0; i < n && k + 1 < outlen; i++) {
        if (p[i] == '<')
            in_tag = true;
        else if (p[i] == '>')
            in_tag = false;
        else if (!in_tag) {
            if (isspace(p[i])) {
                if (!space)
                    out[k++] = ' ';
                space = true;
            } else {
                out[k++] = (char)p[i];
                space = false;
            }
        }
    }
    while (k > 0 && out[k - 1] == ' ')
        k--;
    out[k] = 0;
}

static void html_urls(struct mail_urls *u, const uint8_t *p, size_t n)
{
    const uint8_t *s = p, *end = p + n;
    const uint8_t *h;
    while ((h = memmem(s, (size_t)(end - s), "href", 4)) != NULL || (h = memmem(s, (size_t)(end - s), "HREF", 4))) {
        const uint8_t *q = h + 4;
        while (q < end && isspace(*q))
            q++;
        if (q >= end || *q != '=') {
            s = h + 4;
            continue;
        }
        q++;
        while (q < end && isspace(*q))
            q++;
        uint8_t quote = q < end && (*q == '"' || *q == '\'') ? *q++ : 0;
        const uint8_t *v = q;
        while (q < end && (quote ? *q != quote : url_char(*q)))
            q++;
        size_t vn = (size_t)(q - v);
        char text[256] = "";
        const uint8_t *gt = memchr(q, '>', (size_t)(end - q));
        if (gt != NULL) {
            const uint8_t *close = memmem(gt, (size_t)(end - gt), "</a", 3);
            if (close == NULL)
                close = memmem(gt, (size_t)(end - gt), "</A", 3);
            if (close != NULL && close - gt < 4096)
                anchor_text(gt + 1, (size_t)(close - gt - 1), text, sizeof text);
        }
        if (vn > 8 && (strncasecmp((const char *)v, "http://", 7) == 0 || strncasecmp((const char *)v, "https://", 8) == 0))
            add_url(u, (const char *)v, vn, text);
        s = q;
    }
    text_urls(u, p, n); /* links written as text in the HTML */
}

void urls_extract(struct mail_urls *u, const uint8_t *p, size_t n, bool html)
{
    if (html)
        html_urls(u, p, n);
    else
        text_urls(u, p, n);
}

static bool is_ip_host(const char *host)
{
    char h[256];
    snprintf(h, sizeof h, "%s", host[0] == '[' ? host + 1 : host);
    h[strcspn(h, "]")] = 0;
    struct ip_addr a;
    return ip_addr_parse(h, &a);
}

/* The domain a link text shows, if it looks like one. */
static bool text_domain(const char *text, char *out, size_t outlen)
{
    char t[256];
    snprintf(t, sizeof t, "%s", text);
    char *s = t;
    while (*s == ' ')
        s++;
    if (strncasecmp(s, "http://", 7) == 0)
        s += 7;
    else if (strncasecmp(s, "https://", 8) == 0)
        s += 8;
    size_t k = strcspn(s, "/ ?#:");
    if (s[k] == ' ' && s[k + 1] != 0)
        return false; /* words, not an address */
    s[k] = 0;
    if (strchr(s, '.') == NULL || strchr(s, '@') != NULL || k < 4)
        return false;
    for (char *p = s; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && (unsigned char)*p < 0x80)
            return false;
        *p = (char)tolower((unsigned char)*p);
    }
    const char *last = strrchr(s, '.');
    if (last == NULL || strlen(last + 1) < 2 || isdigit((unsigned char)last[1]))
        return false;
    snprintf(out, outlen, "%s", s);
    return true;
}

void urls_analyze(struct mail_ctx *c, const struct mail_urls *u, struct doc_report *r)
{
    for (size_t i = 0; i < u->n; i++) {
        const struct mail_url *m = &u->items[i];
        bool bad = false;
        if (m->host[0] == 0)
            continue;
        char rd[256];
        registered_domain(c, m->host, rd, sizeof rd);
        if (c->intel != NULL && (intel_lookup(c->intel, INTEL_URL, m->url, strlen(m->url)) != NULL ||
                                 intel_lookup_domain(c->intel, m->host, strlen(m->host)) != NULL)) {
            report_reason(r, "url-intel", "%s is in the threat-intel store", m->url);
            bad = true;
        }
        char shown[256], shown_rd[256];
        if (m->text[0] && text_domain(m->text, shown, sizeof shown)) {
            registered_domain(c, shown, shown_rd, sizeof shown_rd);
            if (strcmp(shown_rd, rd) != 0) {
                report_reason(r, "url-text-mismatch", "link text shows %s, the link goes to %s", shown, m->host);
                bad = true;
            }
        }
        if (is_ip_host(m->host)) {
            report_reason(r, "url-ip", "link to the address %s", m->host);
            bad = true;
        } else if (str_set_has(&c->shorteners, rd)) {
            report_reason(r, "url-shortener", "link through the shortener %s", rd);
        }
        if (!is_ip_host(m->host) && !str_set_has(&c->seen, rd)) {
            report_reason(r, "url-new-domain", "%s first seen", rd);
            str_set_add(&c->seen, rd);
        }
        if (bad)
            report_indicator(r, m->url, strlen(m->url));
    }
}
