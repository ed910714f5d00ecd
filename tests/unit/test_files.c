/* files/: hashes, MIME types, fuids, extraction and its caps, and HTTP
 * bodies flowing through it (decoded bytes, names, http.log's file fields). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "files/files.h"
#include "files/sniff.h"
#include "proto/http.h"
#include "proto/parser.h"
#include "unit/deflate_harness.h"
#include "unit/parser_harness.h"
#include "unit/tmpdir_harness.h"

#define MAX_FILES 16
#define MAX_TXNS 16

struct seen_file {
    struct file_info info;       /* pointers inside are dangling after the call */
    char conn_uid[UID_LEN];      /* the connection it was published on */
    char filename[256];
    bool has_filename;
    char eve_filename[256];
    bool has_eve_filename;
    char extracted[160];
    bool has_verdict;
    struct file_verdict verdict;
};

struct seen_txn {
    size_t n_files[2];
    char fuid[2][4][UID_LEN];
    char filename[2][4][64];
    bool has_filename[2][4];
    char mime[2][4][96];
    uint64_t resp_len;
};

struct capture {
    struct seen_file files[MAX_FILES];
    size_t n_files;
    struct seen_txn txns[MAX_TXNS];
    size_t n_txns;
    int order[64];               /* event kinds in publish order */
    size_t n_order;
};

static void on_publish(struct app_env *env, enum event_kind kind, const void *p)
{
    struct capture *c = env->ctx;
    if (c->n_order < 64)
        c->order[c->n_order++] = kind;
    if (kind == EVENT_FILE) {
        const struct file_info *f = p;
        if (c->n_files >= MAX_FILES)
            return;
        struct seen_file *s = &c->files[c->n_files++];
        s->info = *f;
        memcpy(s->conn_uid, env->conn->uid, UID_LEN);
        s->has_filename = f->filename != NULL;
        if (f->filename)
            bytes_copy_cstr(s->filename, sizeof s->filename, f->filename, f->filename_len);
        s->has_eve_filename = f->eve_filename != NULL;
        if (f->eve_filename)
            bytes_copy_cstr(s->eve_filename, sizeof s->eve_filename, f->eve_filename, f->eve_filename_len);
        if (f->extracted)
            bytes_copy_cstr(s->extracted, sizeof s->extracted, f->extracted, strlen(f->extracted));
        s->has_verdict = f->verdict != NULL;
        if (f->verdict)
            s->verdict = *f->verdict;
        return;
    }
    assert_int_equal(kind, EVENT_HTTP);
    const struct http_txn *t = p;
    if (c->n_txns >= MAX_TXNS)
        return;
    struct seen_txn *s = &c->txns[c->n_txns++];
    s->resp_len = t->response_body_len;
    for (int d = 0; d < 2; d++) {
        s->n_files[d] = t->n_files[d];
        for (size_t i = 0; i < t->n_files[d] && i < 4; i++) {
            bytes_copy_cstr(s->fuid[d][i], UID_LEN, t->files[d][i].fuid, strlen(t->files[d][i].fuid));
            s->has_filename[d][i] = t->files[d][i].filename.p != NULL;
            if (t->files[d][i].filename.p)
                bytes_copy_cstr(s->filename[d][i], 64, t->files[d][i].filename.p, t->files[d][i].filename.n);
            bytes_copy_cstr(s->mime[d][i], 96, t->files[d][i].mime_type, strlen(t->files[d][i].mime_type));
        }
    }
}

static void on_weird(struct app_env *env, const char *name, const char *addl, const char *source)
{
}

static void on_service(struct app_env *env, const char *service)
{
}

struct harness {
    struct file_ctx *fc;
    struct app_conn conn;
    struct app_env env;
    struct capture *cap;
    struct parser_run http; /* tests of HTTP bodies: the parser on a copy of conn */
};

static void harness_init(struct harness *h, const struct file_config *cfg)
{
    memset(h, 0, sizeof *h);
    char err[256] = "";
    h->fc = file_ctx_new(cfg, err, sizeof err);
    assert_non_null(h->fc);
    h->cap = calloc(1, sizeof *h->cap);
    assert_non_null(h->cap);
    snprintf(h->conn.uid, sizeof h->conn.uid, "%s", "CabcdefGHIJ123");
    h->conn.local_orig = h->conn.local_resp = -1;
    h->env.conn = &h->conn;
    h->env.ts_us = 1000000;
    h->env.publish = on_publish;
    h->env.weird = on_weird;
    h->env.add_service = on_service;
    h->env.files = h->fc;
    h->env.ctx = h->cap;
}

static void harness_free(struct harness *h)
{
    parser_run_close(&h->http);
    file_ctx_free(h->fc);
    free(h->cap);
}

static const char hello[] = "hello world\n";
#define HELLO_MD5 "6f5902ac237024bdd0c176cb93063dc4"
#define HELLO_SHA1 "22596363b3de40b06f981fb85d82312e8c0ed511"
#define HELLO_SHA256 "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447"

/* ---- the API alone ---- */

static void test_hashes_and_mime(void **state)
{
    struct harness h;
    harness_init(&h, NULL);
    struct file_analysis *fa = file_begin(h.fc, &h.conn, "HTTP", false, "a.txt", 5, 12, 5000000);
    assert_non_null(fa);
    file_data(fa, (const uint8_t *)hello, 5, 5000000);
    file_data(fa, (const uint8_t *)hello + 5, sizeof hello - 1 - 5, 5250000);
    char fuid[UID_LEN], mime[96];
    file_end(fa, &h.env, fuid, mime);
    assert_int_equal(h.cap->n_files, 1);
    const struct file_info *f = &h.cap->files[0].info;
    assert_string_equal(f->md5, HELLO_MD5);
    assert_string_equal(f->sha1, HELLO_SHA1);
    assert_string_equal(f->sha256, HELLO_SHA256);
    assert_string_equal(f->mime_type, "text/plain");
    assert_string_equal(mime, "text/plain");
    assert_string_equal(fuid, f->fuid);
    assert_int_equal(fuid[0], 'F');
    assert_true(strlen(fuid) > 10);
    assert_int_equal(f->seen_bytes, 12);
    assert_int_equal(f->total_bytes, 12);
    assert_int_equal(f->missing_bytes, 0);
    assert_int_equal(f->ts_us, 5000000);
    assert_int_equal(f->duration_us, 250000);
    assert_string_equal(h.cap->files[0].filename, "a.txt");
    assert_false(f->is_orig);
    assert_false(f->truncated);
    assert_null(f->extracted);
    harness_free(&h);
}

static void test_byte_by_byte_same_hashes(void **state)
{
    struct harness h;
    harness_init(&h, NULL);
    for (int round = 0; round < 2; round++) {
        struct file_analysis *fa = file_begin(h.fc, &h.conn, "HTTP", true, NULL, 0, 0, 7);
        for (size_t i = 0; i < sizeof hello - 1; i++)
            file_data(fa, (const uint8_t *)hello + i, round == 0 ? 1 : 0, 7);
        if (round == 1)
            file_data(fa, (const uint8_t *)hello, sizeof hello - 1, 7);
        file_end(fa, &h.env, NULL, NULL);
    }
    assert_int_equal(h.cap->n_files, 2);
    assert_string_equal(h.cap->files[0].info.sha256, HELLO_SHA256);
    assert_string_equal(h.cap->files[1].info.sha256, HELLO_SHA256);
    assert_false(h.cap->files[0].has_filename);
    /* same connection, direction and time: told apart by order */
    assert_string_not_equal(h.cap->files[0].info.fuid, h.cap->files[1].info.fuid);
    harness_free(&h);
}

static void test_fuids_deterministic(void **state)
{
    char a[4][UID_LEN];
    for (int run = 0; run < 2; run++) {
        struct harness h;
        harness_init(&h, NULL);
        struct file_analysis *f1 = file_begin_seq(h.fc, &h.conn, "HTTP", true, NULL, 0, 0, 1, 0);
        struct file_analysis *f2 = file_begin_seq(h.fc, &h.conn, "HTTP", false, NULL, 0, 0, 1, 0);
        struct file_analysis *f3 = file_begin_seq(h.fc, &h.conn, "HTTP", false, NULL, 0, 0, 1, 1);
        struct file_analysis *f4 = file_begin_seq(h.fc, &h.conn, "SMTP", false, NULL, 0, 0, 1, 1);
        if (run == 0) {
            snprintf(a[0], UID_LEN, "%s", file_fuid(f1));
            snprintf(a[1], UID_LEN, "%s", file_fuid(f2));
            snprintf(a[2], UID_LEN, "%s", file_fuid(f3));
            snprintf(a[3], UID_LEN, "%s", file_fuid(f4));
            for (int i = 0; i < 4; i++)
                for (int j = i + 1; j < 4; j++)
                    assert_string_not_equal(a[i], a[j]);
        } else {
            assert_string_equal(a[0], file_fuid(f1));
            assert_string_equal(a[1], file_fuid(f2));
            assert_string_equal(a[2], file_fuid(f3));
            assert_string_equal(a[3], file_fuid(f4));
        }
        file_abort(f1);
        file_abort(f2);
        file_abort(f3);
        file_abort(f4);
        harness_free(&h);
    }
}

static void test_gap_drops_hashes(void **state)
{
    struct harness h;
    harness_init(&h, NULL);
    struct file_analysis *fa = file_begin(h.fc, &h.conn, "HTTP", false, NULL, 0, 100, 1);
    file_data(fa, (const uint8_t *)"GIF89a", 6, 1);
    file_gap(fa, 50);
    file_data(fa, (const uint8_t *)"xyz", 3, 2);
    file_set_truncated(fa);
    file_set_eve_filename(fa, "/x.gif", 6);
    file_set_tx_id(fa, 3);
    file_end(fa, &h.env, NULL, NULL);
    const struct seen_file *s = &h.cap->files[0];
    assert_int_equal(s->info.missing_bytes, 50);
    assert_int_equal(s->info.seen_bytes, 9);
    assert_string_equal(s->info.md5, "");
    assert_string_equal(s->info.sha256, "");
    assert_string_equal(s->info.mime_type, "image/gif");
    assert_true(s->info.truncated);
    assert_true(s->info.has_tx_id);
    assert_int_equal(s->info.tx_id, 3);
    assert_string_equal(s->eve_filename, "/x.gif");
    assert_false(s->info.eve_own_digests); /* no file-store: Suricata logs no hash either */
    harness_free(&h);
}

/* The environment of a part seen on conn at ts_us. */
static struct app_env part_env(const struct harness *h, const struct app_conn *conn, int64_t ts_us)
{
    struct app_env env = h->env;
    env.conn = conn;
    env.ts_us = ts_us;
    return env;
}

/* Byte-range parts of one file, the later range first and on another
 * connection, become one file with the whole content's hashes. */
static void test_range_parts_joined(void **state)
{
    struct harness h;
    harness_init(&h, NULL);
    struct app_conn other = h.conn;
    other.orig_p++;
    other.uid[1] ^= 1;
    static const char key[] = "10.0.0.1 host/file.txt";
    struct app_env on_other = part_env(&h, &other, 2), on_first = part_env(&h, &h.conn, 1);
    struct file_analysis *late = file_begin_part(h.fc, &on_other, "HTTP", false, key, sizeof key, 5, 12, 7);
    struct file_analysis *early = file_begin_part(h.fc, &on_first, "HTTP", false, key, sizeof key, 0, 12, 0);
    assert_non_null(late);
    assert_non_null(early);
    assert_string_equal(file_fuid(late), file_fuid(early));
    file_data(late, (const uint8_t *)hello + 5, sizeof hello - 1 - 5, 3);
    char fuid[UID_LEN], mime[96];
    file_end(late, &on_other, fuid, mime);
    assert_int_equal(h.cap->n_files, 0); /* bytes 0-4 still to come */
    file_data(early, (const uint8_t *)hello, 2, 4);
    file_data(early, (const uint8_t *)hello + 2, 3, 4);
    file_end(early, &on_first, NULL, NULL);
    assert_int_equal(h.cap->n_files, 1);
    const struct file_info *f = &h.cap->files[0].info;
    assert_string_equal(f->fuid, fuid);
    assert_string_equal(f->md5, HELLO_MD5);
    assert_string_equal(f->sha256, HELLO_SHA256);
    assert_int_equal(f->seen_bytes, 12);
    assert_int_equal(f->total_bytes, 12);
    assert_int_equal(f->missing_bytes, 0);
    assert_false(f->timedout);
    harness_free(&h);
}

/* Ranges fetched one after another, each part's connection closed before
 * the next opens (Zeek keeps the file open: its handle is the URL), are one
 * file; a file idle for over two minutes is logged timed out when the next
 * range file starts; the end of the run logs what still waits. */
static void test_range_parts_sequential(void **state)
{
    struct harness h;
    harness_init(&h, NULL);
    struct app_conn second = h.conn;
    second.orig_p++;
    second.uid[1] ^= 1;
    struct app_env at_1s = part_env(&h, &h.conn, 1000000), at_40s = part_env(&h, &second, 40000000);
    struct file_analysis *first = file_begin_part(h.fc, &at_1s, "HTTP", false, "seq", 3, 0, 12, 0);
    file_data(first, (const uint8_t *)hello, 5, 1000000);
    file_end(first, &at_1s, NULL, NULL);
    assert_int_equal(h.cap->n_files, 0);
    struct file_analysis *rest = file_begin_part(h.fc, &at_40s, "HTTP", false, "seq", 3, 5, 12, 0);
    file_data(rest, (const uint8_t *)hello + 5, sizeof hello - 1 - 5, 40000000);
    file_end(rest, &at_40s, NULL, NULL);
    assert_int_equal(h.cap->n_files, 1);
    assert_string_equal(h.cap->files[0].info.md5, HELLO_MD5);
    assert_memory_equal(h.cap->files[0].conn_uid, second.uid, UID_LEN); /* the connection that completed it */

    struct app_env at_50s = part_env(&h, &h.conn, 50000000), at_4min = part_env(&h, &second, 240000000);
    struct file_analysis *lone = file_begin_part(h.fc, &at_50s, "HTTP", false, "k", 1, 0, 100, 1);
    file_data(lone, (const uint8_t *)hello, 5, 50000000);
    file_end(lone, &at_50s, NULL, NULL);
    assert_int_equal(h.cap->n_files, 1);
    struct file_analysis *next = file_begin_part(h.fc, &at_4min, "HTTP", false, "j", 1, 0, 10, 2);
    assert_int_equal(h.cap->n_files, 2);
    const struct file_info *timed_out = &h.cap->files[1].info;
    assert_memory_equal(h.cap->files[1].conn_uid, h.conn.uid, UID_LEN); /* its only part's connection */
    assert_true(timed_out->timedout);
    assert_int_equal(timed_out->seen_bytes, 5);
    assert_int_equal(timed_out->missing_bytes, 95);
    assert_string_equal(timed_out->md5, "");

    file_data(next, (const uint8_t *)hello, 3, 240000000);
    file_end(next, &at_4min, NULL, NULL);
    assert_int_equal(h.cap->n_files, 2);
    file_ctx_flush_parts(h.fc, &h.env);
    assert_int_equal(h.cap->n_files, 3);
    assert_false(h.cap->files[2].info.timedout);
    assert_int_equal(h.cap->files[2].info.missing_bytes, 7);

    /* a part aborted, its file left waiting, is dropped with the context: nothing leaks */
    struct file_analysis *open_part = file_begin_part(h.fc, &at_4min, "HTTP", false, "i", 1, 0, 10, 3);
    file_data(open_part, (const uint8_t *)hello, 3, 240000000);
    file_abort(open_part);
    harness_free(&h);
}

static void test_empty_and_null(void **state)
{
    struct harness h;
    harness_init(&h, NULL);
    assert_null(file_begin(NULL, &h.conn, "HTTP", true, NULL, 0, 0, 0));
    file_data(NULL, (const uint8_t *)"x", 1, 0);
    file_gap(NULL, 1);
    file_end(NULL, &h.env, NULL, NULL);
    file_abort(NULL);
    struct file_analysis *fa = file_begin(h.fc, &h.conn, "HTTP", true, NULL, 0, 0, 0);
    char mime[96] = "junk";
    file_end(fa, &h.env, NULL, mime);
    assert_string_equal(mime, "");
    assert_string_equal(h.cap->files[0].info.md5, "");
    /* a long name is cut, never overflows */
    char longname[5000];
    memset(longname, 'a', sizeof longname);
    fa = file_begin(h.fc, &h.conn, "HTTP", true, longname, sizeof longname, 0, 0);
    file_set_eve_filename(fa, longname, sizeof longname);
    file_end(fa, &h.env, NULL, NULL);
    assert_int_equal(h.cap->files[1].info.filename_len, FILES_MAX_NAME);
    assert_int_equal(h.cap->files[1].info.eve_filename_len, FILES_MAX_NAME);
    harness_free(&h);
}

/* ---- extraction ---- */

/* The extraction tests run as TMPDIR_TEST: *state is a fresh directory,
 * removed with what they wrote after each. */

static void test_extract(void **state)
{
    const char *dir = *state;
    struct file_config cfg = {.extract_dir = dir};
    struct harness h;
    harness_init(&h, &cfg);
    struct file_analysis *fa = file_begin(h.fc, &h.conn, "HTTP", false, "../../etc/passwd", 16, 0, 1);
    file_data(fa, (const uint8_t *)hello, sizeof hello - 1, 1);
    file_end(fa, &h.env, NULL, NULL);
    const struct seen_file *s = &h.cap->files[0];
    assert_string_equal(s->extracted, HELLO_SHA256 ".txt");
    assert_false(s->info.extracted_cutoff);
    assert_int_equal(s->info.extracted_size, sizeof hello - 1);
    assert_true(s->info.extract_attached);
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, s->extracted);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, sizeof hello - 1);
    /* the streaming name is gone */
    snprintf(path, sizeof path, "%s/%s", dir, s->info.fuid);
    assert_int_not_equal(access(path, F_OK), 0);
    struct file_stats fs;
    file_ctx_stats(h.fc, &fs);
    assert_int_equal(fs.extracted, 1);
    /* With extraction on (Suricata's file-store, which forces SHA-256), a
     * holed file's EVE sha256 is that of the bytes that came; files.log
     * has none. */
    fa = file_begin(h.fc, &h.conn, "HTTP", false, NULL, 0, 0, 2);
    file_data(fa, (const uint8_t *)hello, 5, 2);
    file_gap(fa, 3);
    file_data(fa, (const uint8_t *)hello + 5, sizeof hello - 1 - 5, 3);
    file_end(fa, &h.env, NULL, NULL);
    s = &h.cap->files[1];
    assert_string_equal(s->info.sha256, "");
    assert_true(s->info.eve_own_digests);
    assert_string_equal(s->info.eve_sha256, HELLO_SHA256);
    assert_string_equal(s->info.eve_md5, "");
    assert_int_equal(s->info.eve_size, sizeof hello - 1 + 3);
    harness_free(&h);
}

static void test_extract_caps(void **state)
{
    const char *dir = *state;
    struct file_config cfg = {.extract_dir = dir, .extract_max_file = 5, .extract_max_total = 8};
    struct harness h;
    harness_init(&h, &cfg);
    for (int i = 0; i < 3; i++) {
        struct file_analysis *fa = file_begin(h.fc, &h.conn, "HTTP", false, NULL, 0, 0, 10 + i);
        file_data(fa, (const uint8_t *)hello, sizeof hello - 1, 10 + i);
        file_end(fa, &h.env, NULL, NULL);
    }
    assert_int_equal(h.cap->n_files, 3);
    /* 5 of 12 bytes, then the 3 left of the total, then nothing */
    assert_int_equal(h.cap->files[0].info.extracted_size, 5);
    assert_true(h.cap->files[0].info.extracted_cutoff);
    assert_int_equal(h.cap->files[1].info.extracted_size, 3);
    assert_true(h.cap->files[1].info.extracted_cutoff);
    assert_int_equal(h.cap->files[2].info.extracted_size, 0);
    assert_true(h.cap->files[2].info.extracted_cutoff);
    /* hashes cover the whole file, whatever was written */
    assert_string_equal(h.cap->files[0].info.sha256, HELLO_SHA256);
    harness_free(&h);
}

static void test_extract_never_follows_links(void **state)
{
    const char *dir = *state;
    char victim[128], link[192];
    snprintf(victim, sizeof victim, "%s.victim", dir);
    FILE *v = fopen(victim, "w");
    assert_non_null(v);
    fputs("precious", v);
    fclose(v);
    struct file_config cfg = {.extract_dir = dir};
    struct harness h;
    harness_init(&h, &cfg);
    struct file_analysis *fa = file_begin_seq(h.fc, &h.conn, "HTTP", false, NULL, 0, 0, 1, 0);
    /* a planted link at the streaming name and at the final name */
    snprintf(link, sizeof link, "%s/%s", dir, file_fuid(fa));
    assert_int_equal(symlink(victim, link), 0);
    snprintf(link, sizeof link, "%s/%s.txt", dir, HELLO_SHA256);
    assert_int_equal(symlink(victim, link), 0);
    file_data(fa, (const uint8_t *)hello, sizeof hello - 1, 1);
    file_end(fa, &h.env, NULL, NULL);
    char buf[32] = "";
    v = fopen(victim, "r");
    assert_non_null(v);
    assert_non_null(fgets(buf, sizeof buf, v));
    fclose(v);
    assert_string_equal(buf, "precious");
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    harness_free(&h);
    unlink(victim);
}

static void test_extract_dir_errors(void **state)
{
    char err[256] = "";
    struct file_config cfg = {.extract_dir = "/nonexistent-parent-vigil/x"};
    assert_null(file_ctx_new(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent-parent-vigil/x"));
    assert_null(strchr(err, '\n'));
    /* a missing dir whose parent exists is created */
    const char *dir = *state;
    char sub[96];
    snprintf(sub, sizeof sub, "%s/new", dir);
    cfg.extract_dir = sub;
    struct file_ctx *fc = file_ctx_new(&cfg, err, sizeof err);
    assert_non_null(fc);
    file_ctx_free(fc);
    struct stat st;
    assert_int_equal(stat(sub, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    /* a regular file is no directory */
    char file[128];
    snprintf(file, sizeof file, "%s/plain", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    cfg.extract_dir = file;
    assert_null(file_ctx_new(&cfg, err, sizeof err));
}

/* ---- HTTP bodies ---- */

/* The HTTP parser on the harness's connection, with its environment. */
static void http_open(struct harness *h)
{
    parser_run_open(&h->http, &http_parser, &h->env, h->cap);
    h->http.conn = h->conn;
}

static void http_feed(struct harness *h, bool from_orig, const void *p, size_t n, bool bytewise)
{
    parser_run_feed(&h->http, from_orig, p, n, bytewise ? 1 : 0);
}

static void http_str(struct harness *h, bool from_orig, const char *s, bool bytewise)
{
    http_feed(h, from_orig, s, strlen(s), bytewise);
}

static void http_gap(struct harness *h, bool from_orig, uint64_t len)
{
    http_parser.gap(h->http.state, &h->http.env, from_orig, len);
}

static void http_close(struct harness *h)
{
    parser_run_close(&h->http);
}

static void test_http_response_file(void **state)
{
    char fuid[2][UID_LEN];
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        struct harness h;
        harness_init(&h, NULL);
        http_open(&h);
        http_str(&h, true, "GET /dir/report.php?x=1 HTTP/1.1\r\nHost: a\r\n\r\n", bytewise);
        http_str(&h, false,
                 "HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename=\"test.json\"\r\n"
                 "Content-Length: 12\r\n\r\nhello world\n",
                 bytewise);
        http_close(&h);
        struct capture *c = h.cap;
        assert_int_equal(c->n_files, 1);
        assert_int_equal(c->n_txns, 1);
        assert_int_equal(c->order[0], EVENT_FILE); /* the file first: its fuid is in the row */
        const struct seen_file *f = &c->files[0];
        assert_string_equal(f->info.sha1, HELLO_SHA1);
        assert_int_equal(f->info.total_bytes, 12);
        assert_false(f->info.is_orig);
        assert_false(f->info.truncated);
        assert_string_equal(f->info.source, "HTTP");
        assert_string_equal(f->filename, "test.json");
        assert_false(f->has_eve_filename); /* the Content-Disposition name serves both */
        assert_true(f->info.has_tx_id);
        assert_int_equal(f->info.tx_id, 0);
        const struct seen_txn *t = &c->txns[0];
        assert_int_equal(t->n_files[0], 0);
        assert_int_equal(t->n_files[1], 1);
        assert_string_equal(t->fuid[1][0], f->info.fuid);
        assert_string_equal(t->filename[1][0], "test.json");
        assert_string_equal(t->mime[1][0], "text/plain");
        snprintf(fuid[bytewise], UID_LEN, "%s", f->info.fuid);
        harness_free(&h);
    }
    assert_string_equal(fuid[0], fuid[1]);
}

static void test_http_eve_name_from_uri(void **state)
{
    struct harness h;
    harness_init(&h, NULL);
    http_open(&h);
    http_str(&h, true, "GET http://example.com/a/b.exe?q=1 HTTP/1.1\r\nHost: a\r\n\r\n", false);
    http_str(&h, false, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nMZ", false);
    http_close(&h);
    assert_int_equal(h.cap->n_files, 1);
    assert_false(h.cap->files[0].has_filename);
    assert_string_equal(h.cap->files[0].eve_filename, "/a/b.exe");
    assert_int_equal(h.cap->txns[0].n_files[1], 1);
    assert_false(h.cap->txns[0].has_filename[1][0]);
    harness_free(&h);
}

static void test_http_filename_forms(void **state)
{
    static const struct {
        const char *header, *want;
    } cases[] = {
        {"Content-Disposition: attachment; filename=plain.txt", "plain.txt"},
        {"Content-Disposition: attachment; FileName = \"sp ace.txt\"; size=3", "sp ace.txt"},
        {"Content-Disposition: attachment; filename*=UTF-8''na%20me.pdf", "na me.pdf"},
        {"Content-Type: application/pdf; name=\"ct.pdf\"", "ct.pdf"},
        {"Content-Disposition: inline; filename=\"unterminated", "unterminated"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct harness h;
        harness_init(&h, NULL);
        http_open(&h);
        char reply[512];
        snprintf(reply, sizeof reply, "HTTP/1.1 200 OK\r\n%s\r\nContent-Length: 3\r\n\r\nabc", cases[i].header);
        http_str(&h, true, "GET / HTTP/1.1\r\n\r\n", false);
        http_str(&h, false, reply, false);
        http_close(&h);
        assert_int_equal(h.cap->n_files, 1);
        assert_string_equal(h.cap->files[0].filename, cases[i].want);
        harness_free(&h);
    }
    /* "disposition" without a file name gives none */
    struct harness h;
    harness_init(&h, NULL);
    http_open(&h);
    http_str(&h, true, "GET / HTTP/1.1\r\n\r\n", false);
    http_str(&h, false, "HTTP/1.1 200 OK\r\nContent-Disposition: inline\r\nContent-Length: 3\r\n\r\nabc", false);
    http_close(&h);
    assert_false(h.cap->files[0].has_filename);
    harness_free(&h);
}

static void test_http_decoded_bodies(void **state)
{
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        struct harness h;
        harness_init(&h, NULL);
        http_open(&h);
        uint8_t gz[256];
        size_t gzn = deflate_text(hello, 6, DEFLATE_GZIP, gz, sizeof gz);
        char head[256];
        snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %zu\r\n\r\n", gzn);
        http_str(&h, true, "GET /1 HTTP/1.1\r\n\r\nPOST /2 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", bytewise);
        http_str(&h, true, "5\r\nhello\r\n7\r\n world\n\r\n0\r\n\r\n", bytewise);
        http_str(&h, false, head, bytewise);
        http_feed(&h, false, gz, gzn, bytewise);
        http_str(&h, false, "HTTP/1.1 204 No Content\r\n\r\n", bytewise);
        http_close(&h);
        struct capture *c = h.cap;
        assert_int_equal(c->n_files, 2);
        for (size_t i = 0; i < 2; i++) {
            assert_string_equal(c->files[i].info.sha256, HELLO_SHA256);
            assert_int_equal(c->files[i].info.total_bytes, 0); /* encoded/chunked: size unknown */
        }
        assert_int_equal(c->n_txns, 2);
        assert_int_equal(c->txns[0].n_files[1], 1);
        assert_int_equal(c->txns[1].n_files[0], 1);
        assert_int_equal(c->txns[1].n_files[1], 0); /* 204: no body, no file */
        assert_true(c->files[0].info.is_orig); /* the request body ended first */
        assert_false(c->files[1].info.is_orig);
        harness_free(&h);
    }
}

static void test_http_gap_and_truncation(void **state)
{
    struct harness h;
    harness_init(&h, NULL);
    http_open(&h);
    http_str(&h, true, "GET /big HTTP/1.1\r\n\r\n", false);
    /* 4 GiB announced, a few bytes, a hole, then the connection ends */
    http_str(&h, false, "HTTP/1.1 200 OK\r\nContent-Length: 4294967296\r\n\r\nabcdef", false);
    http_gap(&h, false, 1000);
    http_str(&h, false, "ghi", false);
    http_close(&h);
    assert_int_equal(h.cap->n_files, 1);
    const struct file_info *f = &h.cap->files[0].info;
    assert_int_equal(f->total_bytes, 4294967296ULL);
    assert_int_equal(f->seen_bytes, 9);
    assert_int_equal(f->missing_bytes, 1000);
    assert_true(f->truncated);
    assert_string_equal(f->sha256, "");
    assert_int_equal(h.cap->txns[0].n_files[1], 1);
    harness_free(&h);
}

/* Suricata's HTTP body limit (libhtp's 100 KiB): its file takes decoded
 * body bytes until 102400 of them came, holes counted in its size but not
 * against the limit; files.log counts on, as Zeek has no such limit. */
#define EVE_LIMIT 102400

/* A GET answered with Content-Length cl; the reply's body then comes as
 * `steps`: > 0 that many data bytes, < 0 a hole of that many. */
static void limit_reply(struct harness *h, uint64_t cl, const long long *steps, size_t n_steps)
{
    static uint8_t fill[160000];
    memset(fill, 'x', sizeof fill);
    http_open(h);
    http_str(h, true, "GET /big HTTP/1.1\r\n\r\n", false);
    char head[128];
    snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %llu\r\n\r\n", (unsigned long long)cl);
    http_str(h, false, head, false);
    for (size_t i = 0; i < n_steps; i++) {
        if (steps[i] > 0) {
            assert_true((size_t)steps[i] <= sizeof fill);
            http_feed(h, false, fill, (size_t)steps[i], false);
        } else {
            http_gap(h, false, (uint64_t)-steps[i]);
        }
    }
    http_close(h);
}

static void test_http_body_limit_with_gaps(void **state)
{
    /* 60000 data, a 30000 hole, then data past the limit: Suricata's file
     * takes 42400 bytes of the 50000 chunk (60000 + 42400 = 102400 data)
     * and is cut there, holed (bug-4953's arithmetic, smaller) */
    struct harness h;
    harness_init(&h, NULL);
    const long long steps[] = {60000, -30000, 50000, 60000};
    limit_reply(&h, 200000, steps, 4);
    assert_int_equal(h.cap->n_files, 1);
    const struct file_info *f = &h.cap->files[0].info;
    assert_true(f->eve_stopped);
    assert_true(f->truncated);
    assert_true(f->eve_gaps);
    assert_true(f->eve_own_digests);
    assert_int_equal(f->eve_size, 60000 + 30000 + 42400);
    /* Zeek's view is whole */
    assert_int_equal(f->seen_bytes, 170000);
    assert_int_equal(f->missing_bytes, 30000);
    assert_int_equal(f->total_bytes, 200000);
    harness_free(&h);

    /* a hole that would pass the limit is cut to it (Suricata's chunk
     * length), and the file goes on: its data stays under the limit */
    harness_init(&h, NULL);
    const long long cut_hole[] = {100000, -10000, 1000};
    limit_reply(&h, 111000, cut_hole, 3);
    f = &h.cap->files[0].info;
    assert_false(f->eve_stopped);
    assert_true(f->eve_own_digests);
    assert_int_equal(f->eve_size, 100000 + 2400 + 1000);
    assert_int_equal(f->missing_bytes, 10000);
    assert_int_equal(f->seen_bytes, 101000);
    harness_free(&h);

    /* a hole once the limit is reached closes Suricata's file, without it */
    harness_init(&h, NULL);
    const long long hole_after[] = {EVE_LIMIT, -500, 100};
    limit_reply(&h, EVE_LIMIT + 600, hole_after, 3);
    f = &h.cap->files[0].info;
    assert_true(f->eve_stopped);
    assert_false(f->eve_gaps);
    assert_int_equal(f->eve_size, EVE_LIMIT);
    assert_int_equal(f->missing_bytes, 500);
    harness_free(&h);
}

static void test_http_body_limit_whole_bodies(void **state)
{
    /* no hole: cut at the limit, no digests in EVE, Zeek's still there */
    struct harness h;
    harness_init(&h, NULL);
    const long long big[] = {150000};
    limit_reply(&h, 150000, big, 1);
    const struct file_info *f = &h.cap->files[0].info;
    assert_true(f->eve_stopped);
    assert_false(f->eve_gaps);
    assert_int_equal(f->eve_size, EVE_LIMIT);
    assert_string_equal(f->eve_md5, "");
    assert_string_equal(f->eve_sha256, "");
    assert_int_equal(strlen(f->md5), 32);
    assert_int_equal(f->seen_bytes, 150000);
    harness_free(&h);

    /* exactly the limit: nothing comes after, Suricata closes it whole */
    harness_init(&h, NULL);
    const long long exact[] = {EVE_LIMIT};
    limit_reply(&h, EVE_LIMIT, exact, 1);
    f = &h.cap->files[0].info;
    assert_false(f->eve_stopped);
    assert_false(f->truncated);
    assert_false(f->eve_own_digests);
    assert_int_equal(f->seen_bytes, EVE_LIMIT);
    harness_free(&h);
}

/* --eve-http-body-limit's setting (file_config.eve_body_limit): another
 * limit, or none. */
static void test_http_body_limit_configured(void **state)
{
    const struct file_config small = {.eve_body_limit = 1000}, none = {.eve_body_limit = UINT64_MAX};
    struct harness h;
    harness_init(&h, &small);
    const long long body[] = {600, -300, 600};
    limit_reply(&h, 1500, body, 3);
    assert_true(h.cap->files[0].info.eve_stopped);
    assert_int_equal(h.cap->files[0].info.eve_size, 600 + 300 + 400);
    harness_free(&h);
    harness_init(&h, &none);
    const long long big[] = {150000};
    limit_reply(&h, 150000, big, 1);
    assert_false(h.cap->files[0].info.eve_stopped);
    assert_false(h.cap->files[0].info.truncated);
    harness_free(&h);

    /* with extraction (Suricata's file-store forces SHA-256): the SHA-256
     * of the bytes Suricata's file took; the extracted file is whole */
    const char *dir = *state;
    const struct file_config store = {.extract_dir = dir, .eve_body_limit = 1000};
    harness_init(&h, &store);
    const long long two[] = {3000};
    limit_reply(&h, 3000, two, 1);
    const struct seen_file *sf = &h.cap->files[0];
    assert_true(sf->info.eve_stopped);
    assert_string_equal(sf->info.eve_sha256, "44f8354494a5ba03ba1792a8d3e9c534c47a9181980fde7a3f44b06ef2ae7c7f");
    assert_int_equal(sf->info.extracted_size, 3000);
    harness_free(&h);
}

/* Bad input: a hole far larger than any body (a 2^62-byte Content-Length)
 * neither wraps the counts nor moves EVE past the limit; the next message
 * of the connection starts its count afresh. */
static void test_http_body_limit_huge_hole(void **state)
{
    struct harness h;
    harness_init(&h, NULL);
    http_open(&h);
    uint8_t fill[4096];
    memset(fill, 'y', sizeof fill);
    http_str(&h, true, "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n", false);
    http_str(&h, false, "HTTP/1.1 200 OK\r\nContent-Length: 4611686018427387904\r\n\r\n", false);
    http_feed(&h, false, fill, 1000, false);
    http_gap(&h, false, (uint64_t)1 << 61);
    http_feed(&h, false, fill, 10, false);
    http_gap(&h, false, ((uint64_t)1 << 61) - 1010); /* the rest of the body */
    http_str(&h, false, "HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n", false);
    http_feed(&h, false, fill, sizeof fill, false);
    http_close(&h);
    assert_int_equal(h.cap->n_files, 2);
    const struct file_info *f = &h.cap->files[0].info;
    assert_false(f->eve_stopped); /* 1010 data bytes: under the limit */
    /* each hole is cut to what the data left of the limit */
    assert_int_equal(f->eve_size, 1000 + (EVE_LIMIT - 1000) + 10 + (EVE_LIMIT - 1010));
    assert_int_equal(f->missing_bytes, ((uint64_t)1 << 62) - 1010);
    assert_int_equal(f->seen_bytes, 1010);
    f = &h.cap->files[1].info;
    assert_false(f->eve_stopped);
    assert_false(f->truncated);
    assert_int_equal(f->seen_bytes, sizeof fill);
    harness_free(&h);
}

static void test_http_empty_and_multipart(void **state)
{
    struct harness h;
    harness_init(&h, NULL);
    http_open(&h);
    http_str(&h, true, "GET / HTTP/1.1\r\n\r\n", false);
    http_str(&h, false, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false);
    http_str(&h, true,
             "POST /up HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=xx\r\nContent-Length: 8\r\n\r\n"
             "--xx--\r\n",
             false);
    http_str(&h, false, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false);
    http_close(&h);
    assert_int_equal(h.cap->n_txns, 2);
    assert_int_equal(h.cap->n_files, 0); /* no body: no file; multipart: per part (not yet) */
    harness_free(&h);
}

/* Many bodies on one connection: one file each, every fuid distinct. */
static void test_http_many_files(void **state)
{
    struct harness h;
    harness_init(&h, NULL);
    http_open(&h);
    for (int i = 0; i < 20; i++) {
        http_str(&h, true, "GET / HTTP/1.1\r\n\r\n", false);
        http_str(&h, false, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", false);
    }
    http_close(&h);
    assert_int_equal(h.cap->n_files, MAX_FILES); /* the capture's own cap */
    assert_int_equal(h.cap->n_txns, MAX_TXNS);
    for (size_t i = 0; i < MAX_TXNS; i++) {
        assert_int_equal(h.cap->txns[i].n_files[1], 1);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(h.cap->txns[i].fuid[1][0], h.cap->txns[j].fuid[1][0]);
    }
    harness_free(&h);
}

/* A gzip bomb: inflating stops at HTTP_MAX_INFLATE, the file sees exactly
 * that much, memory stays flat (nothing is buffered). */
static void test_http_gzip_bomb(void **state)
{
    const size_t zeros = (size_t)HTTP_MAX_INFLATE + (32u << 20);
    size_t cap = zeros / 500 + 65536;
    uint8_t *gz = malloc(cap);
    uint8_t *block = calloc(1, 1 << 16);
    assert_non_null(gz);
    assert_non_null(block);
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_out = gz;
    z.avail_out = (uInt)cap;
    for (size_t done = 0; done < zeros; done += 1 << 16) {
        z.next_in = block;
        z.avail_in = 1 << 16;
        assert_int_equal(deflate(&z, Z_NO_FLUSH), Z_OK);
    }
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t gzn = cap - z.avail_out;
    deflateEnd(&z);

    struct harness h;
    harness_init(&h, NULL);
    http_open(&h);
    char head[160];
    snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %zu\r\n\r\n", gzn);
    http_str(&h, true, "GET /bomb HTTP/1.1\r\n\r\n", false);
    http_str(&h, false, head, false);
    http_feed(&h, false, gz, gzn, false);
    http_close(&h);
    assert_int_equal(h.cap->n_files, 1);
    assert_int_equal(h.cap->files[0].info.seen_bytes, HTTP_MAX_INFLATE);
    harness_free(&h);
    free(gz);
    free(block);
}

static void test_sniff_common_types(void **state)
{
    (void)state;
    struct {
        const char *head, *want;
    } cases[] = {
        {"<!DOCTYPE html><html><body>x</body></html>", "text/html"},
        {"\r\n  <HTML><head>", "text/html"},
        {"\xef\xbb\xbf<?xml version=\"1.0\"?><a/>", "application/xml"},
        {"{\"key\": [1, 2]}", "text/json"},
        {"[ {\"a\":1} ]", "text/json"},
        {"just some words\nand lines\n", "text/plain"},
        {"GIF89a printable-looking", "image/gif"},
        {"\xff\xd8\xff\xe0JFIF", "image/jpeg"},
        {"%PDF-1.7 rest", NULL},
        {"{\\rtf1\\ansi", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *got = sniff_common_type((const uint8_t *)cases[i].head, strlen(cases[i].head));
        if (cases[i].want == NULL)
            assert_null(got);
        else
            assert_string_equal(got, cases[i].want);
    }
    const uint8_t png[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d};
    assert_string_equal(sniff_common_type(png, sizeof png), "image/png");
    const uint8_t binary[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
    assert_null(sniff_common_type(binary, sizeof binary));
    assert_null(sniff_common_type(binary, 0));
}

/* ---- the inspector seam ---- */

/* A fake inspector: wants files whose head starts with "%PDF" (or named
 * *.hta), records what it was given, and calls a file malicious when its
 * last kept byte is 'M'. */
struct fake_inspector {
    struct file_inspector seam;
    int wants_calls, inspect_calls;
    size_t got_n, got_head_n;
    bool got_from_url;
    bool got_cut;
    char got_name[64];
    uint64_t sum;                /* of the bytes given, to check their order */
};

static bool fake_wants(const void *ctx, const char *name, size_t nl, bool from_url, const uint8_t *head, size_t n)
{
    struct fake_inspector *f = (struct fake_inspector *)ctx;
    f->wants_calls++;
    f->got_head_n = n;
    f->got_from_url = from_url;
    return (n >= 4 && memcmp(head, "%PDF", 4) == 0) || (nl >= 4 && memcmp(name + nl - 4, ".hta", 4) == 0);
}

static void fake_inspect(const void *ctx, const char *name, const uint8_t *p, size_t n, bool cut,
                         struct file_verdict *out)
{
    struct fake_inspector *f = (struct fake_inspector *)ctx;
    f->inspect_calls++;
    f->got_n = n;
    f->got_cut = cut;
    snprintf(f->got_name, sizeof f->got_name, "%s", name);
    f->sum = 0;
    for (size_t i = 0; i < n; i++)
        f->sum = f->sum * 31 + p[i];
    snprintf(out->verdict, sizeof out->verdict, "%s", n > 0 && p[n - 1] == 'M' ? "malicious" : "clean");
    out->n_reasons = 1;
    snprintf(out->reasons[0], sizeof out->reasons[0], "%s", cut ? "incomplete" : "pdf-javascript");
}

static void fake_init(struct fake_inspector *f, uint64_t max_bytes)
{
    memset(f, 0, sizeof *f);
    f->seam = (struct file_inspector){.ctx = f, .wants = fake_wants, .inspect = fake_inspect, .max_bytes = max_bytes};
}

static void test_inspect_whole_file(void **state)
{
    struct fake_inspector fi;
    fake_init(&fi, 1 << 20);
    struct file_config cfg = {.inspector = &fi.seam};
    struct harness h;
    harness_init(&h, &cfg);
    uint8_t *doc = malloc(10000);
    assert_non_null(doc);
    memcpy(doc, "%PDF-1.7\n", 9);
    for (size_t i = 9; i < 10000; i++)
        doc[i] = (uint8_t)('a' + i % 26);
    doc[9999] = 'M';
    uint64_t want = 0;
    for (size_t i = 0; i < 10000; i++)
        want = want * 31 + doc[i];
    struct file_analysis *fa = file_begin(h.fc, &h.conn, "HTTP", false, NULL, 0, 10000, 1);
    file_set_eve_filename(fa, "/a.pdf", 6);
    for (size_t off = 0; off < 10000; off += 3000) /* chunks across the 4 KiB head */
        file_data(fa, doc + off, off + 3000 <= 10000 ? 3000 : 10000 - off, 1);
    file_end(fa, &h.env, NULL, NULL);
    const struct seen_file *s = &h.cap->files[0];
    assert_int_equal(fi.wants_calls, 1);
    assert_int_equal(fi.got_head_n, FILES_MAGIC_BYTES);
    assert_int_equal(fi.inspect_calls, 1);
    assert_int_equal(fi.got_n, 10000);
    assert_false(fi.got_cut);
    assert_true(fi.sum == want);
    assert_string_equal(fi.got_name, "/a.pdf");
    assert_true(fi.got_from_url);
    assert_true(s->info.inspecting);
    assert_true(s->has_verdict);
    assert_string_equal(s->verdict.verdict, "malicious");
    struct file_stats st;
    file_ctx_stats(h.fc, &st);
    assert_int_equal(st.inspected, 1);
    free(doc);
    harness_free(&h);
}

static void test_inspect_choice(void **state)
{
    struct fake_inspector fi;
    fake_init(&fi, 1 << 20);
    struct file_config cfg = {.inspector = &fi.seam};
    struct harness h;
    harness_init(&h, &cfg);
    /* not wanted by its head: hashed and logged, not inspected */
    struct file_analysis *fa = file_begin(h.fc, &h.conn, "HTTP", false, NULL, 0, 0, 1);
    file_data(fa, (const uint8_t *)"GIF89a....", 10, 1);
    file_end(fa, &h.env, NULL, NULL);
    /* a short file (less than the head) wanted by its name */
    fa = file_begin(h.fc, &h.conn, "SMTP", true, "x.hta", 5, 0, 2);
    file_data(fa, (const uint8_t *)"<html>M", 7, 2);
    file_end(fa, &h.env, NULL, NULL);
    assert_int_equal(h.cap->n_files, 2);
    assert_true(h.cap->files[0].info.inspecting);
    assert_false(h.cap->files[0].has_verdict);
    assert_true(h.cap->files[1].has_verdict);
    assert_int_equal(fi.got_n, 7);
    assert_false(fi.got_from_url);
    assert_string_equal(h.cap->files[1].verdict.verdict, "malicious");
    assert_int_equal(fi.wants_calls, 2);
    assert_int_equal(fi.inspect_calls, 1);
    harness_free(&h);
    /* without an inspector, files.log has no verdict columns */
    harness_init(&h, NULL);
    fa = file_begin(h.fc, &h.conn, "HTTP", false, NULL, 0, 0, 1);
    file_data(fa, (const uint8_t *)"%PDF-1.7", 8, 1);
    file_end(fa, &h.env, NULL, NULL);
    assert_false(h.cap->files[0].info.inspecting);
    assert_false(h.cap->files[0].has_verdict);
    harness_free(&h);
}

/* A 1 GiB download: memory stays at the inspector's cap, the file is
 * inspected on its start and said to be cut. */
static void test_inspect_one_gib_bounded(void **state)
{
    struct fake_inspector fi;
    fake_init(&fi, 1 << 20);
    struct file_config cfg = {.inspector = &fi.seam};
    struct harness h;
    harness_init(&h, &cfg);
    size_t chunk = 1 << 20;
    uint8_t *buf = calloc(1, chunk);
    assert_non_null(buf);
    memcpy(buf, "%PDF-1.7", 8);
    struct file_analysis *fa = file_begin(h.fc, &h.conn, "SMTP", true, "big.pdf", 7, 0, 1);
    file_data(fa, buf, chunk, 1);
    memset(buf, 'x', 8);
    for (int i = 1; i < 1024; i++)
        file_data(fa, buf, chunk, 1);
    file_end(fa, &h.env, NULL, NULL);
    assert_int_equal(h.cap->files[0].info.seen_bytes, (uint64_t)1 << 30);
    assert_int_equal(fi.got_n, 1 << 20);
    assert_true(fi.got_cut);
    assert_string_equal(h.cap->files[0].verdict.reasons[0], "incomplete");
    struct file_stats st;
    file_ctx_stats(h.fc, &st);
    assert_int_equal(st.inspect_cut, 1);
    free(buf);
    harness_free(&h);
}

/* A hole: what came before it is inspected, and said to be cut. */
static void test_inspect_gap(void **state)
{
    struct fake_inspector fi;
    fake_init(&fi, 1 << 20);
    struct file_config cfg = {.inspector = &fi.seam, .message_max_bytes = 12345};
    struct harness h;
    harness_init(&h, &cfg);
    assert_int_equal(file_message_cap(h.fc), 12345);
    assert_int_equal(file_message_cap(NULL), 0);
    struct file_analysis *fa = file_begin(h.fc, &h.conn, "HTTP", false, NULL, 0, 0, 1);
    file_data(fa, (const uint8_t *)"%PDF-1.7 abc", 12, 1);
    file_gap(fa, 1000);
    file_data(fa, (const uint8_t *)"later", 5, 1);
    file_end(fa, &h.env, NULL, NULL);
    assert_int_equal(fi.inspect_calls, 1);
    assert_int_equal(fi.got_n, 12);
    assert_true(fi.got_cut);
    harness_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hashes_and_mime),
        cmocka_unit_test(test_byte_by_byte_same_hashes),
        cmocka_unit_test(test_fuids_deterministic),
        cmocka_unit_test(test_gap_drops_hashes),
        cmocka_unit_test(test_range_parts_joined),
        cmocka_unit_test(test_range_parts_sequential),
        cmocka_unit_test(test_empty_and_null),
        TMPDIR_TEST(test_extract),
        TMPDIR_TEST(test_extract_caps),
        TMPDIR_TEST(test_extract_never_follows_links),
        TMPDIR_TEST(test_extract_dir_errors),
        cmocka_unit_test(test_http_response_file),
        cmocka_unit_test(test_http_eve_name_from_uri),
        cmocka_unit_test(test_http_filename_forms),
        cmocka_unit_test(test_http_decoded_bodies),
        cmocka_unit_test(test_http_gap_and_truncation),
        cmocka_unit_test(test_http_body_limit_with_gaps),
        cmocka_unit_test(test_http_body_limit_whole_bodies),
        cmocka_unit_test(test_http_body_limit_huge_hole),
        TMPDIR_TEST(test_http_body_limit_configured),
        cmocka_unit_test(test_http_empty_and_multipart),
        cmocka_unit_test(test_http_many_files),
        cmocka_unit_test(test_http_gzip_bomb),
        cmocka_unit_test(test_sniff_common_types),
        cmocka_unit_test(test_inspect_whole_file),
        cmocka_unit_test(test_inspect_choice),
        cmocka_unit_test(test_inspect_one_gib_bounded),
        cmocka_unit_test(test_inspect_gap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
