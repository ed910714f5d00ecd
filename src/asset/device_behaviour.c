#include "asset/device_behaviour.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/tsv.h"

enum { SET_OFFNET = 1, SET_LOCAL = 2, SET_WINDOW = 4, SET_FACTOR = 8, SET_MIN = 16, SET_ALL = 31 };

/* "udp/123", "tcp/443", "any/53". */
static bool parse_service(const char *s, struct allowed_service *a)
{
    const char *slash = strchr(s, '/');
    uint64_t port;
    if (slash == NULL || !tsv_parse_u64(slash + 1, 65535, &port))
        return false;
    size_t len = (size_t)(slash - s);
    if (len == 3 && memcmp(s, "tcp", 3) == 0)
        a->proto = IPPROTO_TCP;
    else if (len == 3 && memcmp(s, "udp", 3) == 0)
        a->proto = IPPROTO_UDP;
    else if (len == 3 && memcmp(s, "any", 3) == 0)
        a->proto = 0;
    else
        return false;
    a->port = (uint16_t)port;
    return true;
}

static bool copy_type(char *dst, const char *v)
{
    size_t n = strlen(v);
    if (n == 0 || n >= BEHAVIOUR_TYPE_MAX)
        return false;
    memcpy(dst, v, n + 1);
    return true;
}

/* One "setting<TAB>value[<TAB>why]" line; NULL or the reason it is wrong. */
static const char *apply(struct device_behaviour *b, const char *key, const char *v, unsigned *set)
{
    uint64_t n;
    if (strcmp(key, "watch") == 0) {
        if (b->n_watched == BEHAVIOUR_MAX_TYPES)
            return "too many watched types";
        return copy_type(b->watched[b->n_watched++], v) ? NULL : "a device type of 1 to 23 characters";
    }
    if (strcmp(key, "allow_out") == 0 || strcmp(key, "allow_resolver") == 0) {
        if (b->n_allowed == BEHAVIOUR_MAX_ALLOWED)
            return "too many allowed services";
        struct allowed_service *a = &b->allowed[b->n_allowed];
        if (!parse_service(v, a))
            return "a service is PROTO/PORT, PROTO tcp, udp or any";
        a->resolver_only = key[6] == 'r';
        b->n_allowed++;
        return NULL;
    }
    if (strcmp(key, "gateway_type") == 0)
        return copy_type(b->gateway_type, v) ? NULL : "a device type of 1 to 23 characters";
    static const struct {
        const char *key;
        unsigned bit;
        uint64_t max;
    } counts[] = {
        {"gateway_offnet_addrs", SET_OFFNET, 8}, /* the addresses a device remembers to count them */
        {"gateway_local_addrs", SET_LOCAL, 1000000},
        {"jump_window_seconds", SET_WINDOW, 86400 * 366},
        {"jump_factor", SET_FACTOR, 1000000}, /* at least 1: checked below */
        {"jump_min_bytes", SET_MIN, UINT64_MAX / 2},
    };
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
        if (strcmp(key, counts[i].key) != 0)
            continue;
        if (!tsv_parse_u64(v, counts[i].max, &n))
            return "not a count in range";
        *set |= counts[i].bit;
        switch (counts[i].bit) {
        case SET_OFFNET: b->gateway_offnet_addrs = (unsigned)n; break;
        case SET_LOCAL: b->gateway_local_addrs = (unsigned)n; break;
        case SET_WINDOW: b->jump_window_us = (int64_t)n * 1000000; break;
        case SET_FACTOR: b->jump_factor = n; break;
        default: b->jump_min_bytes = n; break;
        }
        return NULL;
    }
    return "unknown setting";
}

bool device_behaviour_load(const char *path, struct device_behaviour *b, char *err, size_t errlen)
{
    memset(b, 0, sizeof *b);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open the device behaviour policy: %s", path, strerror(errno));
        return false;
    }
    char line[1024];
    struct tsv_reader lines = {.f = f};
    unsigned set = 0;
    const char *why = NULL;
    while (why == NULL && tsv_next_line(&lines, line, sizeof line)) {
        char *tab = strchr(line, '\t');
        if (tab == NULL) {
            why = "a setting, a tab and a value";
            break;
        }
        *tab = '\0';
        char *value = tab + 1;
        value[strcspn(value, "\t")] = '\0';
        why = apply(b, line, value, &set);
    }
    fclose(f);
    if (why) {
        snprintf(err, errlen, "%s:%u: %s", path, lines.lineno, why);
        return false;
    }
    if (set == SET_ALL && b->jump_factor == 0) {
        snprintf(err, errlen, "%s: jump_factor must be at least 1", path);
        return false;
    }
    if (set != SET_ALL || b->gateway_type[0] == '\0') {
        snprintf(err, errlen, "%s: gateway_type, gateway_offnet_addrs, gateway_local_addrs, jump_window_seconds, "
                              "jump_factor and jump_min_bytes must all be given", path);
        return false;
    }
    return true;
}

bool device_behaviour_watches(const struct device_behaviour *b, const char *device_type)
{
    for (size_t i = 0; i < b->n_watched; i++)
        if (strcmp(device_type, b->watched[i]) == 0)
            return true;
    return false;
}
