/* SMTP parser: sessions written by hand, delivered whole, byte by byte and
 * cut at every length; MIME with a base64 attachment streamed to the files
 * layer; BDAT, STARTTLS, AUTH, caps and malformed input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parser_harness.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files/files.h"
#include "proto/app_anomaly-t.h"
#include "proto/parser.h"
#include "proto/smtp.h"

#define OUT_MAX (256 * 1024)

struct capture {
    char *out;              /* serialised transactions and files */
    size_t len;
    int n_txn;
    char anomalies[256];    /* EVENT_APP_ANOMALY names, each followed by ';' */
    char weirds[8192];
    char services[64];
    struct smtp_txn last;   /* scalar fields of the last txn */
    char *message;          /* the last txn's kept message (heap) */
    size_t message_n;
    bool message_cut;
};

static void append(struct capture *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(struct capture *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(c->out + c->len, OUT_MAX - c->len, fmt, ap);
    va_end(ap);
    if (k > 0)
        c->len += (size_t)k < OUT_MAX - c->len ? (size_t)k : OUT_MAX - c->len - 1;
}

static void append_str(struct capture *c, const char *name, struct byte_view s)
{
    if (s.p == NULL)
        append(c, "%s=-\n", name);
    else
        append(c, "%s=%.*s\n", name, (int)s.n, (const char *)s.p);
}

static void append_list(struct capture *c, const char *name, const struct byte_view *items, size_t n)
{
    append(c, "%s=[", name);
    for (size_t i = 0; i < n; i++)
        append(c, "%s%.*s", i ? "|" : "", (int)items[i].n, (const char *)items[i].p);
    append(c, "]\n");
}

static void fake_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    struct capture *c = env->ctx;
    if (kind == EVENT_FILE) {
        const struct file_info *fi = txn;
        append(c, "FILE name=%.*s size=%llu md5=%s mime=%s eve=%.*s", fi->filename ? (int)fi->filename_len : 1,
               fi->filename ? fi->filename : "-", (unsigned long long)fi->seen_bytes, fi->md5, fi->mime_type,
               fi->eve_filename ? (int)fi->eve_filename_len : 1, fi->eve_filename ? fi->eve_filename : "-");
        /* what EVE fileinfo writes: Suricata's size, whether it is logged, the carrier */
        append(c, " eve_size=%llu in_eve=%d carrier_depth=%llu\n",
               (unsigned long long)(fi->eve_own_digests ? fi->eve_size : fi->seen_bytes), !fi->not_in_eve,
               fi->smtp != NULL ? (unsigned long long)fi->smtp->trans_depth : 0ULL);
        return;
    }
    if (kind == EVENT_APP_ANOMALY) {
        const struct app_anomaly *a = txn;
        assert_string_equal(a->app_proto, "smtp");
        size_t used = strlen(c->anomalies);
        snprintf(c->anomalies + used, sizeof c->anomalies - used, "%s;", a->event);
        return;
    }
    assert_int_equal(kind, EVENT_SMTP);
    const struct smtp_txn *t = txn;
    c->n_txn++;
    c->last = *t;
    free(c->message);
    c->message = NULL;
    c->message_n = t->message.n;
    c->message_cut = t->message_cut;
    if (t->message.n > 0) {
        c->message = malloc(t->message.n);
        assert_non_null(c->message);
        memcpy(c->message, t->message.p, t->message.n);
    }
    append(c, "TXN depth=%llu tls=%d done=%d seen=%d body=%llu auth=%d\n", (unsigned long long)t->trans_depth,
           t->tls, t->message_done, t->message_seen, (unsigned long long)t->body_bytes, t->auth_attempted);
    append_str(c, "helo", t->helo);
    append_str(c, "mailfrom", t->mailfrom);
    append_str(c, "mail_from_raw", t->mail_from_raw);
    append_list(c, "rcptto", t->rcptto, t->n_rcptto);
    append_list(c, "rcpt_raw", t->rcpt_raw, t->n_rcpt_raw);
    append_str(c, "date", t->date);
    append_str(c, "from", t->from);
    append_list(c, "to", t->to, t->n_to);
    append_list(c, "cc", t->cc, t->n_cc);
    append_str(c, "reply_to", t->reply_to);
    append_str(c, "msg_id", t->msg_id);
    append_str(c, "in_reply_to", t->in_reply_to);
    append_str(c, "subject", t->subject);
    append_str(c, "first_received", t->first_received);
    append_str(c, "second_received", t->second_received);
    append_str(c, "last_reply", t->last_reply);
    append_str(c, "user_agent", t->user_agent);
    append_str(c, "auth_mechanism", t->auth_mechanism);
    append(c, "path=");
    for (size_t i = 0; i < t->n_path; i++) {
        char b[IP_ADDR_STRLEN];
        ip_addr_format(&t->path[i], b, sizeof b);
        append(c, "%s%s", i ? "," : "", b);
    }
    append(c, "\nxoip=%d\n", t->has_x_originating_ip);
    append_list(c, "attachments", t->attachments, t->n_attachments);
    append_list(c, "urls", t->urls, t->n_urls);
    append(c, "fuids=%zu\n", t->n_fuids);
    append(c, "body_md5=%s\n", t->has_body_md5 ? t->body_md5 : "-");
}

static void fake_weird(struct app_env *env, const char *name, const char *addl, const char *source)
{
    struct capture *c = env->ctx;
    size_t l = strlen(c->weirds);
    snprintf(c->weirds + l, sizeof c->weirds - l, "%s;", name);
}

static void fake_add_service(struct app_env *env, const char *service)
{
    struct capture *c = env->ctx;
    snprintf(c->services, sizeof c->services, "%s", service);
}

/* A session step: who sends what. */
struct step {
    bool from_orig;
    const char *text;
    size_t len;             /* 0: strlen(text) */
};

enum split { WHOLE, BYTES, HALVES };

struct session {
    struct parser_run run;
    struct capture cap;
    struct file_ctx *files;
};

/* cfg NULL: no files context. */
static void session_open_cfg(struct session *s, const struct file_config *cfg)
{
    memset(s, 0, sizeof *s);
    s->cap.out = calloc(1, OUT_MAX);
    assert_non_null(s->cap.out);
    if (cfg != NULL) {
        char err[128];
        s->files = file_ctx_new(cfg, err, sizeof err);
        assert_non_null(s->files);
    }
    struct app_env hooks = {.publish = fake_publish, .weird = fake_weird, .add_service = fake_add_service,
                            .files = s->files};
    parser_run_open(&s->run, &smtp_parser, &hooks, &s->cap);
    struct app_conn *c = &s->run.conn;
    snprintf(c->uid, sizeof c->uid, "%s", "CtestSMTP");
    ip_addr_parse("10.0.0.1", &c->orig_h);
    ip_addr_parse("10.0.0.2", &c->resp_h);
    c->orig_p = 40000;
    c->resp_p = 25;
    c->proto = 6;
}

static void session_open(struct session *s, bool with_files)
{
    struct file_config cfg = {0};
    session_open_cfg(s, with_files ? &cfg : NULL);
}

static void session_feed(struct session *s, bool from_orig, const uint8_t *p, size_t n, enum split how)
{
    s->run.env.ts_us += 1000;
    parser_run_feed(&s->run, from_orig, p, n, how == WHOLE ? 0 : how == BYTES ? 1 : (n + 1) / 2);
}

static void session_close(struct session *s)
{
    parser_run_close(&s->run);
    if (s->files)
        file_ctx_free(s->files);
}


static void session_free(struct session *s)
{
    free(s->cap.out);
    free(s->cap.message);
}

static void run(struct session *s, const struct step *steps, size_t n, enum split how, bool with_files)
{
    session_open(s, with_files);
    for (size_t i = 0; i < n; i++) {
        size_t len = steps[i].len ? steps[i].len : strlen(steps[i].text);
        session_feed(s, steps[i].from_orig, (const uint8_t *)steps[i].text, len, how);
    }
    session_close(s);
}

/* ---- messages ---- */

/* The first bytes of an OOXML document: a ZIP local header naming
 * [Content_Types].xml, then some deflate-looking bytes. */
static const uint8_t docx_bytes[] = {
    0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00, 0xdf, 0xa4, 0xd2,
    0x6c, 0x5a, 0x01, 0x00, 0x00, 0x20, 0x05, 0x00, 0x00, 0x13, 0x00, 0x08, 0x02, '[',  'C',  'o',  'n',
    't',  'e',  'n',  't',  '_',  'T',  'y',  'p',  'e',  's',  ']',  '.',  'x',  'm',  'l',  0x20, 0xa2,
    0x04, 0x02, 0x28, 0xa0, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff,
    0xfe, 0x10, 0x80, 0x7f, 0x0d, 0x0a, 0x2e, 0x0d, 0x0a, 0x00, 0x01, 0x02,
};

static char docx_b64[256];

static void base64_docx(void)
{
    /* wrapped at 40 columns with CRLF, as mailers do (at 76) */
    char flat[256];
    int k = EVP_EncodeBlock((unsigned char *)flat, docx_bytes, (int)sizeof docx_bytes);
    size_t o = 0;
    for (int i = 0; i < k; i++) {
        docx_b64[o++] = flat[i];
        if (i % 40 == 39) {
            docx_b64[o++] = '\r';
            docx_b64[o++] = '\n';
        }
    }
    docx_b64[o] = 0;
}

static char mime_message[8192];

static void build_mime_message(void)
{
    base64_docx();
    snprintf(mime_message, sizeof mime_message,
             "Received: from mx.example.net (mx.example.net [198.51.100.7])\r\n"
             "\tby mail.example.com with ESMTP id 1234\r\n"
             "Received: from client (unknown [203.0.113.9]) by mx.example.net\r\n"
             "From: \"Payroll, Team\" <payroll@example.net>\r\n"
             "To: alice@example.com, \"Bob\" <bob@example.com>\r\n"
             "Cc: carol@example.com\r\n"
             "Subject: Your Q3\r\n"
             " salary report\r\n"
             "Date: Mon, 5 Oct 2009 11:36:07 +0530\r\n"
             "Message-ID: <abc123@example.net>\r\n"
             "X-Mailer: TestMailer 1.0\r\n"
             "X-Originating-IP: [192.0.2.44]\r\n"
             "MIME-Version: 1.0\r\n"
             "Content-Type: multipart/mixed; boundary=\"outer-b\"\r\n"
             "\r\n"
             "This is a multi-part message in MIME format.\r\n"
             "--outer-b\r\n"
             "Content-Type: multipart/alternative; boundary=inner\r\n"
             "\r\n"
             "--inner\r\n"
             "Content-Type: text/plain; charset=us-ascii\r\n"
             "Content-Transfer-Encoding: 7bit\r\n"
             "\r\n"
             "Please review http://evil.example/login?id=1 now.\r\n"
             ".a line starting with a dot\r\n"
             "--inner\r\n"
             "Content-Type: text/html; charset=utf-8\r\n"
             "Content-Transfer-Encoding: quoted-printable\r\n"
             "\r\n"
             "<a href=3D\"https://phish.example/x\">click</a> soft=\r\n"
             "break\r\n"
             "--inner--\r\n"
             "--outer-b\r\n"
             "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document;\r\n"
             " name=\"ignored.docx\"\r\n"
             "Content-Transfer-Encoding: base64\r\n"
             "Content-Disposition: attachment;\r\n"
             " filename*=UTF-8''report%%20Q3.docx\r\n"
             "\r\n"
             "%s\r\n"
             "--outer-b--\r\n"
             "epilogue\r\n",
             docx_b64);
}

static char data_section[16384];

/* The message dot-stuffed and terminated, as a client sends it. */
static void build_data_section(void)
{
    build_mime_message();
    size_t o = 0;
    const char *p = mime_message;
    bool bol = true;
    for (; *p; p++) {
        if (bol && *p == '.')
            data_section[o++] = '.';
        data_section[o++] = *p;
        bol = *p == '\n';
    }
    memcpy(data_section + o, ".\r\n", 4);
}

static struct step mime_session[] = {
    {false, "220 mail.example.com ESMTP ready\r\n", 0},
    {true, "EHLO client.example.net\r\n", 0},
    {false, "250-mail.example.com\r\n250-PIPELINING\r\n250 CHUNKING\r\n", 0},
    {true, "MAIL FROM:<payroll@example.net> SIZE=4096\r\n", 0},
    {false, "250 OK\r\n", 0},
    {true, "RCPT TO:<alice@example.com>\r\n", 0},
    {false, "250 Accepted\r\n", 0},
    {true, "RCPT TO:<bob@example.com> ORCPT=rfc822;bob@example.com\r\n", 0},
    {false, "250 Accepted\r\n", 0},
    {true, "DATA\r\n", 0},
    {false, "354 Enter message\r\n", 0},
    {true, data_section, 0},
    {false, "250 OK id=1Mugho-0003Dg-Un\r\n", 0},
    {true, "QUIT\r\n", 0},
    {false, "221 bye\r\n", 0},
};
#define N_MIME_STEPS (sizeof mime_session / sizeof mime_session[0])

static int setup(void **state)
{
    build_data_section();
    return 0;
}

static void test_mime_message(void **unused)
{
    struct session s;
    run(&s, mime_session, N_MIME_STEPS, WHOLE, true);
    const char *o = s.cap.out;
    if (getenv("SMTP_DUMP"))
        fprintf(stderr, "%s\n", o);
    assert_int_equal(s.cap.n_txn, 1);
    assert_non_null(strstr(o, "helo=client.example.net\n"));
    assert_non_null(strstr(o, "mailfrom=payroll@example.net\n"));
    assert_non_null(strstr(o, "mail_from_raw=<payroll@example.net>\n"));
    assert_non_null(strstr(o, "rcptto=[alice@example.com|bob@example.com]\n"));
    assert_non_null(strstr(o, "subject=Your Q3 salary report\n"));
    assert_non_null(strstr(o, "from=\"Payroll, Team\" <payroll@example.net>\n"));
    assert_non_null(strstr(o, "to=[alice@example.com|\"Bob\" <bob@example.com>]\n"));
    assert_non_null(strstr(o, "cc=[carol@example.com]\n"));
    assert_non_null(strstr(o, "msg_id=<abc123@example.net>\n"));
    assert_non_null(strstr(o, "user_agent=TestMailer 1.0\n"));
    assert_non_null(strstr(o, "first_received=from client (unknown [203.0.113.9]) by mx.example.net\n"));
    assert_non_null(strstr(o, "second_received=from mx.example.net (mx.example.net [198.51.100.7])\tby"));
    assert_non_null(strstr(o, "last_reply=250 OK id=1Mugho-0003Dg-Un\n"));
    assert_non_null(strstr(o, "path=10.0.0.2,10.0.0.1,198.51.100.7,203.0.113.9\n"));
    assert_non_null(strstr(o, "xoip=1\n"));
    assert_non_null(strstr(o, "attachments=[report Q3.docx]\n"));
    assert_non_null(strstr(o, "urls=[http://evil.example/login?id=1|https://phish.example/x]\n"));
    assert_non_null(strstr(o, "done=1"));
    assert_non_null(strstr(o, "fuids=3\n"));

    /* the attachment decoded byte for byte */
    unsigned char md[16];
    unsigned int ml = 0;
    EVP_Digest(docx_bytes, sizeof docx_bytes, md, &ml, EVP_md5(), NULL);
    char hex[33];
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    char want[128];
    snprintf(want, sizeof want, "FILE name=report Q3.docx size=%zu md5=%s", sizeof docx_bytes, hex);
    if (strstr(o, want) == NULL)
        fprintf(stderr, "%s\nwant %s\n", o, want);
    assert_non_null(strstr(o, want));
    /* the dot-unstuffed text part: 2 lines, the CRLF before the boundary dropped */
    const char *text = "Please review http://evil.example/login?id=1 now.\r\n.a line starting with a dot";
    EVP_Digest(text, strlen(text), md, &ml, EVP_md5(), NULL);
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    snprintf(want, sizeof want, "size=%zu md5=%s", strlen(text), hex);
    assert_non_null(strstr(o, want));
    /* quoted-printable: =3D decoded, soft break joined, final CRLF kept
     * (Zeek), not to Suricata (it belongs to the boundary) */
    const char *html = "<a href=\"https://phish.example/x\">click</a> softbreak\r\n";
    EVP_Digest(html, strlen(html), md, &ml, EVP_md5(), NULL);
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    snprintf(want, sizeof want, "size=%zu md5=%s mime=text/html eve=- eve_size=%zu in_eve=0 ", strlen(html), hex,
             strlen(html) - 2);
    if (strstr(o, want) == NULL)
        fprintf(stderr, "%s\nwant %s\n", o, want);
    assert_non_null(strstr(o, want));
    /* only the named part is a file to Suricata, logged with its mail (the
     * files come out with the transaction, before it) */
    assert_non_null(strstr(o, "eve=report Q3.docx eve_size="));
    assert_non_null(strstr(o, " in_eve=1 carrier_depth=1\nTXN depth=1"));
    const char *in_eve = strstr(o, "in_eve=1");
    assert_non_null(in_eve);
    assert_null(strstr(in_eve + 1, "in_eve=1"));
    assert_null(strstr(s.cap.weirds, "smtp_mail_transaction_invalid"));
    session_free(&s);
}

static void test_incremental_equals_whole(void **unused)
{
    struct session a, b, c;
    run(&a, mime_session, N_MIME_STEPS, WHOLE, true);
    run(&b, mime_session, N_MIME_STEPS, BYTES, true);
    run(&c, mime_session, N_MIME_STEPS, HALVES, true);
    assert_string_equal(a.cap.out, b.cap.out);
    assert_string_equal(a.cap.out, c.cap.out);
    assert_string_equal(a.cap.weirds, b.cap.weirds);
    session_free(&a);
    session_free(&b);
    session_free(&c);
}

/* The whole session cut after every byte, then closed: never a crash, and
 * the same as feeding the cut stream byte by byte. */
static void test_every_truncation(void **unused)
{
    size_t total = 0;
    for (size_t i = 0; i < N_MIME_STEPS; i++)
        total += strlen(mime_session[i].text);
    for (size_t cut = 0; cut <= total; cut += 7) {
        struct session s;
        session_open(&s, cut % 2 == 0);
        size_t left = cut;
        for (size_t i = 0; i < N_MIME_STEPS && left > 0; i++) {
            size_t len = strlen(mime_session[i].text);
            size_t k = len < left ? len : left;
            session_feed(&s, mime_session[i].from_orig, (const uint8_t *)mime_session[i].text, k, WHOLE);
            left -= k;
        }
        session_close(&s);
        session_free(&s);
    }
}

static void test_bdat(void **unused)
{
    static const char chunk1[] = "From: a@example.org\r\nSubject: chunked\r\n\r\nline one\r\n";
    static const char chunk2[] = "line two\r\n";
    char cmd1[64], cmd2[64];
    snprintf(cmd1, sizeof cmd1, "BDAT %zu\r\n", strlen(chunk1));
    snprintf(cmd2, sizeof cmd2, "BDAT %zu LAST\r\n", strlen(chunk2));
    struct step steps[] = {
        {false, "220 hi\r\n", 0},
        {true, "EHLO c\r\n", 0},
        {false, "250 CHUNKING\r\n", 0},
        {true, "MAIL FROM:<a@example.org>\r\n", 0},
        {false, "250 ok\r\n", 0},
        {true, "RCPT TO:<b@example.org>\r\n", 0},
        {false, "250 ok\r\n", 0},
        {true, cmd1, 0},
        {true, chunk1, 0},
        {false, "250 2.0.0 chunk ok\r\n", 0},
        {true, cmd2, 0},
        {true, chunk2, 0},
        {false, "250 2.0.0 message ok\r\n", 0},
        {true, "QUIT\r\n", 0},
        {false, "221 bye\r\n", 0},
    };
    struct session a, b;
    run(&a, steps, sizeof steps / sizeof steps[0], WHOLE, false);
    run(&b, steps, sizeof steps / sizeof steps[0], BYTES, false);
    assert_string_equal(a.cap.out, b.cap.out);
    assert_int_equal(a.cap.n_txn, 1);
    assert_non_null(strstr(a.cap.out, "subject=chunked\n"));
    assert_non_null(strstr(a.cap.out, "last_reply=250 2.0.0 message ok\n"));
    assert_non_null(strstr(a.cap.out, "done=1"));
    assert_non_null(strstr(a.cap.out, "body=20"));
    session_free(&a);
    session_free(&b);
}

static void md5_text(const char *s, char hex[33])
{
    unsigned char md[16];
    unsigned int ml = 0;
    EVP_Digest(s, strlen(s), md, &ml, EVP_md5(), NULL);
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* Suricata's attachment names (RFC 2231 sections joined, Content-Type's
 * name as the fallback, extended values %-decoded) and its body MD5 over
 * the body as sent, dot-stuffing included; Zeek's names stay Zeek's. */
static const char suricata_body[] =
    "--b1\r\n"
    "Content-Type: application/zip;\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment;\r\n"
    " filename*0=part-one-;\r\n"
    " filename*1=\"part two.zip\"\r\n"
    "\r\n"
    "UEsDBA==\r\n"
    "--b1\r\n"
    "Content-Type: application/octet-stream; name=\"from-type.bin\"\r\n"
    "\r\n"
    "..stuffed line\r\n"
    "--b1\r\n"
    "Content-Type: text/plain; name=ignored.txt\r\n"
    "Content-Disposition: attachment; filename*=utf-8'en'caf%C3%A9.txt\r\n"
    "\r\n"
    "hello\r\n"
    "--b1--\r\n";

/* The steps of a plain envelope, a@example.org to b@example.org, up to
 * the server's go-ahead for DATA. */
#define ENVELOPE_UP_TO_DATA                                                                                            \
    {false, "220 hi\r\n", 0}, {true, "HELO c\r\n", 0}, {false, "250 ok\r\n", 0},                                       \
        {true, "MAIL FROM:<a@example.org>\r\n", 0}, {false, "250 ok\r\n", 0},                                          \
        {true, "RCPT TO:<b@example.org>\r\n", 0}, {false, "250 ok\r\n", 0}, {true, "DATA\r\n", 0},                     \
        {false, "354 go\r\n", 0}

static void test_suricata_names_and_body_md5(void **unused)
{
    char data[2048];
    snprintf(data, sizeof data,
             "From: a@example.org\r\nSubject: names\r\n"
             "Content-Type: multipart/mixed; boundary=b1\r\n\r\n%s.\r\n",
             suricata_body);
    struct step steps[] = {
        ENVELOPE_UP_TO_DATA,
        {true, data, 0},
        {false, "250 queued\r\n", 0},
    };
    struct session a, b;
    run(&a, steps, sizeof steps / sizeof steps[0], WHOLE, true);
    run(&b, steps, sizeof steps / sizeof steps[0], BYTES, true);
    assert_string_equal(a.cap.out, b.cap.out);
    const char *o = a.cap.out;
    if (getenv("SMTP_DUMP"))
        fprintf(stderr, "%s\n", o);
    assert_non_null(strstr(o, "attachments=[part-one-part two.zip|from-type.bin|caf\xc3\xa9.txt]\n"));
    /* Zeek finds no name in the sections: files.log keeps its own view */
    assert_non_null(strstr(o, "FILE name=- size=4 "));
    assert_non_null(strstr(o, "eve=part-one-part two.zip eve_size=4 in_eve=1 carrier_depth=1\n"));
    assert_non_null(strstr(o, "FILE name=from-type.bin size=13 "));
    char want[64], hex[33];
    md5_text(suricata_body, hex);
    snprintf(want, sizeof want, "body_md5=%s\n", hex);
    assert_non_null(strstr(o, want));
    session_free(&a);
    session_free(&b);
}

/* A message cut short (connection closed in DATA) has no body MD5. */
static void test_body_md5_needs_complete_message(void **unused)
{
    struct step steps[] = {
        ENVELOPE_UP_TO_DATA,
        {true, "Subject: cut\r\n\r\nbody\r\n", 0},
    };
    struct session s;
    run(&s, steps, sizeof steps / sizeof steps[0], WHOLE, false);
    assert_int_equal(s.cap.n_txn, 1);
    assert_non_null(strstr(s.cap.out, "body_md5=-\n"));
    session_free(&s);
}

static void test_starttls(void **unused)
{
    struct session s;
    session_open(&s, false);
    const struct step steps[] = {
        {false, "220 mx ESMTP\r\n", 0},
        {true, "EHLO openssl.client.net\r\n", 0},
        {false, "250-mx\r\n250 STARTTLS\r\n", 0},
        {true, "STARTTLS\r\n", 0},
    };
    for (size_t i = 0; i < 4; i++)
        session_feed(&s, steps[i].from_orig, (const uint8_t *)steps[i].text, strlen(steps[i].text), WHOLE);
    size_t leftover = 99;
    assert_false(smtp_tls_takeover(s.run.state, &leftover));
    static const char reply[] = "220 2.0.0 Ready to start TLS\r\n\x16\x03\x01";
    session_feed(&s, false, (const uint8_t *)reply, sizeof reply - 1, WHOLE);
    assert_true(smtp_tls_takeover(s.run.state, &leftover));
    assert_int_equal(leftover, 3);
    assert_string_equal(s.cap.services, "ssl");
    static const uint8_t hello[] = {0x16, 0x03, 0x01, 0x00, 0x05, 'M', 'A', 'I', 'L', '\n'};
    session_feed(&s, true, hello, sizeof hello, WHOLE);
    session_close(&s);
    assert_int_equal(s.cap.n_txn, 1);
    assert_non_null(strstr(s.cap.out, "tls=1"));
    assert_non_null(strstr(s.cap.out, "last_reply=220 2.0.0 Ready to start TLS\n"));
    assert_non_null(strstr(s.cap.out, "helo=openssl.client.net\n"));
    session_free(&s);
}

static void test_auth_never_logs_credentials(void **unused)
{
    const struct step steps[] = {
        {false, "220 mx\r\n", 0},
        {true, "EHLO c\r\n", 0},
        {false, "250 AUTH LOGIN PLAIN\r\n", 0},
        {true, "AUTH LOGIN\r\n", 0},
        {false, "334 VXNlcm5hbWU6\r\n", 0},
        {true, "c2VjcmV0dXNlcg==\r\n", 0},
        {false, "334 UGFzc3dvcmQ6\r\n", 0},
        {true, "aHVudGVyMg==\r\n", 0},
        {false, "235 2.7.0 Authentication successful\r\n", 0},
        {true, "MAIL FROM:<x@example.org>\r\n", 0},
        {false, "250 ok\r\n", 0},
        {true, "QUIT\r\n", 0},
        {false, "221 bye\r\n", 0},
    };
    struct session s;
    run(&s, steps, sizeof steps / sizeof steps[0], BYTES, false);
    assert_int_equal(s.cap.n_txn, 1);
    assert_non_null(strstr(s.cap.out, "auth=1"));
    assert_non_null(strstr(s.cap.out, "auth_mechanism=LOGIN\n"));
    assert_null(strstr(s.cap.out, "c2VjcmV0dXNlcg"));
    assert_null(strstr(s.cap.out, "aHVudGVyMg"));
    assert_true(s.cap.last.auth_success);
    session_free(&s);
}

/* One side only, pipelined, no replies: Zeek's smtp.one-side. */
static void test_one_side_pipelined(void **unused)
{
    const struct step steps[] = {
        {true, "EHLO enzo\r\nMAIL FROM:<r@icir.org>\r\nRCPT TO:<r@icir.org>\r\nDATA\r\n"
               "Subject: Hello1!\r\n\r\nbody\r\n.\r\n"
               "MAIL FROM:<r@icir.org>\r\nRCPT TO:<s@lbl.gov>\r\nDATA\r\nSubject: Hello2!\r\n\r\n.\r\nQUIT\r\n",
         0},
    };
    struct session s;
    run(&s, steps, 1, BYTES, false);
    assert_int_equal(s.cap.n_txn, 2);
    assert_non_null(strstr(s.cap.out, "subject=Hello1!\n"));
    assert_non_null(strstr(s.cap.out, "subject=Hello2!\n"));
    assert_null(strstr(s.cap.out, "depth=2"));
    session_free(&s);
}

static void test_invalid_transactions(void **unused)
{
    char buf[8192];
    size_t o = (size_t)snprintf(buf, sizeof buf, "HELO x\r\n");
    for (int i = 0; i < 30; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "RCPT TO:<a%d@b>\r\n", i);
    struct step steps[] = {{true, buf, 0}};
    struct session s;
    run(&s, steps, 1, WHOLE, false);
    assert_non_null(strstr(s.cap.weirds, "smtp_mail_transaction_invalid;"));
    assert_non_null(strstr(s.cap.weirds, "smtp_excessive_invalid_mail_transactions;"));
    session_free(&s);
}

static char *repeat(const char *head, const char *unit, size_t times, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *b = malloc(hl + ul * times + tl + 1);
    assert_non_null(b);
    memcpy(b, head, hl);
    for (size_t i = 0; i < times; i++)
        memcpy(b + hl + i * ul, unit, ul);
    memcpy(b + hl + ul * times, tail, tl + 1);
    return b;
}

static void test_mime_nested_1000_deep(void **unused)
{
    size_t cap = 1000 * 80 + 256;
    char *deep = malloc(cap);
    assert_non_null(deep);
    size_t o = (size_t)snprintf(deep, cap, "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n");
    for (int i = 0; i < 1000; i++)
        o += (size_t)snprintf(deep + o, cap - o, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i);
    snprintf(deep + o, cap - o, "text\r\n.\r\n");
    struct step steps[] = {{true, deep, 0}};
    struct session s;
    run(&s, steps, 1, WHOLE, true);
    assert_non_null(strstr(s.cap.weirds, "exceeded_mime_max_depth;"));
    assert_int_equal(s.cap.n_txn, 1);
    session_free(&s);
    free(deep);
}

static void test_caps(void **unused)
{
    /* 300 recipients, a 100 KB body line, a 40 KB folded header */
    char *rcpts = repeat("MAIL FROM:<a@b>\r\n", "RCPT TO:<x@y>\r\n", 1, "");
    char rc[64 * 1024];
    size_t o = 0;
    o += (size_t)snprintf(rc + o, sizeof rc - o, "%s", rcpts);
    for (int i = 0; i < 300; i++)
        o += (size_t)snprintf(rc + o, sizeof rc - o, "RCPT TO:<u%d@example.org>\r\n", i);
    o += (size_t)snprintf(rc + o, sizeof rc - o, "DATA\r\n");
    char *hdr = repeat("Subject: x\r\n", " folded folded folded folded folded folded folded\r\n", 800, "\r\n");
    char *body = repeat("", "A", 100000, "\r\n.\r\n");
    struct step steps[] = {{true, rc, 0}, {true, hdr, 0}, {true, body, 0}};
    struct session a, b;
    run(&a, steps, 3, WHOLE, true);
    run(&b, steps, 3, HALVES, true);
    assert_non_null(strstr(a.cap.weirds, "smtp_too_many_rcptto_addresses;"));
    assert_non_null(strstr(a.cap.weirds, "smtp_line_too_long;"));
    assert_non_null(strstr(a.cap.weirds, "exceeded_mime_max_header_bytes;"));
    assert_int_equal(a.cap.last.n_rcptto, SMTP_MAX_RCPT);
    assert_int_equal(a.cap.last.body_bytes, 100002);
    assert_string_equal(a.cap.out, b.cap.out);
    session_free(&a);
    session_free(&b);
    free(rcpts);
    free(hdr);
    free(body);
}

static void test_garbage_and_gap(void **unused)
{
    uint8_t junk[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (uint8_t)(x >> 16);
    }
    struct session s;
    session_open(&s, true);
    session_feed(&s, false, (const uint8_t *)"220 x\r\n", 7, WHOLE);
    session_feed(&s, true, (const uint8_t *)"MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n", 38, WHOLE);
    session_feed(&s, true, junk, sizeof junk, BYTES);
    smtp_parser.gap(s.run.state, &s.run.env, true, 500);
    session_feed(&s, true, junk, sizeof junk, WHOLE);
    session_feed(&s, false, junk, sizeof junk, WHOLE);
    session_feed(&s, false, (const uint8_t *)"250 ok\r\n", 8, WHOLE);
    session_close(&s);
    assert_true(s.cap.n_txn >= 1);
    session_free(&s);
}

/* Suricata's INVALID_REPLY: a reply line that does not begin with a code it
 * knows, once per connection (its parser gives up there), and only once the
 * client has said something (it needs a transaction to hang it on). */
static void test_invalid_reply(void **unused)
{
    struct session s;
    session_open(&s, false);
    session_feed(&s, false, (const uint8_t *)"472 not yet\r\n", 13, WHOLE);
    assert_string_equal(s.cap.anomalies, "");
    session_feed(&s, true, (const uint8_t *)"EHLO x\r\n", 8, WHOLE);
    session_feed(&s, false, (const uint8_t *)"250-x\r\n250 ok\r\n", 15, WHOLE);
    assert_string_equal(s.cap.anomalies, "");
    session_feed(&s, true, (const uint8_t *)"MAIL FROM:<a@b>\r\n", 17, WHOLE);
    session_feed(&s, false, (const uint8_t *)"472 unusual\r\n4.7.0 deferred\r\n", 28, WHOLE);
    assert_string_equal(s.cap.anomalies, "INVALID_REPLY;");
    session_close(&s);
    session_free(&s);
}

/* The client's junk lines went by before the parser was chosen on the
 * greeting (app_env.orig_unparsed): Suricata's parser saw them first, so a
 * reply line without a code is INVALID_REPLY; without them, there is no
 * transaction to hang it on. */
static void test_invalid_reply_after_unparsed_client(void **unused)
{
    static const char replies[] = "220 mx ESMTP\r\n500 5.5.1 unrecognized: \"g\"\r\n500 5.5.1 unrecognized: \"y\n"
                                  "1+l\x07junk\"\r\n";
    for (int unparsed = 0; unparsed < 2; unparsed++) {
        struct session s;
        session_open(&s, false);
        s.run.env.orig_unparsed = unparsed;
        session_feed(&s, false, (const uint8_t *)replies, sizeof replies - 1, BYTES);
        assert_string_equal(s.cap.anomalies, unparsed ? "INVALID_REPLY;" : "");
        session_close(&s);
        session_free(&s);
    }
}

/* A service on another port that greets with "220 " is not SMTP to
 * Suricata unless the client's first line is EHLO, HELO or QUIT: no
 * INVALID_REPLY for its other codes. */
static void test_invalid_reply_needs_suricata_smtp(void **unused)
{
    static const char *const first[] = {"LOGIN nightly\r\n", "EHLO ws\r\n"};
    for (int i = 0; i < 2; i++) {
        struct session s;
        session_open(&s, false);
        s.run.conn.resp_p = 7025;
        session_feed(&s, false, (const uint8_t *)"220 agent ready\r\n", 17, WHOLE);
        session_feed(&s, true, (const uint8_t *)first[i], strlen(first[i]), WHOLE);
        session_feed(&s, false, (const uint8_t *)"330 token?\r\n", 12, WHOLE);
        assert_string_equal(s.cap.anomalies, i == 1 ? "INVALID_REPLY;" : "");
        session_close(&s);
        session_free(&s);
    }
}

/* Suricata's MIME_LONG_LINE (a DATA line over 998 bytes) and
 * MIME_LONG_ENC_LINE (an attachment's base64 line over 76), each once per
 * message; a long line of a text part is not an encoded one. */
static void test_mime_long_lines(void **unused)
{
    static const char head[] = "EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"
                               "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                               "--b\r\nContent-Type: text/plain\r\n\r\n";
    char text[1200], b64[100];
    memset(text, 'x', sizeof text - 3);
    memcpy(text + sizeof text - 3, "\r\n", 3);
    memset(b64, 'Q', sizeof b64 - 3);
    memcpy(b64 + sizeof b64 - 3, "\r\n", 3);
    for (int how = WHOLE; how <= BYTES; how++) {
        struct session s;
        session_open(&s, false);
        session_feed(&s, false, (const uint8_t *)"220 x\r\n", 7, WHOLE);
        session_feed(&s, true, (const uint8_t *)head, strlen(head), how);
        session_feed(&s, true, (const uint8_t *)text, strlen(text), how);
        assert_string_equal(s.cap.anomalies, "MIME_LONG_LINE;");
        static const char part[] = "--b\r\nContent-Type: application/octet-stream; name=\"a.bin\"\r\n"
                                   "Content-Transfer-Encoding: base64\r\n\r\n";
        session_feed(&s, true, (const uint8_t *)part, strlen(part), how);
        session_feed(&s, true, (const uint8_t *)b64, strlen(b64), how);
        session_feed(&s, true, (const uint8_t *)b64, strlen(b64), how);
        session_feed(&s, true, (const uint8_t *)text, strlen(text), how);
        session_feed(&s, true, (const uint8_t *)"--b--\r\n.\r\n", 11, how);
        assert_string_equal(s.cap.anomalies, "MIME_LONG_LINE;MIME_LONG_ENC_LINE;");
        session_close(&s);
        session_free(&s);
    }
}

static void test_probe(void **unused)
{
    assert_int_equal(smtp_parser.probe((const uint8_t *)"220 mx ESMTP", 12, false), APP_PROBE_YES);
    assert_int_equal(smtp_parser.probe((const uint8_t *)"22", 2, false), APP_PROBE_MAYBE);
    assert_int_equal(smtp_parser.probe((const uint8_t *)"HTTP/1.1 200", 12, false), APP_PROBE_NO);
    assert_int_equal(smtp_parser.probe((const uint8_t *)"ehlo x", 6, true), APP_PROBE_YES);
    assert_int_equal(smtp_parser.probe((const uint8_t *)"GET /", 5, true), APP_PROBE_NO);
}

/* The message kept for the phishing detector: exactly what `vigil mail`
 * would read from an .eml (dot-unstuffed, CRLF lines), whether fed whole
 * or byte by byte; cut at the cap and said so. None without a cap. */
static void test_message_kept(void **unused)
{
    for (int how = WHOLE; how <= BYTES; how++) {
        struct file_config cfg = {.message_max_bytes = 1 << 20};
        struct session s;
        session_open_cfg(&s, &cfg);
        for (size_t i = 0; i < N_MIME_STEPS; i++)
            session_feed(&s, mime_session[i].from_orig, (const uint8_t *)mime_session[i].text,
                         strlen(mime_session[i].text), (enum split)how);
        session_close(&s);
        assert_int_equal(s.cap.message_n, strlen(mime_message));
        assert_memory_equal(s.cap.message, mime_message, s.cap.message_n);
        assert_false(s.cap.message_cut);
        session_free(&s);
    }
    struct file_config small = {.message_max_bytes = 100};
    struct session s;
    session_open_cfg(&s, &small);
    for (size_t i = 0; i < N_MIME_STEPS; i++)
        session_feed(&s, mime_session[i].from_orig, (const uint8_t *)mime_session[i].text,
                     strlen(mime_session[i].text), WHOLE);
    session_close(&s);
    assert_int_equal(s.cap.message_n, 100);
    assert_memory_equal(s.cap.message, mime_message, 100);
    assert_true(s.cap.message_cut);
    session_free(&s);
    run(&s, mime_session, N_MIME_STEPS, WHOLE, true);
    assert_int_equal(s.cap.message_n, 0);
    session_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mime_message),
        cmocka_unit_test(test_incremental_equals_whole),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_bdat),
        cmocka_unit_test(test_suricata_names_and_body_md5),
        cmocka_unit_test(test_body_md5_needs_complete_message),
        cmocka_unit_test(test_starttls),
        cmocka_unit_test(test_auth_never_logs_credentials),
        cmocka_unit_test(test_one_side_pipelined),
        cmocka_unit_test(test_invalid_transactions),
        cmocka_unit_test(test_mime_nested_1000_deep),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_garbage_and_gap),
        cmocka_unit_test(test_invalid_reply),
        cmocka_unit_test(test_invalid_reply_after_unparsed_client),
        cmocka_unit_test(test_invalid_reply_needs_suricata_smtp),
        cmocka_unit_test(test_mime_long_lines),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_message_kept),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
