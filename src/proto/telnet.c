/* Telnet (RFC 854, TCP 23): the server's first printable text, its login
 * banner, with option negotiation (IAC sequences) removed. Cameras and
 * routers often give themselves away there ("192.0.0.64 login:"). At most
 * TELNET_MAX_BANNER bytes are kept; the banner is published at the first
 * login or password prompt, when the buffer is full, or at the end. */
#include <string.h>
#include <strings.h>

#include "proto/banner.h"
#include "proto/parser.h"

#define TELNET_MAX_BANNER 256
#define TELNET_MAX_SUBNEG 1024   /* bytes of one subnegotiation skipped before giving up */

enum { IAC = 255, SB = 250, SE = 240, WILL = 251, WONT = 252, DO = 253, DONT = 254 };

enum telnet_rx { RX_TEXT, RX_IAC, RX_OPTION, RX_SUB, RX_SUB_IAC };

struct telnet_state {
    enum telnet_rx rx;
    size_t sub_len;
    char banner[TELNET_MAX_BANNER];
    size_t len;
    bool published;
};

static void publish_banner(struct telnet_state *st, struct app_env *env)
{
    if (st->published)
        return;
    size_t start = 0;
    while (start < st->len && (st->banner[start] == '\r' || st->banner[start] == '\n' || st->banner[start] == ' '))
        start++;
    st->published = true;
    if (start == st->len)
        return;
    struct banner_txn b = {.kind = BANNER_TELNET, .from_orig = false, .text = st->banner + start,
                           .len = st->len - start};
    env->publish(env, EVENT_BANNER, &b);
}

static bool at_prompt(const struct telnet_state *st)
{
    static const char *const prompts[] = {"login:", "login: ", "username:", "username: ", "password:",
                                          "password: "};
    for (size_t i = 0; i < sizeof prompts / sizeof *prompts; i++) {
        size_t k = strlen(prompts[i]);
        if (st->len >= k && strncasecmp(st->banner + st->len - k, prompts[i], k) == 0)
            return true;
    }
    return false;
}

static void text_byte(struct telnet_state *st, uint8_t c)
{
    if (c == 0 || st->len == TELNET_MAX_BANNER)
        return;
    st->banner[st->len++] = (char)c;
}

static void telnet_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct telnet_state *st = state;
    if (from_orig || st->published)
        return;
    for (size_t i = 0; i < n && !st->published; i++) {
        uint8_t c = p[i];
        switch (st->rx) {
        case RX_TEXT:
            if (c == IAC)
                st->rx = RX_IAC;
            else
                text_byte(st, c);
            break;
        case RX_IAC:
            if (c == IAC) {
                text_byte(st, c);
                st->rx = RX_TEXT;
            } else if (c == SB) {
                st->rx = RX_SUB;
                st->sub_len = 0;
            } else {
                st->rx = (c >= WILL && c <= DONT) ? RX_OPTION : RX_TEXT;
            }
            break;
        case RX_OPTION:
            st->rx = RX_TEXT;
            break;
        case RX_SUB:
            if (c == IAC)
                st->rx = RX_SUB_IAC;
            else if (++st->sub_len > TELNET_MAX_SUBNEG) {
                env->weird(env, "telnet_subnegotiation_too_long", NULL, "TELNET");
                st->published = true;
            }
            break;
        case RX_SUB_IAC:
            st->rx = c == SE ? RX_TEXT : RX_SUB;
            break;
        }
        if (st->rx == RX_TEXT && (st->len == TELNET_MAX_BANNER || at_prompt(st)))
            publish_banner(st, env);
    }
}

static void telnet_close(void *state, struct app_env *env)
{
    publish_banner(state, env);
}

static const uint16_t telnet_ports[] = {23, 2323};

const struct app_parser telnet_parser = {
    .name = "telnet",
    .ipproto = 6,
    .ports = telnet_ports,
    .n_ports = 2,
    .no_service = true,
    .state_size = sizeof(struct telnet_state),
    .data = telnet_data,
    .close = telnet_close,
};
