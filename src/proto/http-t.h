/* HTTP/1.x transactions (type-only). One struct http_txn is published per
 * request/response pair, when Zeek would write its http.log row: after the
 * final (non-1xx) response is complete, or at connection end for pairs left
 * pending. Everything the txn points to lives during the publish call only. */
#ifndef VIGIL_PROTO_HTTP_T_H
#define VIGIL_PROTO_HTTP_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/bytes.h"

/* Longest request/status/header line kept; the rest of a longer line is
 * dropped (weird contentline_size_exceeded). */
#define HTTP_MAX_LINE (16 * 1024)
/* Headers per message before HTTP_too_many_headers; further ones are still
 * parsed for framing but never stored. */
#define HTTP_MAX_HEADERS 256
/* Request/response pairs waiting for their response (Zeek's
 * HTTP::max_pending_requests): beyond it they are logged and dropped. */
#define HTTP_MAX_PENDING 100
/* First decoded body bytes kept per message, for MIME type detection. */
#define HTTP_BODY_HEAD_MAX 4096
/* Header bytes kept per message for signatures ("Name: value\r\n" lines). */
#define HTTP_MAX_HEADER_BLOCK (16 * 1024)
/* Proxy headers kept per request (Zeek's `proxied` set). */
#define HTTP_MAX_PROXIED 8
/* Decompressed bytes produced per body before inflating stops (a zip bomb
 * then costs bounded CPU; memory is bounded anyway). */
#define HTTP_MAX_INFLATE ((uint64_t)256 * 1024 * 1024)

/* Files logged per direction of a transaction (Zeek's HTTP::max_files_orig
 * and max_files_resp); later ones are analysed but not listed in http.log. */
#define HTTP_MAX_FILES 15

/* A file carried by a message body (files/files.h analysed it). */
struct http_file_ref {
    const char *fuid;
    struct byte_view filename;   /* from Content-Disposition/Content-Type; unset when none */
    const char *mime_type;      /* "" when unknown */
};

/* Suricata's request progress, as far as signatures care: the request
 * line and headers, then the body. */
enum http_request_progress {
    HTTP_REQUEST_NONE,
    HTTP_REQUEST_HEADERS,
    HTTP_REQUEST_COMPLETE,
};

struct http_txn {
    int64_t ts_us;              /* when Zeek created the record (request, or orphan reply) */
    uint64_t trans_depth;
    struct byte_view method;
    struct byte_view host;       /* Host header as sent, port included */
    struct byte_view uri;        /* unescaped as Zeek logs it */
    struct byte_view raw_uri;    /* as on the request line (Suricata's url) */
    struct byte_view referrer;
    struct byte_view version;    /* reply version "1.1", "0.9"; unset without reply */
    struct byte_view user_agent;
    struct byte_view origin;
    uint64_t request_body_len;  /* decoded entity bytes (after dechunking and inflating) */
    uint64_t response_body_len;
    bool has_status;
    uint16_t status_code;
    struct byte_view status_msg;
    struct byte_view status_token; /* the status as sent when it is not a number (code 0), else unset */
    bool has_info;
    uint16_t info_code;
    struct byte_view info_msg;
    struct byte_view username;
    struct byte_view password;   /* never captured by default, as Zeek */
    size_t n_proxied;
    struct byte_view proxied[HTTP_MAX_PROXIED]; /* "X-FORWARDED-FOR -> 1.2.3.4" */

    /* For EVE and the files layer. */
    struct byte_view request_protocol;   /* "HTTP/1.1" as on the request line */
    struct byte_view request_content_type;
    struct byte_view response_content_type; /* full header value */
    struct byte_view location;
    struct byte_view xff;
    struct byte_view content_range;
    struct byte_view server;             /* response Server header (device inventory) */
    struct byte_view www_authenticate;   /* first WWW-Authenticate of the response */
    uint64_t response_transfer_len;     /* body bytes after dechunking, before inflating */
    bool request_seen, response_seen;
    /* How far the request is parsed (enum http_request_progress), and how
     * far an EVENT_HTTP_REQUEST already showed it before this event:
     * signatures run a request's rules once, at the first event that shows
     * what they read. */
    uint8_t request_progress, request_inspected;
    const uint8_t *request_body_head;   /* first decoded bytes, <= HTTP_BODY_HEAD_MAX */
    size_t request_body_head_len;
    const uint8_t *response_body_head;
    size_t response_body_head_len;
    /* Each message's headers as "Name: value\r\n" lines, in order, up to
     * HTTP_MAX_HEADER_BLOCK bytes (Suricata's http.header buffer). */
    struct byte_view request_headers, response_headers;

    /* Files of the request body ([0]) and of the response body ([1]). */
    size_t n_files[2];
    struct http_file_ref files[2][HTTP_MAX_FILES];
};

#endif
