/* Time stamps as stored logs write them: Zeek's epoch seconds and
 * ISO-8601 (EVE, Zeek JSON with ISO timestamps). A leaf of logread: the
 * TSV and JSON readers and logread.c all use it. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hunt/logread_internal.h"
#include "util/civil.h"

/* strtod on a bounded copy, for what the fast path does not take. */
static bool parse_double_slow(const char *s, size_t n, double *out)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp)
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (end != tmp + n || errno != 0 || !isfinite(v))
        return false;
    *out = v;
    return true;
}

bool logread_parse_epoch(const char *s, size_t n, double *out)
{
    static const double scale[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
                                   1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
    size_t i = 0;
    bool negative = false;
    if (i < n && s[i] == '-') {
        negative = true;
        i++;
    }
    uint64_t whole = 0;
    size_t wd = 0;
    while (i < n && logread_digit(s[i]) && wd < 18) {
        whole = whole * 10 + (uint64_t)(s[i] - '0');
        i++;
        wd++;
    }
    if (wd == 0 || (i < n && logread_digit(s[i])))
        return parse_double_slow(s, n, out);
    uint64_t frac = 0;
    size_t fd = 0;
    if (i < n && s[i] == '.') {
        i++;
        for (; i < n && logread_digit(s[i]); i++) {
            if (fd < 18) {
                frac = frac * 10 + (uint64_t)(s[i] - '0');
                fd++;
            }
        }
    }
    if (i != n)
        return parse_double_slow(s, n, out);
    double v = (double)whole + (double)frac / scale[fd];
    *out = negative ? -v : v;
    return true;
}

/* Fixed-width decimal field. */
static bool fixed(const char *s, size_t n, size_t at, size_t width, int *out)
{
    if (at + width > n)
        return false;
    int v = 0;
    for (size_t i = at; i < at + width; i++) {
        if (!logread_digit(s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool logread_parse_iso8601(const char *s, size_t n, double *out)
{
    int year, mon, day, hour, min, sec;
    if (!fixed(s, n, 0, 4, &year) || n < 19 || s[4] != '-' || !fixed(s, n, 5, 2, &mon) ||
        s[7] != '-' || !fixed(s, n, 8, 2, &day) || (s[10] != 'T' && s[10] != ' ') ||
        !fixed(s, n, 11, 2, &hour) || s[13] != ':' || !fixed(s, n, 14, 2, &min) || s[16] != ':' ||
        !fixed(s, n, 17, 2, &sec))
        return false;
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
        return false;
    size_t i = 19;
    double frac = 0;
    if (i < n && s[i] == '.') {
        i++;
        double unit = 0.1;
        size_t start = i;
        for (; i < n && logread_digit(s[i]); i++) {
            frac += (s[i] - '0') * unit;
            unit /= 10;
        }
        if (i == start)
            return false;
    }
    int offset = 0;
    if (i < n && s[i] == 'Z') {
        i++;
    } else if (i < n && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i] == '-' ? -1 : 1;
        int oh, om = 0;
        if (!fixed(s, n, i + 1, 2, &oh))
            return false;
        i += 3;
        if (i < n && s[i] == ':')
            i++;
        if (i < n) {
            if (!fixed(s, n, i, 2, &om))
                return false;
            i += 2;
        }
        if (oh > 23 || om > 59)
            return false;
        offset = sign * (oh * 3600 + om * 60);
    }
    if (i != n)
        return false;
    int64_t days = days_from_civil(year, mon, day);
    *out = (double)(days * 86400 + hour * 3600 + min * 60 + sec - offset) + frac;
    return true;
}
