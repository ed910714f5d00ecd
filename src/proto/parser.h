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

#include "proto/app_env-t.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"

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

/* registry.c: the parsers (static data: valid for the whole run), and one by
 * name (NULL when none). */
const struct app_parser *const *app_parsers(size_t *n);
const struct app_parser *app_parser_by_name(const char *name);

#endif
