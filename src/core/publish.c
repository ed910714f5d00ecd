#include "core/publish.h"

#include "core/events.h"
#include "proto/parser.h"

/* Each output_X lives in output/X_log.c. Weak while the protocol modules
 * are being written: a missing writer just drops the event. */
#define DECLARE_WRITER(name, txn_type)                                                                                 \
    txn_type;                                                                                                          \
    extern void name(struct output_worker *w, const struct app_conn *c, const txn_type *t) __attribute__((weak))

DECLARE_WRITER(output_dns, struct dns_txn);
DECLARE_WRITER(output_http, struct http_txn);
DECLARE_WRITER(output_tls, struct tls_txn);
DECLARE_WRITER(output_x509, struct x509_cert);
DECLARE_WRITER(output_ssh, struct ssh_txn);
DECLARE_WRITER(output_smtp, struct smtp_txn);
DECLARE_WRITER(output_dhcp, struct dhcp_txn);
DECLARE_WRITER(output_quic, struct quic_txn);
DECLARE_WRITER(output_files, struct file_info);

#define ROUTE(kind, fn)                                                                                                \
    case kind:                                                                                                         \
        if (fn)                                                                                                        \
            fn(out, c, txn);                                                                                           \
        break

void publish_transaction(struct output_worker *out, const void *conn, int kind, const void *txn)
{
    const struct app_conn *c = conn;
    if (!out)
        return;
    switch ((enum event_kind)kind) {
        ROUTE(EVENT_DNS, output_dns);
        ROUTE(EVENT_HTTP, output_http);
        ROUTE(EVENT_TLS, output_tls);
        ROUTE(EVENT_X509, output_x509);
        ROUTE(EVENT_SSH, output_ssh);
        ROUTE(EVENT_SMTP, output_smtp);
        ROUTE(EVENT_DHCP, output_dhcp);
        ROUTE(EVENT_QUIC, output_quic);
        ROUTE(EVENT_FILE, output_files);
    default:
        break;
    }
}
