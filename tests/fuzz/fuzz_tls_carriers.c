/* libFuzzer target for the parsers of protocols that carry TLS (proto/imap.c,
 * pop3.c, postgresql.c, mysql.c, openvpn.c, through tls_carriers.h): the
 * same bytes through each; see parser_harness.h. */
#include "parser_harness.h"
#include "proto/tls_carriers.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    const struct app_parser *const parsers[] = {&imap_parser, &pop3_parser, &postgresql_parser, &mysql_parser,
                                                &openvpn_parser};
    for (size_t i = 0; i < sizeof parsers / sizeof *parsers; i++)
        fuzz_parser(parsers[i], d, n);
    return 0;
}
