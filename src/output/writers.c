/* Every transaction writer, by the kind it writes. Adding a protocol's log:
 * its file defines a `struct txn_writer` and one line here lists it. */
#include "output/writers.h"

#include "output/app_anomaly_eve.h"
#include "output/dce_rpc_log.h"
#include "output/dhcp_log.h"
#include "output/dns_log.h"
#include "output/ftp_log.h"
#include "output/files_log.h"
#include "output/http_log.h"
#include "output/krb_log.h"
#include "output/ldap_log.h"
#include "output/ntlm_log.h"
#include "output/quic_log.h"
#include "output/rdp_log.h"
#include "output/smb_eve.h"
#include "output/smb_log.h"
#include "output/smtp_log.h"
#include "output/socks_log.h"
#include "output/ssh_log.h"
#include "output/tls_log.h"
#include "output/x509_log.h"

static const struct txn_writer *const writers[EVENT_KIND_COUNT] = {
    [EVENT_DNS] = &dns_writer,
    [EVENT_HTTP] = &http_writer,
    [EVENT_TLS] = &tls_writer,
    [EVENT_X509] = &x509_writer,
    [EVENT_SSH] = &ssh_writer,
    [EVENT_SMTP] = &smtp_writer,
    [EVENT_DHCP] = &dhcp_writer,
    [EVENT_QUIC] = &quic_writer,
    [EVENT_FILE] = &files_writer,
    [EVENT_SOCKS] = &socks_writer,
    [EVENT_KRB] = &krb_writer,
    [EVENT_RDP] = &rdp_writer,
    [EVENT_LDAP] = &ldap_writer,
    [EVENT_SMB_MAPPING] = &smb_mapping_writer,
    [EVENT_SMB_FILES] = &smb_files_writer,
    [EVENT_DCE_RPC] = &dce_rpc_writer,
    [EVENT_NTLM] = &ntlm_writer,
    [EVENT_SMB] = &smb_writer,
    [EVENT_FTP] = &ftp_writer,
    [EVENT_FTP_DATA] = &ftp_data_writer,
    [EVENT_APP_ANOMALY] = &app_anomaly_writer,
};

void output_transaction(struct output_worker *w, const struct app_conn *c, enum event_kind kind, const void *txn)
{
    if (w == NULL || (unsigned)kind >= EVENT_KIND_COUNT || writers[kind] == NULL)
        return;
    writers[kind]->write(w, c, txn);
}
