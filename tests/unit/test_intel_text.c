/* intel text feeds (CSV, plain lists, Zeek intel files), format detection
 * and intel_load_path over files and directories, including hostile input:
 * unterminated quotes, binary garbage, overlong lines, a 2 GB sparse file. */
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
#include <time.h>
#include <unistd.h>

#include "intel/intel.h"
#include "unit/intel_harness.h"
#include "unit/tmpdir_harness.h"

struct fixture {
    struct intel_store *s;
    struct intel_load_report rep;
    char dir[64];
};

/* cmocka setup/teardown: a fresh store and a directory of its own. */
static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    f->s = intel_store_new();
    if (f->s == NULL)
        return -1;
    char *dir = tmpdir_new("intel");
    snprintf(f->dir, sizeof f->dir, "%s", dir);
    free(dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    int rc = tmpdir_remove(f->dir);
    intel_store_free(f->s);
    free(f);
    return rc;
}

#define FIXTURE_TEST(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

static void load_csv(struct fixture *f, const char *name, const char *text)
{
    intel_load_csv(f->s, name, (const uint8_t *)text, strlen(text), &f->rep);
}

static void load_list(struct fixture *f, const char *name, const char *text)
{
    intel_load_list(f->s, name, (const uint8_t *)text, strlen(text), &f->rep);
}

static void load_zeek(struct fixture *f, const char *name, const char *text)
{
    intel_load_zeek(f->s, name, (const uint8_t *)text, strlen(text), &f->rep);
}

static const struct intel_entry *find(struct fixture *f, enum intel_type t, const char *v)
{
    if (t == INTEL_DOMAIN)
        return intel_lookup_domain(f->s, v, strlen(v));
    return intel_lookup(f->s, t, v, strlen(v));
}

static void assert_example(const struct intel_load_report *rep, unsigned i, const char *want)
{
    if (i >= rep->n_examples)
        fail_msg("no example %u (have %u), wanted: %s", i, rep->n_examples, want);
    assert_string_equal(rep->examples[i], want);
}

/* ---- CSV ---- */

static void test_csv_quoting_and_meta(void **state)
{
    struct fixture *f = *state;
    load_csv(f, "feeds/a.csv",
             "type,value,context,source,tags,threat_level,actor,malware,attack,reference\r\n"
             "domain,Evil.Example,\"phishing, with \"\"quotes\"\"\",Vendor X,\"t1,t2\",high,APT1,Foo,T1566,https://r/1\r\n"
             "ip,\"1[.]2[.]3[.]4\",\"multi\nline\",,,2,,,,\r\n"
             "md5,D41D8CD98F00B204E9800998ECF8427E,,,,,,,,\r\n"
             "url,hxxp://bad[.]example/x?y=1,,,,,,,,\r\n"
             "\r\n"
             "# a comment row\r\n"
             "domain|ip,both.example|5.6.7.8,,,,,,,,\r\n");
    intel_harness_expect_report(&f->rep, "DOMAIN=2 ADDR=2 FILE_HASH=1 URL=1");
    assert_int_equal(f->rep.invalid + f->rep.unsupported + f->rep.errors + f->rep.duplicates, 0);

    const struct intel_entry *e = find(f, INTEL_DOMAIN, "www.evil.example");
    assert_non_null(e);
    assert_string_equal(e->indicator, "evil.example");
    assert_int_equal(e->n_meta, 1);
    const struct intel_meta *m = e->meta[0];
    assert_string_equal(m->desc, "phishing, with \"quotes\"");
    assert_string_equal(m->source, "Vendor X");
    /* unquoted cells lose the blanks around them, quoted ones keep theirs */
    load_csv(f, "sp.csv", "value , type,description\n  spaced.example ,\tdomain , \"  kept \"\n");
    assert_string_equal(find(f, INTEL_DOMAIN, "spaced.example")->meta[0]->desc, "  kept ");
    assert_string_equal(m->tags, "t1,t2");
    assert_int_equal(m->threat_level, 1);
    intel_harness_expect_attribution(m, "APT1", "Foo", "T1566");
    assert_string_equal(m->ref, "https://r/1");

    e = find(f, INTEL_ADDR, "1.2.3.4");
    assert_non_null(e);
    assert_string_equal(e->meta[0]->desc, "multi\nline");
    assert_string_equal(e->meta[0]->source, "a.csv"); /* empty source cell: the file's base name */
    assert_int_equal(e->meta[0]->threat_level, 2);
    assert_null(e->meta[0]->tags);
    intel_harness_expect_found(f->s, "FILE_HASH:d41d8cd98f00b204e9800998ecf8427e URL:http://bad.example/x?y=1 "
                                     "DOMAIN:both.example ADDR:5.6.7.8");
}

static void test_csv_inferred_and_typed_columns(void **state)
{
    struct fixture *f = *state;
    /* no type column: guessed */
    load_csv(f, "ioc.csv", "ioc;description\n10.0.0.0/8;net\nevil.example;dom\nhttp://x.example/;u\nnonsense;n\n");
    intel_harness_expect_load(&f->rep, f->s, &(const struct intel_harness_expect){
        .counts = "SUBNET=1 DOMAIN=1 URL=1 invalid=1",
        .examples = {"ioc.csv:5: not an indicator: nonsense"},
        .ordered = true,
    });
    assert_string_equal(find(f, INTEL_DOMAIN, "evil.example")->meta[0]->desc, "dom");

    /* columns named after types (MISP's CSV export of hashes) */
    memset(&f->rep, 0, sizeof f->rep);
    load_csv(f, "h.csv",
             "md5, sha1, sha256\n"
             "644087ccca16d2a728ef7685a4106f09, eabd6974ac71efd72d9e0688d5a6131f336d169c, "
             "385e31c97e3a07bbb81513f0cd0979e64e6b014943902efd002f57b21eadd41e\n"
             ",,\n");
    /* invalid: the empty row */
    intel_harness_expect_report(&f->rep, "FILE_HASH=3 invalid=1");

    /* one column named after a type plus a type column: the cell decides, the name is the default */
    memset(&f->rep, 0, sizeof f->rep);
    load_csv(f, "t.csv", "hash,type\nd41d8cd98f00b204e9800998ecf8427e,md5\n"
                         "e7d705a3286e19ea42f587b344ee6865,ja3\n"
                         "da39a3ee5e6b4b0d3255bfef95601890afd80709,\n");
    intel_harness_expect_report(&f->rep, "FILE_HASH=2 JA3=1");
    assert_non_null(find(f, INTEL_JA3, "e7d705a3286e19ea42f587b344ee6865"));

    /* tab-separated, the header after comment lines in abuse.ch style */
    memset(&f->rep, 0, sizeof f->rep);
    load_csv(f, "urlhaus.csv",
             "################\n# URLhaus dump #\n# id,dateadded,url,url_status,threat,tags\n"
             "\"1\",\"2024-01-01\",\"http://a.example/p.exe\",\"online\",\"malware_download\",\"exe,Mozi\"\n");
    assert_int_equal(f->rep.added[INTEL_URL], 1);
    assert_string_equal(find(f, INTEL_URL, "a.example/p.exe")->meta[0]->tags, "exe,Mozi");
    assert_int_equal(intel_detect_format("urlhaus.csv", (const uint8_t *)"# id,dateadded,url\n1,2,http://a/\n", 32),
                     INTEL_FORMAT_CSV);
}

static void test_csv_bad_records(void **state)
{
    struct fixture *f = *state;
    load_csv(f, "bad.csv",
             "indicator,type\n"
             "evil.example,ipv4\n"            /* 2: wrong type for the value */
             "a.exe,filename\n"               /* 3: unsupported */
             "good.example,banana\n"          /* 4: unknown type: guessed */
             "what ever,banana\n"             /* 5: unknown and not guessable */
             "\n"
             "x.example\n"                    /* 7: no type cell: guessed */
             "evil.example,domain\n"          /* 8 */
             "EVIL.example.,domain\n"         /* 9: duplicate */
             "bad_domain!|80,domain|ip\n"     /* 10: composite, both parts wrong */
             "nobar.example,domain|ip\n"      /* 11: composite without '|' */
             ",domain\n"                      /* 12: empty value */
             "\"unterminated,domain\n"        /* 13: unterminated quote: the rest of that line dropped */
             "after.example,domain\n");       /* 14: still loaded */
    /* DOMAIN: good, x, evil, after; errors: 13; invalid: 2, 10 x2, 11, 12 */
    intel_harness_expect_load(&f->rep, f->s, &(const struct intel_harness_expect){
        .counts = "DOMAIN=4 duplicates=1 unsupported=2 errors=1 invalid=5",
        .examples = {
            "bad.csv:2: invalid Intel::ADDR: evil.example",
            "bad.csv:3: unsupported type filename: a.exe",
            "bad.csv:5: unknown type, value not recognised: what ever",
            "bad.csv:10: invalid Intel::DOMAIN: bad_domain!",
            "bad.csv:10: invalid Intel::ADDR: 80",
            "bad.csv:11: composite value without '|': nobar.example",
            "bad.csv:12: empty value: ,domain",
            "bad.csv:13: unterminated quoted field: \"unterminated,domain",
        },
        .ordered = true,
    });
    assert_non_null(find(f, INTEL_DOMAIN, "after.example"));
    assert_null(find(f, INTEL_DOMAIN, "unterminated"));
}

static void test_csv_unterminated_and_overlong(void **state)
{
    struct fixture *f = *state;
    load_csv(f, "u.csv", "value,type\nok.example,domain\n\"never closed,domain\nlast.example,domain");
    /* the quote swallows the rest of the file: the record is dropped, later lines are read again */
    assert_int_equal(f->rep.errors, 1);
    assert_example(&f->rep, 0, "u.csv:3: unterminated quoted field: \"never closed,domain");
    intel_harness_expect_found(f->s, "DOMAIN:ok.example DOMAIN:last.example");

    memset(&f->rep, 0, sizeof f->rep);
    size_t big = 70 * 1024;
    char *text = malloc(big + 200);
    assert_non_null(text);
    size_t off = (size_t)snprintf(text, 200, "value,type\nlong");
    memset(text + off, 'a', big);
    off += big;
    off += (size_t)snprintf(text + off, 200, ".example,domain\nshort.example,domain\n");
    intel_load_csv(f->s, "long.csv", (const uint8_t *)text, off, &f->rep);
    intel_harness_expect_report(&f->rep, "errors=1 DOMAIN=1");
    assert_true(strncmp(f->rep.examples[0], "long.csv:2: record longer than 64 KiB: longaaa", 46) == 0);
    assert_int_equal(strlen(f->rep.examples[0]), strlen("long.csv:2: record longer than 64 KiB: ") + 120);

    /* a quoted field that runs on past the limit */
    memset(&f->rep, 0, sizeof f->rep);
    off = (size_t)snprintf(text, 200, "value,type\n\"");
    memset(text + off, 'b', big);
    off += big;
    off += (size_t)snprintf(text + off, 200, "\",domain\nshort2.example,domain\n");
    intel_load_csv(f->s, "long2.csv", (const uint8_t *)text, off, &f->rep);
    assert_int_equal(f->rep.errors, 1);
    assert_non_null(find(f, INTEL_DOMAIN, "short2.example"));
    free(text);
}

static void test_csv_header_only_empty_no_header(void **state)
{
    struct fixture *f = *state;
    load_csv(f, "h.csv", "indicator,type,description\r\n");
    assert_int_equal(intel_store_count(f->s), 0);
    assert_int_equal(f->rep.errors + f->rep.invalid, 0);
    load_csv(f, "e.csv", "");
    assert_int_equal(f->rep.errors, 1);
    assert_example(&f->rep, 0, "e.csv:1: CSV without a header naming an indicator column");
    load_csv(f, "n.csv", "foo,bar\n1,2\n");
    assert_int_equal(f->rep.errors, 2);
    intel_load_csv(f->s, NULL, NULL, 0, &f->rep);
    assert_int_equal(f->rep.errors, 3);
    intel_load_csv(f->s, "x", (const uint8_t *)"value\n", 6, NULL); /* no report: nothing happens */
}

/* ---- plain lists ---- */

static void test_list(void **state)
{
    struct fixture *f = *state;
    load_list(f, "feeds/apt_x.txt",
              "# Copyright\r\n"
              "# Aliases: apt-x, panda\r\n"
              "\r\n"
              "# Reference: https://example.org/report\r\n"
              "evil.example\r\n"
              "  1.2.3.4   # trailing comment\r\n"
              "// another comment\r\n"
              "; and another\r\n"
              "178.128.110.214:8080\r\n"
              "http://141.108.2.157\r\n"
              "hxxps://defanged[.]example/path\r\n"
              "bad[.]example[.]org\r\n"
              "пример.рф\r\n"
              "d41d8cd98f00b204e9800998ecf8427e;Some LOKI comment\r\n"
              "10.0.0.0/8\r\n"
              "bad@evil.example\r\n"
              "not an indicator at all\r\n"
              "/path/only.php\r\n"
              "EVIL.EXAMPLE\r\n"
              "e.g.\r\n"
              "last.example");
    intel_harness_expect_load(&f->rep, f->s, &(const struct intel_harness_expect){
        .counts = "DOMAIN=4 ADDR=2 URL=2 FILE_HASH=1 SUBNET=1 EMAIL=1 duplicates=1 invalid=2 unsupported=1",
        .examples = {
            "feeds/apt_x.txt:17: not an indicator: not an indicator at all",
            "feeds/apt_x.txt:18: URL path without a host: /path/only.php",
            "feeds/apt_x.txt:20: not an indicator: e.g.",
        },
        .ordered = true,
    });

    const struct intel_entry *e = find(f, INTEL_DOMAIN, "a.evil.example");
    assert_non_null(e);
    assert_string_equal(e->meta[0]->source, "apt_x.txt");
    assert_string_equal(e->meta[0]->actor, "apt-x, panda");
    assert_string_equal(e->meta[0]->ref, "https://example.org/report");
    intel_harness_expect_found(f->s, "ADDR:178.128.110.214 URL:141.108.2.157/ URL:https://defanged.example/path "
                                     "DOMAIN:bad.example.org DOMAIN:www.xn--e1afmkfd.xn--p1ai "
                                     "FILE_HASH:D41D8CD98F00B204E9800998ECF8427E ADDR:10.9.9.9 "
                                     "EMAIL:Bad@Evil.Example DOMAIN:last.example");
    assert_null(find(f, INTEL_DOMAIN, "notevil.example"));
}

static void test_list_overlong_and_garbage(void **state)
{
    struct fixture *f = *state;
    size_t big = 65 * 1024 + 10;
    char *text = malloc(big + 64);
    assert_non_null(text);
    memset(text, 'x', big);
    size_t off = big;
    off += (size_t)snprintf(text + off, 64, "\nok.example\n");
    intel_load_list(f->s, "l.txt", (const uint8_t *)text, off, &f->rep);
    assert_int_equal(f->rep.errors, 1);
    assert_true(strncmp(f->rep.examples[0], "l.txt:1: line longer than 64 KiB: xxx", 37) == 0);
    assert_non_null(find(f, INTEL_DOMAIN, "ok.example"));
    free(text);

    /* NULs and control bytes inside lines are values that are not valid */
    memset(&f->rep, 0, sizeof f->rep);
    static const uint8_t junk[] = "a\0b.example\n\x01\x02\x03\nfine.example\n\xff\xfe\n";
    intel_load_list(f->s, "j.txt", junk, sizeof junk - 1, &f->rep);
    intel_harness_expect_load(&f->rep, f->s, &(const struct intel_harness_expect){
        .counts = "DOMAIN=1 invalid=3",
        .examples = {"j.txt:1: not an indicator: a?b.example"},
        .ordered = true,
    });
    intel_load_list(f->s, "n", NULL, 0, &f->rep);
    intel_load_list(f->s, "n", (const uint8_t *)"", 0, &f->rep);
    assert_int_equal(f->rep.invalid, 3);
}

/* ---- Zeek intel files ---- */

static void test_zeek(void **state)
{
    struct fixture *f = *state;
    load_zeek(f, "intel.dat",
              "#separator \\x09\n"
              "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\tmeta.do_notice\tmeta.cif_tags\n"
              "evil.example\tIntel::DOMAIN\tfeed-z\tbad domain\thttp://r/1\tT\tphishing\n"
              "1.2.3.4\tIntel::ADDR\t-\t-\t-\tF\t-\n"
              "10.0.0.0/8\tIntel::SUBNET\tfeed-z\t(empty)\t-\tF\t-\n"
              "http://evil.example/x\tIntel::URL\tfeed-z\t-\t-\tF\t-\n"
              "D41D8CD98F00B204E9800998ECF8427E\tIntel::FILE_HASH\tfeed-z\t-\t-\tF\t-\n"
              "bad@evil.example\tIntel::EMAIL\tfeed-z\t-\t-\tF\t-\n"
              "e7d705a3286e19ea42f587b344ee6865\tIntel::JA3\tfeed-z\t-\t-\tF\t-\n"
              "t13d1516h2_8daaf6152771_02713d6af862\tIntel::JA4\tfeed-z\t-\t-\tF\t-\n"
              "Evil UA/1.0\tIntel::SOFTWARE\tfeed-z\t-\t-\tF\t-\n"
              "da39a3ee5e6b4b0d3255bfef95601890afd80709\tIntel::CERT_HASH\tfeed-z\t-\t-\tF\t-\n"
              "evil.exe\tIntel::FILE_NAME\tfeed-z\t-\t-\tF\t-\n"
              "not a domain\tIntel::DOMAIN\tfeed-z\t-\t-\tF\t-\n"
              "short.example\n"
              "-\tIntel::DOMAIN\n"
              "evil.example\tIntel::DOMAIN\tfeed-y\t-\t-\tF\t-\n");
    for (int t = 0; t < INTEL_TYPE_COUNT; t++)
        if (f->rep.added[t] != 1)
            fail_msg("type %s: %llu added", intel_type_zeek_name(t), (unsigned long long)f->rep.added[t]);
    intel_harness_expect_load(&f->rep, f->s, &(const struct intel_harness_expect){
        .counts = "unsupported=1 invalid=3 duplicates=1",
        .examples = {
            "intel.dat:13: unsupported type Intel::FILE_NAME: evil.exe",
            "intel.dat:14: invalid Intel::DOMAIN: not a domain",
            "intel.dat:15: short line: short.example",
            "intel.dat:16: unset indicator: -?Intel::DOMAIN",
        },
        .ordered = true,
    });

    const struct intel_entry *e = find(f, INTEL_DOMAIN, "evil.example");
    assert_non_null(e);
    assert_int_equal(e->n_meta, 2);
    assert_string_equal(e->meta[0]->source, "feed-z");
    assert_string_equal(e->meta[0]->desc, "bad domain");
    assert_string_equal(e->meta[0]->ref, "http://r/1");
    assert_string_equal(e->meta[0]->tags, "phishing");
    assert_string_equal(e->meta[1]->source, "feed-y");
    e = find(f, INTEL_ADDR, "1.2.3.4");
    assert_string_equal(e->meta[0]->source, "intel.dat");
    assert_null(e->meta[0]->desc);
    assert_null(find(f, INTEL_ADDR, "10.1.1.1")->meta[0]->desc);
    assert_non_null(find(f, INTEL_USER_AGENT, "Evil UA/1.0"));
    assert_non_null(find(f, INTEL_JA4, "t13d1516h2_8daaf6152771_02713d6af862"));
}

static void test_zeek_malformed(void **state)
{
    struct fixture *f = *state;
    /* rows before #fields, a #fields without indicator_type, a custom separator */
    load_zeek(f, "z.dat",
              "evil.example\tIntel::DOMAIN\n"
              "again.example\tIntel::DOMAIN\n"
              "#fields\tindicator\tmeta.source\n"
              "x.example\tfoo\n"
              "#separator \\x2c\n"
              "#fields,indicator,indicator_type\n"
              "comma.example,Intel::DOMAIN\n"
              "#separator \\xZZ\n");
    /* errors: 2 rows before, bad #fields, its row, bad #separator */
    intel_harness_expect_load(&f->rep, f->s, &(const struct intel_harness_expect){
        .counts = "DOMAIN=1 errors=5",
        .examples = {
            "z.dat:1: row before a usable #fields line: evil.example?Intel::DOMAIN",
            "z.dat:3: #fields without indicator and indicator_type: #fields?indicator?meta.source",
            "z.dat:8: bad #separator: #separator \\xZZ",
        },
        .ordered = true,
    });
    assert_non_null(find(f, INTEL_DOMAIN, "comma.example"));
    assert_null(find(f, INTEL_DOMAIN, "evil.example"));
}

/* ---- detection ---- */

static enum intel_format detect(const char *text)
{
    return intel_detect_format("f", (const uint8_t *)text, strlen(text));
}

static void test_detect_format(void **state)
{
    (void)state;
    assert_int_equal(detect("{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": []}"), INTEL_FORMAT_STIX);
    assert_int_equal(detect("{\n  \"id\": \"bundle--1\",\n  \"type\" :\n \"bundle\"}"), INTEL_FORMAT_STIX);
    assert_int_equal(detect("{\"spec_version\": \"2.1\"}"), INTEL_FORMAT_STIX);
    assert_int_equal(detect("  {\"Event\": {\"info\": \"x\", \"objects\": 1}}"), INTEL_FORMAT_MISP);
    assert_int_equal(detect("{\"response\": [{\"Event\": {}}]}"), INTEL_FORMAT_MISP);
    assert_int_equal(detect("[{\"Event\": {}}]"), INTEL_FORMAT_MISP);
    assert_int_equal(detect("{\"hello\": 1}"), INTEL_FORMAT_AUTO);
    assert_int_equal(detect("#fields\tindicator\tindicator_type\n"), INTEL_FORMAT_ZEEK);
    assert_int_equal(detect("\n#separator \\x09\n#fields\tindicator\n"), INTEL_FORMAT_ZEEK);
    assert_int_equal(detect("type,value\ndomain,a.example\n"), INTEL_FORMAT_CSV);
    assert_int_equal(detect("\xef\xbb\xbfindicator\ta\n"), INTEL_FORMAT_CSV);
    assert_int_equal(detect("IOC;Comment\n"), INTEL_FORMAT_CSV);
    assert_int_equal(detect("sha256\n"), INTEL_FORMAT_CSV);
    assert_int_equal(detect("# list\nevil.example\n"), INTEL_FORMAT_LIST);
    assert_int_equal(detect("1.2.3.4\n"), INTEL_FORMAT_LIST);
    assert_int_equal(detect("Just some prose.\nNothing here to load.\n"), INTEL_FORMAT_AUTO);
    assert_int_equal(detect("rule x { strings: $a = \"b\" condition: $a }\n"), INTEL_FORMAT_AUTO);
    assert_int_equal(intel_detect_format("f", (const uint8_t *)"evil.example\n\0", 14), INTEL_FORMAT_AUTO);
    assert_int_equal(intel_detect_format("f", (const uint8_t *)"evil.example\n\xc3", 14), INTEL_FORMAT_LIST);
    assert_int_equal(intel_detect_format("f", (const uint8_t *)"evil.example\n\xc3(", 15), INTEL_FORMAT_AUTO);
    assert_int_equal(intel_detect_format("f", NULL, 0), INTEL_FORMAT_AUTO);
    assert_int_equal(intel_detect_format("f", (const uint8_t *)"", 0), INTEL_FORMAT_AUTO);
}

/* ---- whole paths ---- */

static void test_load_directory(void **state)
{
    struct fixture *f = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/sub", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    static const struct tmpdir_file files[] = {
        {"a.csv", "type,value\ndomain,shared.example\nip,9.9.9.9\n"},
        {"b.txt", "# list\nshared.example\nlist-only.example\n"},
        {"sub/c.dat", "#fields\tindicator\tindicator_type\nshared.example\tIntel::DOMAIN\n"},
        {".hidden.txt", "hidden.example\n"},
        {"empty.txt", ""},
        {"prose.md", "Nothing to see here.\n"},
    };
    TMPDIR_WRITE_FILES(f->dir, files);
    tmpdir_write(f->dir, "bin.dat", "\x7f" "ELF\0\0\0\x01", 8);

    char err[256];
    assert_int_equal(intel_load_path(f->s, f->dir, INTEL_FORMAT_AUTO, &f->rep, err, sizeof err), 0);
    assert_int_equal(f->rep.files, 6); /* hidden skipped */
    assert_int_equal(f->rep.per_format[INTEL_FORMAT_CSV], 1);
    assert_int_equal(f->rep.per_format[INTEL_FORMAT_LIST], 1);
    assert_int_equal(f->rep.per_format[INTEL_FORMAT_ZEEK], 1);
    /* duplicates: shared.example in three files; errors: binary and prose */
    intel_harness_expect_report(&f->rep, "DOMAIN=2 ADDR=1 duplicates=2 errors=2");
    char want[256];
    snprintf(want, sizeof want, "%s/bin.dat: not an intel feed (binary data)", f->dir);
    assert_example(&f->rep, 0, want);
    snprintf(want, sizeof want, "%s/prose.md: not an intel feed (no format recognised)", f->dir);
    assert_example(&f->rep, 1, want);
    assert_null(find(f, INTEL_DOMAIN, "hidden.example"));
    const struct intel_entry *e = find(f, INTEL_DOMAIN, "shared.example");
    assert_int_equal(e->n_meta, 3); /* sorted walk: a.csv, b.txt, sub/c.dat */
    assert_string_equal(e->meta[0]->source, "a.csv");
    assert_string_equal(e->meta[1]->source, "b.txt");
    assert_string_equal(e->meta[2]->source, "c.dat");

    /* the same file again: all duplicates, metas not repeated */
    memset(&f->rep, 0, sizeof f->rep);
    snprintf(path, sizeof path, "%s/a.csv", f->dir);
    assert_int_equal(intel_load_path(f->s, path, INTEL_FORMAT_AUTO, &f->rep, err, sizeof err), 0);
    assert_int_equal(f->rep.duplicates, 2);
    assert_int_equal(find(f, INTEL_DOMAIN, "shared.example")->n_meta, 3);

    /* a format forced on a file */
    memset(&f->rep, 0, sizeof f->rep);
    snprintf(path, sizeof path, "%s/prose.md", f->dir);
    assert_int_equal(intel_load_path(f->s, path, INTEL_FORMAT_LIST, &f->rep, err, sizeof err), 0);
    assert_int_equal(f->rep.invalid, 1);
}

static void test_load_path_failures(void **state)
{
    struct fixture *f = *state;
    char path[256], err[256], want[300];
    snprintf(path, sizeof path, "%s/missing", f->dir);
    assert_int_equal(intel_load_path(f->s, path, INTEL_FORMAT_AUTO, &f->rep, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: No such file or directory", path);
    assert_string_equal(err, want);

    snprintf(path, sizeof path, "%s/empty.txt", f->dir);
    tmpdir_write_text(f->dir, "empty.txt", "");
    assert_int_equal(intel_load_path(f->s, path, INTEL_FORMAT_AUTO, &f->rep, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: empty file", path);
    assert_string_equal(err, want);

    snprintf(path, sizeof path, "%s/d", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    tmpdir_write_text(f->dir, "d/x.md", "prose only\n");
    tmpdir_write_text(f->dir, "d/y.md", "more prose\n");
    assert_int_equal(intel_load_path(f->s, path, INTEL_FORMAT_AUTO, &f->rep, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: no intel feed found (2 files looked at)", path);
    assert_string_equal(err, want);
    assert_int_equal(intel_load_path(f->s, path, INTEL_FORMAT_COUNT, &f->rep, err, sizeof err), -1);
    assert_int_equal(intel_load_path(f->s, path, INTEL_FORMAT_AUTO, NULL, NULL, 0), -1);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_huge_and_random_files(void **state)
{
    struct fixture *f = *state;
    char path[256], err[256], want[300];
    /* 2 GB of NUL bytes, sparse: refused from its first page */
    snprintf(path, sizeof path, "%s/sparse.bin", f->dir);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)2 << 30), 0);
    close(fd);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(intel_load_path(f->s, path, INTEL_FORMAT_AUTO, &f->rep, err, sizeof err), -1);
    assert_true(seconds_since(&t0) < 1.0);
    snprintf(want, sizeof want, "%s: not an intel feed (binary data)", path);
    assert_string_equal(err, want);
    assert_example(&f->rep, 0, want);
    assert_int_equal(f->rep.errors, 1);
    /* forcing a format does not make binary data a feed */
    assert_int_equal(intel_load_path(f->s, path, INTEL_FORMAT_CSV, &f->rep, err, sizeof err), -1);
    unlink(path);

    /* a few MB of random bytes */
    size_t n = 4u << 20;
    uint8_t *junk = malloc(n);
    assert_non_null(junk);
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        junk[i] = (uint8_t)x;
    }
    snprintf(path, sizeof path, "%s/random.bin", f->dir);
    tmpdir_write(f->dir, "random.bin", junk, n);
    assert_int_equal(intel_load_path(f->s, path, INTEL_FORMAT_AUTO, &f->rep, err, sizeof err), -1);
    assert_int_equal(f->rep.errors, 3);
    /* the loaders themselves over the same bytes: no crash, nothing valid */
    intel_load_list(f->s, "r", junk, n, &f->rep);
    intel_load_csv(f->s, "r", junk, n, &f->rep);
    intel_load_zeek(f->s, "r", junk, n, &f->rep);
    assert_int_equal(intel_store_count(f->s), 0);
    unlink(path);
    free(junk);

    /* JSON over 512 MiB: text at the start, sparse after */
    snprintf(path, sizeof path, "%s/huge.json", f->dir);
    char head[8192];
    memset(head, ' ', sizeof head);
    memcpy(head, "{\"Event\": {\"info\": \"", 20);
    tmpdir_write(f->dir, "huge.json", head, sizeof head);
    fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)513 << 20), 0);
    close(fd);
    assert_int_equal(intel_load_path(f->s, path, INTEL_FORMAT_AUTO, &f->rep, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: JSON feed larger than 512 MiB, not loaded", path);
    assert_string_equal(err, want);
    unlink(path);
}

static void test_misp_folder(void **state)
{
    struct fixture *f = *state;
    char path[256], err[256];
    snprintf(path, sizeof path, "%s/misp", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    const char *uuid = "5f8e1c2a-0d1e-4b6c-9a3e-1234567890ab";
    tmpdir_write_text(f->dir, "misp/manifest.json",
               "{\"5f8e1c2a-0d1e-4b6c-9a3e-1234567890ab\": {\"info\": \"one\"},"
               " \"0a0a0a0a-0000-4000-8000-000000000000\": {\"info\": \"missing\"},"
               " \"../etc/passwd\": {}}");
    char rel[128];
    snprintf(rel, sizeof rel, "misp/%s.json", uuid);
    tmpdir_write_text(f->dir, rel,
               "{\"Event\": {\"info\": \"one\", \"uuid\": \"5f8e1c2a-0d1e-4b6c-9a3e-1234567890ab\", \"Attribute\": ["
               "{\"type\": \"domain\", \"value\": \"misp.example\", \"to_ids\": true}]}}");
    tmpdir_write_text(f->dir, "misp/hashes.csv", "md5\nd41d8cd98f00b204e9800998ecf8427e\n"); /* not in the manifest: ignored */
    assert_int_equal(intel_load_path(f->s, path, INTEL_FORMAT_AUTO, &f->rep, err, sizeof err), 0);
    assert_int_equal(f->rep.per_format[INTEL_FORMAT_MISP], 1);
    assert_int_equal(f->rep.per_format[INTEL_FORMAT_CSV], 0);
    /* files: manifest + the event */
    intel_harness_expect_report(&f->rep, "files=2 errors=2");
    char want[300];
    snprintf(want, sizeof want, "%s/misp/manifest.json:0: manifest key is not an event UUID: ../etc/passwd", f->dir);
    assert_example(&f->rep, 0, want);
    snprintf(want, sizeof want,
             "%s/misp/manifest.json:0: event listed but missing: 0a0a0a0a-0000-4000-8000-000000000000.json", f->dir);
    assert_example(&f->rep, 1, want);

    /* the manifest itself as the path */
    memset(&f->rep, 0, sizeof f->rep);
    snprintf(path, sizeof path, "%s/misp/manifest.json", f->dir);
    assert_int_equal(intel_load_path(f->s, path, INTEL_FORMAT_AUTO, &f->rep, err, sizeof err), 0);
    assert_int_equal(f->rep.per_format[INTEL_FORMAT_MISP], 1);

    /* a broken manifest */
    memset(&f->rep, 0, sizeof f->rep);
    tmpdir_write_text(f->dir, "misp/manifest.json", "{\"unterminated");
    snprintf(path, sizeof path, "%s/misp", f->dir);
    assert_int_equal(intel_load_path(f->s, path, INTEL_FORMAT_AUTO, &f->rep, err, sizeof err), -1);
    assert_int_equal(f->rep.errors, 1);
}

static void test_report_examples_capped(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 30; i++)
        intel_report_example(&f->rep, "example %d", i);
    assert_int_equal(f->rep.n_examples, INTEL_REPORT_EXAMPLES);
    assert_string_equal(f->rep.examples[19], "example 19");
    char longv[400];
    memset(longv, 'v', sizeof longv - 1);
    longv[sizeof longv - 1] = '\0';
    intel_report_example(&f->rep, "%s", longv); /* ignored: full */
    memset(&f->rep, 0, sizeof f->rep);
    intel_report_example(&f->rep, "%s", longv);
    assert_int_equal(strlen(f->rep.examples[0]), sizeof f->rep.examples[0] - 1);
    intel_report_example(NULL, "x");
}

/* ---- the real feeds in /work/shared (skipped when absent) ---- */

#define SHARED "/work/shared/intel"

static void test_shared_feeds(void **state)
{
    struct fixture *f = *state;
    if (access(SHARED "/twisted_panda_iocs.csv", R_OK) != 0 ||
        access(SHARED "/cn_apt_network_iocs_maltrail.csv", R_OK) != 0 || access(SHARED "/maltrail-cn-apt", R_OK) != 0) {
        print_message("skipped: " SHARED " is absent\n");
        skip();
    }
    char err[256];
    assert_int_equal(intel_load_path(f->s, SHARED "/twisted_panda_iocs.csv", INTEL_FORMAT_AUTO, &f->rep, err,
                                     sizeof err), 0);
    assert_int_equal(f->rep.per_format[INTEL_FORMAT_CSV], 1);
    /* unsupported: file names, a path, an e-mail subject */
    intel_harness_expect_report(&f->rep, "DOMAIN=5 FILE_HASH=10 unsupported=5");
    assert_int_equal(f->rep.invalid + f->rep.errors, 0);
    const struct intel_entry *e = find(f, INTEL_DOMAIN, "mail.minzdravros.com");
    assert_non_null(e);
    assert_string_equal(e->meta[0]->desc,
                        "lookalike of Russian Ministry of Health (Minzdrav) used in Twisted Panda phishing");

    struct intel_load_report csv;
    memset(&csv, 0, sizeof csv);
    struct intel_store *s2 = intel_store_new();
    assert_int_equal(intel_load_path(s2, SHARED "/cn_apt_network_iocs_maltrail.csv", INTEL_FORMAT_AUTO, &csv, err,
                                     sizeof err), 0);
    assert_int_equal(csv.per_format[INTEL_FORMAT_CSV], 1);
    assert_true(csv.added[INTEL_DOMAIN] > 5000);
    assert_true(csv.added[INTEL_ADDR] > 1000);
    assert_true(csv.added[INTEL_URL] > 300);
    assert_int_equal(csv.invalid + csv.errors, 0);
    e = intel_lookup(s2, INTEL_URL, "141.108.2.157/", 14);
    assert_non_null(e);
    assert_string_equal(e->indicator, "141.108.2.157/");
    assert_string_equal(e->meta[0]->source, "cn_apt_network_iocs_maltrail.csv");
    assert_non_null(e->meta[0]->actor);
    assert_non_null(intel_lookup_domain(s2, "x.icc.ignorelist.com", 20));

    /* the trail files as plain lists: the same indicators */
    struct intel_load_report lists;
    memset(&lists, 0, sizeof lists);
    struct intel_store *s3 = intel_store_new();
    assert_int_equal(intel_load_path(s3, SHARED "/maltrail-cn-apt", INTEL_FORMAT_AUTO, &lists, err, sizeof err), 0);
    assert_true(lists.per_format[INTEL_FORMAT_LIST] > 50);
    assert_int_equal(lists.per_format[INTEL_FORMAT_CSV] + lists.per_format[INTEL_FORMAT_ZEEK], 0);
    assert_int_equal(lists.invalid, 0);
    for (int t = 0; t < INTEL_TYPE_COUNT; t++)
        assert_int_equal(lists.added[t], csv.added[t]);
    assert_int_equal(lists.duplicates, csv.duplicates);
    assert_int_equal(intel_store_count(s3), intel_store_count(s2));
    print_message("shared: twisted_panda %zu, maltrail csv %zu (domain %llu addr %llu url %llu, %llu dup, %llu "
                  "unsupported), trails %llu files\n",
                  intel_store_count(f->s), intel_store_count(s2), (unsigned long long)csv.added[INTEL_DOMAIN],
                  (unsigned long long)csv.added[INTEL_ADDR], (unsigned long long)csv.added[INTEL_URL],
                  (unsigned long long)csv.duplicates, (unsigned long long)csv.unsupported,
                  (unsigned long long)lists.per_format[INTEL_FORMAT_LIST]);
    intel_store_free(s2);
    intel_store_free(s3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FIXTURE_TEST(test_csv_quoting_and_meta),
        FIXTURE_TEST(test_csv_inferred_and_typed_columns),
        FIXTURE_TEST(test_csv_bad_records),
        FIXTURE_TEST(test_csv_unterminated_and_overlong),
        FIXTURE_TEST(test_csv_header_only_empty_no_header),
        FIXTURE_TEST(test_list),
        FIXTURE_TEST(test_list_overlong_and_garbage),
        FIXTURE_TEST(test_zeek),
        FIXTURE_TEST(test_zeek_malformed),
        FIXTURE_TEST(test_detect_format),
        FIXTURE_TEST(test_load_directory),
        FIXTURE_TEST(test_load_path_failures),
        FIXTURE_TEST(test_huge_and_random_files),
        FIXTURE_TEST(test_misp_folder),
        FIXTURE_TEST(test_report_examples_capped),
        FIXTURE_TEST(test_shared_feeds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
