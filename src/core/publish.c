#include "core/publish.h"

#include "proto/event-t.h"
#include "output/dhcp_log.h"
#include "output/dns_log.h"
#include "output/files_log.h"
#include "output/http_log.h"
#include "output/quic_log.h"
#include "output/smtp_log.h"
#include "output/socks_log.h"
#include "output/ssh_log.h"
#include "output/tls_log.h"
#include "output/x509_log.h"
#include "proto/parser.h"

void publish_transaction(struct output_worker *out, const void *conn, int kind, const void *txn)
{
    const struct app_conn *c = conn;
    if (!out)
        return;
    switch ((enum event_kind)kind) {
    case EVENT_DNS:
        output_dns(out, c, txn);
        break;
    case EVENT_HTTP:
        output_http(out, c, txn);
        break;
    case EVENT_TLS:
        output_tls(out, c, txn);
        break;
    case EVENT_X509:
        output_x509(out, c, txn);
        break;
    case EVENT_SSH:
        output_ssh(out, c, txn);
        break;
    case EVENT_SMTP:
        output_smtp(out, c, txn);
        break;
    case EVENT_DHCP:
        output_dhcp(out, c, txn);
        break;
    case EVENT_QUIC:
        output_quic(out, c, txn);
        break;
    case EVENT_FILE:
        output_files(out, c, txn);
        break;
    case EVENT_SOCKS:
        output_socks(out, c, txn);
        break;
    case EVENT_KIND_COUNT:
        break;
    }
}
