/* intel store and normaliser: canonical forms, type names, interning,
 * lookups (subdomains, longest prefix), and the 1M-indicator budget. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel/intel.h"
#include "unit/addr_harness.h"

/* Normalises v as t and returns the result ("" when invalid). */
static const char *norm(enum intel_type t, const char *v)
{
    static char out[INTEL_VALUE_MAX];
    size_t n = intel_normalize(t, v, strlen(v), out, sizeof out);
    if (n == 0)
        out[0] = '\0';
    else
        assert_int_equal(n, strlen(out));
    return out;
}

static void test_normalize_domain(void **state)
{
    (void)state;
    assert_string_equal(norm(INTEL_DOMAIN, "EVIL.example."), "evil.example");
    assert_string_equal(norm(INTEL_DOMAIN, "  *.Evil.Example  "), "evil.example");
    assert_string_equal(norm(INTEL_DOMAIN, ".evil.example"), "evil.example");
    assert_string_equal(norm(INTEL_DOMAIN, "evil[.]example"), "evil.example");
    assert_string_equal(norm(INTEL_DOMAIN, "evil(.)example"), "evil.example");
    assert_string_equal(norm(INTEL_DOMAIN, "evil[dot]example"), "evil.example");
    assert_string_equal(norm(INTEL_DOMAIN, "_dmarc.evil.example"), "_dmarc.evil.example");
    assert_string_equal(norm(INTEL_DOMAIN, "пример.рф"), "xn--e1afmkfd.xn--p1ai");
    assert_string_equal(norm(INTEL_DOMAIN, "ПРИМЕР.РФ"), "xn--e1afmkfd.xn--p1ai");
    assert_string_equal(norm(INTEL_DOMAIN, "Bücher.example"), "xn--bcher-kva.example");
    assert_string_equal(norm(INTEL_DOMAIN, "XN--BCHER-KVA.example"), "xn--bcher-kva.example");
    /* invalid */
    assert_string_equal(norm(INTEL_DOMAIN, "com"), "");
    assert_string_equal(norm(INTEL_DOMAIN, "1.2.3.4"), "");
    assert_string_equal(norm(INTEL_DOMAIN, "evil..example"), "");
    assert_string_equal(norm(INTEL_DOMAIN, "evil example.com"), "");
    assert_string_equal(norm(INTEL_DOMAIN, "evil.example:80"), "");
    assert_string_equal(norm(INTEL_DOMAIN, ""), "");
    assert_string_equal(norm(INTEL_DOMAIN, "."), "");
    assert_string_equal(norm(INTEL_DOMAIN, "\xff\xfe.example"), "");
    char longlabel[80];
    memset(longlabel, 'a', 64);
    memcpy(longlabel + 64, ".com", 5);
    assert_string_equal(norm(INTEL_DOMAIN, longlabel), "");
    longlabel[1] = '.'; /* now labels of 1 and 62 */
    assert_int_equal(strlen(norm(INTEL_DOMAIN, longlabel)), 68);
}

static void test_normalize_url(void **state)
{
    (void)state;
    assert_string_equal(norm(INTEL_URL, "HTTP://Evil.Example:80/a%7Eb?x=1#frag"), "evil.example/a~b?x=1");
    assert_string_equal(norm(INTEL_URL, "https://evil.example:443"), "evil.example/");
    assert_string_equal(norm(INTEL_URL, "https://evil.example:8443/x"), "evil.example:8443/x");
    assert_string_equal(norm(INTEL_URL, "http://evil.example/a%2fb%2Fc"), "evil.example/a%2Fb%2Fc");
    assert_string_equal(norm(INTEL_URL, "http://evil.example:443/"), "evil.example/");
    assert_string_equal(norm(INTEL_URL, "https://evil.example:80/"), "evil.example/");
    assert_string_equal(norm(INTEL_URL, "http://evil.example:21/"), "evil.example:21/");
    assert_string_equal(norm(INTEL_URL, "hxxp://evil[.]example/a[.]b"), "evil.example/a[.]b");
    assert_string_equal(norm(INTEL_URL, "evil.example/a[.]b"), "evil.example/a[.]b");
    assert_string_equal(norm(INTEL_URL, "b/a[.]b"), "b/a[.]b");
    assert_string_equal(norm(INTEL_URL, "//evil[.]example/a[.]b"), "evil.example/a[.]b");
    assert_string_equal(norm(INTEL_URL, "hxxp[://]evil[.]example[/]x"), "evil.example/x");
    assert_string_equal(norm(INTEL_URL, "ftp://evil.example:21/f"), "evil.example/f");
    assert_string_equal(norm(INTEL_URL, "hxxp://evil[.]example/x"), "evil.example/x");
    assert_string_equal(norm(INTEL_URL, "hXXps[:]//evil[.]example/x"), "evil.example/x");
    assert_string_equal(norm(INTEL_URL, "http://141.108.2.157"), "141.108.2.157/");
    assert_string_equal(norm(INTEL_URL, "evil.example"), "evil.example/");
    assert_string_equal(norm(INTEL_URL, "evil.example:80/x"), "evil.example/x");
    assert_string_equal(norm(INTEL_URL, "evil.example?q"), "evil.example/?q");
    assert_string_equal(norm(INTEL_URL, "http://user:pw@Evil.Example/"), "evil.example/");
    assert_string_equal(norm(INTEL_URL, "http://[2001:DB8::1]:8080/p"), "[2001:db8::1]:8080/p");
    assert_string_equal(norm(INTEL_URL, "http://Bücher.example/ä b"), "xn--bcher-kva.example/%C3%A4%20b");
    assert_string_equal(norm(INTEL_URL, "http://evil.example/%zz%4"), "evil.example/%zz%4");
    assert_string_equal(norm(INTEL_URL, "http://intranet/"), "intranet/");
    assert_string_equal(norm(INTEL_URL, "http://evil.example:0080/"), "evil.example/");
    /* invalid */
    assert_string_equal(norm(INTEL_URL, "http:///path"), "");
    assert_string_equal(norm(INTEL_URL, "/just/a/path"), "");
    assert_string_equal(norm(INTEL_URL, "http://evil.example:99999/"), "");
    assert_string_equal(norm(INTEL_URL, "http://evil.example:8x/"), "");
    assert_string_equal(norm(INTEL_URL, "http://ev il.example/"), "");
    assert_string_equal(norm(INTEL_URL, ""), "");
}

static void test_normalize_addr_subnet(void **state)
{
    (void)state;
    assert_string_equal(norm(INTEL_ADDR, " 1.2.3.4 "), "1.2.3.4");
    assert_string_equal(norm(INTEL_ADDR, "1[.]2[.]3[.]4"), "1.2.3.4");
    assert_string_equal(norm(INTEL_ADDR, "178.128.110.214:8080"), "178.128.110.214");
    assert_string_equal(norm(INTEL_ADDR, "2001:DB8:0:0::1"), "2001:db8::1");
    assert_string_equal(norm(INTEL_ADDR, "[2001:db8::1]:443"), "2001:db8::1");
    assert_string_equal(norm(INTEL_ADDR, "::ffff:10.0.0.1"), "10.0.0.1");
    assert_string_equal(norm(INTEL_ADDR, "10.0.0.1/32"), "10.0.0.1");
    assert_string_equal(norm(INTEL_ADDR, "10.0.0.0/8"), "");
    /* written with ':' an IPv4-mapped address is IPv6: its full prefix is 128 */
    assert_string_equal(norm(INTEL_ADDR, "::ffff:10.0.0.1/128"), "10.0.0.1");
    assert_string_equal(norm(INTEL_ADDR, "::ffff:10.0.0.1/32"), "");
    assert_string_equal(norm(INTEL_ADDR, "1.2.3/32"), "");
    assert_string_equal(norm(INTEL_ADDR, "1.2.3"), "");
    assert_string_equal(norm(INTEL_ADDR, "1.2.3.4:99999"), "");
    assert_string_equal(norm(INTEL_ADDR, "fe80::1%eth0"), "");
    assert_string_equal(norm(INTEL_ADDR, "evil.example"), "");
    assert_string_equal(norm(INTEL_SUBNET, "10.1.2.3/8"), "10.0.0.0/8");
    assert_string_equal(norm(INTEL_SUBNET, "10.1.2.3"), "10.1.2.3/32");
    assert_string_equal(norm(INTEL_SUBNET, "2001:db8:ffff::/32"), "2001:db8::/32");
    assert_string_equal(norm(INTEL_SUBNET, "0.0.0.0/0"), "0.0.0.0/0");
    assert_string_equal(norm(INTEL_SUBNET, "10.0.0.0/33"), "");
    assert_string_equal(norm(INTEL_SUBNET, "10.0.0.0/+8"), "");
    assert_string_equal(norm(INTEL_SUBNET, "10.0.0.0/"), "");
    assert_string_equal(norm(INTEL_SUBNET, "2001:db8::/129"), "");
    assert_string_equal(norm(INTEL_SUBNET, "::ffff:10.1.2.3/104"), "10.0.0.0/8");
    assert_string_equal(norm(INTEL_SUBNET, "::ffff:10.1.2.3"), "10.1.2.3/32");
    assert_string_equal(norm(INTEL_SUBNET, "1.2.3/8"), "");
}

static void test_normalize_hash_email_text(void **state)
{
    (void)state;
    assert_string_equal(norm(INTEL_FILE_HASH, "D41D8CD98F00B204E9800998ECF8427E"), "d41d8cd98f00b204e9800998ecf8427e");
    assert_string_equal(norm(INTEL_FILE_HASH, "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
                        "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    assert_string_equal(norm(INTEL_CERT_HASH, "DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09"),
                        "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    assert_string_equal(norm(INTEL_FILE_HASH, "d41d8cd98f00b204e9800998ecf8427"), "");
    assert_string_equal(norm(INTEL_FILE_HASH, "g41d8cd98f00b204e9800998ecf8427e"), "");
    assert_string_equal(norm(INTEL_JA3, "da39a3ee5e6b4b0d3255bfef95601890afd80709"), "");
    assert_string_equal(norm(INTEL_JA3, "E7D705A3286E19EA42F587B344EE6865"), "e7d705a3286e19ea42f587b344ee6865");
    assert_string_equal(norm(INTEL_EMAIL, "Bad Guy <Bad.Guy@Evil.Example>"), "bad.guy@evil.example");
    assert_string_equal(norm(INTEL_EMAIL, "bad[@]evil[.]example"), "bad@evil.example");
    assert_string_equal(norm(INTEL_EMAIL, "mailto:X@Y.example"), "x@y.example");
    assert_string_equal(norm(INTEL_EMAIL, "x@пример.рф"), "x@xn--e1afmkfd.xn--p1ai");
    assert_string_equal(norm(INTEL_EMAIL, "@evil.example"), "");
    assert_string_equal(norm(INTEL_EMAIL, "x@"), "");
    assert_string_equal(norm(INTEL_EMAIL, "x y@evil.example"), "");
    assert_string_equal(norm(INTEL_EMAIL, "Name <x@evil.example"), "");
    assert_string_equal(norm(INTEL_JA4, "  t13d1516h2_8daaf6152771_02713d6af862 "), "t13d1516h2_8daaf6152771_02713d6af862");
    assert_string_equal(norm(INTEL_JA4, "t13d 1516"), "");
    assert_string_equal(norm(INTEL_USER_AGENT, " Mozilla/5.0 (X) "), "Mozilla/5.0 (X)");
    assert_string_equal(norm(INTEL_USER_AGENT, "a\nb"), "");
    assert_string_equal(norm(INTEL_USER_AGENT, "   "), "");
    char small[8];
    assert_int_equal(intel_normalize(INTEL_DOMAIN, "evil.example", 12, small, sizeof small), 0);
    assert_int_equal(intel_normalize(INTEL_TYPE_COUNT, "x", 1, small, sizeof small), 0);
}

static void test_type_names(void **state)
{
    (void)state;
    struct {
        const char *name;
        enum intel_type t;
    } ok[] = {
        {"Intel::ADDR", INTEL_ADDR},         {"Intel::SUBNET", INTEL_SUBNET},
        {"Intel::DOMAIN", INTEL_DOMAIN},     {"Intel::URL", INTEL_URL},
        {"Intel::FILE_HASH", INTEL_FILE_HASH}, {"Intel::EMAIL", INTEL_EMAIL},
        {"Intel::CERT_HASH", INTEL_CERT_HASH}, {"Intel::SOFTWARE", INTEL_USER_AGENT},
        {"Intel::JA3", INTEL_JA3},           {"Intel::JA4", INTEL_JA4},
        {"ip-src", INTEL_ADDR},              {"ip-dst", INTEL_ADDR},
        {"ip-dst|port", INTEL_ADDR},         {"ip-src|port", INTEL_ADDR},
        {"domain", INTEL_DOMAIN},            {"hostname", INTEL_DOMAIN},
        {"domain|ip", INTEL_DOMAIN},         {"url", INTEL_URL},
        {"uri", INTEL_URL},                  {"md5", INTEL_FILE_HASH},
        {"sha1", INTEL_FILE_HASH},           {"sha256", INTEL_FILE_HASH},
        {"filename|md5", INTEL_FILE_HASH},   {"filename|sha1", INTEL_FILE_HASH},
        {"filename|sha256", INTEL_FILE_HASH}, {"ja3-fingerprint-md5", INTEL_JA3},
        {"email", INTEL_EMAIL},              {"email-src", INTEL_EMAIL},
        {"email-dst", INTEL_EMAIL},          {"whois-registrant-email", INTEL_EMAIL},
        {"x509-fingerprint-sha256", INTEL_CERT_HASH}, {"x509-fingerprint-sha1", INTEL_CERT_HASH},
        {"user-agent", INTEL_USER_AGENT},    {"ip", INTEL_ADDR},
        {"IPv4", INTEL_ADDR},                {"ipv6", INTEL_ADDR},
        {"ip-address", INTEL_ADDR},          {"ip_address", INTEL_ADDR},
        {"cidr", INTEL_SUBNET},              {"subnet", INTEL_SUBNET},
        {"FQDN", INTEL_DOMAIN},              {"hash", INTEL_FILE_HASH},
        {"ja3", INTEL_JA3},                  {"ja4", INTEL_JA4},
        {"cert", INTEL_CERT_HASH},           {"user_agent", INTEL_USER_AGENT},
        {" ADDR ", INTEL_ADDR},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        enum intel_type t = INTEL_TYPE_COUNT;
        if (!intel_type_parse(ok[i].name, strlen(ok[i].name), &t))
            fail_msg("not parsed: %s", ok[i].name);
        if (t != ok[i].t)
            fail_msg("%s parsed as %d, want %d", ok[i].name, t, ok[i].t);
    }
    const char *bad[] = {"", "jarm", "link", "sha512", "Intel::FILE_NAME", "filename", "ip-dst|ip-src", "x",
                         "Intel::", "port"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        enum intel_type t;
        if (intel_type_parse(bad[i], strlen(bad[i]), &t))
            fail_msg("parsed: %s", bad[i]);
    }
    assert_false(intel_type_parse(NULL, 0, &(enum intel_type){0}));
    assert_string_equal(intel_type_zeek_name(INTEL_USER_AGENT), "Intel::SOFTWARE");
    assert_string_equal(intel_type_zeek_name(INTEL_FILE_HASH), "Intel::FILE_HASH");
    assert_string_equal(intel_format_name(INTEL_FORMAT_ZEEK), "zeek");
    assert_string_equal(intel_format_name(INTEL_FORMAT_MISP), "misp");

    enum intel_type parts[2];
    unsigned n = 0;
    assert_true(intel_type_parse_composite("domain|ip", 9, parts, &n));
    assert_int_equal(n, 2);
    assert_int_equal(parts[0], INTEL_DOMAIN);
    assert_int_equal(parts[1], INTEL_ADDR);
    assert_true(intel_type_parse_composite("filename|sha256", 15, parts, &n));
    assert_int_equal(parts[0], INTEL_TYPE_COUNT);
    assert_int_equal(parts[1], INTEL_FILE_HASH);
    assert_false(intel_type_parse_composite("domain", 6, parts, &n));

    struct intel_typed_value tv[2];
    const char *v = "evil.example|1.2.3.4";
    assert_int_equal(intel_split_typed_value("domain|ip", 9, v, strlen(v), tv), 2);
    assert_int_equal(tv[0].type, INTEL_DOMAIN);
    assert_int_equal(tv[0].len, 12);
    assert_memory_equal(tv[0].value, "evil.example", 12);
    assert_int_equal(tv[1].type, INTEL_ADDR);
    assert_int_equal(tv[1].len, 7);
    assert_memory_equal(tv[1].value, "1.2.3.4", 7);
    v = "a.exe|d41d8cd98f00b204e9800998ecf8427e";
    assert_int_equal(intel_split_typed_value("filename|md5", 12, v, strlen(v), tv), 1);
    assert_int_equal(tv[0].type, INTEL_FILE_HASH);
    assert_int_equal(tv[0].len, 32);
    v = "1.2.3.4|443";
    assert_int_equal(intel_split_typed_value("ip-dst|port", 11, v, strlen(v), tv), 1);
    assert_int_equal(tv[0].type, INTEL_ADDR);
    assert_int_equal(tv[0].len, 7);
    assert_int_equal(intel_split_typed_value("domain|ip", 9, "nobar", 5, tv), 0);
    assert_int_equal(intel_split_typed_value("jarm", 4, "x", 1, tv), 0);
    assert_int_equal(intel_split_typed_value("md5", 3, "x", 1, tv), 1);
}

static void test_type_infer_refine(void **state)
{
    (void)state;
    struct {
        const char *v;
        enum intel_type t;
    } ok[] = {
        {"1.2.3.4", INTEL_ADDR},
        {"178.128.110.214:8080", INTEL_ADDR},
        {"2001:db8::1", INTEL_ADDR},
        {"10.0.0.0/8", INTEL_SUBNET},
        {"d41d8cd98f00b204e9800998ecf8427e", INTEL_FILE_HASH},
        {"9ccf9817da1ee8c1ab33a364a3c03a28769ab68a42c437295dae47448a6c5138", INTEL_FILE_HASH},
        {"bad@evil.example", INTEL_EMAIL},
        {"http://evil.example/x", INTEL_URL},
        {"hxxp://evil[.]example", INTEL_URL},
        {"http://user@evil.example/", INTEL_URL},
        {"evil.example/x.php", INTEL_URL},
        {"evil.example:8080", INTEL_URL},
        {"evil.example", INTEL_DOMAIN},
        {"evil[.]example", INTEL_DOMAIN},
        {"1[.]2[.]3[.]4", INTEL_ADDR},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        enum intel_type t = INTEL_TYPE_COUNT;
        if (!intel_type_infer(ok[i].v, strlen(ok[i].v), &t))
            fail_msg("not inferred: %s", ok[i].v);
        if (t != ok[i].t)
            fail_msg("%s inferred as %d, want %d", ok[i].v, t, ok[i].t);
    }
    const char *bad[] = {"", "hello", "com", "just words here", "!!!", "1.2.3", "@"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        enum intel_type t;
        if (intel_type_infer(bad[i], strlen(bad[i]), &t))
            fail_msg("inferred: %s as %d", bad[i], t);
    }
    assert_int_equal(intel_type_refine(INTEL_ADDR, "10.0.0.0/8", 10), INTEL_SUBNET);
    assert_int_equal(intel_type_refine(INTEL_ADDR, "10.0.0.1", 8), INTEL_ADDR);
    assert_int_equal(intel_type_refine(INTEL_ADDR, "junk", 4), INTEL_ADDR);
    assert_int_equal(intel_type_refine(INTEL_DOMAIN, "10.0.0.1", 8), INTEL_ADDR);
    assert_int_equal(intel_type_refine(INTEL_DOMAIN, "http://e.example/", 17), INTEL_URL);
    assert_int_equal(intel_type_refine(INTEL_DOMAIN, "e.example", 9), INTEL_DOMAIN);
    assert_int_equal(intel_type_refine(INTEL_URL, "10.0.0.1", 8), INTEL_URL);
}

static struct intel_meta meta_of(const char *source, const char *desc)
{
    struct intel_meta m;
    memset(&m, 0, sizeof m);
    m.source = source;
    m.desc = desc;
    return m;
}

static enum intel_add_result add(struct intel_store *s, enum intel_type t, const char *v,
                                 const struct intel_meta *m)
{
    return intel_store_add(s, t, v, strlen(v), m);
}

static const struct intel_entry *dom(const struct intel_store *s, const char *name)
{
    return intel_lookup_domain(s, name, strlen(name));
}

static void test_store_domains(void **state)
{
    (void)state;
    struct intel_store *s = intel_store_new();
    assert_non_null(s);
    struct intel_meta m = meta_of("feed-a", "bad");
    assert_int_equal(add(s, INTEL_DOMAIN, "Evil.Example.", &m), INTEL_ADD_NEW);
    assert_int_equal(add(s, INTEL_DOMAIN, "evil.example", &m), INTEL_ADD_DUPLICATE);
    assert_int_equal(add(s, INTEL_DOMAIN, "пример.рф", NULL), INTEL_ADD_NEW);
    assert_int_equal(add(s, INTEL_DOMAIN, "com", &m), INTEL_ADD_INVALID);
    assert_int_equal(intel_store_count(s), 2);

    const struct intel_entry *e = dom(s, "evil.example");
    assert_non_null(e);
    assert_string_equal(e->indicator, "evil.example");
    assert_int_equal(e->type, INTEL_DOMAIN);
    assert_int_equal(e->id, 0);
    assert_int_equal(e->n_meta, 1);
    assert_string_equal(e->meta[0]->source, "feed-a");
    assert_ptr_equal(dom(s, "a.b.evil.example"), e);
    assert_ptr_equal(dom(s, "A.B.EVIL.EXAMPLE."), e);
    assert_null(dom(s, "notevil.example"));
    assert_null(dom(s, "evil.example.com"));
    assert_null(dom(s, "example"));
    assert_null(dom(s, ""));
    assert_null(dom(s, "."));
    assert_non_null(dom(s, ".evil.example.")); /* the same normalisation as a feed value */
    e = dom(s, "www.xn--e1afmkfd.xn--p1ai");
    assert_non_null(e);
    assert_int_equal(e->id, 1);
    assert_int_equal(e->n_meta, 0);
    assert_ptr_equal(dom(s, "www.пример.рф"), e);
    assert_ptr_equal(intel_lookup(s, INTEL_DOMAIN, "x.evil.example", 14), dom(s, "evil.example"));
    char big[INTEL_VALUE_MAX + 10];
    memset(big, 'a', sizeof big);
    assert_null(intel_lookup_domain(s, big, sizeof big));
    intel_store_free(s);
}

static void test_store_meta_merge(void **state)
{
    (void)state;
    struct intel_store *s = intel_store_new();
    /* separate buffers with equal text: interning must share them */
    char src1[] = "feed-a", src2[] = "feed-a", src3[] = "feed-b";
    struct intel_meta a1 = meta_of(src1, "x"), a2 = meta_of(src2, "x"), b = meta_of(src3, "x");
    b.threat_level = 1;
    assert_int_equal(add(s, INTEL_FILE_HASH, "D41D8CD98F00B204E9800998ECF8427E", &a1), INTEL_ADD_NEW);
    assert_int_equal(add(s, INTEL_FILE_HASH, "d41d8cd98f00b204e9800998ecf8427e", &a2), INTEL_ADD_DUPLICATE);
    assert_int_equal(add(s, INTEL_FILE_HASH, "d41d8cd98f00b204e9800998ecf8427e", &b), INTEL_ADD_DUPLICATE);
    assert_int_equal(add(s, INTEL_FILE_HASH, "d41d8cd98f00b204e9800998ecf8427e", NULL), INTEL_ADD_DUPLICATE);
    assert_int_equal(add(s, INTEL_JA3, "d41d8cd98f00b204e9800998ecf8427e", &a1), INTEL_ADD_NEW);
    assert_int_equal(intel_store_count(s), 2);
    const struct intel_entry *h = intel_lookup(s, INTEL_FILE_HASH, "D41D8CD98F00B204E9800998ECF8427E", 32);
    assert_non_null(h);
    assert_int_equal(h->n_meta, 2);
    assert_string_equal(h->meta[0]->source, "feed-a");
    assert_string_equal(h->meta[1]->source, "feed-b");
    assert_int_equal(h->meta[1]->threat_level, 1);
    assert_ptr_not_equal(h->meta[0]->source, src1);
    const struct intel_entry *j = intel_lookup(s, INTEL_JA3, "d41d8cd98f00b204e9800998ecf8427e", 32);
    assert_non_null(j);
    assert_ptr_not_equal(j, h);
    assert_int_equal(j->id, 1);
    /* identical meta: the very same record */
    assert_ptr_equal(j->meta[0], h->meta[0]);
    assert_null(intel_lookup(s, INTEL_CERT_HASH, "d41d8cd98f00b204e9800998ecf8427e", 32));

    /* many feeds list one value: all kept, in order, no duplicates */
    char name[32];
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "feed-%d", i % 50);
        struct intel_meta m = meta_of(name, NULL);
        assert_int_equal(add(s, INTEL_URL, "http://evil.example/x", &m), i == 0 ? INTEL_ADD_NEW : INTEL_ADD_DUPLICATE);
    }
    const struct intel_entry *u = intel_lookup(s, INTEL_URL, "https://EVIL.example:443/x#y", 28);
    assert_non_null(u);
    assert_int_equal(u->n_meta, 50);
    for (int i = 0; i < 50; i++) {
        snprintf(name, sizeof name, "feed-%d", i);
        assert_string_equal(u->meta[i]->source, name);
    }
    assert_true(intel_store_memory(s) > 0);
    intel_store_free(s);
}

static const struct intel_entry *addr(const struct intel_store *s, const char *text)
{
    struct ip_addr a = addr_of(text);
    return intel_lookup_addr(s, &a);
}

static void test_store_addresses(void **state)
{
    (void)state;
    struct intel_store *s = intel_store_new();
    assert_null(addr(s, "10.1.2.3"));
    assert_int_equal(add(s, INTEL_SUBNET, "10.0.0.0/8", NULL), INTEL_ADD_NEW);
    assert_int_equal(add(s, INTEL_SUBNET, "10.1.0.0/16", NULL), INTEL_ADD_NEW);
    assert_int_equal(add(s, INTEL_SUBNET, "10.1.2.0/24", NULL), INTEL_ADD_NEW);
    assert_int_equal(add(s, INTEL_SUBNET, "10.1.2.9/24", NULL), INTEL_ADD_DUPLICATE);
    assert_int_equal(add(s, INTEL_ADDR, "10.1.2.3", NULL), INTEL_ADD_NEW);
    assert_int_equal(add(s, INTEL_SUBNET, "2001:db8::/32", NULL), INTEL_ADD_NEW);
    assert_int_equal(add(s, INTEL_SUBNET, "2001:db8:1::/48", NULL), INTEL_ADD_NEW);
    assert_int_equal(add(s, INTEL_ADDR, "2001:db8:1::1", NULL), INTEL_ADD_NEW);
    assert_int_equal(add(s, INTEL_ADDR, "10.0.0.0/8", NULL), INTEL_ADD_INVALID);

    assert_string_equal(addr(s, "10.1.2.3")->indicator, "10.1.2.3");
    assert_int_equal(addr(s, "10.1.2.3")->type, INTEL_ADDR);
    assert_string_equal(addr(s, "10.1.2.4")->indicator, "10.1.2.0/24");
    assert_int_equal(addr(s, "10.1.2.4")->type, INTEL_SUBNET);
    assert_string_equal(addr(s, "10.1.3.4")->indicator, "10.1.0.0/16");
    assert_string_equal(addr(s, "10.200.3.4")->indicator, "10.0.0.0/8");
    assert_null(addr(s, "11.0.0.1"));
    assert_null(addr(s, "::a01:203")); /* v4-compatible, not v4-mapped */
    assert_string_equal(addr(s, "2001:db8:1::1")->indicator, "2001:db8:1::1");
    assert_string_equal(addr(s, "2001:db8:1::2")->indicator, "2001:db8:1::/48");
    assert_string_equal(addr(s, "2001:db8:2::2")->indicator, "2001:db8::/32");
    assert_null(addr(s, "2001:db9::1"));
    /* lookups by text */
    assert_string_equal(intel_lookup(s, INTEL_ADDR, "10.1.9.9", 8)->indicator, "10.1.0.0/16");
    assert_string_equal(intel_lookup(s, INTEL_SUBNET, "10.1.9.0/16", 11)->indicator, "10.1.0.0/16");
    assert_null(intel_lookup(s, INTEL_SUBNET, "10.1.0.0/17", 11));
    assert_null(intel_lookup(s, INTEL_ADDR, "nonsense", 8));

    assert_int_equal(add(s, INTEL_SUBNET, "0.0.0.0/0", NULL), INTEL_ADD_NEW);
    assert_string_equal(addr(s, "11.0.0.1")->indicator, "0.0.0.0/0");
    assert_null(addr(s, "2001:db9::1"));
    assert_int_equal(add(s, INTEL_SUBNET, "::/0", NULL), INTEL_ADD_NEW);
    assert_string_equal(addr(s, "2001:db9::1")->indicator, "::/0");
    intel_store_free(s);
}

static void test_store_many(void **state)
{
    (void)state;
    /* enough to grow every table several times; ids stay dense */
    struct intel_store *s = intel_store_new();
    char v[64];
    for (unsigned i = 0; i < 20000; i++) {
        snprintf(v, sizeof v, "host%u.example", i);
        assert_int_equal(add(s, INTEL_DOMAIN, v, NULL), INTEL_ADD_NEW);
        snprintf(v, sizeof v, "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
        assert_int_equal(add(s, INTEL_ADDR, v, NULL), INTEL_ADD_NEW);
    }
    assert_int_equal(intel_store_count(s), 40000);
    for (unsigned i = 0; i < 20000; i += 997) {
        snprintf(v, sizeof v, "x.host%u.example", i);
        const struct intel_entry *e = dom(s, v);
        assert_non_null(e);
        assert_int_equal(e->id, 2 * i);
        snprintf(v, sizeof v, "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
        e = addr(s, v);
        assert_non_null(e);
        assert_int_equal(e->id, 2 * i + 1);
    }
    intel_store_free(s);
    intel_store_free(NULL);
    assert_int_equal(intel_store_count(NULL), 0);
}

/* Lookups from several threads at once over one loaded store: every
 * thread must see exactly the same answers. */
struct lookup_job {
    const struct intel_store *s;
    unsigned hits, misses;
};

static void *lookup_worker(void *arg)
{
    struct lookup_job *job = arg;
    char v[64];
    for (unsigned round = 0; round < 20; round++) {
        for (unsigned i = 0; i < 2000; i++) {
            snprintf(v, sizeof v, "Sub.Host%u.Example", i);
            const struct intel_entry *e = intel_lookup_domain(job->s, v, strlen(v));
            struct ip_addr a;
            uint8_t q[4] = {10, 0, (uint8_t)(i >> 8), (uint8_t)i};
            ip_addr_from_v4(&a, q);
            const struct intel_entry *x = intel_lookup_addr(job->s, &a);
            snprintf(v, sizeof v, "http://host%u.example/p", i);
            const struct intel_entry *u = intel_lookup(job->s, INTEL_URL, v, strlen(v));
            if (e != NULL && x != NULL && (u != NULL) == (i % 2 == 0))
                job->hits++;
            else
                job->misses++;
        }
    }
    return NULL;
}

static void test_store_concurrent_lookups(void **state)
{
    (void)state;
    struct intel_store *s = intel_store_new();
    char v[64];
    for (unsigned i = 0; i < 2000; i++) {
        snprintf(v, sizeof v, "host%u.example", i);
        add(s, INTEL_DOMAIN, v, NULL);
        if (i % 2 == 0) {
            snprintf(v, sizeof v, "host%u.example/p", i);
            add(s, INTEL_URL, v, NULL);
        }
    }
    add(s, INTEL_SUBNET, "10.0.0.0/16", NULL);
    pthread_t th[4];
    struct lookup_job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (struct lookup_job){s, 0, 0};
        assert_int_equal(pthread_create(&th[i], NULL, lookup_worker, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(jobs[i].hits, 40000);
        assert_int_equal(jobs[i].misses, 0);
    }
    intel_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize_domain),
        cmocka_unit_test(test_normalize_url),
        cmocka_unit_test(test_normalize_addr_subnet),
        cmocka_unit_test(test_normalize_hash_email_text),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_type_infer_refine),
        cmocka_unit_test(test_store_domains),
        cmocka_unit_test(test_store_meta_merge),
        cmocka_unit_test(test_store_addresses),
        cmocka_unit_test(test_store_many),
        cmocka_unit_test(test_store_concurrent_lookups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
