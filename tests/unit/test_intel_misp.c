/* MISP loader: events, objects, to_ids, composite types, galaxies and tags
 * into meta, wrappers (response, lists, bare events, manifest.json), and
 * hostile input; plus every real MISP file under /work/shared when present.
 *
 * The JSON in these tests is written with ' for " (see misp_load_q). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "intel/intel.h"
#include "unit/intel_harness.h"

/* The loader under test, through tests/unit/intel_harness.h. */
#define misp_load(text, rep) intel_harness_load(intel_load_misp, "t.json", (text), (rep))
#define misp_load_q(text, rep) intel_harness_load_quoted(intel_load_misp, "t.json", (text), '\'', (rep))
#define total_added intel_harness_total_added
#define has_example intel_harness_has_example
#define print_examples intel_harness_print_examples
#define domain_meta intel_harness_domain_meta
#define addr_entry intel_harness_addr_entry

#define SHARED_INTEL "/work/shared/intel"

static const struct intel_entry *hash_entry(const struct intel_store *s, const char *hex)
{
    return intel_lookup(s, INTEL_FILE_HASH, hex, strlen(hex));
}

#define SHA256_A "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define SHA256_B "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
#define MD5_A "d41d8cd98f00b204e9800998ecf8427e"
#define SHA1_A "da39a3ee5e6b4b0d3255bfef95601890afd80709"

static const char full_event[] =
    "{'Event': {"
    "  'uuid': '5b3c2d1e-0000-4000-8000-00000000abcd', 'id': '42', 'info': 'APT28 spear phishing',"
    "  'threat_level_id': '2',"
    "  'Orgc': {'name': 'CIRCL'}, 'Org': {'name': 'Other'},"
    "  'Tag': [{'name': 'tlp:white'},"
    "          {'name': 'misp-galaxy:threat-actor=\\'APT28\\''},"
    "          {'name': 'misp-galaxy:mitre-attack-pattern=\\'Spearphishing Attachment - T1566.001\\''},"
    "          {'name': 'misp-galaxy:sector=\\'Defence\\''}],"
    "  'Galaxy': [{'type': 'mitre-malware', 'GalaxyCluster': [{'value': 'X-Agent'}]},"
    "             {'type': 'mitre-attack-pattern', 'GalaxyCluster': [{'value': 'Web Protocols - T1071.001'},"
    "                                                                 {'value': 'No id here'},"
    "                                                                 {'value': 'Old', 'meta': {'external_id': ['T1043']}}]},"
    "             {'type': 'threat-actor', 'GalaxyCluster': [{'value': 'Sofacy'}]}],"
    "  'Attribute': ["
    "    {'uuid': 'a1', 'type': 'domain', 'value': 'Evil.Example.', 'to_ids': true,"
    "     'Tag': [{'name': 'kill-chain:c2'}, {'name': 'tlp:white'}], 'first_seen': '2020-01-01T00:00:00Z'},"
    "    {'uuid': 'a2', 'type': 'ip-dst', 'value': '198.51.100.7', 'to_ids': '1'},"
    "    {'uuid': 'a3', 'type': 'url', 'value': 'http://evil.example/gate.php', 'to_ids': 1},"
    "    {'uuid': 'a4', 'type': 'sha256', 'value': '" SHA256_A "', 'to_ids': true},"
    "    {'uuid': 'a5', 'type': 'ip-src', 'value': '203.0.113.0/24', 'to_ids': true},"
    "    {'uuid': 'a6', 'type': 'email-src', 'value': 'Phisher@Evil.Example', 'to_ids': true}"
    "  ],"
    "  'Object': [{'name': 'file', 'Tag': [{'name': 'object-tag'}], 'Attribute': ["
    "      {'uuid': 'o1', 'type': 'md5', 'value': '" MD5_A "', 'to_ids': true},"
    "      {'uuid': 'o2', 'type': 'filename', 'value': 'evil.exe', 'to_ids': true,"
    "       'Galaxy': [{'type': 'mitre-intrusion-set', 'GalaxyCluster': [{'value': 'Fancy Bear'}]}]}]},"
    "    {'name': 'ip-port', 'Attribute': [{'uuid': 'o3', 'type': 'ip-dst', 'value': '192.0.2.99', 'to_ids': true}]}"
    "  ]"
    "}}";

static void test_event_attributes_and_objects(void **unused)
{
    struct intel_load_report rep;
    struct intel_store *s = misp_load_q(full_event, &rep);
    /* unsupported: the filename */
    intel_harness_expect_load(&rep, s, &(const struct intel_harness_expect){
        .counts = "errors=0 DOMAIN=1 ADDR=2 SUBNET=1 URL=1 FILE_HASH=2 EMAIL=1 total=8 unsupported=1",
        .examples = {"t.json: attribute o2: unsupported MISP type 'filename'"},
    });
    assert_int_equal(intel_store_count(s), 8);

    const struct intel_meta *m = domain_meta(s, "www.evil.example");
    intel_harness_expect_meta(m, "CIRCL", "APT28 spear phishing", "misp:event:5b3c2d1e-0000-4000-8000-00000000abcd",
                              "tlp:white,misp-galaxy:sector=\"Defence\",kill-chain:c2");
    assert_int_equal(m->threat_level, 2);
    intel_harness_expect_attribution(m, "APT28,Sofacy", "X-Agent", "T1566.001,T1071.001,T1043");
    assert_int_equal(m->valid_from_us, 0); /* first_seen is not validity */
    assert_int_equal(m->valid_until_us, 0);

    const struct intel_entry *e = addr_entry(s, "198.51.100.7");
    assert_non_null(e);
    assert_int_equal(e->type, INTEL_ADDR);
    assert_string_equal(e->meta[0]->tags, "tlp:white,misp-galaxy:sector=\"Defence\"");
    e = addr_entry(s, "203.0.113.77");
    assert_non_null(e);
    assert_int_equal(e->type, INTEL_SUBNET);
    assert_string_equal(e->indicator, "203.0.113.0/24");
    e = addr_entry(s, "192.0.2.99");
    assert_non_null(e);
    assert_string_equal(e->meta[0]->tags, "tlp:white,misp-galaxy:sector=\"Defence\"");

    e = hash_entry(s, MD5_A);
    assert_non_null(e);
    assert_string_equal(e->meta[0]->tags, "tlp:white,misp-galaxy:sector=\"Defence\",object-tag");
    assert_string_equal(e->meta[0]->actor, "APT28,Sofacy");
    assert_non_null(hash_entry(s, SHA256_A));
    const char url[] = "evil.example/gate.php";
    assert_non_null(intel_lookup(s, INTEL_URL, url, strlen(url)));
    const char mail[] = "phisher@evil.example";
    assert_non_null(intel_lookup(s, INTEL_EMAIL, mail, strlen(mail)));
    intel_store_free(s);
}

static void test_attribute_galaxy_and_duplicates(void **unused)
{
    struct intel_load_report rep;
    struct intel_store *s = misp_load_q(
        "{'Event': {'info': 'e', 'uuid': 'u1', 'Attribute': ["
        "  {'type': 'domain', 'value': 'bad.example', 'Galaxy': [{'type': 'mitre-intrusion-set',"
        "     'GalaxyCluster': [{'value': 'Fancy Bear'}]}]},"
        "  {'type': 'hostname', 'value': 'BAD.example'}]}}",
        &rep);
    intel_harness_expect_report(&rep, "DOMAIN=1 duplicates=1");
    const struct intel_entry *e = intel_lookup_domain(s, "bad.example", 11);
    assert_non_null(e);
    assert_int_equal(e->n_meta, 2); /* with and without the actor */
    assert_string_equal(e->meta[0]->actor, "Fancy Bear");
    assert_null(e->meta[1]->actor);
    assert_string_equal(e->meta[0]->source, "t.json"); /* no Orgc, no Org */
    intel_store_free(s);
}

static void test_to_ids_and_deleted(void **unused)
{
    struct intel_load_report rep;
    struct intel_store *s = misp_load_q(
        "{'Event': {'Attribute': ["
        "  {'type': 'domain', 'value': 'a.example', 'to_ids': false},"
        "  {'type': 'domain', 'value': 'b.example', 'to_ids': '0'},"
        "  {'type': 'domain', 'value': 'c.example', 'to_ids': 0},"
        "  {'type': 'domain', 'value': 'd.example', 'to_ids': 'false'},"
        "  {'type': 'domain', 'value': 'e.example', 'to_ids': true, 'deleted': true},"
        "  {'type': 'domain', 'value': 'f.example', 'to_ids': 'True'},"
        "  {'type': 'domain', 'value': 'g.example'}],"
        " 'Object': [{'deleted': true, 'Attribute': [{'type': 'domain', 'value': 'h.example'}]},"
        "            {'deleted': false, 'Attribute': [{'type': 'domain', 'value': 'i.example', 'to_ids': false}]}]}}",
        &rep);
    intel_harness_expect_load(&rep, s, &(const struct intel_harness_expect){
        .counts = "not_ids=5 DOMAIN=2 errors=0",
        .listed = "f.example g.example",
        .absent = "a.example e.example h.example",
    });
    intel_store_free(s);
}

static void test_composite_types(void **unused)
{
    struct intel_load_report rep;
    struct intel_store *s = misp_load_q(
        "{'Event': {'Attribute': ["
        "  {'type': 'domain|ip', 'value': 'c2.example|198.51.100.1'},"
        "  {'type': 'ip-dst|port', 'value': '198.51.100.2|443'},"
        "  {'type': 'ip-src|port', 'value': '2001:db8::5|8080'},"
        "  {'type': 'hostname|port', 'value': 'www.c3.example|8443'},"
        "  {'type': 'filename|md5', 'value': 'a.exe|" MD5_A "'},"
        "  {'type': 'filename|sha1', 'value': 'b.exe|" SHA1_A "'},"
        "  {'type': 'filename|sha256', 'value': 'c d.exe|" SHA256_A "'},"
        "  {'type': 'malware-sample', 'value': 'e.exe|" MD5_A "'},"
        "  {'type': 'domain|ip', 'value': 'no-bar.example'},"
        "  {'type': 'filename|imphash', 'value': 'x.exe|" MD5_A "'},"
        "  {'type': 'malware-sample', 'value': 'only-a-name.exe'},"
        "  {'type': 'regkey|value', 'value': 'HKLM\\\\Run|x'}]}}",
        &rep);
    /* duplicates: the malware sample's md5 */
    intel_harness_expect_load(&rep, s, &(const struct intel_harness_expect){
        .counts = "DOMAIN=2 ADDR=3 FILE_HASH=3 duplicates=1 invalid=1 unsupported=3 errors=0",
        .examples = {
            "t.json: attribute #9: composite value without '|': no-bar.example",
            "t.json: attribute #10: unsupported MISP type 'filename|imphash'",
            "t.json: attribute #11: unsupported MISP type 'malware-sample'",
            "t.json: attribute #12: unsupported MISP type 'regkey|value'",
        },
    });
    assert_non_null(intel_lookup_domain(s, "c2.example", 10));
    assert_non_null(addr_entry(s, "198.51.100.1"));
    assert_non_null(addr_entry(s, "198.51.100.2"));
    assert_non_null(addr_entry(s, "2001:db8::5"));
    intel_harness_expect_domains(s, "www.c3.example", "c3.example");
    assert_non_null(hash_entry(s, MD5_A));
    assert_non_null(hash_entry(s, SHA1_A));
    assert_non_null(hash_entry(s, SHA256_A));
    intel_store_free(s);
}

static void test_unsupported_types(void **unused)
{
    static const char *const types[] = {"filename", "regkey", "mutex", "yara", "text", "comment", "vulnerability",
                                        "jarm-fingerprint", "link", "uri", "other", "filename"};
    char json[4096];
    size_t off = (size_t)snprintf(json, sizeof json, "{'Event': {'Attribute': [");
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        off += (size_t)snprintf(json + off, sizeof json - off, "%s{'uuid': 'u%zu', 'type': '%s', 'value': 'http://x.example/'}",
                                i ? "," : "", i, types[i]);
    snprintf(json + off, sizeof json - off, "]}}");
    struct intel_load_report rep;
    struct intel_store *s = misp_load_q(json, &rep);
    /* examples: the second filename is not shown again */
    intel_harness_expect_report(&rep, "unsupported=12 total=0 examples=11");
    assert_string_equal(rep.examples[0], "t.json: attribute u0: unsupported MISP type 'filename'");
    assert_string_equal(rep.examples[1], "t.json: attribute u1: unsupported MISP type 'regkey'");
    assert_string_equal(rep.examples[8], "t.json: attribute u8: unsupported MISP type 'link'");
    assert_int_equal(intel_store_count(s), 0);
    intel_store_free(s);
}

static void test_invalid_values(void **unused)
{
    struct intel_load_report rep;
    struct intel_store *s = misp_load_q(
        "{'Event': {'Attribute': ["
        "  {'uuid': 'bad-ip', 'type': 'ip-dst', 'value': '999.1.1.1'},"
        "  {'uuid': 'bad-hash', 'type': 'md5', 'value': 'xyz'},"
        "  {'uuid': 'ok', 'type': 'ip-dst', 'value': '198.51.100.9'}]}}",
        &rep);
    intel_harness_expect_load(&rep, s, &(const struct intel_harness_expect){
        .counts = "invalid=2 ADDR=1 examples=2",
        .examples = {
            "t.json: attribute bad-ip: invalid Intel::ADDR: 999.1.1.1",
            "t.json: attribute bad-hash: invalid Intel::FILE_HASH: xyz",
        },
        .ordered = true,
    });
    intel_store_free(s);
}

static void test_wrappers(void **unused)
{
    struct intel_load_report rep;
    /* response list, as MISP's REST API answers */
    struct intel_store *s = misp_load_q(
        "{'response': [{'Event': {'threat_level_id': 1, 'Attribute': [{'type': 'domain', 'value': 'r1.example'}]}},"
        "              {'Event': {'threat_level_id': '9', 'Attribute': [{'type': 'domain', 'value': 'r2.example'}]}}]}",
        &rep);
    assert_int_equal(rep.added[INTEL_DOMAIN], 2);
    assert_int_equal(domain_meta(s, "r1.example")->threat_level, 1);
    assert_int_equal(domain_meta(s, "r2.example")->threat_level, 0);
    intel_store_free(s);

    /* a bare list of events, and a bare event (PyMISP's to_json) */
    s = misp_load_q("[{'Event': {'Attribute': [{'type': 'domain', 'value': 'l1.example'}]}},"
                    " {'info': 'bare', 'Attribute': [{'type': 'domain', 'value': 'l2.example'}]}]",
                    &rep);
    assert_int_equal(rep.added[INTEL_DOMAIN], 2);
    assert_string_equal(domain_meta(s, "l2.example")->desc, "bare");
    intel_store_free(s);

    s = misp_load_q("{'id': '7', 'info': 'pymisp', 'threat_level_id': 4, 'Org': {'name': 'Org only'},"
                    " 'Attribute': [{'type': 'ip-dst', 'value': '192.0.2.1'}]}",
                    &rep);
    const struct intel_entry *e = addr_entry(s, "192.0.2.1");
    assert_non_null(e);
    assert_string_equal(e->meta[0]->source, "Org only");
    assert_string_equal(e->meta[0]->ref, "misp:event:7");
    assert_int_equal(e->meta[0]->threat_level, 4);
    intel_store_free(s);
}

static void test_manifest_ignored(void **unused)
{
    struct intel_load_report rep;
    struct intel_store *s = misp_load_q(
        "{'5b3c2d1e-0000-4000-8000-00000000abcd': {'info': 'one', 'Orgc': {'name': 'X'}, 'timestamp': '1'},"
        " '5B3C2D1E-0000-4000-8000-00000000ABCE': {'info': 'two', 'Tag': []}}",
        &rep);
    intel_harness_expect_report(&rep, "errors=0 unsupported=0 examples=0");
    assert_int_equal(intel_store_count(s), 0);
    intel_store_free(s);
}

static void test_not_an_event(void **unused)
{
    static const char *const texts[] = {"{}", "[]", "null", "42", "'text'", "{'duvelDetails': {'blockList': ['a.example']}}",
                                        "{'Event': {}}", "{'response': []}"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct intel_load_report rep;
        struct intel_store *s = misp_load_q(texts[i], &rep);
        assert_int_equal(rep.errors, 0);
        assert_int_equal(intel_store_count(s), 0);
        if (i == 6)
            assert_int_equal(rep.n_examples, 0); /* an empty event is an event */
        else
            assert_true(has_example(&rep, "t.json: no MISP event in the file"));
        intel_store_free(s);
    }
}

static void test_malformed(void **unused)
{
    struct intel_load_report rep;
    /* truncated: nothing can be read */
    struct intel_store *s = misp_load_q("{'Event': {'Attribute': [{'type': 'domain', 'value': 'x.exa", &rep);
    intel_harness_expect_report(&rep, "errors=1 examples=1");
    assert_non_null(strstr(rep.examples[0], "malformed JSON"));
    intel_store_free(s);

    /* wrong types: each bad record is an error, the good ones load */
    s = misp_load_q("{'Event': {'Attribute': 'string', 'Object': [{'Attribute': ["
                    "  {'uuid': 'v42', 'type': 'domain', 'value': 42},"
                    "  {'uuid': 'maybe', 'type': 'domain', 'value': 'm.example', 'to_ids': 'maybe'},"
                    "  {'uuid': 'nt', 'type': 7, 'value': 'n.example'},"
                    "  'not an object', [], null,"
                    "  {'uuid': 'good', 'type': 'domain', 'value': 'good.example', 'Tag': 'x', 'Galaxy': {'a': 1}}]},"
                    " 5, {'Attribute': {'type': 'domain'}}], 'Tag': 'x', 'Galaxy': [1, {'GalaxyCluster': 'x'}],"
                    " 'Orgc': 'x', 'info': 7, 'uuid': []}}",
                    &rep);
    intel_harness_expect_load(&rep, s, &(const struct intel_harness_expect){
        .counts = "DOMAIN=1 errors=9",
        .examples = {
            "t.json: attribute v42: attribute value is not a string",
            "t.json: attribute maybe: to_ids is neither true nor false",
            "t.json: attribute nt: attribute type is not a string",
        },
    });
    const struct intel_meta *m = domain_meta(s, "good.example");
    assert_string_equal(m->source, "t.json");
    assert_null(m->desc);
    assert_null(m->ref);
    assert_null(m->tags);
    intel_store_free(s);

    /* a stray comma before ']' or '}' (some exports have one) is forgiven */
    s = misp_load_q("{'Event': {'Attribute': [{'type': 'domain', 'value': 'tc.example',},],},}", &rep);
    intel_harness_expect_load(&rep, s, &(const struct intel_harness_expect){
        .counts = "errors=0 DOMAIN=1",
        .examples = {"t.json:1: trailing commas in the JSON (read anyway)"},
        .ordered = true,
    });
    intel_store_free(s);

    /* a comma inside a string is not touched */
    s = misp_load_q("{'Event': {'info': 'a,] \\' ,}', 'Attribute': [{'type': 'domain', 'value': 'x.example',}]}}", &rep);
    assert_int_equal(rep.errors, 0);
    assert_string_equal(domain_meta(s, "x.example")->desc, "a,] \" ,}");
    intel_store_free(s);

    /* empty input, NUL bytes */
    s = misp_load("", &rep);
    assert_int_equal(rep.errors, 1);
    intel_store_free(s);
    static const char with_nul[] = "{\"Event\": {\"Attribute\": [{\"type\": \"domain\", \"value\": \"a\\u0000b.example\"}]}}";
    s = misp_load(with_nul, &rep);
    assert_int_equal(rep.invalid, 1);
    assert_int_equal(intel_store_count(s), 0);
    intel_store_free(s);
}

static void test_huge_strings(void **unused)
{
    enum { BIG = 200000 };
    size_t cap = BIG * 2 + 4096;
    char *json = malloc(cap);
    assert_non_null(json);
    size_t off = (size_t)snprintf(json, cap, "{'Event': {'info': '");
    memset(json + off, 'i', BIG);
    off += BIG;
    off += (size_t)snprintf(json + off, cap - off, "', 'uuid': '");
    memset(json + off, 'u', 1000);
    off += 1000;
    off += (size_t)snprintf(json + off, cap - off, "', 'Tag': [");
    for (int i = 0; i < 2000; i++)
        off += (size_t)snprintf(json + off, cap - off, "%s{'name': 'tag%d'}", i ? "," : "", i);
    off += (size_t)snprintf(json + off, cap - off, "], 'Attribute': [{'type': 'domain', 'value': '");
    memset(json + off, 'a', BIG / 2);
    off += BIG / 2;
    off += (size_t)snprintf(json + off, cap - off, ".example'}, {'type': 'domain', 'value': 'ok.example'}, {'type': '");
    memset(json + off, 't', 1000);
    off += 1000;
    off += (size_t)snprintf(json + off, cap - off, "', 'value': 'x'}]}}");
    assert_true(off < cap);

    struct intel_load_report rep;
    struct intel_store *s = misp_load_q(json, &rep);
    free(json);
    print_examples(&rep);
    intel_harness_expect_report(&rep, "invalid=1 unsupported=1 DOMAIN=1 examples=2");
    const char invalid_prefix[] = "t.json: attribute #1: invalid Intel::DOMAIN: aaaa";
    assert_int_equal(strncmp(rep.examples[0], invalid_prefix, sizeof invalid_prefix - 1), 0);
    assert_int_equal(strlen(rep.examples[0]), strlen("t.json: attribute #1: invalid Intel::DOMAIN: ") + 120);
    assert_string_equal(rep.examples[1], "t.json: attribute #3: unsupported MISP type "
                                         "'ttttttttttttttttttttttttttttttttttttttttttttttt'");
    const struct intel_meta *m = domain_meta(s, "ok.example");
    assert_int_equal(strlen(m->desc), 255);
    assert_true(strlen(m->tags) < 512);
    assert_true(strlen(m->tags) > 400);
    assert_int_equal(strncmp(m->tags, "tag0,tag1,tag2,", 15), 0);
    assert_int_equal(strlen(m->ref), strlen("misp:event:") + 100);
    intel_store_free(s);
}

static void test_galaxy_tag_forms(void **unused)
{
    struct intel_load_report rep;
    struct intel_store *s = misp_load_q(
        "{'Event': {'Tag': ["
        "  {'name': 'misp-galaxy:mitre-enterprise-attack-attack-pattern=\\'Data from Local System - T1005\\''},"
        "  {'name': 'misp-galaxy:mitre-attack-pattern=\\'T1059 lookalike: XT1234 and T12345\\''},"
        "  {'name': 'misp-galaxy:mitre-tool=\\'Mimikatz, the tool\\''},"
        "  {'name': 'misp-galaxy:threat-actor=\\'\\''},"
        "  {'name': 'misp-galaxy:threat-actor'},"
        "  {'name': 'misp-galaxy:malpedia=\\'Emotet'}],"
        " 'Attribute': [{'type': 'domain', 'value': 'g.example'}]}}",
        &rep);
    const struct intel_meta *m = domain_meta(s, "g.example");
    assert_string_equal(m->attack, "T1005,T1059");
    assert_string_equal(m->malware, "Mimikatz; the tool");
    assert_null(m->actor);
    assert_string_equal(m->tags, "misp-galaxy:threat-actor,misp-galaxy:malpedia=\"Emotet");
    intel_store_free(s);
}

/* ---- the real feeds ---- */

static void check_real_dir(const char *dir, uint64_t min_files, uint64_t min_added)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        skip();
    struct intel_store *s = intel_store_new();
    assert_non_null(s);
    struct intel_harness_totals t;
    memset(&t, 0, sizeof t);
    intel_harness_load_real_dir(s, intel_load_misp, dir, ".json", &t);
    uint64_t added = 0;
    for (int i = 0; i < INTEL_TYPE_COUNT; i++)
        added += t.added[i];
    print_message("%s: %llu files, %llu indicators (addr %llu subnet %llu domain %llu url %llu hash %llu email %llu "
                  "cert %llu ua %llu ja3 %llu), %llu duplicates, %llu invalid, %llu unsupported, %llu not to_ids\n",
                  dir, (unsigned long long)t.files, (unsigned long long)added, (unsigned long long)t.added[INTEL_ADDR],
                  (unsigned long long)t.added[INTEL_SUBNET], (unsigned long long)t.added[INTEL_DOMAIN],
                  (unsigned long long)t.added[INTEL_URL], (unsigned long long)t.added[INTEL_FILE_HASH],
                  (unsigned long long)t.added[INTEL_EMAIL], (unsigned long long)t.added[INTEL_CERT_HASH],
                  (unsigned long long)t.added[INTEL_USER_AGENT], (unsigned long long)t.added[INTEL_JA3],
                  (unsigned long long)t.duplicates, (unsigned long long)t.invalid, (unsigned long long)t.unsupported,
                  (unsigned long long)t.not_ids);
    assert_int_equal(t.errors, 0);
    assert_true(t.files >= min_files);
    assert_true(added >= min_added);
    intel_store_free(s);
}

static void test_real_eset_events(void **unused)
{
    check_real_dir(SHARED_INTEL "/feeds/eset-misp-events", 38, 1000);
}

static void test_real_pymisp_tests(void **unused)
{
    check_real_dir(SHARED_INTEL "/feeds/pymisp-tests", 25, 10);
}

static void test_real_eset_malware_ioc(void **unused)
{
    check_real_dir(SHARED_INTEL "/eset-malware-ioc", 50, 1000);
}

/* A known event read back through the store: ESET's Ebury event. */
static void test_real_meta(void **unused)
{
    const char *path = SHARED_INTEL "/feeds/eset-misp-events/ebury.misp.json";
    struct stat st;
    if (stat(path, &st) != 0)
        skip();
    struct intel_store *s = intel_store_new();
    assert_non_null(s);
    struct intel_harness_totals t;
    memset(&t, 0, sizeof t);
    intel_harness_load_real_file(s, intel_load_misp, path, &t);
    assert_int_equal(t.not_ids, 420 - 198);
    const struct intel_meta *m = domain_meta(s, "op3f1libgh.biz");
    intel_harness_expect_meta(m, "ESET", "Ebury is alive but unseen", "misp:event:13cb1207-0674-4a54-a999-df5ff8e35c1a",
                              "ESET");
    assert_int_equal(m->threat_level, 2);
    assert_string_equal(m->actor, "Ebury");
    assert_int_equal(strncmp(m->attack, "T1592.002,T1592.004,T1589.001,", 30), 0);
    assert_true(strlen(m->attack) < 512);
    intel_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_attributes_and_objects),
        cmocka_unit_test(test_attribute_galaxy_and_duplicates),
        cmocka_unit_test(test_to_ids_and_deleted),
        cmocka_unit_test(test_composite_types),
        cmocka_unit_test(test_unsupported_types),
        cmocka_unit_test(test_invalid_values),
        cmocka_unit_test(test_wrappers),
        cmocka_unit_test(test_manifest_ignored),
        cmocka_unit_test(test_not_an_event),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_huge_strings),
        cmocka_unit_test(test_galaxy_tag_forms),
        cmocka_unit_test(test_real_eset_events),
        cmocka_unit_test(test_real_pymisp_tests),
        cmocka_unit_test(test_real_eset_malware_ioc),
        cmocka_unit_test(test_real_meta),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
