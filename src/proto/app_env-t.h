/* What a parser is handed on every call: the run's protocol options
 * (`struct app_settings`) and the environment (`struct app_env`: the
 * connection, the time, and the callbacks through which a parser publishes,
 * reports weirds and asks things of the flow). Type-only, so files/, which
 * publishes through the same environment, needs no parser machinery. */
#ifndef VIGIL_PROTO_APP_ENV_T_H
#define VIGIL_PROTO_APP_ENV_T_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/app_limits-t.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"

struct file_ctx;
struct ftp_settings;

/* The run's protocol options (core/config.h), one member per protocol that
 * has some; a NULL member: that parser's defaults. */
struct app_settings {
    const struct ftp_settings *ftp;  /* proto/ftp.h */
    const struct app_limits *limits; /* proto/app_limits-t.h: DNS, LDAP */
    /* smb_files.log also shows reads and writes (--smb-log-reads-writes). */
    bool smb_log_reads_writes;
};

/* What a parser may use. Valid during the call only. */
struct app_env {
    const struct app_conn *conn;
    int64_t ts_us;          /* time of the packet that delivered the bytes */
    /* Publishes a transaction (struct dns_txn, struct http_txn, ...) to the
     * outputs and detectors, synchronously. */
    void (*publish)(struct app_env *env, enum event_kind kind, const void *txn);
    /* Reports a protocol weird (Zeek's name), tied to the connection. */
    void (*weird)(struct app_env *env, const char *name, const char *addl, const char *source);
    /* Marks the connection's service for conn.log (e.g. SMTP after STARTTLS adds "ssl"). */
    void (*add_service)(struct app_env *env, const char *service);
    /* Gives the rest of the connection to another parser once the current
     * data() call returns (SMTP STARTTLS -> "ssl"), or, with NULL, to protocol
     * detection again (an HTTP CONNECT tunnel). The current parser is closed
     * first, so it publishes what it has. */
    void (*hand_over)(struct app_env *env, const char *parser_name);
    /* Says the connection's payload is encrypted from here on (TLS
     * application data): signatures stop matching its stream and packet
     * payload, as Suricata's APP_LAYER_PARSER_NO_INSPECTION_PAYLOAD. May be
     * NULL. */
    void (*payload_encrypted)(struct app_env *env);
    /* Swaps originator and responder, as Zeek's Connection::FlipRoles (a
     * UDP DNS connection whose first message is a reply from its
     * "originator"); conn.log's history gets '^'. UDP only; env->conn shows
     * the new roles on return. May be NULL. */
    void (*flip_roles)(struct app_env *env);
    /* The parser stops at a protocol violation, as Zeek's analyzer is
     * disabled after AnalyzerViolation: conn.log's history gets 'X' (once)
     * and the parser gets no more bytes of the connection (close still
     * comes). May be NULL. */
    void (*violation)(struct app_env *env);
    /* Adds 'X' to the connection's conn.log history (Zeek's
     * HIST_UNKNOWN_PKT: data the analyzer could not make sense of, as FTP's
     * over-long command). May be NULL. */
    void (*history_unknown)(struct app_env *env);
    /* Says the transaction being built is complete as Suricata's logger
     * sees it with the bytes delivered so far (TLS: the ServerHelloDone),
     * though it is published later (Zeek's established): its EVE event
     * carries the number of the packet that acknowledged those bytes, not
     * the later ones. May be NULL. */
    void (*logger_ready)(struct app_env *env);
    /* Says a request got further (HTTP: its headers, then its body). true:
     * the parser publishes it for signatures now (EVENT_HTTP_REQUEST), as
     * Suricata inline, or UDP; false: the flow layer calls the parser's
     * inspect_requests later, as Suricata in IDS mode inspects a request on
     * the client's first packet after the server acknowledged it. NULL: no
     * request events. */
    bool (*request_parsed)(struct app_env *env);
    /* TCP: the originator had sent payload that no parser took before this
     * parser was chosen on the responder's first payload (the bytes are not
     * replayed). Suricata hands such bytes to the parser the other direction
     * chose (TCPProtoDetectTriggerOpposingSide), so its parser has seen them. */
    bool orig_unparsed;
    /* The worker's file analysis (files/files.h), NULL when files are off. */
    struct file_ctx *files;
    /* The run's protocol options; NULL: every parser's defaults. */
    const struct app_settings *settings;
    /* The parser's per-worker state (see worker_open), NULL when it has none. */
    void *worker_state;
    void *ctx;              /* the engine's, opaque */
};

#endif
