/* What every feed loader shares: the load report's examples and
 * counters, adding one indicator with its report bookkeeping, a file's
 * base name. A leaf: loaders and feed.c use it, it calls none of them. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "intel/intel.h"
#include "intel/intel_internal.h"

void intel_report_example(struct intel_load_report *r, const char *fmt, ...)
{
    if (r == NULL || r->n_examples >= INTEL_REPORT_EXAMPLES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->examples[r->n_examples], sizeof r->examples[0], fmt, ap);
    va_end(ap);
    r->n_examples++;
}

void intel_feed_reject(struct intel_load_report *rep, uint64_t *counter, const char *file, uint64_t line,
                       const char *reason, const char *value, size_t len)
{
    if (counter != NULL)
        (*counter)++;
    if (rep == NULL || rep->n_examples >= INTEL_REPORT_EXAMPLES)
        return;
    char shown[INTEL_EXAMPLE_VALUE_MAX + 1];
    size_t n = len < INTEL_EXAMPLE_VALUE_MAX ? len : INTEL_EXAMPLE_VALUE_MAX;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)value[i];
        shown[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    shown[n] = '\0';
    if (n == 0)
        intel_report_example(rep, "%s:%llu: %s", file, (unsigned long long)line, reason);
    else
        intel_report_example(rep, "%s:%llu: %s: %s", file, (unsigned long long)line, reason, shown);
}

bool intel_url_is_bare_path(const char *value, size_t len)
{
    intel_trim(&value, &len);
    return len >= 1 && value[0] == '/' && (len == 1 || value[1] != '/');
}

enum intel_add_result intel_feed_add(struct intel_store *s, struct intel_load_report *rep, const char *file,
                                     uint64_t line, enum intel_type t, const char *value, size_t len,
                                     const struct intel_meta *meta)
{
    t = intel_type_refine(t, value, len);
    enum intel_add_result r = intel_store_add(s, t, value, len, meta);
    if (rep == NULL)
        return r;
    if (r == INTEL_ADD_NEW) {
        rep->added[t]++;
    } else if (r == INTEL_ADD_DUPLICATE) {
        rep->duplicates++;
    } else if (t == INTEL_URL && intel_url_is_bare_path(value, len)) {
        intel_feed_reject(rep, &rep->unsupported, file, line, "URL path without a host", value, len);
    } else {
        char reason[48];
        snprintf(reason, sizeof reason, "invalid %s", intel_type_zeek_name(t));
        intel_feed_reject(rep, &rep->invalid, file, line, reason, value, len);
    }
    return r;
}

const char *intel_base_name(const char *path)
{
    if (path == NULL)
        return "";
    const char *slash = strrchr(path, '/');
    return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}
