/* hunt/logread: Zeek TSV and JSON, Suricata EVE, gzip, directory walks,
 * filters, and damaged input (bad lines, truncated and corrupt gzip, lines
 * over the cap). Each test works in its own temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "hunt/logread.h"
#include "unit/tmpdir_harness.h"
#include "unit/deflate_harness.h"

#define TSV_HEADER(path)                                                        \
    "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"              \
    "#unset_field\t-\n#path\t" path "\n#open\t2024-01-01-00-00-00\n"

/* ---- helpers ---- */

/* Writes text as gzip through zlib's gzopen; mode "wb" or "ab" (a second
 * member). */
static void write_gz(const char *dir, const char *rel, const char *text, const char *mode)
{
    char path[1024];
    tmpdir_make_parents(dir, rel);
    tmpdir_path(dir, rel, path, sizeof path);
    gzFile g = gzopen(path, mode);
    assert_non_null(g);
    size_t len = strlen(text);
    assert_int_equal(gzwrite(g, text, (unsigned)len), (int)len);
    assert_int_equal(gzclose(g), Z_OK);
}

static long file_size(const char *dir, const char *rel)
{
    char path[1024];
    struct stat st;
    tmpdir_path(dir, rel, path, sizeof path);
    assert_int_equal(stat(path, &st), 0);
    return (long)st.st_size;
}

/* The n files or directories rels[] of dir opened as one reader. */
static struct logread *open_rels(const char *dir, const char *const *rels, size_t n)
{
    char path[4][1024];
    const char *paths[4];
    char err[256] = "";
    assert_true(n <= 4);
    for (size_t i = 0; i < n; i++) {
        tmpdir_path(dir, rels[i], path[i], sizeof path[i]);
        paths[i] = path[i];
    }
    struct logread *r = logread_open(paths, n, err, sizeof err);
    if (r == NULL)
        fail_msg("logread_open(%s...): %s", n ? paths[0] : "", err);
    return r;
}

static struct logread *open_rel(const char *dir, const char *rel)
{
    return open_rels(dir, &rel, 1);
}

static void next_row(struct logread *r, struct log_row *row)
{
    char err[256] = "";
    int rc = logread_next(r, row, err, sizeof err);
    if (rc != 1)
        fail_msg("expected a row, got %d (%s)", rc, err);
}

static void expect_end(struct logread *r)
{
    struct log_row row;
    char err[256] = "";
    assert_int_equal(logread_next(r, &row, err, sizeof err), 0);
}

static struct logread_stats stats_of(const struct logread *r)
{
    struct logread_stats st;
    logread_get_stats(r, &st);
    return st;
}

#define ANY (-1)

/* r's counts of files, rows, bad lines and bad files (ANY: not checked). */
static void expect_stats(const struct logread *r, int64_t files, int64_t rows, int64_t bad_lines, int64_t bad_files)
{
    struct logread_stats st = stats_of(r);
    const int64_t want[] = {files, rows, bad_lines, bad_files};
    const uint64_t got[] = {st.files, st.rows, st.bad_lines, st.bad_files};
    static const char *const names[] = {"files", "rows", "bad_lines", "bad_files"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (want[i] != ANY && got[i] != (uint64_t)want[i])
            fail_msg("%s: %llu, expected %lld", names[i], (unsigned long long)got[i], (long long)want[i]);
}

/* The file rel of dir written with text, then opened. */
static struct logread *open_text(const char *dir, const char *rel, const char *text)
{
    tmpdir_write_text(dir, rel, text);
    return open_rel(dir, rel);
}

/* No row left, none refused on the way; closes r. */
static void expect_clean_end(struct logread *r)
{
    expect_end(r);
    assert_int_equal(stats_of(r).bad_lines, 0);
    logread_close(r);
}

/* log_row_get's value compared as bytes; want == NULL: absent or unset. */
static void expect_get(const struct log_row *row, const char *name, const char *want)
{
    struct log_value v = {"junk", 4};
    bool ok = log_row_get(row, name, &v);
    if (want == NULL) {
        if (ok)
            fail_msg("%s: expected absent, got '%.*s'", name, (int)v.len, v.val);
        assert_null(v.val);
        return;
    }
    if (!ok)
        fail_msg("%s: expected '%s', got nothing", name, want);
    if (v.len != strlen(want) || memcmp(v.val, want, v.len) != 0)
        fail_msg("%s: expected '%s', got '%.*s'", name, want, (int)v.len, v.val);
}

struct joined {
    char text[4096];
    size_t len;
    size_t count;
};

static void join_value(void *ctx, const char *val, size_t len)
{
    struct joined *j = ctx;
    assert_true(len > 0);
    if (j->count > 0 && j->len + 1 < sizeof j->text)
        j->text[j->len++] = '|';
    if (len > sizeof j->text - j->len - 1)
        len = sizeof j->text - j->len - 1;
    memcpy(j->text + j->len, val, len);
    j->len += len;
    j->text[j->len] = '\0';
    j->count++;
}

/* log_row_each's elements joined with '|'. */
static void expect_each(const struct log_row *row, const char *name, const char *want, size_t count)
{
    struct joined j;
    memset(&j, 0, sizeof j);
    log_row_each(row, name, join_value, &j);
    if (j.count != count || strcmp(j.text, want) != 0)
        fail_msg("%s: expected %zu '%s', got %zu '%s'", name, count, want, j.count, j.text);
}

static void expect_ts(const struct log_row *row, double want)
{
    if (fabs(row->ts - want) > 1e-6)
        fail_msg("ts: expected %.6f, got %.6f", want, row->ts);
}

/* A field a row must hold (value NULL: absent or unset), in a FIELDS list. */
struct field {
    const char *name, *value;
};

#define FIELDS(...) ((const struct field[]){__VA_ARGS__, {NULL, NULL}})
#define NO_TS NAN

/* The next row of r: its log path (NULL: not checked), its ts (NO_TS: not
 * checked) and fields (NULL-ended, or NULL), each as expect_get compares it. */
static void expect_row(struct logread *r, struct log_row *row, const char *path, double ts,
                       const struct field *fields)
{
    next_row(r, row);
    if (path != NULL)
        assert_string_equal(row->path, path);
    if (!isnan(ts))
        expect_ts(row, ts);
    for (; fields != NULL && fields->name != NULL; fields++)
        expect_get(row, fields->name, fields->value);
}

/* ---- Zeek TSV ---- */

static void test_tsv_sets_escapes_unset_empty(void **state)
{
    const char *dir = *state;
    struct logread *r = open_text(dir, "dns.log",
               TSV_HEADER("dns")
               "#fields\tts\tuid\tquery\tanswers\tTTLs\trejected\tnote\ttags\n"
               "#types\ttime\tstring\tstring\tvector[string]\tvector[interval]\tbool\tstring\tset[string]\n"
               "1704103200.123456\tCAbc\twww.example.com\t1.2.3.4,a\\x2cb,-,(empty),x\\\\y\t60.0,30.0\tF\ttab\\x09here\tz\n"
               "1704103201\tCDef\t-\t(empty)\t-\tT\t(empty)\t-\n"
               "#close\t2024-01-01-01-00-00\n");
    struct log_row row;

    expect_row(r, &row, "dns", 1704103200.123456, FIELDS({"uid", "CAbc"}, {"query", "www.example.com"}));
    assert_int_equal(row.source, LOG_ZEEK_TSV);
    assert_int_equal(row.line, 9);
    assert_non_null(strstr(row.file, "/dns.log"));
    /* get is raw, each splits and unescapes, skipping unset/empty elements */
    expect_get(&row, "answers", "1.2.3.4,a\\x2cb,-,(empty),x\\\\y");
    expect_each(&row, "answers", "1.2.3.4|a,b|x\\y", 3);
    expect_each(&row, "TTLs", "60.0|30.0", 2);
    expect_get(&row, "note", "tab\\x09here");
    expect_each(&row, "note", "tab\there", 1);
    expect_each(&row, "query", "www.example.com", 1);
    expect_get(&row, "no_such_field", NULL);
    expect_each(&row, "no_such_field", "", 0);

    expect_row(r, &row, NULL, 1704103201.0, FIELDS({"query", NULL}));
    assert_int_equal(row.line, 10);
    expect_each(&row, "query", "", 0);
    expect_get(&row, "answers", "");    /* (empty): present, no elements */
    expect_each(&row, "answers", "", 0);
    expect_get(&row, "TTLs", NULL);
    expect_get(&row, "note", "");
    expect_each(&row, "note", "", 0);
    expect_get(&row, "tags", NULL);
    expect_get(&row, "rejected", "T");

    expect_end(r);
    expect_stats(r, 1, 2, 0, 0);
    assert_null(logread_warning(r));
    logread_close(r);
}

static void test_tsv_header_blocks(void **state)
{
    const char *dir = *state;
    /* two logs concatenated, the second with other separators and markers;
     * a Zeek baseline's comment line before the first */
    struct logread *r = open_text(dir, "mixed.log",
               "### BTest baseline data\n"
               TSV_HEADER("conn")
               "#fields\tts\tuid\tid.orig_h\n"
               "#types\ttime\tstring\taddr\n"
               "1.5\tC1\t10.0.0.1\n"
               "#close\tx\n"
               "#separator \\x7c\n"
               "#set_separator|;\n"
               "#empty_field|EMPTY\n"
               "#unset_field|NONE\n"
               "#path|dns\n"
               "#fields|ts|query|answers\n"
               "#types|time|string|set[string]\n"
               "2.25|a.example|x;y;NONE;EMPTY\n"
               "3|NONE|EMPTY\n");
    struct log_row row;
    expect_row(r, &row, "conn", 1.5, FIELDS({"id.orig_h", "10.0.0.1"}, {"query", NULL}));
    expect_row(r, &row, "dns", 2.25, FIELDS({"id.orig_h", NULL}, {"query", "a.example"}));
    expect_each(&row, "answers", "x|y", 2);
    expect_row(r, &row, NULL, NO_TS, FIELDS({"query", NULL}));
    expect_get(&row, "answers", "");
    expect_clean_end(r);
}

static void test_tsv_without_types(void **state)
{
    const char *dir = *state;
    /* no #types: nothing is known to be a set, so each yields the whole
     * (unescaped) column; no #path: the file's stem names the log */
    struct logread *r = open_text(dir, "weird_20240101.log",
               "#separator \\x09\n"
               "#fields\tts\tname\taddl\n"
               "5\tbad_thing\ta,b\\x2cc\n");
    struct log_row row;
    expect_row(r, &row, "weird", 5, NULL);
    expect_each(&row, "addl", "a,b,c", 1);
    expect_end(r);
    logread_close(r);
}

static void test_tsv_bad_rows(void **state)
{
    const char *dir = *state;
    struct logread *r = open_text(dir, "conn.log",
               "orphan row before any header\n"
               TSV_HEADER("conn")
               "#fields\tts\tuid\tid.orig_h\n"
               "1\tC1\t10.0.0.1\n"
               "2\tC2\n"                      /* too few columns */
               "3\tC3\t10.0.0.3\textra\n"     /* too many */
               "\t\t\n"                       /* right count, all empty */
               "4\tC4\t10.0.0.4\n");
    struct log_row row;
    expect_row(r, &row, NULL, NO_TS, FIELDS({"uid", "C1"}));
    expect_row(r, &row, NULL, NO_TS, FIELDS({"uid", ""}));
    expect_ts(&row, 0);
    expect_row(r, &row, NULL, NO_TS, FIELDS({"uid", "C4"}));
    assert_int_equal(row.line, 13);
    expect_end(r);
    expect_stats(r, ANY, 3, 3, ANY);
    logread_close(r);
}

static void test_tsv_broken_headers(void **state)
{
    const char *dir = *state;
    /* an empty field name and a multi-byte separator make their blocks'
     * rows bad; the next good header recovers */
    struct logread *r = open_text(dir, "conn.log",
               "#separator \\x09\n#fields\tts\t\tuid\n1\t2\t3\n"
               "#separator ab\n#fields\tts\n1\n"
               "#separator \\x09\n#fields\tts\tuid\n7\tC7\n");
    struct log_row row;
    expect_row(r, &row, NULL, NO_TS, FIELDS({"uid", "C7"}));
    expect_end(r);
    assert_int_equal(stats_of(r).bad_lines, 2);
    logread_close(r);
}

static void count_and_nest(void *ctx, const char *val, size_t len);

struct nest_ctx {
    const struct log_row *row;
    struct joined inner;
    size_t outer;
};

static void count_and_nest(void *ctx, const char *val, size_t len)
{
    struct nest_ctx *n = ctx;
    n->outer++;
    log_row_each(n->row, "b", join_value, &n->inner);
    assert_true(len > 0);
    assert_true(val[0] == 'x' || val[0] == ',');
}

static void test_tsv_nested_each(void **state)
{
    const char *dir = *state;
    struct logread *r = open_text(dir, "t.log",
               "#separator \\x09\n#fields\ta\tb\n#types\tset[string]\tset[string]\n"
               "x\\x2c1,x2\tp\\x2cq,r\n");
    struct log_row row;
    next_row(r, &row);
    struct nest_ctx n = {.row = &row};
    log_row_each(&row, "a", count_and_nest, &n);
    assert_int_equal(n.outer, 2);
    assert_string_equal(n.inner.text, "p,q|r|p,q|r");
    expect_each(&row, "a", "x,1|x2", 2);
    logread_close(r);
}

static void test_crlf_and_bom(void **state)
{
    const char *dir = *state;
    struct logread *r = open_text(dir, "conn.log",
               "\xEF\xBB\xBF#separator \\x09\r\n#path\tconn\r\n#fields\tts\tuid\tservice\r\n"
               "#types\ttime\tstring\tset[string]\r\n1\tC1\tdns,http\r\n\r\n");
    tmpdir_write_text(dir, "http.json", "{\"ts\":2,\"host\":\"h\"}\r\n{\"ts\":3}\r\n");
    struct log_row row;
    next_row(r, &row);
    expect_each(&row, "service", "dns|http", 2);
    expect_get(&row, "service", "dns,http");
    expect_clean_end(r);

    r = open_rel(dir, "http.json");
    expect_row(r, &row, "http", NO_TS, FIELDS({"host", "h"}));
    next_row(r, &row);
    expect_ts(&row, 3);
    expect_clean_end(r);
}

/* ---- Zeek JSON ---- */

static void test_zeek_json(void **state)
{
    const char *dir = *state;
    struct logread *r = open_text(dir, "current/dns.04:00:00-05:00:00.log",
               "{\"ts\":1704103200.5,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\",\"id.orig_p\":5353,"
               "\"query\":\"example.com\",\"answers\":[\"1.2.3.4\",\"x\"],\"TTLs\":[60.0,30.0],"
               "\"rejected\":false,\"empty\":[],\"blank\":\"\"}\n"
               "{\"_path\":\"http\",\"ts\":\"2024-01-01T10:00:00.250000Z\",\"uid\":\"C2\",\"host\":\"a\\\"b\"}\n"
               "  { \"ts\" : null , \"uid\" : \"C3\" , \"n\" : -1.5e3 }  \n");
    struct log_row row;
    expect_row(r, &row, "dns", 1704103200.5,
               FIELDS({"id.orig_h", "10.0.0.1"},
                      {"id.orig_p", "5353"},
                      {"answers", "1.2.3.4"}));
    assert_int_equal(row.source, LOG_ZEEK_JSON);
    expect_each(&row, "answers", "1.2.3.4|x", 2);
    expect_each(&row, "TTLs", "60.0|30.0", 2);
    expect_get(&row, "rejected", "false");
    expect_get(&row, "empty", NULL);
    expect_get(&row, "blank", "");
    expect_each(&row, "blank", "", 0);
    expect_get(&row, "id", NULL);
    expect_get(&row, "orig_h", NULL);

    expect_row(r, &row, "http", 1704103200.25, FIELDS({"host", "a\"b"}));

    expect_row(r, &row, "dns", 0, FIELDS({"ts", NULL}, {"uid", "C3"}, {"n", "-1.5e3"}));
    expect_clean_end(r);
}

/* ---- Suricata EVE ---- */

static void test_eve_fields(void **state)
{
    const char *dir = *state;
    struct logread *r = open_text(dir, "eve.json",
               "{\"timestamp\":\"2024-01-01T10:00:00.123456+0000\",\"flow_id\":1,\"event_type\":\"dns\","
               "\"src_ip\":\"10.0.0.1\",\"src_port\":5353,\"dest_ip\":\"8.8.8.8\",\"dest_port\":53,"
               "\"dns\":{\"version\":3,\"type\":\"response\",\"queries\":[{\"rrname\":\"example.com\","
               "\"rrtype\":\"A\"}],\"answers\":[{\"rrname\":\"example.com\",\"ttl\":60,\"rdata\":\"1.2.3.4\"},"
               "{\"rrname\":\"example.com\",\"ttl\":61,\"rdata\":\"5.6.7.8\"}],\"grouped\":{\"A\":[\"1.2.3.4\"]}}}\n"
               "{\"timestamp\":\"2024-01-01T11:00:00.5+01:00\",\"event_type\":\"tls\",\"tls\":{\"sni\":"
               "\"caf\\u00e9.example\",\"ja3\":{\"hash\":\"abc\",\"string\":\"771,4865\"},"
               "\"fingerprint\":\"aa:bb\"}}\n"
               "{\"timestamp\":\"2024-01-01T10:00:00Z\",\"event_type\":\"smtp\",\"email\":{\"from\":\"<a@b>\","
               "\"to\":[\"<c@d>\",\"\",\"<e@f>\"],\"subject\":\"\\ud83d\\ude00 hi \\ud800x\\/\\\\\\n\\t\\u0041\"}}\n"
               "{\"timestamp\":\"2024-01-01T09:00:00.000001-0130\",\"event_type\":\"http\",\"http\":{\"hostname\":"
               "\"www.example.com\",\"url\":\"\\/index.html?a=1\",\"http_user_agent\":\"curl\\/8.0\"}}\n"
               "{\"timestamp\":\"2024-01-01T10:00:00\",\"event_type\":\"fileinfo\",\"fileinfo\":{\"sha256\":\"ff00\"},"
               "\"flow\":{\"bytes_toserver\":100,\"start\":\"2024-01-01T09:59:59.000000+0000\"}}\n");
    struct log_row row;

    expect_row(r, &row, "dns", 1704103200.123456,
               FIELDS({"src_ip", "10.0.0.1"},
                      {"dest_port", "53"},
                      {"dns.type", "response"}));
    assert_int_equal(row.source, LOG_EVE);
    expect_each(&row, "dns.queries.rrname", "example.com", 1);
    expect_each(&row, "dns.answers.rdata", "1.2.3.4|5.6.7.8", 2);
    expect_get(&row, "dns.answers.ttl", "60");
    expect_each(&row, "dns.grouped.A", "1.2.3.4", 1);
    expect_get(&row, "dns", NULL);
    expect_get(&row, "dns.answers", NULL);
    expect_get(&row, "rrname", NULL);

    expect_row(r, &row, "tls", 1704103200.5,
               FIELDS({"tls.sni", "caf\xc3\xa9.example"},
                      {"tls.ja3.hash", "abc"},
                      {"tls.fingerprint", "aa:bb"}));

    expect_row(r, &row, "smtp", 1704103200, NULL);
    expect_each(&row, "email.to", "<c@d>|<e@f>", 2);
    /* two decoded values held at once: both stay valid */
    struct log_value subject, from;
    assert_true(log_row_get(&row, "email.subject", &subject));
    assert_true(log_row_get(&row, "email.from", &from));
    static const char want_subject[] = "\xF0\x9F\x98\x80 hi \xEF\xBF\xBDx/\\\n\tA";
    assert_int_equal(subject.len, sizeof want_subject - 1);
    assert_memory_equal(subject.val, want_subject, subject.len);
    expect_get(&row, "email.subject", want_subject);
    assert_int_equal(from.len, 5);
    assert_memory_equal(from.val, "<a@b>", 5);

    next_row(r, &row);
    assert_string_equal(row.path, "http");
    expect_ts(&row, 1704103200 + 1800 + 0.000001);   /* 09:00 at -01:30 */
    expect_get(&row, "http.hostname", "www.example.com");
    expect_get(&row, "http.url", "/index.html?a=1");
    expect_get(&row, "http.http_user_agent", "curl/8.0");

    expect_row(r, &row, "fileinfo", 1704103200,
               FIELDS({"fileinfo.sha256", "ff00"},
                      {"flow.bytes_toserver", "100"},
                      {"flow.start", "2024-01-01T09:59:59.000000+0000"}));
    expect_clean_end(r);
}

/* A line of `levels` nested arrays inside the top-level object. */
static char *nested_line(size_t levels)
{
    size_t cap = 64 + 2 * levels;
    char *s = malloc(cap);
    assert_non_null(s);
    size_t n = (size_t)snprintf(s, cap, "{\"event_type\":\"x\",\"a\":");
    for (size_t i = 0; i < levels; i++)
        s[n++] = '[';
    s[n++] = '1';
    for (size_t i = 0; i < levels; i++)
        s[n++] = ']';
    s[n++] = '}';
    s[n++] = '\n';
    s[n] = '\0';
    return s;
}

static void test_eve_malformed(void **state)
{
    const char *dir = *state;
    static const char *const bad[] = {
        "{\"a\":1",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{\"a\":tru}",
        "{\"a\":\"\\x\"}",
        "{\"a\":\"\\u12G4\"}",
        "{\"a\":01}",
        "{\"a\":1} x",
        "[1,2]",
        "{\"a\":\"ctl\x01\"}",
        "{\"a\":-}",
        "{\"a\":1.}",
        "{\"a\":1e}",
        "{\"a\":[1,]}",
        "{\"a\":{\"b\":1]}",
        "{,}",
        "{\"a\":\"unterminated}",
        "{\"a\":\"\\",
        "{\"a\":\"\\u12\"}",
        "not json at all",
        "{\"a\":1}}",
    };
    size_t nbad = sizeof bad / sizeof bad[0];
    char *deep_ok = nested_line(31);     /* 32 levels with the outer object */
    char *deep_bad = nested_line(32);
    size_t cap = 8192;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t n = 0;
    for (size_t i = 0; i < nbad; i++)
        n += (size_t)snprintf(text + n, cap - n, "%s\n", bad[i]);
    n += (size_t)snprintf(text + n, cap - n, "%s%s{\"event_type\":\"alert\",\"alert\":{\"signature_id\":1}}\n",
                          deep_ok, deep_bad);
    assert_true(n < cap);
    struct logread *r = open_text(dir, "eve.json", text);
    free(text);
    free(deep_ok);
    free(deep_bad);
    struct log_row row;
    next_row(r, &row);
    assert_string_equal(row.path, "x");
    assert_int_equal(row.line, nbad + 1);
    expect_each(&row, "a", "1", 1);
    expect_row(r, &row, "alert", 0, FIELDS({"alert.signature_id", "1"}));
    assert_int_equal(row.line, nbad + 3);
    expect_end(r);
    expect_stats(r, ANY, 2, nbad + 1, ANY);
    logread_close(r);
}

static void test_eve_odd_names(void **state)
{
    const char *dir = *state;
    /* escaped member names, a name spelled flat and nested, nulls in arrays,
     * an event_type that is not a plain string */
    struct logread *r = open_text(dir, "eve.json",
               "{\"event_type\":\"dns\",\"d\\u006es\":{\"rrname\":\"a\"},\"dns.rrname\":\"b\","
               "\"list\":[null,\"x\",[\"y\",{\"z\":\"w\"}]],\"list.z\":\"v\"}\n"
               "{\"event_\\u0074ype\":\"flow\",\"flow\":{}}\n");
    struct log_row row;
    next_row(r, &row);
    expect_each(&row, "dns.rrname", "a|b", 2);
    expect_get(&row, "dns.rrname", "a");
    expect_each(&row, "list", "x|y", 2);
    expect_each(&row, "list.z", "w|v", 2);
    next_row(r, &row);
    assert_int_equal(row.source, LOG_EVE);
    assert_string_equal(row.path, "flow");
    expect_end(r);
    logread_close(r);
}

/* ---- gzip ---- */

static void test_gzip_files(void **state)
{
    const char *dir = *state;
    /* gzip found by its magic whatever the name; several members read on */
    write_gz(dir, "conn.log", TSV_HEADER("conn") "#fields\tts\tuid\n1\tC1\n", "wb");
    write_gz(dir, "conn.log", "2\tC2\n", "ab");
    tmpdir_write_text(dir, "plain.log.gz", "{\"ts\":3,\"uid\":\"C3\"}\n");
    static const char *const rels[] = {"conn.log", "plain.log.gz"};
    struct logread *r = open_rels(dir, rels, 2);
    struct log_row row;
    expect_row(r, &row, NULL, NO_TS, FIELDS({"uid", "C1"}));
    expect_row(r, &row, NULL, NO_TS, FIELDS({"uid", "C2"}));
    assert_int_equal(row.line, 9);
    expect_row(r, &row, "plain", NO_TS, FIELDS({"uid", "C3"}));
    expect_end(r);
    expect_stats(r, 2, 3, ANY, 0);
    assert_null(logread_warning(r));
    logread_close(r);
}

static void test_gzip_truncated(void **state)
{
    const char *dir = *state;
    size_t cap = 1 << 20;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t n = 0;
    unsigned seed = 7;
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245 + 12345;
        n += (size_t)snprintf(text + n, cap - n, "{\"ts\":%d,\"uid\":\"C%u\"}\n", i, seed);
    }
    write_gz(dir, "conn.log.gz", text, "wb");
    free(text);
    long size = file_size(dir, "conn.log.gz");
    char path[1024];
    tmpdir_path(dir, "conn.log.gz", path, sizeof path);
    assert_int_equal(truncate(path, size / 2), 0);

    struct logread *r = open_rel(dir, "conn.log.gz");
    struct log_row row;
    char err[256];
    uint64_t rows = 0;
    double last = -1;
    while (logread_next(r, &row, err, sizeof err) == 1) {
        assert_true(row.ts == last + 1);
        last = row.ts;
        rows++;
    }
    assert_true(rows > 1000 && rows < 20000);
    const char *w = logread_warning(r);
    assert_non_null(w);
    assert_non_null(strstr(w, "truncated"));
    assert_non_null(strstr(w, "conn.log.gz"));
    assert_null(logread_warning(r));    /* once */
    struct logread_stats st = stats_of(r);
    expect_stats(r, ANY, rows, ANY, 0);
    assert_true(st.bad_lines <= 1);     /* the cut line, unless cut at a newline */
    logread_close(r);
}

static void test_gzip_corrupt(void **state)
{
    const char *dir = *state;
    /* a gzip header followed by a deflate block of the reserved type */
    static const uint8_t bad_block[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x07, 0, 0, 0, 0};
    tmpdir_write(dir, "a.log", bad_block, sizeof bad_block);
    /* a whole stream whose CRC does not match: rows come, then the error */
    write_gz(dir, "b.log", "{\"ts\":1}\n{\"ts\":2}\n", "wb");
    char path[1024];
    tmpdir_path(dir, "b.log", path, sizeof path);
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, -8, SEEK_END), 0);
    int c = fgetc(f);
    assert_int_equal(fseek(f, -8, SEEK_END), 0);
    fputc(c ^ 0xff, f);
    assert_int_equal(fclose(f), 0);
    /* just the magic */
    tmpdir_write(dir, "c.log", "\x1f\x8b", 2);

    struct logread *r = open_rel(dir, ".");
    struct log_row row;
    expect_row(r, &row, "b", 1, NULL);
    next_row(r, &row);
    expect_ts(&row, 2);
    expect_end(r);
    expect_stats(r, 3, 2, ANY, 2);
    /* one warning per damaged file, oldest first */
    const char *w = logread_warning(r);
    assert_non_null(w);
    assert_non_null(strstr(w, "a.log: corrupt gzip data"));
    w = logread_warning(r);
    assert_non_null(w);
    assert_non_null(strstr(w, "b.log: corrupt gzip data"));
    w = logread_warning(r);
    assert_non_null(w);
    assert_non_null(strstr(w, "c.log: gzip data truncated"));
    assert_null(logread_warning(r));
    logread_close(r);
}

static void test_warning_queue(void **state)
{
    const char *dir = *state;
    static const uint8_t bad_block[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x07};
    for (int i = 0; i < 20; i++) {
        char name[32];
        snprintf(name, sizeof name, "bad%02d.log", i);
        tmpdir_write(dir, name, bad_block, sizeof bad_block);
    }
    struct logread *r = open_rel(dir, ".");
    expect_end(r);
    assert_int_equal(stats_of(r).bad_files, 20);
    for (int i = 0; i < 16; i++) {
        char name[32];
        snprintf(name, sizeof name, "bad%02d.log", i);
        const char *w = logread_warning(r);
        assert_non_null(w);
        assert_non_null(strstr(w, name));
    }
    assert_string_equal(logread_warning(r), "4 more warnings not shown");
    assert_null(logread_warning(r));
    logread_close(r);
}

static void test_memory_input(void **state)
{
    (void)state;
    const char *text = "{\"event_type\":\"dns\",\"dns\":{\"rrname\":\"m\"}}\n{\"ts\":4}";
    char err[256];
    struct logread *r = logread_open_memory((const uint8_t *)text, strlen(text), "x/dns.log", err, sizeof err);
    assert_non_null(r);
    struct log_row row;
    next_row(r, &row);
    assert_string_equal(row.file, "x/dns.log");
    expect_get(&row, "dns.rrname", "m");
    next_row(r, &row);      /* the last line has no newline */
    assert_string_equal(row.path, "dns");
    expect_ts(&row, 4);
    expect_end(r);
    logread_close(r);

    uint8_t gz[512];
    size_t n = deflate_text("#separator \\x09\n#fields\tts\tq\n9\tz\n", 6, DEFLATE_GZIP, gz, sizeof gz);
    r = logread_open_memory(gz, n, "q.log", err, sizeof err);
    assert_non_null(r);
    expect_row(r, &row, NULL, NO_TS, FIELDS({"q", "z"}));
    expect_ts(&row, 9);
    expect_end(r);
    logread_close(r);

    /* the same stream cut short */
    r = logread_open_memory(gz, n - 4, "q.log", err, sizeof err);
    assert_non_null(r);
    expect_row(r, &row, NULL, NO_TS, FIELDS({"q", "z"}));
    expect_end(r);
    assert_non_null(logread_warning(r));
    logread_close(r);
}

/* ---- files and directories ---- */

static void test_directory_tree(void **state)
{
    const char *dir = *state;
    write_gz(dir, "logs/2024-01-02/conn.00:00:00-01:00:00.log.gz", "{\"uid\":\"C3\"}\n", "wb");
    write_gz(dir, "logs/2024-01-01/conn.01:00:00-02:00:00.log.gz", "{\"uid\":\"C2\"}\n", "wb");
    write_gz(dir, "logs/2024-01-01/conn.00:00:00-01:00:00.log.gz", "{\"uid\":\"C1\"}\n", "wb");
    static const struct tmpdir_file files[] = {
        {"logs/2024-01-01/.hidden.log", "{\"uid\":\"hidden\"}\n"},
        {"logs/2024-01-01/notes.txt", "{\"uid\":\"txt\"}\n"},
        {"logs/2024-01-01/conn.log.1", "{\"uid\":\"rotated\"}\n"},
        {"logs/.git/x.log", "{\"uid\":\"git\"}\n"},
        {"logs/Z.jsonl", "{\"uid\":\"Z\"}\n"},
        {"logs/a.ndjson", "{\"uid\":\"a\"}\n"},
        {"logs/b.eve", "{\"uid\":\"b\"}\n"},
        {"logs/current/conn.log", TSV_HEADER("conn") "#fields\tts\tuid\n1\tC4\n"},
    };
    TMPDIR_WRITE_FILES(dir, files);
    char link[1024], target[1024];
    tmpdir_path(dir, "logs/current/loop", link, sizeof link);
    tmpdir_path(dir, "logs", target, sizeof target);
    assert_int_equal(symlink(target, link), 0);
    tmpdir_write_text(dir, "other/notes.txt", "{\"uid\":\"explicit\"}\n");

    static const char *const rels[] = {"logs", "other/notes.txt"};
    struct logread *r = open_rels(dir, rels, 2);
    static const char *const want[] = {"C1", "C2", "C3", "Z", "a", "b", "C4", "explicit"};
    static const char *const want_path[] = {"conn", "conn", "conn", "Z", "a", "b", "conn", "notes"};
    struct log_row row;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        expect_row(r, &row, NULL, NO_TS, FIELDS({"uid", want[i]}));
        assert_string_equal(row.path, want_path[i]);
    }
    expect_end(r);
    assert_int_equal(stats_of(r).files, 8);
    logread_close(r);
}

static void test_open_errors(void **state)
{
    const char *dir = *state;
    char missing[1024], empty_dir[1024];
    tmpdir_path(dir, "no/such/file.log", missing, sizeof missing);
    char err[256] = "";
    const char *paths[] = {missing};
    assert_null(logread_open(paths, 1, err, sizeof err));
    assert_non_null(strstr(err, missing));
    assert_non_null(strstr(err, "No such file"));

    tmpdir_path(dir, "empty", empty_dir, sizeof empty_dir);
    assert_int_equal(mkdir(empty_dir, 0700), 0);
    tmpdir_write_text(dir, "empty/readme.txt", "x\n");
    paths[0] = empty_dir;
    err[0] = '\0';
    assert_null(logread_open(paths, 1, err, sizeof err));
    assert_non_null(strstr(err, empty_dir));
    assert_non_null(strstr(err, "no log files"));

    err[0] = '\0';
    assert_null(logread_open(paths, 0, err, sizeof err));
    assert_true(err[0] != '\0');

    /* an empty file is fine and has no rows */
    struct logread *r = open_text(dir, "empty.log", "");
    expect_end(r);
    expect_end(r);
    expect_stats(r, 1, 0, 0, ANY);
    logread_close(r);

    /* a file that disappears between open and read */
    tmpdir_write_text(dir, "gone.log", "{\"ts\":1}\n");
    r = open_rel(dir, "gone.log");
    char gone[1024];
    tmpdir_path(dir, "gone.log", gone, sizeof gone);
    assert_int_equal(unlink(gone), 0);
    expect_end(r);
    assert_int_equal(stats_of(r).bad_files, 1);
    const char *w = logread_warning(r);
    assert_non_null(w);
    assert_non_null(strstr(w, "gone.log"));
    logread_close(r);
}

/* ---- filter ---- */

static void test_filter(void **state)
{
    const char *dir = *state;
    tmpdir_write_text(dir, "a/mixed.log",
               TSV_HEADER("conn") "#fields\tts\tuid\n1\tC1\n2\tC2\n"
               TSV_HEADER("dns") "#fields\tts\tquery\n3\tq3\n"
               TSV_HEADER("conn") "#fields\tts\tuid\n4\tC4\n");
    tmpdir_write_text(dir, "b/eve.json",
               "{\"event_type\":\"flow\",\"n\":1}\n"
               "{\"event_type\":\"dns\",\"n\":2}\n"
               "{\"event_type\": \"flow\",\"n\":3}\n"
               "{\"x\":{\"event_type\":\"flow\"},\"event_type\":\"dns\",\"n\":4}\n"
               "{\"event_type\":\"dn\\u0073\",\"n\":5}\n"
               "{\"event_type\":\"alert\",\"n\":6\n");   /* malformed but filtered out unparsed */
    tmpdir_write_text(dir, "c/conn.log", "{\"uid\":\"J1\"}\n{\"_path\":\"dns\",\"n\":7}\n{broken\n");
    tmpdir_write_text(dir, "c/dns.log", "{\"_path\":\"conn\",\"n\":8}\n{\"n\":9}\n{broken\n");
    struct logread *r = open_rel(dir, ".");
    const char *const only_dns[] = {"dns", NULL};
    logread_filter(r, only_dns);
    struct log_row row;
    expect_row(r, &row, "dns", NO_TS, FIELDS({"query", "q3"}));
    expect_row(r, &row, NULL, NO_TS, FIELDS({"n", "2"}));
    expect_row(r, &row, NULL, NO_TS, FIELDS({"n", "4"}));
    expect_row(r, &row, NULL, NO_TS, FIELDS({"n", "5"}));
    expect_row(r, &row, NULL, NO_TS, FIELDS({"n", "7"}));
    expect_row(r, &row, NULL, NO_TS, FIELDS({"n", "9"}));
    expect_end(r);
    struct logread_stats st = stats_of(r);
    expect_stats(r, ANY, 6, ANY, ANY);
    /* c/conn.log's broken line is skipped unparsed (its stem is not wanted),
     * c/dns.log's is parsed and counted */
    assert_int_equal(st.bad_lines, 1);
    logread_close(r);

    /* an empty list wants nothing; NULL wants everything again */
    r = open_rel(dir, ".");
    const char *const nothing[] = {NULL};
    logread_filter(r, nothing);
    logread_filter(r, NULL);
    logread_filter(r, nothing);
    expect_end(r);
    logread_close(r);
}

/* ---- long lines ---- */

static void test_long_lines(void **state)
{
    const char *dir = *state;
    size_t big = ((size_t)1 << 20) + 10;
    char *text = malloc(2 * big + 256);
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, 64, "{\"ts\":1}\n{\"a\":\"");
    memset(text + n, 'x', big);
    n += big;
    n += (size_t)snprintf(text + n, 64, "\"}\n{\"ts\":3}\n{\"b\":\"");
    /* a long last line without a newline (a row, were it not too long) */
    memset(text + n, 'y', big);
    n += big;
    n += (size_t)snprintf(text + n, 64, "\"}");
    tmpdir_write(dir, "long.log", text, n);
    write_gz(dir, "long.log.gz", text, "wb");   /* stops at the NUL: same text */
    free(text);
    for (int gz = 0; gz < 2; gz++) {
        struct logread *r = open_rel(dir, gz ? "long.log.gz" : "long.log");
        struct log_row row;
        next_row(r, &row);
        expect_ts(&row, 1);
        next_row(r, &row);
        expect_ts(&row, 3);
        assert_int_equal(row.line, 3);
        expect_end(r);
        assert_int_equal(stats_of(r).bad_lines, 2);
        logread_close(r);
    }

    /* a lowered cap: 100 bytes kept, 101 dropped */
    char line100[128], line101[128], buf[512];
    memset(line100, 'a', 100);
    memcpy(line100, "{\"ts\":5,\"p\":\"", 13);
    memcpy(line100 + 98, "\"}", 2);
    line100[100] = '\0';
    memcpy(line101, line100, 100);
    memcpy(line101 + 98, "a\"}", 3);
    line101[101] = '\0';
    snprintf(buf, sizeof buf, "%s\n%s\n%s", line101, line100, line101);
    char err[256];
    struct logread *r = logread_open_memory((const uint8_t *)buf, strlen(buf), "m.log", err, sizeof err);
    assert_non_null(r);
    logread_set_max_line(r, 100);
    struct log_row row;
    next_row(r, &row);
    assert_int_equal(row.line, 2);
    expect_ts(&row, 5);
    expect_end(r);
    assert_int_equal(stats_of(r).bad_lines, 2);
    logread_close(r);
}

/* ---- real Zeek output, when the shared corpus is present ---- */

static void test_zeek_baselines(void **state)
{
    (void)state;
    static const char *const logs[] = {
        "../shared/corpus/zeek/opt.basic/baseline/conn.log",
        "../shared/corpus/zeek/dhcp.dhcp-all-msg-types/baseline/dhcp.log",
        "../shared/corpus/zeek/dns.multiple-txt-strings/baseline/dns.log",
    };
    for (size_t i = 0; i < sizeof logs / sizeof logs[0]; i++) {
        if (access(logs[i], R_OK) != 0)
            continue;
        char err[256];
        const char *paths[] = {logs[i]};
        struct logread *r = logread_open(paths, 1, err, sizeof err);
        assert_non_null(r);
        struct log_row row;
        size_t rows = 0;
        while (logread_next(r, &row, err, sizeof err) == 1) {
            struct log_value v;
            assert_true(log_row_get(&row, "uid", &v) || log_row_get(&row, "uids", &v));
            assert_int_equal(row.source, LOG_ZEEK_TSV);
            rows++;
        }
        assert_true(rows > 0);
        assert_int_equal(stats_of(r).bad_lines, 0);
        logread_close(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TMPDIR_TEST(test_tsv_sets_escapes_unset_empty),
        TMPDIR_TEST(test_tsv_header_blocks),
        TMPDIR_TEST(test_tsv_without_types),
        TMPDIR_TEST(test_tsv_bad_rows),
        TMPDIR_TEST(test_tsv_broken_headers),
        TMPDIR_TEST(test_tsv_nested_each),
        TMPDIR_TEST(test_crlf_and_bom),
        TMPDIR_TEST(test_zeek_json),
        TMPDIR_TEST(test_eve_fields),
        TMPDIR_TEST(test_eve_malformed),
        TMPDIR_TEST(test_eve_odd_names),
        TMPDIR_TEST(test_gzip_files),
        TMPDIR_TEST(test_gzip_truncated),
        TMPDIR_TEST(test_gzip_corrupt),
        TMPDIR_TEST(test_warning_queue),
        cmocka_unit_test(test_memory_input),
        TMPDIR_TEST(test_directory_tree),
        TMPDIR_TEST(test_open_errors),
        TMPDIR_TEST(test_filter),
        TMPDIR_TEST(test_long_lines),
        cmocka_unit_test(test_zeek_baselines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
