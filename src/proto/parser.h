/* proto/: application parsers. One file per protocol registers one
 * `struct app_parser` in registry.c. A parser consumes reassembled bytes
 * (TCP) or whole datagrams (UDP) incrementally — a request may arrive one
 * byte at a time — and publishes typed transactions through env->publish;
 * it never writes logs itself and never reaches into another stage. */
#ifndef VIGIL_PROTO_PARSER_H
#define VIGIL_PROTO_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/app_limits-t.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"

struct file_ctx;
struct ftp_settings;

/* The run's protocol options (core/config.h), one member per protocol that
 * has some; a NULL member: that parser's defaults. */
struct app_settings {
    const struct ftp_settings *ftp; /* proto/ftp.h */
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
    /* The run's parser limits (Zeek's redefs); NULL: Zeek's defaults. */
    const struct app_limits *limits;
};

enum app_probe {
    APP_PROBE_NO,           /* not this protocol */
    APP_PROBE_MAYBE,        /* need more bytes to tell */
    APP_PROBE_YES,
};

struct app_parser {
    const char *name;       /* conn.log service name: "dns", "http", "ssl" */
    uint8_t ipproto;        /* IPPROTO_TCP or IPPROTO_UDP */
    const uint16_t *ports;  /* well-known server ports; content detection also applies elsewhere */
    size_t n_ports;
    /* The connection's conn.log service is not set by this parser (Zeek has
     * no analyzer for it: ssdp, rtsp, telnet feed the inventory only). */
    bool no_service;
    /* With no_service: EVE's flow app_proto still names the parser (Suricata
     * has a parser for it though Zeek's conn.log shows no service: ntp). */
    bool eve_app_proto;
    /* The probe only vetoes a connection on the parser's ports: it is never
     * chosen by content elsewhere (a header too plain to tell: ntp). */
    bool port_probe_only;
    /* Zeek's analyzers that ignore connections picked up mid-stream (no SYN seen). */
    bool skip_partial;
    /* Content detection on the first bytes the originator (from_orig) or
     * responder sent. May be NULL: then the parser is chosen by port only. */
    enum app_probe (*probe)(const uint8_t *p, size_t n, bool from_orig);
    size_t state_size;      /* zeroed by the caller before open() */
    void (*open)(void *state);
    /* In-order bytes of one direction (TCP), or one whole datagram (UDP). */
    void (*data)(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n);
    /* len bytes of one direction were lost (TCP only): resynchronise or give up. */
    void (*gap)(void *state, struct app_env *env, bool from_orig, uint64_t len);
    /* The connection ended: publish what is pending, free what the state owns. */
    void (*close)(void *state, struct app_env *env);
    /* Optional, for records that span connections (a DHCP lease seen on a
     * broadcast and a unicast connection): state shared by all connections
     * of one worker, created on first use and given to every call as
     * env->worker_state; worker_close publishes what is pending at the end of
     * the run and frees it (env->conn is then a zeroed identity). */
    void *(*worker_open)(void);
    void (*worker_close)(void *worker_state, struct app_env *env);
    /* Optional: the parser shares the per-worker state of the parser of
     * this name instead of having its own (ftp-data reads the data channels
     * the ftp parser announced). */
    const char *worker_state_of;
    /* Optional: an expected connection. Asked, with the worker state, before
     * ports and probes on a new connection's first payload; true takes the
     * connection (the data channel an FTP PASV/PORT announced, as Zeek's
     * Analyzer::schedule_analyzer). Not asked while the state does not exist. */
    bool (*claims)(void *worker_state, const struct app_conn *conn, int64_t ts_us); /* conn: its ends and proto only */
    /* Optional: a TCP direction reached its FIN in order (Zeek's
     * EndpointEOF): everything that direction will send was delivered. */
    void (*end_of_data)(void *state, struct app_env *env, bool from_orig);
    /* Optional: the requests env->request_parsed deferred may be inspected
     * now; the parser publishes them (EVENT_HTTP_REQUEST). */
    void (*inspect_requests)(void *state, struct app_env *env);
};

/* registry.c */
const struct app_parser *const *app_parsers(size_t *n);
const struct app_parser *app_parser_by_name(const char *name);

#endif
