/* HTTP/1.x parser: framing, pairing, decoding, caps and weirds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parser_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "files/files.h"
#include "proto/http.h"
#include "proto/parser.h"
#include "unit/deflate_harness.h"

#define MAX_TXNS 256

struct seen_txn {
    char method[64], host[128], uri[256], version[8], user_agent[128], status_msg[64];
    char info_msg[64], username[64], referrer[128], proxied0[128], content_type[64];
    bool has_method, has_host, has_version, has_status, has_info, has_username;
    uint64_t trans_depth, req_len, resp_len, transfer_len;
    unsigned status, info;
    size_t n_proxied;
    uint8_t resp_head[64];
    size_t resp_head_len;
};

struct capture {
    struct seen_txn txn[MAX_TXNS];
    size_t n_txn;
};

static void copy_str(char *dst, size_t cap, struct byte_view s, bool *has)
{
    if (has != NULL)
        *has = s.p != NULL;
    bytes_copy_cstr(dst, cap, s.p, s.p == NULL ? 0 : s.n);
}

static void on_publish(struct app_env *env, enum event_kind kind, const void *p)
{
    struct capture *c = env->ctx;
    assert_int_equal(kind, EVENT_HTTP);
    if (c->n_txn >= MAX_TXNS)
        return;
    const struct http_txn *t = p;
    struct seen_txn *s = &c->txn[c->n_txn++];
    copy_str(s->method, sizeof s->method, t->method, &s->has_method);
    copy_str(s->host, sizeof s->host, t->host, &s->has_host);
    copy_str(s->uri, sizeof s->uri, t->uri, NULL);
    copy_str(s->version, sizeof s->version, t->version, &s->has_version);
    copy_str(s->user_agent, sizeof s->user_agent, t->user_agent, NULL);
    copy_str(s->status_msg, sizeof s->status_msg, t->status_msg, NULL);
    copy_str(s->info_msg, sizeof s->info_msg, t->info_msg, NULL);
    copy_str(s->username, sizeof s->username, t->username, &s->has_username);
    copy_str(s->referrer, sizeof s->referrer, t->referrer, NULL);
    copy_str(s->content_type, sizeof s->content_type, t->response_content_type, NULL);
    if (t->n_proxied > 0)
        copy_str(s->proxied0, sizeof s->proxied0, t->proxied[0], NULL);
    s->n_proxied = t->n_proxied;
    s->trans_depth = t->trans_depth;
    s->req_len = t->request_body_len;
    s->resp_len = t->response_body_len;
    s->transfer_len = t->response_transfer_len;
    s->has_status = t->has_status;
    s->status = t->status_code;
    s->has_info = t->has_info;
    s->info = t->info_code;
    assert_true(t->response_body_head_len <= HTTP_BODY_HEAD_MAX);
    s->resp_head_len = t->response_body_head_len < sizeof s->resp_head ? t->response_body_head_len
                                                                      : sizeof s->resp_head;
    if (s->resp_head_len > 0)
        memcpy(s->resp_head, t->response_body_head, s->resp_head_len);
}

static void on_service(struct app_env *env, const char *service)
{
}

struct session {
    struct parser_run run;
    struct capture *cap;
};

static const struct app_env hooks = {.publish = on_publish, .add_service = on_service};

static void session_open(struct session *s)
{
    s->cap = calloc(1, sizeof *s->cap);
    assert_non_null(s->cap);
    parser_run_open(&s->run, &http_parser, &hooks, s->cap);
}

static void feed(struct session *s, bool from_orig, const void *p, size_t n)
{
    parser_run_feed(&s->run, from_orig, p, n, 0);
}

static void feed_str(struct session *s, bool from_orig, const char *text)
{
    feed(s, from_orig, text, strlen(text));
}

/* Byte-by-byte delivery of the same text. */
static void feed_bytes(struct session *s, bool from_orig, const char *text)
{
    parser_run_feed(&s->run, from_orig, text, strlen(text), 1);
}

static void session_close(struct session *s)
{
    parser_run_close(&s->run);
}


static void session_free(struct session *s)
{
    free(s->cap);
}

static const char simple_req[] = "GET /a%20b?x=1 HTTP/1.1\r\n"
                                 "Host: www.example.com:8080\r\n"
                                 "User-Agent: test/1.0\r\n"
                                 "Referer: http://ref.example/\r\n"
                                 "X-Forwarded-For: 10.0.0.1\r\n"
                                 "Authorization: Basic dXNlcjpwYXNz\r\n"
                                 "\r\n";
static const char simple_resp[] = "HTTP/1.1 200 OK\r\n"
                                  "Content-Type: text/html; charset=utf-8\r\n"
                                  "Content-Length: 5\r\n"
                                  "\r\n"
                                  "hello";

static void check_simple(const struct session *s)
{
    const struct capture *c = s->cap;
    assert_int_equal(c->n_txn, 1);
    const struct seen_txn *t = &c->txn[0];
    assert_string_equal(t->method, "GET");
    assert_string_equal(t->host, "www.example.com:8080");
    assert_string_equal(t->uri, "/a b?x=1");
    assert_string_equal(t->version, "1.1");
    assert_string_equal(t->user_agent, "test/1.0");
    assert_string_equal(t->referrer, "http://ref.example/");
    assert_string_equal(t->username, "user");
    assert_int_equal(t->n_proxied, 1);
    assert_string_equal(t->proxied0, "X-FORWARDED-FOR -> 10.0.0.1");
    assert_int_equal(t->status, 200);
    assert_string_equal(t->status_msg, "OK");
    assert_false(t->has_info);
    assert_int_equal(t->req_len, 0);
    assert_int_equal(t->resp_len, 5);
    assert_int_equal(t->trans_depth, 1);
    assert_string_equal(t->content_type, "text/html; charset=utf-8");
    assert_int_equal(t->resp_head_len, 5);
    assert_memory_equal(t->resp_head, "hello", 5);
    assert_int_equal(s->run.weirds.n, 0);
}

static void test_simple_exchange(void **unused)
{
    struct session s;
    session_open(&s);
    feed_str(&s, true, simple_req);
    feed_str(&s, false, simple_resp);
    assert_int_equal(s.cap->n_txn, 1); /* logged when the reply is complete */
    session_close(&s);
    check_simple(&s);
    session_free(&s);
}

static void test_byte_by_byte(void **unused)
{
    struct session s;
    session_open(&s);
    feed_bytes(&s, true, simple_req);
    feed_bytes(&s, false, simple_resp);
    session_close(&s);
    check_simple(&s);
    session_free(&s);
}

static void test_pipelining(void **unused)
{
    struct session s;
    session_open(&s);
    feed_str(&s, true,
             "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
             "HEAD /2 HTTP/1.1\r\nHost: a\r\n\r\n"
             "POST /3 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc");
    feed_str(&s, false,
             "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
             "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" /* HEAD: no body */
             "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
    session_close(&s);
    assert_int_equal(s.cap->n_txn, 3);
    assert_string_equal(s.cap->txn[0].uri, "/1");
    assert_int_equal(s.cap->txn[0].resp_len, 2);
    assert_string_equal(s.cap->txn[1].method, "HEAD");
    assert_int_equal(s.cap->txn[1].resp_len, 0);
    assert_string_equal(s.cap->txn[2].uri, "/3");
    assert_int_equal(s.cap->txn[2].req_len, 3);
    assert_int_equal(s.cap->txn[2].status, 201);
    assert_int_equal(s.cap->txn[2].trans_depth, 3);
    session_free(&s);
}

static const char chunked_resp[] = "HTTP/1.1 200 OK\r\n"
                                   "Transfer-Encoding: chunked\r\n"
                                   "\r\n"
                                   "5;ext=1\r\nhello\r\n"
                                   "6\r\n world\r\n"
                                   "0\r\n"
                                   "X-Trailer: yes\r\n"
                                   "\r\n"
                                   "HTTP/1.1 204 No Content\r\n\r\n";

static void test_chunked_with_trailers(void **unused)
{
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        struct session s;
        session_open(&s);
        feed_str(&s, true, "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        if (bytewise)
            feed_bytes(&s, false, chunked_resp);
        else
            feed_str(&s, false, chunked_resp);
        session_close(&s);
        assert_int_equal(s.cap->n_txn, 2);
        assert_int_equal(s.cap->txn[0].resp_len, 11);
        assert_int_equal(s.cap->txn[0].transfer_len, 11);
        assert_int_equal(s.cap->txn[1].status, 204);
        assert_int_equal(s.cap->txn[1].resp_len, 0);
        assert_int_equal(s.run.weirds.n, 0);
        session_free(&s);
    }
}

static void run_encoded(const char *encoding, int window, bool chunked, bool bytewise)
{
    static const char plain[] = "the quick brown fox jumps over the lazy dog, again and again and "
                                "again and again and again and again";
    uint8_t body[512];
    size_t n = deflate_text(plain, 9, window, body, sizeof body);
    char head[256];
    if (chunked)
        snprintf(head, sizeof head,
                 "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\nTransfer-Encoding: chunked\r\n\r\n%zx\r\n",
                 encoding, n);
    else
        snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\nContent-Length: %zu\r\n\r\n",
                 encoding, n);
    struct session s;
    session_open(&s);
    feed_str(&s, true, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    feed_str(&s, false, head);
    if (bytewise) {
        for (size_t i = 0; i < n; i++)
            feed(&s, false, body + i, 1);
    } else {
        feed(&s, false, body, n);
    }
    if (chunked)
        feed_str(&s, false, "\r\n0\r\n\r\n");
    session_close(&s);
    assert_int_equal(s.cap->n_txn, 1);
    assert_int_equal(s.cap->txn[0].resp_len, strlen(plain));
    assert_int_equal(s.cap->txn[0].transfer_len, n);
    assert_memory_equal(s.cap->txn[0].resp_head, plain, sizeof s.cap->txn[0].resp_head);
    assert_int_equal(s.run.weirds.n, 0);
    session_free(&s);
}

static void test_content_encoding(void **unused)
{
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        run_encoded("gzip", 15 + 16, false, bytewise);
        run_encoded("x-gzip", 15 + 16, true, bytewise);
        run_encoded("deflate", 15, false, bytewise);  /* zlib-wrapped */
        run_encoded("deflate", -15, true, bytewise);  /* raw, as some servers send */
    }
}

static void test_bad_gzip(void **unused)
{
    struct session s;
    session_open(&s);
    feed_str(&s, true, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    feed_str(&s, false, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\nnot gzip!!");
    session_close(&s);
    assert_int_equal(s.cap->n_txn, 1);
    assert_int_equal(s.cap->txn[0].resp_len, 0);
    assert_true(parser_weirds_saw(&s.run.weirds, "inflate_failed"));
    session_free(&s);
}

static void test_100_continue(void **unused)
{
    struct session s;
    session_open(&s);
    feed_str(&s, true, "POST /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
    feed_str(&s, false, "HTTP/1.1 100 Continue\r\n\r\n");
    assert_int_equal(s.cap->n_txn, 0);
    feed_str(&s, true, "data");
    feed_str(&s, false, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    session_close(&s);
    assert_int_equal(s.cap->n_txn, 1);
    assert_int_equal(s.cap->txn[0].status, 200);
    assert_int_equal(s.cap->txn[0].info, 100);
    assert_string_equal(s.cap->txn[0].info_msg, "Continue");
    assert_int_equal(s.cap->txn[0].req_len, 4);
    assert_int_equal(s.cap->txn[0].resp_len, 2);
    assert_int_equal(s.run.weirds.n, 0);
    session_free(&s);
}

static void test_101_upgrade_stops(void **unused)
{
    struct session s;
    session_open(&s);
    feed_str(&s, true, "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    feed_str(&s, false, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    feed_str(&s, false, "\x81\x05hello garbage that is not http\r\n\r\n");
    feed_str(&s, true, "\x81\x85more frames\r\n");
    session_close(&s);
    assert_int_equal(s.cap->n_txn, 1);
    assert_int_equal(s.cap->txn[0].status, 101);
    assert_int_equal(s.cap->txn[0].info, 101);
    assert_int_equal(s.run.weirds.n, 0);
    session_free(&s);
}

static void test_connect_tunnel(void **unused)
{
    struct session s;
    session_open(&s);
    feed_str(&s, true, "CONNECT mail.example:25 HTTP/1.0\r\n\r\n");
    feed_str(&s, false, "HTTP/1.0 200 Connection established\r\n\r\n220 smtp ready\r\n");
    feed_str(&s, true, "EHLO x\r\n");
    session_close(&s);
    assert_int_equal(s.cap->n_txn, 1);
    assert_string_equal(s.cap->txn[0].method, "CONNECT");
    assert_string_equal(s.cap->txn[0].uri, "mail.example:25");
    assert_int_equal(s.cap->txn[0].status, 200);
    assert_int_equal(s.cap->txn[0].resp_len, 0);
    assert_int_equal(s.run.weirds.n, 0);
    session_free(&s);
}

static void test_obsolete_fold_and_te_cl(void **unused)
{
    struct session s;
    session_open(&s);
    feed_str(&s, true,
             "POST / HTTP/1.1\r\nHost: target\r\nContent-Length: 3\r\nTransfer-Encoding:\r\n chunked\r\n\r\n"
             "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: target\r\n\r\n");
    session_close(&s);
    assert_int_equal(s.cap->n_txn, 2);
    assert_true(parser_weirds_saw(&s.run.weirds, "HTTP_obsolete_line_folding"));
    assert_true(parser_weirds_saw(&s.run.weirds, "HTTP_content_length_and_chunked"));
    assert_string_equal(s.cap->txn[1].uri, "/smuggled");
    assert_int_equal(s.cap->txn[1].trans_depth, 2);
    session_free(&s);
}

static void test_bare_lf(void **unused)
{
    struct session s;
    session_open(&s);
    feed_str(&s, true, "GET / HTTP/1.1\nHost: lf\n\nGET /2 HTTP/1.1\nHost: lf\n\n");
    feed_str(&s, false, "HTTP/1.1 200 OK\nContent-Length: 1\n\nxHTTP/1.1 404 Not Found\nContent-Length: 0\n\n");
    session_close(&s);
    assert_int_equal(s.cap->n_txn, 2);
    assert_string_equal(s.cap->txn[0].host, "lf");
    assert_int_equal(s.cap->txn[0].resp_len, 1);
    assert_int_equal(s.cap->txn[1].status, 404);
    assert_int_equal(s.run.weirds.n, 0); /* Zeek takes bare LF lines silently */
    session_free(&s);
}

/* Multipart bodies are read as lines within the Content-Length: an
 * unterminated last line counts two more bytes, as Zeek's body_length. */
static void test_multipart_length(void **unused)
{
    struct session s;
    session_open(&s);
    feed_str(&s, true, "POST /f HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                       "Content-Length: 19\r\n\r\n--x\r\nbin\ndata\r--x--");
    feed_str(&s, true, "POST /g HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                       "Content-Length: 12\r\n\r\n--x\r\n--x--\r\n");
    session_close(&s);
    assert_int_equal(s.cap->n_txn, 2);
    assert_int_equal(s.cap->txn[0].req_len, 21);
    assert_int_equal(s.cap->txn[1].req_len, 12);
    assert_int_equal(s.run.weirds.n, 1);
    assert_string_equal(s.run.weirds.names[0], "line_terminated_without_CRLF");
    session_free(&s);
}

struct part_files {
    size_t n;
    uint64_t seen_bytes;
    char md5[33];
};

static void on_publish_file(struct app_env *env, enum event_kind kind, const void *p)
{
    struct part_files *c = env->ctx;
    if (kind != EVENT_FILE)
        return;
    const struct file_info *fi = p;
    c->n++;
    c->seen_bytes = fi->seen_bytes;
    memcpy(c->md5, fi->md5, sizeof c->md5);
}

/* A multipart part's bytes reach its file as sent, however the body is cut:
 * bare CRs (one, two in a row, one right before the closing CRLF) and a
 * line longer than the splitter's line buffer (HTTP_MULTIPART_LINE). */
static void test_multipart_part_bytes(void **unused)
{
    static char part[3000 + 32], body[3200], request[3400];
    size_t part_len = 0;
    part_len += (size_t)snprintf(part, sizeof part, "a\rb\r\rc");
    memset(part + part_len, 'z', 3000);
    part_len += 3000;
    memcpy(part + part_len, "\r\nline2\r", 8);
    part_len += 8;
    int head = snprintf(body, sizeof body,
                        "--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n\r\n");
    memcpy(body + head, part, part_len);
    size_t body_len = (size_t)head + part_len;
    memcpy(body + body_len, "\r\n--x--\r\n", 9);
    body_len += 9;
    int req_head = snprintf(request, sizeof request,
                            "POST /u HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                            "Content-Length: %zu\r\n\r\n",
                            body_len);
    memcpy(request + req_head, body, body_len);
    size_t request_len = (size_t)req_head + body_len;

    unsigned char digest[16];
    unsigned dlen = 0;
    assert_int_equal(EVP_Digest(part, part_len, digest, &dlen, EVP_md5(), NULL), 1);
    char want_md5[33];
    for (unsigned i = 0; i < 16; i++)
        snprintf(want_md5 + 2 * i, 3, "%02x", digest[i]);

    static const size_t steps[] = {0, 1, 2, 7, 1023, 1024};
    for (size_t k = 0; k < sizeof steps / sizeof *steps; k++) {
        char err[128];
        struct file_ctx *files = file_ctx_new(NULL, err, sizeof err);
        assert_non_null(files);
        struct part_files got = {0};
        const struct app_env file_hooks = {.publish = on_publish_file, .add_service = on_service, .files = files};
        struct parser_run run;
        parser_run_open(&run, &http_parser, &file_hooks, &got);
        parser_run_feed(&run, true, request, request_len, steps[k]);
        parser_run_close(&run);
        assert_int_equal(got.n, 1);
        assert_int_equal(got.seen_bytes, part_len);
        assert_string_equal(got.md5, want_md5);
        file_ctx_free(files);
    }
}

static void test_close_delimited_and_huge_length(void **unused)
{
    struct session s;
    session_open(&s);
    feed_str(&s, true, "GET / HTTP/1.0\r\n\r\n");
    feed_str(&s, false, "HTTP/1.0 200 OK\r\nConnection: close\r\n\r\n");
    for (int i = 0; i < 100; i++)
        feed_str(&s, false, "0123456789");
    session_close(&s);
    assert_int_equal(s.cap->n_txn, 1);
    assert_int_equal(s.cap->txn[0].resp_len, 1000);
    session_free(&s);

    /* 4 GiB announced: counted as it comes, never buffered */
    session_open(&s);
    feed_str(&s, true, "GET /big HTTP/1.1\r\nHost: a\r\n\r\n");
    feed_str(&s, false, "HTTP/1.1 200 OK\r\nContent-Length: 4294967296\r\n\r\n");
    static uint8_t block[65536];
    for (int i = 0; i < 64; i++)
        feed(&s, false, block, sizeof block);
    http_parser.gap(s.run.state, &s.run.env, false, 1000000); /* a hole inside the body is counted */
    session_close(&s);
    assert_int_equal(s.cap->n_txn, 1);
    assert_int_equal(s.cap->txn[0].resp_len, 64 * 65536 + 1000000);
    session_free(&s);
}

static void test_header_flood_is_bounded(void **unused)
{
    struct session s;
    session_open(&s);
    feed_str(&s, true, "GET / HTTP/1.1\r\nHost: a\r\n");
    for (int i = 0; i < 100000; i++)
        feed_str(&s, true, "X-Flood: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
    feed_str(&s, true, "\r\n");
    feed_str(&s, false, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    session_close(&s);
    assert_int_equal(s.cap->n_txn, 1);
    assert_true(parser_weirds_saw(&s.run.weirds, "HTTP_too_many_headers"));
    assert_int_equal(s.run.weirds.n, 1);
    session_free(&s);
}

static void test_long_line(void **unused)
{
    struct session s;
    session_open(&s);
    size_t n = 100000;
    char *line = malloc(n + 64);
    assert_non_null(line);
    memcpy(line, "GET /", 5);
    memset(line + 5, 'a', n);
    memcpy(line + 5 + n, " HTTP/1.1\r\nHost: a\r\n\r\n", 23);
    feed(&s, true, line, n + 5 + 22);
    free(line);
    feed_str(&s, false, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    session_close(&s);
    assert_true(parser_weirds_saw(&s.run.weirds, "contentline_size_exceeded"));
    assert_int_equal(s.cap->n_txn, 1);
    session_free(&s);
}

static void test_http09_and_bad_requests(void **unused)
{
    struct session s;
    session_open(&s);
    feed_str(&s, true, "GET /HTTP/1.1\r\n\r\n");
    feed_str(&s, false, "<html>raw 0.9 body</html>");
    session_close(&s);
    assert_int_equal(s.cap->n_txn, 1);
    assert_string_equal(s.cap->txn[0].version, "0.9");
    assert_int_equal(s.cap->txn[0].status, 0);
    assert_string_equal(s.cap->txn[0].status_msg, "<empty>");
    assert_string_equal(s.cap->txn[0].uri, "/HTTP/1.1");
    assert_int_equal(s.cap->txn[0].resp_len, 25);
    session_free(&s);

    session_open(&s);
    feed_str(&s, true, "\x01\x02 garbage\r\n\r\n");
    feed_str(&s, false, "HTTP/1.0 400 Bad Request\r\nContent-Length: 3\r\n\r\nbad");
    session_close(&s);
    assert_true(parser_weirds_saw(&s.run.weirds, "bad_HTTP_request"));
    assert_int_equal(s.cap->n_txn, 1);
    assert_false(s.cap->txn[0].has_method);
    assert_int_equal(s.cap->txn[0].status, 400);
    assert_int_equal(s.cap->txn[0].trans_depth, 1);
    session_free(&s);

    session_open(&s);
    feed_str(&s, true, "CCM_POST / HTTP/1.1\r\nHost: a\r\n\r\n");
    session_close(&s);
    assert_true(parser_weirds_saw(&s.run.weirds, "unknown_HTTP_method"));
    assert_string_equal(s.run.weirds.addls[0], "CCM_POST");
    assert_int_equal(s.cap->n_txn, 1);
    assert_false(s.cap->txn[0].has_status);
    assert_false(s.cap->txn[0].has_version);
    session_free(&s);
}

static void test_version_mismatch_and_uri_weirds(void **unused)
{
    struct session s;
    session_open(&s);
    feed_str(&s, true, "GET /a%zz%4 HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.0\r\nHost: a\r\n\r\n");
    feed_str(&s, false, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
    session_close(&s);
    assert_int_equal(s.cap->n_txn, 2);
    assert_string_equal(s.cap->txn[0].uri, "/a%zz%4");
    assert_true(parser_weirds_saw(&s.run.weirds, "unescaped_%_in_URI"));
    assert_true(parser_weirds_saw(&s.run.weirds, "partial_escape_at_end_of_URI"));
    assert_true(parser_weirds_saw(&s.run.weirds, "HTTP_version_mismatch"));
    assert_string_equal(s.cap->txn[1].version, "1.0");
    session_free(&s);
}

static void test_orphan_reply_and_excess_pipelining(void **unused)
{
    struct session s;
    session_open(&s);
    for (int i = 0; i < 150; i++)
        feed_str(&s, true, "GET /p HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_true(parser_weirds_saw(&s.run.weirds, "HTTP_excessive_pipelining"));
    session_close(&s);
    assert_int_equal(s.cap->n_txn, 150);
    session_free(&s);

    session_open(&s);
    feed_str(&s, false, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
    session_close(&s);
    assert_int_equal(s.cap->n_txn, 1);
    assert_false(s.cap->txn[0].has_method);
    assert_int_equal(s.cap->txn[0].resp_len, 2);
    session_free(&s);
}

static void test_gap_outside_body_stops(void **unused)
{
    struct session s;
    session_open(&s);
    feed_str(&s, true, "GET / HTTP/1.1\r\nHo");
    http_parser.gap(s.run.state, &s.run.env, true, 10);
    feed_str(&s, true, "GET /after HTTP/1.1\r\n\r\n");
    feed_str(&s, false, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    session_close(&s);
    assert_int_equal(s.cap->n_txn, 1);
    assert_string_equal(s.cap->txn[0].uri, "/");
    session_free(&s);
}

/* Every prefix of a complete exchange, then close: no crash, no leak. */
static void test_every_truncation(void **unused)
{
    static const char req[] = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "3\r\nabc\r\n0\r\nT: 1\r\n\r\n";
    static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc";
    for (size_t cut = 0; cut <= sizeof req - 1; cut++) {
        struct session s;
        session_open(&s);
        feed(&s, true, req, cut);
        session_close(&s);
        session_free(&s);
    }
    for (size_t cut = 0; cut <= sizeof resp - 1; cut++) {
        struct session s;
        session_open(&s);
        feed_str(&s, true, req);
        feed(&s, false, resp, cut);
        session_close(&s);
        assert_int_equal(s.cap->n_txn, 1);
        session_free(&s);
    }
}

static void test_probe(void **unused)
{
    const struct app_parser *p = &http_parser;
    assert_int_equal(p->probe((const uint8_t *)"GET / HTTP/1.1\r\n", 16, true), APP_PROBE_YES);
    assert_int_equal(p->probe((const uint8_t *)"GET / HT", 8, true), APP_PROBE_MAYBE);
    assert_int_equal(p->probe((const uint8_t *)"GE", 2, true), APP_PROBE_MAYBE);
    assert_int_equal(p->probe((const uint8_t *)"SSH-2.0-x\r\n", 11, true), APP_PROBE_NO);
    assert_int_equal(p->probe((const uint8_t *)"\x16\x03\x01", 3, true), APP_PROBE_NO);
    assert_int_equal(p->probe((const uint8_t *)"HELO x\r\n", 8, true), APP_PROBE_MAYBE);
    assert_int_equal(p->probe((const uint8_t *)"OPTIONSHTTP/1.1\n", 16, true), APP_PROBE_MAYBE);
    assert_int_equal(p->probe((const uint8_t *)"GET /x HTTP/1.0\n", 16, true), APP_PROBE_YES);
    assert_int_equal(p->probe((const uint8_t *)"HTTP/1.1 200 OK\r\n", 17, false), APP_PROBE_YES);
    assert_int_equal(p->probe((const uint8_t *)"HTT", 3, false), APP_PROBE_MAYBE);
    assert_int_equal(p->probe((const uint8_t *)"220 smtp", 8, false), APP_PROBE_MAYBE);
    assert_int_equal(p->probe((const uint8_t *)"SSH-2.0-OpenSSH\r\n", 17, false), APP_PROBE_NO);
}

/* What the parser showed the signatures: each EVENT_HTTP_REQUEST's
 * progress and what an earlier one had shown; defer: the flow layer holds
 * them until it calls inspect_requests (Suricata in IDS mode). */
struct request_events {
    unsigned n;
    uint8_t progress[8], inspected[8];
    char uri[8][32];
    bool defer;
};

static void on_request_event(struct app_env *env, enum event_kind kind, const void *p)
{
    struct request_events *r = env->ctx;
    if (kind != EVENT_HTTP_REQUEST || r->n >= 8)
        return;
    const struct http_txn *t = p;
    r->progress[r->n] = t->request_progress;
    r->inspected[r->n] = t->request_inspected;
    copy_str(r->uri[r->n], sizeof r->uri[0], t->uri, NULL);
    r->n++;
}

static bool request_parsed(struct app_env *env)
{
    return !((struct request_events *)env->ctx)->defer;
}

static void test_request_progress_events(void **state)
{
    static const struct app_env progress_hooks = {.publish = on_request_event, .request_parsed = request_parsed};
    struct request_events r = {0};
    struct parser_run run;
    parser_run_open(&run, &http_parser, &progress_hooks, &r);
    static const char post[] = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n";
    static const char get[] = "GET /b HTTP/1.1\r\nHost: x\r\n\r\n";
    parser_run_feed(&run, true, post, strlen(post), 0);
    assert_int_equal(r.n, 1); /* the headers, at once */
    assert_int_equal(r.progress[0], HTTP_REQUEST_HEADERS);
    assert_int_equal(r.inspected[0], HTTP_REQUEST_NONE);
    parser_run_feed(&run, true, "data", 4, 0);
    assert_int_equal(r.n, 2); /* the body */
    assert_int_equal(r.progress[1], HTTP_REQUEST_COMPLETE);
    assert_int_equal(r.inspected[1], HTTP_REQUEST_HEADERS);
    r.defer = true;
    parser_run_feed(&run, true, get, strlen(get), 0);
    assert_int_equal(r.n, 2); /* held */
    http_parser.inspect_requests(run.state, &run.env);
    assert_int_equal(r.n, 3); /* a request without a body is complete with its headers: one event */
    assert_int_equal(r.progress[2], HTTP_REQUEST_COMPLETE);
    assert_string_equal(r.uri[2], "/b");
    http_parser.inspect_requests(run.state, &run.env);
    assert_int_equal(r.n, 3); /* each progress shown once */
    parser_run_close(&run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_exchange),
        cmocka_unit_test(test_byte_by_byte),
        cmocka_unit_test(test_pipelining),
        cmocka_unit_test(test_chunked_with_trailers),
        cmocka_unit_test(test_content_encoding),
        cmocka_unit_test(test_bad_gzip),
        cmocka_unit_test(test_100_continue),
        cmocka_unit_test(test_101_upgrade_stops),
        cmocka_unit_test(test_connect_tunnel),
        cmocka_unit_test(test_obsolete_fold_and_te_cl),
        cmocka_unit_test(test_bare_lf),
        cmocka_unit_test(test_multipart_length),
        cmocka_unit_test(test_multipart_part_bytes),
        cmocka_unit_test(test_close_delimited_and_huge_length),
        cmocka_unit_test(test_header_flood_is_bounded),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_http09_and_bad_requests),
        cmocka_unit_test(test_version_mismatch_and_uri_weirds),
        cmocka_unit_test(test_orphan_reply_and_excess_pipelining),
        cmocka_unit_test(test_gap_outside_body_stops),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_request_progress_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
