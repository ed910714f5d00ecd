/* The parsers Vigil knows. Adding a protocol: one file in proto/ defining
 * `const struct app_parser X_parser`, and one line here. */
#include <string.h>

#include "proto/parser.h"

/* Weak so that the tree builds while a parser is being written; a missing
 * one is simply not offered. */
extern const struct app_parser dns_parser __attribute__((weak));
extern const struct app_parser dns_tcp_parser __attribute__((weak));
extern const struct app_parser http_parser __attribute__((weak));
extern const struct app_parser tls_parser __attribute__((weak));
extern const struct app_parser ssh_parser __attribute__((weak));
extern const struct app_parser dhcp_parser __attribute__((weak));
extern const struct app_parser smtp_parser __attribute__((weak));
extern const struct app_parser quic_parser __attribute__((weak));

const struct app_parser *const *app_parsers(size_t *n)
{
    static const struct app_parser *const all[] = {
        &dns_parser, &dns_tcp_parser, &http_parser, &tls_parser, &ssh_parser, &dhcp_parser, &smtp_parser, &quic_parser,
    };
    *n = sizeof all / sizeof *all;
    return all;
}

const struct app_parser *app_parser_by_name(const char *name)
{
    size_t n;
    const struct app_parser *const *all = app_parsers(&n);
    for (size_t i = 0; i < n; i++)
        if (all[i] && strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}
