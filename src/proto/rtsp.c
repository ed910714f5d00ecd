/* RTSP (RFC 2326, TCP 554): the server's replies name its software in a
 * Server header, which is what a camera or recorder says about itself.
 * Lines are assembled across segments in a bounded buffer; the analysis
 * stops once the banner is known or RTSP_MAX_LINES lines were read. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/banner.h"
#include "proto/parser.h"
#include "proto/probe.h"

#define RTSP_MAX_LINE 1024
#define RTSP_MAX_LINES 256

struct rtsp_state {
    char line[RTSP_MAX_LINE];
    size_t len;
    bool overlong;               /* the current line passed RTSP_MAX_LINE: skip to its end */
    unsigned lines;
    bool in_reply;               /* after an "RTSP/1.x" status line, before the blank line */
    bool done;
};

static enum app_probe rtsp_probe(const uint8_t *p, size_t n, bool from_orig)
{
    static const char *const starts[] = {"OPTIONS rtsp://", "DESCRIBE rtsp://", "SETUP rtsp://", "PLAY rtsp://",
                                         "RTSP/1.0 "};
    return probe_prefixes(p, n, starts, sizeof starts / sizeof *starts);
}

static void reply_line(struct rtsp_state *st, struct app_env *env)
{
    const char *l = st->line;
    size_t n = st->len;
    if (n && l[n - 1] == '\r')
        n--;
    if (n >= 7 && strncmp(l, "RTSP/1.", 7) == 0) {
        st->in_reply = true;
        return;
    }
    if (n == 0) {
        st->in_reply = false;
        return;
    }
    if (!st->in_reply || n < 7 || strncasecmp(l, "Server:", 7) != 0)
        return;
    l += 7;
    n -= 7;
    while (n && (*l == ' ' || *l == '\t')) {
        l++;
        n--;
    }
    if (n == 0)
        return;
    struct banner_txn b = {.kind = BANNER_RTSP_SERVER, .from_orig = false, .text = l, .len = n};
    env->publish(env, EVENT_BANNER, &b);
    st->done = true;
}

static void rtsp_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct rtsp_state *st = state;
    if (from_orig || st->done)
        return;
    for (size_t i = 0; i < n && !st->done; i++) {
        if (p[i] != '\n') {
            if (st->len < RTSP_MAX_LINE)
                st->line[st->len++] = (char)p[i];
            else
                st->overlong = true;
            continue;
        }
        if (!st->overlong)
            reply_line(st, env);
        st->len = 0;
        st->overlong = false;
        if (++st->lines >= RTSP_MAX_LINES)
            st->done = true;
    }
}

static void rtsp_gap(void *state, struct app_env *env, bool from_orig, uint64_t len)
{
    struct rtsp_state *st = state;
    if (!from_orig)
        st->done = true; /* a reply cut in the middle cannot be trusted */
}

static const uint16_t rtsp_ports[] = {554, 8554};

const struct app_parser rtsp_parser = {
    .name = "rtsp",
    .ipproto = 6,
    .ports = rtsp_ports,
    .n_ports = 2,
    .no_service = true,
    .probe = rtsp_probe,
    .state_size = sizeof(struct rtsp_state),
    .data = rtsp_data,
    .gap = rtsp_gap,
};
