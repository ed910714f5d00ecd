/* What http.c (messages, headers, pairing) and http_body.c (bodies, files,
 * ranges) share: the parser's state and a few helpers. Internal to proto/. */
#ifndef VIGIL_PROTO_HTTP_INTERNAL_H
#define VIGIL_PROTO_HTTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "mime/mime.h"
#include "proto/http.h"
#include "proto/krb.h"
#include "proto/ntlm.h"
#include "proto/parser.h"

#define INFLATE_SCRATCH 16384
/* Requests whose method we remember for the responses (HEAD, CONNECT). */
#define HTTP_MAX_UNANSWERED (2 * HTTP_MAX_PENDING)

struct hbuf {
    uint8_t *p;     /* NULL: unset */
    size_t n;
};

/* A finished file, kept for the transaction's http.log row. */
struct file_record {
    char fuid[UID_LEN];
    char mime[96];
    struct hbuf filename;
};

/* One request/response pair being assembled (Zeek's HTTP::Info). */
struct http_entry {
    uint64_t key;
    int64_t ts_us;
    uint64_t trans_depth;
    struct hbuf method, host, uri, raw_uri, referrer, user_agent, origin, username;
    struct hbuf status_msg, status_token, info_msg, request_protocol, request_ctype, response_ctype;
    struct hbuf location, xff, content_range, server, www_authenticate;
    struct hbuf proxied[HTTP_MAX_PROXIED];
    size_t n_proxied;
    /* Every header of each direction as "Name: value\r\n" (signatures). */
    uint8_t *headers[2];
    size_t headers_len[2], headers_cap[2];
    bool has_version;
    uint8_t ver_major, ver_minor;
    bool has_status, has_info;
    uint16_t status_code, info_code;
    uint64_t request_body_len, response_body_len, response_transfer_len;
    bool request_seen, response_seen;
    uint8_t request_progress, request_inspected; /* enum http_request_progress */
    uint8_t *head[2];       /* first body bytes: [0] request, [1] response */
    size_t head_len[2];
    struct file_record *files[2]; /* HTTP_MAX_FILES each, allocated on the first */
    size_t n_files[2];
};

enum half_state {
    H_START_LINE,
    H_HEADERS,
    H_BODY_LENGTH,
    H_CHUNK_SIZE,
    H_CHUNK_DATA,
    H_CHUNK_CRLF,
    H_TRAILERS,
    H_BODY_CLOSE,
    H_STOPPED,
};

enum body_encoding {
    ENC_IDENTITY,
    ENC_GZIP,
    ENC_DEFLATE,
};

struct http_version {
    bool set;
    uint8_t major, minor;
};

/* One direction's parser. */
struct http_half {
    enum half_state state;
    uint8_t *line;
    size_t line_len, line_cap;
    bool line_too_long;
    bool skip_lf;           /* a line ended at CR: swallow the LF after it */
    uint8_t *header;        /* the header being folded, until the next line shows it ended */
    size_t header_len, header_cap;
    bool header_pending, header_too_long;
    unsigned header_lines;
    bool message_ongoing;
    bool body_not_expected;
    unsigned n_headers;
    int64_t content_length; /* -1: none */
    bool chunked;
    enum body_encoding encoding;
    uint64_t remaining;     /* of the Content-Length body or of the current chunk */
    uint64_t body_len;      /* decoded, as Zeek's body_length */
    uint64_t transfer_len;  /* after dechunking, before inflating */
    z_stream *z;
    bool inflate_dead;
    uint8_t zhead[2];       /* deflate: the first two bytes tell zlib from raw */
    size_t zhead_len;
    uint64_t inflated;
    bool multipart;         /* Content-Type multipart/ or message/ */
    /* Zeek reads some bodies as lines (multipart ones, replies without
     * length): each line end then counts two bytes, whatever it was, and a
     * last unterminated line gets two as well. */
    bool line_counting, body_line_open, body_cr;
    /* The body as a file (files/): begun on its first byte or gap. */
    struct file_analysis *file;
    /* Decoded body bytes (not holes) Suricata's file took, against its body
     * limit (file_eve_body_limit, http_body.c). */
    uint64_t eve_body_data;
    struct hbuf entity_filename; /* Zeek's current_entity$filename */
    /* A 206 reply's Content-Range with a known instance length: the body is
     * bytes from range_first of a file of range_total (joined by files/). */
    bool has_range;
    uint64_t range_first, range_total;
    /* A multipart body split into its parts (http_multipart.c), allocated
     * when the Content-Type says multipart/. */
    struct http_multipart *parts;
};

struct http_state {
    struct http_half half[2];   /* [0] originator, [1] responder */
    struct http_entry *pending[HTTP_MAX_PENDING + 4];
    size_t n_pending;
    uint64_t current_request, current_response, trans_depth;
    uint8_t unanswered[HTTP_MAX_UNANSWERED]; /* ring of UA_* flags */
    size_t ua_head, ua_count;
    uint64_t num_requests;
    int reply_code;
    struct http_version req_version, reply_version;
    bool keep_alive, connection_close, connect_request;
    bool upgrade_connection, upgrade_protocol, upgraded, tunnel;
    bool http09_reply;
    bool no_crlf_reported, single_cr_reported;
    uint8_t *scratch;           /* inflate output, INFLATE_SCRATCH bytes */
    uint64_t files_begun;       /* per-connection file counter, for fuids */
    struct ntlm_session *ntlm;  /* NTLM in Authorization/WWW-Authenticate; allocated on first use */
    struct krb_gss_session *krb; /* Kerberos in Negotiate tokens; allocated on first use */
};

enum { UA_HEAD = 1, UA_CONNECT = 2 };

/* Per worker (env->worker_state): byte-range parts begun, so the end of the
 * run knows range files may wait in files/. */
struct http_worker {
    uint64_t range_parts;
};

/* ---- http_util.c ---- */

static inline bool http_is_ws(uint8_t c)
{
    return c == ' ' || c == '\t';
}
size_t http_skip_ws(const uint8_t *p, size_t i, size_t n);
/* Replaces b with a copy of p[0..n). On allocation failure b stays unset. */
void http_hbuf_set(struct hbuf *b, const void *p, size_t n);
/* Frees b's copy; b is unset after. */
void http_hbuf_free(struct hbuf *b);
/* A weird with its addl text (not NUL-terminated, cut at 255 bytes). */
void http_report_weird(struct app_env *env, const char *name, const void *addl, size_t addl_len,
                       const char *source);
void http_weird(struct app_env *env, const char *name);
/* The transaction a body of direction dir belongs to, or NULL. Owned by st
 * (its pending list): valid until the transaction is published. */
struct http_entry *http_body_entry(struct http_state *st, int dir);
/* Lists an ended file in e's files of direction dir (HTTP_MAX_FILES at
 * most, as Zeek); e and filename may be NULL. */
void http_entry_add_file(struct http_entry *e, int dir, const char fuid[UID_LEN], const char mime[96],
                         const uint8_t *filename, size_t filename_len);
/* The index of the pending entry with key, or SIZE_MAX. */
size_t http_find_pending(const struct http_state *st, uint64_t key);
/* MIME's value token: leading whitespace skipped, then token characters. */
void http_value_token(const uint8_t *v, size_t n, size_t *tok_start, size_t *tok_len);
/* A non-negative decimal (base 10) or hexadecimal (16) number below 2^63. */
bool http_parse_u63(const uint8_t *p, size_t n, int base, int64_t *out);

/* ---- http_multipart.c ---- */

/* Longest line of a multipart body kept whole; longer ones reach the MIME
 * parser in pieces (a boundary line is far shorter). */
#define HTTP_MULTIPART_LINE 1024

/* A multipart body read as MIME entities, each part's bytes a file (Zeek's
 * HTTP_Entity: a file per entity with data; Suricata's multipart upload:
 * the part's Content-Disposition filename names it). */
struct http_multipart {
    struct mime_parser mime;
    struct http_state *st;
    struct app_env *env;        /* the current call's */
    int dir;
    struct file_analysis *file[MIME_MAX_DEPTH + 1];
    uint8_t line[HTTP_MULTIPART_LINE];
    size_t line_len;
    bool cr, piece;             /* line ends at CR?; a long line's later pieces */
};

/* The body of direction dir is multipart, Content-Type value v: its parts
 * will be files. */
void http_multipart_begin(struct http_state *st, int dir, const uint8_t *v, size_t n);
/* n body bytes (after dechunking). */
void http_multipart_data(struct http_state *st, struct app_env *env, int dir, const uint8_t *p, size_t n);
/* The body ended: the open parts end (each part is listed in its
 * transaction's files as it ends). */
void http_multipart_end(struct http_state *st, struct app_env *env, int dir);
/* Frees the splitter of h without publishing (a new message, the close). */
void http_multipart_free(struct http_half *h);

/* ---- http_body.c ---- */

/* n body bytes of direction dir, as they came (chunking removed). */
void http_body_deliver(struct http_state *st, struct app_env *env, int dir, const uint8_t *p,
                       size_t n);
void http_inflate_stop(struct http_half *h);
/* Starts the body's file, if it has none yet. */
void http_file_ensure(struct http_state *st, struct app_env *env, int dir);
/* A hole of len bytes inside the body: its file (begun if need be) counts
 * it, Suricata's view up to its body limit. */
void http_file_gap(struct http_state *st, struct app_env *env, int dir, uint64_t len);
/* Ends the body's file and lists it in e (HTTP_MAX_FILES at most, as Zeek). */
void http_file_finish(struct http_state *st, struct app_env *env, int dir, bool truncated,
                      struct http_entry *e);
/* Zeek's Content-Range handling for 206 replies: weirds, and the range
 * length standing in for a missing Content-Length. */
void http_content_range_header(struct http_state *st, struct app_env *env, struct http_half *h,
                               const uint8_t *v, size_t n);

#endif
