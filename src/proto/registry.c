/* The parsers Vigil knows. Adding a protocol: one file in proto/ defining
 * `const struct app_parser X_parser`, and one line here. Order matters only
 * for content detection: the first parser whose probe says yes wins. */
#include <string.h>

#include "proto/dce_rpc.h"
#include "proto/dhcp.h"
#include "proto/dns.h"
#include "proto/dtls.h"
#include "proto/ftp.h"
#include "proto/banner.h"
#include "proto/http.h"
#include "proto/krb.h"
#include "proto/ldap.h"
#include "proto/ntp.h"
#include "proto/parser.h"
#include "proto/quic.h"
#include "proto/rdp.h"
#include "proto/smb.h"
#include "proto/smtp.h"
#include "proto/socks.h"
#include "proto/ssh.h"
#include "proto/tls.h"
#include "proto/tls_carriers.h"

const struct app_parser *const *app_parsers(size_t *n)
{
    static const struct app_parser *const all[] = {
        &dns_parser, &dns_tcp_parser, &socks_parser, &http_parser, &tls_parser, &ssh_parser, &dhcp_parser, &smtp_parser, &quic_parser,
        &dtls_parser, &ssdp_parser, &rtsp_parser, &telnet_parser,
        &krb_parser, &krb_tcp_parser, &rdp_parser, &ldap_parser, &ldap_udp_parser,
        &smb_parser, &dce_rpc_parser,
        &ftp_parser, &ftp_data_parser,
        &imap_parser, &pop3_parser, &postgresql_parser, &mysql_parser, &openvpn_parser, &ntp_parser,
    };
    *n = sizeof all / sizeof *all;
    return all;
}

const struct app_parser *app_parser_by_name(const char *name)
{
    size_t n;
    const struct app_parser *const *all = app_parsers(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}
