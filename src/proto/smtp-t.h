/* SMTP: what the parser publishes (EVENT_SMTP). One struct smtp_txn per
 * message transaction, when Zeek writes its smtp.log row: at the reply to
 * the end of DATA (or to BDAT ... LAST), when a new MAIL FROM starts while
 * the previous transaction was never acknowledged, or when the connection
 * ends with client activity pending (e.g. a STARTTLS). Type-only (the
 * STARTTLS hand-over goes through env->hand_over; proto/smtp.h has the
 * query the tests make of it). Everything the txn points to lives during
 * the publish call only. */
#ifndef VIGIL_PROTO_SMTP_T_H
#define VIGIL_PROTO_SMTP_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/conn-t.h"
#include "util/addr.h"
#include "util/bytes.h"

/* Longest command/reply/message line kept whole. A longer message line is
 * passed on in pieces (weird smtp_line_too_long); a longer command or reply
 * is truncated. */
#define SMTP_MAX_LINE (16 * 1024)
/* Unique addresses per set (Zeek's max_rcptto/to/cc_addresses is 1000). */
#define SMTP_MAX_RCPT 256
#define SMTP_MAX_ADDRS 256
/* Entries of the Received path (Zeek's max_path_length is 1000). */
#define SMTP_MAX_PATH 64
/* URLs found in text bodies, and their length. */
#define SMTP_MAX_URLS 32
#define SMTP_MAX_URL_LEN 1024
/* Files (MIME leaf entities) and attachment names per message. */
#define SMTP_MAX_FILES 64
#define SMTP_MAX_RECEIVED 32            /* Received headers kept for EVE (a mail crosses few relays) */
/* Bytes of strings one transaction may hold (header values, addresses...). */
#define SMTP_TXN_ARENA (64 * 1024)
/* A single header value or reply text kept. */
#define SMTP_MAX_FIELD (4 * 1024)
/* Pipelined commands awaiting their reply (Zeek clears its queue at 1000). */
#define SMTP_MAX_PENDING_CMDS 128
/* Invalid mail transactions before analysis stops (Zeek's default). */
#define SMTP_MAX_INVALID_TRANSACTIONS 25

struct smtp_txn {
    int64_t ts_us;                  /* when Zeek created the record */
    int64_t end_ts_us;              /* when it was published (Suricata logs then) */
    uint64_t trans_depth;
    struct byte_view helo;
    struct byte_view mailfrom;       /* first address of MAIL FROM (Zeek) */
    bool rcptto_set;                /* a RCPT TO was seen: the set exists, maybe empty */
    size_t n_rcptto;                /* unique addresses of RCPT TO (Zeek's set) */
    struct byte_view rcptto[SMTP_MAX_RCPT];
    struct byte_view date, from, reply_to, msg_id, in_reply_to, subject;
    bool to_set, cc_set;            /* a To/Cc header was seen */
    size_t n_to, n_cc;
    struct byte_view to[SMTP_MAX_ADDRS];
    struct byte_view cc[SMTP_MAX_ADDRS];
    bool has_x_originating_ip;
    struct ip_addr x_originating_ip;
    struct byte_view first_received, second_received;
    struct byte_view last_reply;     /* "250 OK id=..." */
    size_t n_path;
    struct ip_addr path[SMTP_MAX_PATH];
    struct byte_view user_agent;
    bool tls;                       /* STARTTLS accepted */
    size_t n_fuids;
    char fuids[SMTP_MAX_FILES][UID_LEN];

    /* Suricata's view (EVE smtp/email) and the detectors'. */
    struct byte_view mail_from_raw;  /* "<a@b>" as after "MAIL FROM:" */
    size_t n_rcpt_raw;
    struct byte_view rcpt_raw[SMTP_MAX_RCPT];
    struct byte_view eve_from;       /* first From/To/Cc header values */
    struct byte_view eve_to, eve_cc;
    size_t n_received;               /* every Received header, in order (EVE email.received) */
    struct byte_view received[SMTP_MAX_RECEIVED];
    bool message_seen;              /* DATA/BDAT content was parsed */
    bool message_done;              /* ... up to its end (Suricata PARSE_DONE) */
    size_t n_attachments;
    struct byte_view attachments[SMTP_MAX_FILES];
    size_t n_urls;
    struct byte_view urls[SMTP_MAX_URLS]; /* http/https URLs of text bodies */
    bool auth_attempted;            /* AUTH seen; credentials are never kept */
    struct byte_view auth_mechanism; /* "PLAIN", "LOGIN" ... */
    bool auth_success;              /* 235 reply */
    uint64_t body_bytes;            /* decoded bytes of all entities */
    /* Suricata's email.body_md5: MD5 of the message body as sent (every
     * line after the header block, line ends as CRLF), once DATA/BDAT
     * completed. */
    bool has_body_md5;
    char body_md5[33];
    /* The whole message as delivered (dot-unstuffed, CRLF line ends), for
     * the phishing detector; only when the files context keeps messages
     * (file_message_cap), else empty. message_cut: longer than the cap. */
    struct byte_view message;
    bool message_cut;
};

#endif
