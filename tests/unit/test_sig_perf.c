/* Signatures, the structures that keep them fast: the on-disk cache of
 * compiled prefilters, the stream inspection depth, the direction split of
 * payload prefilters, shared variable groups, per-worker pcre JIT copies and
 * the address index filter. Each speed-up must leave the alerts unchanged. */
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
#include <unistd.h>

#include "decode/packet-t.h"
#include "detect/alert-t.h"
#include "detect/sink-t.h"
#include "sig/sig.h"
#include "unit/sig_harness.h"
#include "unit/tmpdir_harness.h"

/* A set of rules compiled with the prefilter cache in dir (NULL: none). */
static struct sig_set *set_of(const char *const *rules, size_t n, const char *cache)
{
    return rules_set(rules, n, "perf.rules", cache);
}

static void stream_at(struct sig_worker *w, uint64_t flow, bool to_server, uint16_t server_port, uint64_t offset,
                      const char *data, size_t n)
{
    test_stream_at(w, flow, to_server, server_port, offset, 1, data, n);
}

static void stream(struct sig_worker *w, uint64_t flow, bool to_server, const char *data)
{
    stream_at(w, flow, to_server, 80, 0, data, strlen(data));
}

/* The cache files (*.hs) in dir, and the size of the last one seen. */
static unsigned cache_files(const char *dir, off_t *size)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    unsigned n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 3, ".hs") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (size && stat(path, &st) == 0)
            *size = st.st_size;
        n++;
    }
    closedir(d);
    return n;
}

/* Truncates every cache file to a few bytes: what a full disk leaves. */
static void damage_cache(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        assert_int_equal(truncate(path, 7), 0);
    }
    closedir(d);
}

static const char *const cache_rules[] = {
    "alert tcp any any -> any any (msg:\"stream\"; flow:to_server; content:\"evil-payload\"; sid:1;)",
    "alert tcp any any -> any any (msg:\"other\"; content:\"harmless-looking\"; sid:2;)",
};

/* The same rules with the cache empty, filled, damaged: the same alerts. */
static void fires_with(const char *cache)
{
    struct sig_set *s = set_of(cache_rules, 2, cache);
    struct fired f = {0};
    struct sig_worker *w = worker_for(s, &f);
    stream(w, 1, true, "xx evil-payload xx");
    assert_true(fired(&f, 1));
    assert_false(fired(&f, 2));
    sig_worker_free(w);
    sig_set_free(s);
}

/* The rules compiled with the prefilter cache left to its default (the
 * environment's VIGIL_RULES_CACHE). */
static void compile_with_default_cache(void)
{
    struct sig_set *s = sig_set_new(NULL);
    assert_non_null(s);
    char why[200];
    assert_int_equal(sig_set_add_rule(s, cache_rules[0], "perf.rules", 1, why, sizeof why), 0);
    assert_true(sig_set_compile(s, why, sizeof why));
    sig_set_free(s);
}

static void test_prefilter_cache(void **state)
{
    const char *base = *state;
    char dir[256];
    tmpdir_path(base, "made/by/vigil", dir, sizeof dir);
    fires_with(dir); /* compiled, and written under directories it creates */
    off_t size = 0;
    unsigned n = cache_files(dir, &size);
    assert_true(n >= 1);
    assert_true(size > 7);
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    fires_with(dir); /* read back */
    assert_int_equal(cache_files(dir, NULL), n);
    damage_cache(dir);
    fires_with(dir); /* a cut file is compiled again and replaced */
    size = 0;
    assert_int_equal(cache_files(dir, &size), n);
    assert_true(size > 7);

    /* A directory others may write to is not trusted: nothing read or written. */
    char open_dir[256];
    tmpdir_path(base, "shared", open_dir, sizeof open_dir);
    assert_int_equal(mkdir(open_dir, 0700), 0);
    assert_int_equal(chmod(open_dir, 0777), 0);
    fires_with(open_dir);
    assert_int_equal(cache_files(open_dir, NULL), 0);
    fires_with(NULL);

    /* The default comes from the environment; "off" is none. */
    char env_dir[256];
    tmpdir_path(base, "env", env_dir, sizeof env_dir);
    const char *old = getenv("VIGIL_RULES_CACHE");
    char *saved = old ? strdup(old) : NULL;
    setenv("VIGIL_RULES_CACHE", env_dir, 1);
    compile_with_default_cache();
    assert_true(cache_files(env_dir, NULL) >= 1);
    assert_int_equal(tmpdir_remove(env_dir), 0);
    setenv("VIGIL_RULES_CACHE", "off", 1);
    compile_with_default_cache();
    struct stat none;
    assert_int_not_equal(stat(env_dir, &none), 0);
    if (saved)
        setenv("VIGIL_RULES_CACHE", saved, 1);
    else
        unsetenv("VIGIL_RULES_CACHE");
    free(saved);
}

static const char *const stream_depth_rules[] = {
    "alert tcp any any -> any any (msg:\"marker\"; flow:to_server; content:\"MARKER\"; sid:1;)",
};

/* Suricata's stream.reassembly.depth: 1 MiB per direction is inspected, all
 * of it on the SMB ports. */
static void test_stream_depth(void **state)
{
    struct sig_case *c = *state;
    const uint64_t depth = SIG_STREAM_DEPTH;
    stream_at(c->w, 1, true, 80, depth - 100, "xxMARKERxx", 10);
    assert_true(fired(&c->f, 1));
    c->f.n = 0;
    stream_at(c->w, 2, true, 80, depth, "xxMARKERxx", 10);
    assert_int_equal(c->f.n, 0);
    /* a chunk across the depth: what starts before it is seen, the rest not */
    stream_at(c->w, 3, true, 80, depth - 6, "MARKERxx", 8);
    assert_true(fired(&c->f, 1));
    c->f.n = 0;
    stream_at(c->w, 4, true, 80, depth - 4, "xxMARKER", 8);
    assert_int_equal(c->f.n, 0);
    stream_at(c->w, 5, true, 445, 5 * depth, "xxMARKERxx", 10);
    assert_true(fired(&c->f, 1));
    c->f.n = 0;
    stream_at(c->w, 6, false, 139, 5 * depth, "xxMARKERxx", 10); /* wrong direction for the rule */
    assert_int_equal(c->f.n, 0);
}

static const char *const direction_groups_rules[] = {
    "alert tcp any any -> any any (msg:\"to server\"; flow:to_server; content:\"AAAA\"; sid:1;)",
    "alert tcp any any -> any any (msg:\"to client\"; flow:to_client; content:\"AAAA\"; sid:2;)",
    "alert tcp any any -> any any (msg:\"either\"; content:\"AAAA\"; sid:3;)",
    "alert tcp any any <> any any (msg:\"bidir to client\"; flow:established,to_client; content:\"BBBB\"; sid:4;)",
};

/* Payload prefilters are split by direction; a rule without one is in both. */
static void test_direction_groups(void **state)
{
    struct sig_case *c = *state;
    stream(c->w, 1, true, "..AAAA..BBBB");
    expect_sids(&c->f, "1 3", "2 4");
    c->f.n = 0;
    stream(c->w, 1, false, "..AAAA..BBBB");
    expect_sids(&c->f, "2 3 4", "1");
}

/* $HOME_NET parsed once, shared by plain and negated uses; a variable
 * redefined later is parsed again for the rules after it. */
static void test_shared_variable_groups(void **state)
{
    struct sig_set *s = sig_set_new(NULL);
    assert_non_null(s);
    assert_true(sig_set_cache_dir(s, NULL));
    char why[600];
    assert_int_equal(sig_set_add_rule(s, "alert tcp $HOME_NET any -> $EXTERNAL_NET any (msg:\"out\"; "
                                         "flow:to_server; content:\"ZZZZ\"; sid:1;)", "v.rules", 1, why, sizeof why), 0);
    assert_int_equal(sig_set_add_rule(s, "alert tcp [$HOME_NET,!192.168.1.10] any -> any any (msg:\"not that host\"; "
                                         "content:\"ZZZZ\"; sid:2;)", "v.rules", 2, why, sizeof why), 0);
    char path[64];
    tmpfile_with(path, sizeof path, "sigvars", "HOME_NET: \"[10.0.0.0/8]\"\n");
    assert_true(sig_set_load_vars(s, path, why, sizeof why));
    unlink(path);
    assert_int_equal(sig_set_add_rule(s, "alert tcp $HOME_NET any -> any any (msg:\"new home\"; content:\"ZZZZ\"; "
                                         "sid:3;)", "v.rules", 3, why, sizeof why), 0);
    assert_true(sig_set_compile(s, why, sizeof why));
    struct fired f = {0};
    struct sig_worker *w = worker_for(s, &f);
    stream(w, 1, true, "ZZZZ"); /* from 192.168.1.10 to 93.184.216.34 */
    expect_sids(&f, "1", "2 3");
    sig_worker_free(w);
    sig_set_free(s);
}

/* Every worker JIT-compiles its own copy of a pcre on first use. */
static void test_pcre_per_worker(void **state)
{
    static const char *const rules[] = {
        "alert tcp any any -> any any (msg:\"pcre\"; content:\"id=\"; pcre:\"/id=\\d{3,}/\"; sid:1;)",
        "alert tcp any any -> any any (msg:\"pcre miss\"; content:\"id=\"; pcre:\"/id=[a-z]+/\"; sid:2;)",
    };
    struct sig_set *s = set_of(rules, 2, NULL);
    struct fired f1 = {0}, f2 = {0};
    struct sig_worker *w1 = worker_for(s, &f1), *w2 = worker_for(s, &f2);
    for (int round = 0; round < 2; round++) {
        stream(w1, 1, true, "GET /?id=12345");
        stream(w2, 2, true, "GET /?id=12345");
    }
    assert_int_equal(f1.n, 2);
    assert_int_equal(f2.n, 2);
    assert_true(fired(&f1, 1) && fired(&f2, 1));
    assert_false(fired(&f1, 2) || fired(&f2, 2));
    sig_worker_free(w1);
    sig_worker_free(w2);
    sig_set_free(s);
}

static const char *const address_index_rules[] = {
    "alert ip [198.51.100.7,198.51.100.9,203.0.113.0/24,2001:db8::1] any -> any any (msg:\"listed\"; sid:1;)",
};

/* The address index's filter: a listed address is found, a neighbour not. */
static void test_address_index(void **state)
{
    struct sig_case *c = *state;
    static const char *const addrs[] = {"198.51.100.7", "198.51.100.8", "203.0.113.200", "203.0.114.1",
                                        "2001:db8::1", "2001:db8::2"};
    static const bool listed[] = {true, false, true, false, true, false};
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        struct packet p;
        test_packet(&p, 17, addrs[i], 0, strchr(addrs[i], ':') ? "2001:db8::99" : "192.168.1.1", 0, NULL);
        c->f.n = 0;
        sig_packet(c->w, &p, NULL);
        if (fired(&c->f, 1) != listed[i])
            fail_msg("%s: fired %d, want %d", addrs[i], fired(&c->f, 1), listed[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TMPDIR_TEST(test_prefilter_cache),
        SIG_CASE_TEST(test_stream_depth, "perf.rules", stream_depth_rules),
        SIG_CASE_TEST(test_direction_groups, "perf.rules", direction_groups_rules),
        cmocka_unit_test(test_shared_variable_groups),
        cmocka_unit_test(test_pcre_per_worker),
        SIG_CASE_TEST(test_address_index, "perf.rules", address_index_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
