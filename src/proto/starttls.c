/* The shared pieces of the STARTTLS-style parsers (starttls.h). */
#include "proto/starttls.h"

#include <string.h>
#include <strings.h>

void starttls_lines_feed(struct starttls_lines *l, struct app_env *env, bool from_orig, const uint8_t *p, size_t n,
                         starttls_line_fn fn, void *ctx)
{
    int d = from_orig ? 1 : 0;
    while (n > 0 && !l->stopped) {
        const uint8_t *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) + 1 : n;
        size_t body = nl ? take - 1 : take;
        size_t room = STARTTLS_LINE_MAX - l->len[d];
        if (body > room) {
            body = room;
            l->cut[d] = true;
        }
        memcpy(l->buf[d] + l->len[d], p, body);
        l->len[d] += body;
        p += take;
        n -= take;
        if (nl == NULL)
            return;
        size_t len = l->len[d];
        if (len > 0 && l->buf[d][len - 1] == '\r')
            len--;
        l->len[d] = 0;
        l->cut[d] = false;
        l->stopped = !fn(ctx, env, from_orig, l->buf[d], len);
    }
}

bool starttls_starts_with(const char *line, size_t len, const char *word)
{
    size_t k = strlen(word);
    return len >= k && strncasecmp(line, word, k) == 0;
}

void starttls_greeted(bool *greeted, struct app_env *env, const char *service)
{
    if (*greeted)
        return;
    *greeted = true;
    if (env->add_service != NULL)
        env->add_service(env, service);
}

void starttls_upgrade(struct app_env *env, const char *service)
{
    if (env->add_service != NULL) {
        env->add_service(env, service);
        env->add_service(env, "ssl");
    }
    if (env->hand_over != NULL)
        env->hand_over(env, "ssl");
}
