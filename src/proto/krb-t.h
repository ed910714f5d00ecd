/* Kerberos 5 (RFC 4120) over UDP and TCP 88: what the parser publishes
 * (EVENT_KRB). Each message parsed is one struct krb_message (Suricata's
 * krb5 transaction: one EVE event); the connection's kerberos.log row, as
 * Zeek's base/protocols/krb fills c$krb, rides along when Zeek would write
 * it (a reply or error, or the end of the connection; once per connection).
 * The same rows come from Kerberos inside GSS-API: struct krb_gss_session
 * is a carrier's state for it (fed through proto/krb.h). Type-only. */
#ifndef VIGIL_PROTO_KRB_T_H
#define VIGIL_PROTO_KRB_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/event-t.h"

#define KRB_TEXT_MAX 256   /* principal names and realms; longer ones are cut */
#define KRB_ETYPES_MAX 16  /* the etypes of a request kept, in order */

/* The message types (the APPLICATION tag of each message). */
enum krb_msg_type {
    KRB_MSG_AS_REQ = 10,
    KRB_MSG_AS_REP = 11,
    KRB_MSG_TGS_REQ = 12,
    KRB_MSG_TGS_REP = 13,
    KRB_MSG_AP_REQ = 14,
    KRB_MSG_AP_REP = 15,
    KRB_MSG_ERROR = 30,
};

#define KRB_ETYPE_RC4_HMAC 23

struct krb_text {
    bool set;
    size_t len;
    char text[KRB_TEXT_MAX];
};

/* What a request asks of its ticket: its validity (from, till) and two of
 * its KDC options; a message parses it and the kerberos.log row keeps it. */
struct krb_request_options {
    bool has_from, has_till;
    int64_t from_us, till_us;
    bool has_kdc_options;
    bool forwardable, renewable;
};

/* One message. For a request: cname/realm/sname of the request body; for a
 * reply: the client's cname/crealm and the ticket's sname; for an error its
 * cname, crealm (realm when absent) and sname. */
struct krb_message {
    int64_t ts_us;
    bool from_orig;
    unsigned msg_type;              /* enum krb_msg_type */
    struct krb_text cname, realm, sname;
    /* request */
    struct krb_request_options options;
    bool preauth;                   /* padata has PA-ENC-TIMESTAMP (2) or PA-PK-AS-REQ (16) */
    bool request_preauth;           /* reply: the AS-REQ it answers was pre-authenticated (true when unseen) */
    size_t n_etypes;
    int32_t etypes[KRB_ETYPES_MAX]; /* requested etypes, client's preference order */
    /* reply */
    bool has_etype, has_ticket_etype;
    int32_t etype, ticket_etype;    /* enc-part's, and the ticket's (what Kerberoasting cracks) */
    /* error */
    bool has_error;
    int32_t error_code;
    unsigned failed_request;        /* the type of the request it answers, 0 unknown */
    struct krb_text error_text;
};

/* A kerberos.log row (Zeek's KRB::Info). */
struct krb_row {
    int64_t ts_us;
    const char *request_type;       /* "AS", "TGS" or NULL */
    struct krb_text client, service;
    bool has_success, success;
    bool has_error_code;
    int32_t error_code;
    struct krb_text error_msg;      /* e-text, else Zeek's name of the code */
    struct krb_request_options options;
    bool has_cipher;
    int32_t cipher;                 /* the ticket's etype */
};

/* A connection's kerberos.log row in the making (Zeek's c$krb). */
struct krb_session {
    struct krb_row row;
    bool session;                   /* Zeek's c$krb exists */
    bool logged;
};

/* Kerberos inside GSS-API tokens (RFC 4121, in SPNEGO or bare), as SMB
 * session setups, LDAP SASL binds and HTTP Negotiate carry them: a carrier
 * keeps one zeroed krb_gss_session per connection and feeds it every
 * security blob. The token is found by its mechanism OID and token id; an
 * AP-REQ starts the row (request_type "AP", the ticket's service, realm
 * and cipher), an AP-REP or KRB-ERROR writes it, as Zeek's krb_ap_request
 * and krb_ap_response do; krb_gss_close writes a row not written yet. */
struct krb_gss_session {
    struct krb_session log;
};

/* What EVENT_KRB points at: msg, row or both (borrowed for the call). */
struct krb_txn {
    const struct krb_message *msg;
    const struct krb_row *row;
};

#endif
