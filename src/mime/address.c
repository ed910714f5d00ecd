/* Address extraction (address.h). */
#include "mime/address.h"

#include <string.h>

static bool in_set(uint8_t c, const char *set) { return c != 0 && strchr(set, c) != NULL; }
static bool is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

static bool is_ipish(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':';
}

/* find_all(str, /(^|[<,:[:blank:]])[^<,:[:blank:]@]+"@"[^>,;[:blank:]]+([>,;[:blank:]]|$)/)
 * with the delimiters removed, as extract_email_addrs_vec() does. Calls
 * fn for each address in order; stops when fn returns false. */
void mail_find_addrs(const uint8_t *s, size_t n, mail_item_fn fn, void *ctx)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        if (in_set(s[i], "<,: \t"))
            j = i + 1;
        size_t local = j;
        while (local < n && !in_set(s[local], "<,: \t@"))
            local++;
        if (local == j || local >= n || s[local] != '@') {
            i++;
            continue;
        }
        size_t dom = local + 1;
        while (dom < n && !in_set(s[dom], ">,; \t"))
            dom++;
        if (dom == local + 1) {
            i++;
            continue;
        }
        size_t end = dom < n ? dom + 1 : dom;
        uint8_t buf[MAIL_MAX_ADDR];
        size_t bl = 0;
        for (size_t k = i; k < end && bl < sizeof buf; k++)
            if (!in_set(s[k], "<>,:; \t"))
                buf[bl++] = s[k];
        if (!fn(ctx, buf, bl))
            return;
        i = end;
    }
}

/* split_mime_email_addresses(): find_all(/(\"[^"]*\")?[^,]+/), each part
 * stripped, into a set. */
void mail_split_addrs(const uint8_t *s, size_t n, mail_item_fn fn, void *ctx)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] == ',') {
            i++;
            continue;
        }
        size_t end = i;
        if (s[i] == '"') {
            const uint8_t *q = memchr(s + i + 1, '"', n - i - 1);
            if (q != NULL) {
                size_t after = (size_t)(q - s) + 1;
                size_t k = after;
                while (k < n && s[k] != ',')
                    k++;
                if (k > after)
                    end = k;
            }
        }
        if (end == i)
            while (end < n && s[end] != ',')
                end++;
        size_t a = i, b = end;
        while (a < b && is_space(s[a]))
            a++;
        while (b > a && is_space(s[b - 1]))
            b--;
        if (b > a && !fn(ctx, s + a, b - a))
            return;
        i = end;
    }
}

static bool parse_ip_run(const uint8_t *p, size_t n, struct ip_addr *out)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp)
        return false;
    memcpy(tmp, p, n);
    tmp[n] = 0;
    if (memchr(p, ':', n) == NULL) {
        /* dotted quads only: no hex letters */
        for (size_t i = 0; i < n; i++)
            if (!(p[i] == '.' || (p[i] >= '0' && p[i] <= '9')))
                return false;
    }
    return ip_addr_parse(tmp, out);
}

/* extract_ip_addresses(): every address-looking run, optionally only those
 * wrapped in matching [] () {} or spaces (or making up the whole string). */
size_t mail_extract_ips(const uint8_t *s, size_t n, bool check_wrapping, struct ip_addr *out, size_t max)
{
    size_t found = 0;
    size_t i = 0;
    while (i < n && found < max) {
        if (!is_ipish(s[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && is_ipish(s[j]))
            j++;
        /* trim a trailing dot or colon the address cannot end with */
        size_t e = j;
        while (e > i && s[e - 1] == '.')
            e--;
        struct ip_addr a;
        if (parse_ip_run(s + i, e - i, &a)) {
            bool ok = true;
            if (check_wrapping) {
                if (i == 0 && e == n) {
                    ok = true;
                } else if (i == 0 || e >= n) {
                    ok = false;
                } else {
                    uint8_t b = s[i - 1], c = s[e];
                    ok = (b == '[' && c == ']') || (b == '(' && c == ')') || (b == '{' && c == '}') ||
                         (b == ' ' && c == ' ');
                }
            }
            if (ok)
                out[found++] = a;
        }
        i = j;
    }
    return found;
}
