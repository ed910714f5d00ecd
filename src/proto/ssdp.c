/* SSDP (UPnP discovery, UDP 1900): NOTIFY announcements and M-SEARCH
 * replies name the device's software (SERVER) and type (NT / ST). One
 * datagram is one message; only its first SSDP_MAX_HEADERS lines are read
 * (a reply with ten thousand headers costs no more than one with fifty). */
#include <string.h>
#include <strings.h>

#include "proto/banner.h"
#include "proto/parser.h"
#include "util/ascii.h"

#define SSDP_MAX_HEADERS 64

struct ssdp_state {
    unsigned messages;
};

static enum app_probe ssdp_probe(const uint8_t *p, size_t n, bool from_orig)
{
    static const char *const starts[] = {"NOTIFY * HTTP/1.", "M-SEARCH * HTTP/1.", "HTTP/1.1 200 OK"};
    for (size_t i = 0; i < sizeof starts / sizeof *starts; i++) {
        if (bytes_prefix_nocase(p, n, starts[i]))
            return APP_PROBE_YES; /* a datagram is whole: too short is no */
    }
    return APP_PROBE_NO;
}

static void publish_value(struct app_env *env, enum banner_kind kind, bool from_orig, const uint8_t *v, size_t n)
{
    while (n && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
        n--;
    if (n == 0)
        return;
    struct banner_txn b = {.kind = kind, .from_orig = from_orig, .text = (const char *)v,
                           .len = n > BANNER_MAX ? BANNER_MAX : n};
    env->publish(env, EVENT_BANNER, &b);
}

static void ssdp_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct ssdp_state *st = state;
    st->messages++;
    size_t off = 0;
    unsigned lines = 0;
    while (off < n) {
        const uint8_t *line = p + off;
        const uint8_t *nl = memchr(line, '\n', n - off);
        size_t len = nl ? (size_t)(nl - line) : n - off;
        off += len + (nl ? 1 : 0);
        if (++lines > SSDP_MAX_HEADERS) {
            env->weird(env, "SSDP_too_many_headers", NULL, "SSDP");
            return;
        }
        if (lines == 1)
            continue; /* the start line */
        if (bytes_prefix_nocase(line, len, "SERVER:"))
            publish_value(env, BANNER_SSDP_SERVER, from_orig, line + 7, len - 7);
        else if ((bytes_prefix_nocase(line, len, "NT:") || bytes_prefix_nocase(line, len, "ST:")) &&
                 memmem(line, len, ":device:", 8))
            publish_value(env, BANNER_SSDP_TYPE, from_orig, line + 3, len - 3);
    }
}

static const uint16_t ssdp_ports[] = {1900};

const struct app_parser ssdp_parser = {
    .name = "ssdp",
    .ipproto = 17,
    .ports = ssdp_ports,
    .n_ports = 1,
    .no_service = true,
    .probe = ssdp_probe,
    .state_size = sizeof(struct ssdp_state),
    .data = ssdp_data,
};
