#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parser_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/ssh.h"
#include "unit/bytes_harness.h"

/* ---- a fake engine ------------------------------------------------------ */

struct capture {
    int published;
    struct ssh_txn last;
    int weirds;
    char last_weird[128];
};

static void fake_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    struct capture *cap = env->ctx;
    assert_int_equal(kind, EVENT_SSH);
    cap->published++;
    memcpy(&cap->last, txn, sizeof cap->last);
}

static void fake_service(struct app_env *env, const char *service)
{
    (void)env;
    (void)service;
}

struct session {
    struct parser_run run;
    struct capture cap;
};

static const struct app_env hooks = {.publish = fake_publish, .add_service = fake_service};

static void session_open(struct session *s)
{
    memset(&s->cap, 0, sizeof s->cap);
    parser_run_open(&s->run, &ssh_parser, &hooks, &s->cap);
}

static void session_feed(struct session *s, bool from_orig, const void *p, size_t n)
{
    s->run.env.ts_us += 1000;
    parser_run_feed(&s->run, from_orig, p, n, 0);
}

/* ---- message builders --------------------------------------------------- */

static void put_str(struct byte_builder *b, const char *s)
{
    put32(b, (uint32_t)strlen(s));
    putn(b, s, strlen(s));
}

/* Wraps a payload (msg type first) in the binary packet framing. */
static void put_packet(struct byte_builder *out, const struct byte_builder *payload)
{
    size_t pad = 8 - ((5 + payload->n) % 8);
    if (pad < 4)
        pad += 8;
    put32(out, (uint32_t)(1 + payload->n + pad));
    put8(out, (unsigned)pad);
    putn(out, payload->b, payload->n);
    static const uint8_t zeros[16];
    putn(out, zeros, pad);
}

static void put_kexinit(struct byte_builder *out, const char *kex, const char *hostkey, const char *enc, const char *mac,
                        const char *comp)
{
    struct byte_builder p = {.n = 0};
    put8(&p, 20);
    memset(p.b + p.n, 0xab, 16);
    p.n += 16;
    put_str(&p, kex);
    put_str(&p, hostkey);
    put_str(&p, enc);
    put_str(&p, enc);
    put_str(&p, mac);
    put_str(&p, mac);
    put_str(&p, comp);
    put_str(&p, comp);
    put_str(&p, "");
    put_str(&p, "");
    put8(&p, 0);
    put32(&p, 0);
    put_packet(out, &p);
}

static void put_simple(struct byte_builder *out, uint8_t msg)
{
    struct byte_builder p = {.n = 0};
    put8(&p, msg);
    put_packet(out, &p);
}

static void put_ecdh_reply(struct byte_builder *out, const char *key_blob)
{
    struct byte_builder p = {.n = 0};
    put8(&p, 31);
    put_str(&p, key_blob);
    put_str(&p, "Q_S");
    put_str(&p, "signature");
    put_packet(out, &p);
}

/* A whole cleartext conversation: client stream and server stream. */
static void build_handshake(struct byte_builder *client, struct byte_builder *server, const char *client_banner,
                            const char *server_banner, const char *client_comp)
{
    client->n = server->n = 0;
    putn(client, client_banner, strlen(client_banner));
    putn(server, server_banner, strlen(server_banner));
    put_kexinit(client, "curve25519-sha256@libssh.org,ecdh-sha2-nistp256", "ssh-ed25519,ssh-rsa",
                "aes128-ctr,aes256-ctr", "hmac-sha1", client_comp);
    put_kexinit(server, "ecdh-sha2-nistp256,curve25519-sha256@libssh.org", "ssh-rsa,ssh-ed25519", "aes256-ctr",
                "hmac-md5,hmac-sha1", "none,zlib@openssh.com");
    struct byte_builder init = {.n = 0};
    put8(&init, 30);
    put_str(&init, "Q_C");
    put_packet(client, &init);
    put_ecdh_reply(server, "host-key-blob");
    put_simple(client, 21);
    put_simple(server, 21);
}

static const uint8_t encrypted[512];

static void run_handshake(struct session *s, const char *cb, const char *sb, const char *comp)
{
    struct byte_builder client, server;
    build_handshake(&client, &server, cb, sb, comp);
    /* Banners first: Zeek cannot frame a packet before both are known. */
    size_t cbl = strlen(cb), sbl = strlen(sb);
    session_feed(s, true, client.b, cbl);
    session_feed(s, false, server.b, sbl);
    session_feed(s, true, client.b + cbl, client.n - cbl);
    session_feed(s, false, server.b + sbl, server.n - sbl);
}

/* ---- tests -------------------------------------------------------------- */

static void test_full_session_auth_success(void **state)
{
    (void)state;
    struct session s;
    session_open(&s);
    run_handshake(&s, "SSH-2.0-OpenSSH_6.6\r\n", "SSH-2.0-OpenSSH_5.9p1 Debian\r\n", "none");
    assert_int_equal(s.cap.published, 0);
    session_feed(&s, true, encrypted, 52);  /* SERVICE_REQUEST */
    session_feed(&s, false, encrypted, 52); /* SERVICE_ACCEPT */
    session_feed(&s, true, encrypted, 100); /* USERAUTH_REQUEST */
    session_feed(&s, false, encrypted, 36); /* USERAUTH_SUCCESS: 16 shorter */
    assert_int_equal(s.cap.published, 1);   /* Zeek logs a success at once */
    const struct ssh_txn *t = &s.cap.last;
    assert_true(t->has_version);
    assert_int_equal(t->version, 2);
    assert_int_equal(t->auth, SSH_AUTH_SUCCESS);
    assert_int_equal(t->auth_attempts, 1);
    assert_string_equal(t->client.banner, "SSH-2.0-OpenSSH_6.6");
    assert_string_equal(t->server.banner, "SSH-2.0-OpenSSH_5.9p1 Debian");
    assert_string_equal(t->cipher_alg.text, "aes256-ctr");
    assert_string_equal(t->mac_alg.text, "hmac-sha1");
    assert_string_equal(t->compression_alg.text, "none");
    assert_string_equal(t->kex_alg.text, "curve25519-sha256@libssh.org");
    assert_string_equal(t->host_key_alg.text, "ssh-ed25519");
    assert_true(t->has_host_key);
    assert_int_equal(strlen(t->host_key_fingerprint), 7 + 32);
    assert_memory_equal(t->host_key_fingerprint, "SHA256:", 7);
    assert_true(t->client.has_hassh);
    assert_int_equal(strlen(t->client.hassh), 32);
    assert_string_equal(t->client.hassh_string,
                        "curve25519-sha256@libssh.org,ecdh-sha2-nistp256;aes128-ctr,aes256-ctr;hmac-sha1;none");
    /* Suricata's banner split */
    assert_int_equal(t->server.proto_version_len, 3);
    assert_memory_equal(t->server.banner + t->server.software_version_off, "OpenSSH_5.9p1",
                        t->server.software_version_len);
    assert_int_equal(t->server.software_version_len, strlen("OpenSSH_5.9p1"));
    session_feed(&s, false, encrypted, 36);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.published, 1);   /* never twice */
}

static void test_auth_failures_logged_at_close(void **state)
{
    (void)state;
    struct session s;
    session_open(&s);
    run_handshake(&s, "SSH-2.0-a\n", "SSH-2.0-b\n", "none");
    session_feed(&s, true, encrypted, 52);
    session_feed(&s, false, encrypted, 52);
    session_feed(&s, true, encrypted, 100);
    session_feed(&s, false, encrypted, 60); /* first failure: its size is learnt */
    session_feed(&s, true, encrypted, 100);
    session_feed(&s, false, encrypted, 60); /* same size: a failed attempt */
    session_feed(&s, true, encrypted, 100);
    session_feed(&s, false, encrypted, 60);
    assert_int_equal(s.cap.published, 0);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.published, 1);
    assert_int_equal(s.cap.last.auth, SSH_AUTH_FAILURE);
    assert_int_equal(s.cap.last.auth_attempts, 2);
}

static void test_compression_hides_auth(void **state)
{
    (void)state;
    struct session s;
    session_open(&s);
    run_handshake(&s, "SSH-2.0-a\n", "SSH-2.0-b\n", "zlib@openssh.com,none");
    session_feed(&s, true, encrypted, 52);
    session_feed(&s, false, encrypted, 52);
    session_feed(&s, true, encrypted, 100);
    session_feed(&s, false, encrypted, 36);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.published, 1);
    assert_string_equal(s.cap.last.compression_alg.text, "zlib@openssh.com");
    assert_int_equal(s.cap.last.auth, SSH_AUTH_UNKNOWN);
    assert_int_equal(s.cap.last.auth_attempts, 0);
}

/* The same bytes, one at a time, give the same transaction. */
static void test_byte_by_byte(void **state)
{
    (void)state;
    struct byte_builder client, server;
    const char *cb = "SSH-2.0-OpenSSH_6.6\r\n", *sb = "SSH-1.99-OpenSSH_6.6\r\n";
    build_handshake(&client, &server, cb, sb, "none");
    struct session whole, bytewise;
    session_open(&whole);
    run_handshake(&whole, cb, sb, "none");
    parser_run_close(&whole.run);

    session_open(&bytewise);
    size_t ci = 0, si = 0;
    for (; ci < strlen(cb); ci++)
        session_feed(&bytewise, true, client.b + ci, 1);
    for (; si < strlen(sb); si++)
        session_feed(&bytewise, false, server.b + si, 1);
    while (ci < client.n || si < server.n) {
        if (ci < client.n)
            session_feed(&bytewise, true, client.b + ci++, 1);
        if (si < server.n)
            session_feed(&bytewise, false, server.b + si++, 1);
    }
    parser_run_close(&bytewise.run);
    assert_int_equal(whole.cap.published, 1);
    assert_int_equal(bytewise.cap.published, 1);
    const struct ssh_txn *a = &whole.cap.last, *b = &bytewise.cap.last;
    assert_int_equal(a->version, 2); /* 2.0 vs 1.99 is 2 */
    assert_string_equal(a->cipher_alg.text, b->cipher_alg.text);
    assert_string_equal(a->kex_alg.text, b->kex_alg.text);
    assert_string_equal(a->host_key_fingerprint, b->host_key_fingerprint);
    assert_string_equal(a->client.hassh, b->client.hassh);
    assert_string_equal(a->server.hassh, b->server.hassh);
    assert_string_equal(a->server.banner, b->server.banner);
}

/* Every prefix of the conversation parses without reading out of bounds. */
static void test_every_truncation(void **state)
{
    (void)state;
    struct byte_builder client, server;
    build_handshake(&client, &server, "SSH-2.0-c\r\n", "SSH-2.0-s\r\n", "none");
    for (size_t cut = 0; cut <= client.n + server.n; cut++) {
        struct session s;
        session_open(&s);
        size_t from_client = cut < client.n ? cut : client.n;
        session_feed(&s, true, client.b, from_client);
        if (cut > client.n)
            session_feed(&s, false, server.b, cut - client.n);
        parser_run_close(&s.run);
        assert_true(s.cap.published <= 1);
    }
}

static void test_version_rules(void **state)
{
    (void)state;
    struct session s;
    session_open(&s);
    session_feed(&s, true, "SSH-1.5-OpenSSH_6.2\n", 20);
    session_feed(&s, false, "SSH-1.99-OpenSSH_6.6.1p1\n", 25);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.last.version, 1);
    assert_false(s.cap.last.cipher_alg.set);

    session_open(&s);
    session_feed(&s, true, "SSH-1.5-x\n", 10);
    session_feed(&s, false, "SSH-2.0-y\n", 10);
    parser_run_close(&s.run);
    assert_false(s.cap.last.has_version);
    assert_string_equal(s.run.weirds.last, "SSH_version_mismatch");

    /* one side only: no version, and Zeek cannot frame packets */
    session_open(&s);
    struct byte_builder client, server;
    build_handshake(&client, &server, "SSH-2.0-c\n", "SSH-2.0-s\n", "none");
    session_feed(&s, true, client.b, client.n);
    parser_run_close(&s.run);
    assert_false(s.cap.last.has_version);
    assert_true(s.cap.last.client.has_banner);
    assert_false(s.cap.last.server.has_banner);
    assert_false(s.cap.last.kex_alg.set);
}

static void test_not_ssh(void **state)
{
    (void)state;
    struct session s;
    session_open(&s);
    session_feed(&s, true, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
    session_feed(&s, false, "HTTP/1.1 200 OK\r\n", 17);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.published, 0);
    assert_int_equal(ssh_parser.probe((const uint8_t *)"SSH-2.0", 7, true), APP_PROBE_YES);
    assert_int_equal(ssh_parser.probe((const uint8_t *)"SS", 2, false), APP_PROBE_MAYBE);
    assert_int_equal(ssh_parser.probe((const uint8_t *)"GET ", 4, true), APP_PROBE_NO);
}

static void test_server_prebanner_lines(void **state)
{
    (void)state;
    struct session s;
    session_open(&s);
    session_feed(&s, false, "Welcome\r\nto the box\r\nSSH-2.0-srv\r\n", 34);
    session_feed(&s, true, "SSH-2.0-cli\r\n", 13);
    parser_run_close(&s.run);
    assert_string_equal(s.cap.last.server.banner, "SSH-2.0-srv");
    assert_int_equal(s.cap.last.version, 2);
}

static void test_caps(void **state)
{
    (void)state;
    struct session s;
    /* a line longer than any banner */
    session_open(&s);
    char *line = malloc(5000);
    memset(line, 'A', 5000);
    memcpy(line, "SSH-", 4);
    session_feed(&s, true, line, 5000);
    session_feed(&s, true, "\n", 1);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.published, 0);
    free(line);

    /* a packet length no key exchange needs */
    session_open(&s);
    session_feed(&s, true, "SSH-2.0-a\n", 10);
    session_feed(&s, false, "SSH-2.0-b\n", 10);
    session_feed(&s, true, "\x7f\xff\xff\xff\x04\x14", 6);
    parser_run_close(&s.run);
    assert_string_equal(s.run.weirds.last, "SSH_packet_too_long");
    assert_int_equal(s.cap.published, 1);

    /* packet lengths too small to hold a message, whole and bytewise */
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        session_open(&s);
        session_feed(&s, true, "SSH-2.0-a\n", 10);
        session_feed(&s, false, "SSH-2.0-b\n", 10);
        const char zero[] = "\x00\x00\x00\x00\x00\x00\x00\x01\x04";
        if (bytewise)
            for (size_t i = 0; i < 9; i++)
                session_feed(&s, false, zero + i, 1);
        else
            session_feed(&s, false, zero, 9);
        parser_run_close(&s.run);
        assert_int_equal(s.cap.published, 1);
    }

    /* padding longer than the packet */
    session_open(&s);
    session_feed(&s, true, "SSH-2.0-a\n", 10);
    session_feed(&s, false, "SSH-2.0-b\n", 10);
    session_feed(&s, true, "\x00\x00\x00\x08\xff\x14\x00\x00\x00\x00\x00\x00", 12);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.published, 1);
    assert_false(s.cap.last.kex_alg.set);
}

static void test_gap_stops(void **state)
{
    (void)state;
    struct session s;
    struct byte_builder client, server;
    build_handshake(&client, &server, "SSH-2.0-c\n", "SSH-2.0-s\n", "none");
    session_open(&s);
    session_feed(&s, true, "SSH-2.0-c\n", 10);
    session_feed(&s, false, "SSH-2.0-s\n", 10);
    ssh_parser.gap(s.run.state, &s.run.env, true, 100);
    session_feed(&s, true, client.b + 10, client.n - 10);
    session_feed(&s, false, server.b + 10, server.n - 10);
    parser_run_close(&s.run);
    assert_int_equal(s.cap.published, 1);
    assert_false(s.cap.last.kex_alg.set);
}

static void test_negotiation_failure(void **state)
{
    (void)state;
    struct session s;
    struct byte_builder client = {.n = 0}, server = {.n = 0};
    putn(&client, "SSH-2.0-c\n", 10);
    putn(&server, "SSH-2.0-s\n", 10);
    put_kexinit(&client, ",,weird-kex,", "ssh-rsa", "a,b", "m1", "none");
    put_kexinit(&server, "other-kex", "ssh-rsa", "b", "m2", "none");
    session_open(&s);
    session_feed(&s, true, client.b, 10);
    session_feed(&s, false, server.b, 10);
    session_feed(&s, true, client.b + 10, client.n - 10);
    session_feed(&s, false, server.b + 10, server.n - 10);
    parser_run_close(&s.run);
    assert_string_equal(s.cap.last.kex_alg.text, "Algorithm negotiation failed");
    assert_string_equal(s.cap.last.cipher_alg.text, "b");
    assert_string_equal(s.cap.last.mac_alg.text, "Algorithm negotiation failed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_session_auth_success),
        cmocka_unit_test(test_auth_failures_logged_at_close),
        cmocka_unit_test(test_compression_hides_auth),
        cmocka_unit_test(test_byte_by_byte),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_version_rules),
        cmocka_unit_test(test_not_ssh),
        cmocka_unit_test(test_server_prebanner_lines),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_gap_stops),
        cmocka_unit_test(test_negotiation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
