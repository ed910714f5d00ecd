/* The kinds of typed transaction that parsers (and files/) publish and
 * outputs and detectors consume: output/ keeps one writer per kind in a
 * table indexed by it. Type-only: each payload struct lives in its
 * protocol's type header (proto/dns-t.h: struct dns_txn, ...). */
#ifndef VIGIL_PROTO_EVENT_T_H
#define VIGIL_PROTO_EVENT_T_H

enum event_kind {
    EVENT_DNS,      /* struct dns_txn   (proto/dns.h) */
    EVENT_HTTP,     /* struct http_txn  (proto/http.h) */
    EVENT_TLS,      /* struct tls_txn   (proto/tls.h) */
    EVENT_X509,     /* struct x509_cert (proto/x509.h) */
    EVENT_SSH,      /* struct ssh_txn   (proto/ssh.h) */
    EVENT_SMTP,     /* struct smtp_txn  (proto/smtp.h) */
    EVENT_DHCP,     /* struct dhcp_txn  (proto/dhcp.h) */
    EVENT_QUIC,     /* struct quic_txn  (proto/quic.h) */
    EVENT_FILE,     /* struct file_info (files/files.h) */
    EVENT_SOCKS,    /* struct socks_txn (proto/socks.h) */
    EVENT_BANNER,   /* struct banner_txn (proto/banner.h): read by the inventory, not logged */
    EVENT_KRB,      /* struct krb_txn   (proto/krb.h) */
    EVENT_RDP,      /* struct rdp_txn   (proto/rdp.h) */
    EVENT_LDAP,     /* struct ldap_txn  (proto/ldap.h) */
    EVENT_SMB_MAPPING, /* struct smb_mapping_txn (proto/smb.h) */
    EVENT_SMB_FILES,   /* struct smb_file_txn (proto/smb.h) */
    EVENT_DCE_RPC,     /* struct dce_rpc_txn (proto/dce_rpc.h) */
    EVENT_NTLM,        /* struct ntlm_txn (proto/ntlm.h) */
    EVENT_SMB,         /* struct smb_txn (proto/smb.h): EVE smb, not a Zeek log */
    EVENT_FTP,         /* struct ftp_txn (proto/ftp.h) */
    EVENT_FTP_DATA,    /* struct ftp_data_txn (proto/ftp.h): EVE only */
    EVENT_APP_ANOMALY, /* struct app_anomaly (proto/app_anomaly-t.h): EVE anomaly only */
    EVENT_HTTP_REQUEST, /* struct http_txn (proto/http.h): a request parsed as far as a
                         * signature reads it, before its transaction is published; for
                         * signatures only, not logged */
    EVENT_KIND_COUNT,
};

#endif
