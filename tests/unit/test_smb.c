/* SMB2, DCE-RPC and NTLM parsers: a tree connect, a file opened and
 * closed, a named pipe carrying a bind and a call, the same bytes one at a
 * time; and the bad input of issue #14: a compound chain that never ends,
 * a NextCommand past the message, request fragments that never end, NTLM
 * fields that point outside the message, a message larger than the cap. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parser_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/dce_rpc.h"
#include "proto/http.h"
#include "proto/ntlm.h"
#include "proto/smb.h"

struct capture {
    int n_mapping, n_files, n_logged_files, n_rpc, n_ntlm, n_weird, n_smb;
    struct smb_command_info smb_cmd;         /* the last EVENT_SMB's */
    char smb_share[64], smb_filename[64];
    bool smb_is_pipe;
    uint64_t smb_fid;
    char path[128], share_type[8], name[128], action[32];
    uint64_t size;
    char endpoint[64], operation[64], named_pipe[64];
    bool rpc_rtt;
    size_t stub_len;
    struct ntlm_txn ntlm;
    char weirds[16][48];
};

static void copy(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "");
}

static void cap_publish(struct app_env *env, enum event_kind kind, const void *txn)
{
    struct capture *c = env->ctx;
    if (kind == EVENT_SMB_MAPPING) {
        const struct smb_mapping_txn *t = txn;
        c->n_mapping++;
        copy(c->path, sizeof c->path, t->path);
        copy(c->share_type, sizeof c->share_type, t->share_type);
    } else if (kind == EVENT_SMB_FILES) {
        const struct smb_file_txn *t = txn;
        c->n_files++;
        c->n_logged_files += t->logged;
        copy(c->name, sizeof c->name, t->name);
        copy(c->action, sizeof c->action, t->action);
        c->size = t->size;
    } else if (kind == EVENT_DCE_RPC) {
        const struct dce_rpc_txn *t = txn;
        c->n_rpc++;
        copy(c->endpoint, sizeof c->endpoint, t->endpoint);
        copy(c->operation, sizeof c->operation, t->operation);
        copy(c->named_pipe, sizeof c->named_pipe, t->named_pipe);
        c->rpc_rtt = t->has_rtt;
        c->stub_len = t->stub_len;
    } else if (kind == EVENT_SMB) {
        const struct smb_txn *t = txn;
        c->n_smb++;
        c->smb_cmd = t->cmd;
        copy(c->smb_share, sizeof c->smb_share, t->share);
        copy(c->smb_filename, sizeof c->smb_filename, t->filename);
        c->smb_is_pipe = t->is_pipe;
        c->smb_fid = t->fid_p;
    } else if (kind == EVENT_NTLM) {
        c->n_ntlm++;
        memcpy(&c->ntlm, txn, sizeof c->ntlm);
    }
}

static void cap_weird(struct app_env *env, const char *name, const char *addl, const char *source)
{
    struct capture *c = env->ctx;
    if (c->n_weird < 16)
        copy(c->weirds[c->n_weird], sizeof c->weirds[0], name);
    c->n_weird++;
}

static bool saw_weird(const struct capture *c, const char *name)
{
    for (int i = 0; i < c->n_weird && i < 16; i++)
        if (strcmp(c->weirds[i], name) == 0)
            return true;
    return false;
}

struct session {
    struct parser_run run;
    struct capture cap;
};

static void session_open(struct session *s, const struct app_parser *parser)
{
    memset(&s->cap, 0, sizeof s->cap);
    char err[256];
    /* the tests run from the repository's root */
    struct app_env hooks = {.publish = cap_publish, .weird = cap_weird,
                            .worker_state = dce_rpc_names_load("data/dce_rpc_operations.tsv", err, sizeof err)};
    assert_non_null(hooks.worker_state);
    parser_run_open(&s->run, parser, &hooks, &s->cap);
}

static void session_close(struct session *s)
{
    parser_run_close(&s->run);
    dce_rpc_names_worker_close(s->run.env.worker_state, &s->run.env);
}

/* ---- building messages ---- */

struct msg {
    uint8_t b[16384];
    size_t n;
};

static void u8(struct msg *m, uint32_t v) { m->b[m->n++] = (uint8_t)v; }
static void u16(struct msg *m, uint32_t v) { u8(m, v & 0xff); u8(m, v >> 8); }
static void u32(struct msg *m, uint32_t v) { u16(m, v & 0xffff); u16(m, v >> 16); }
static void u64(struct msg *m, uint64_t v) { u32(m, (uint32_t)v); u32(m, (uint32_t)(v >> 32)); }
static void zeros(struct msg *m, size_t n) { memset(m->b + m->n, 0, n); m->n += n; }
static void utf16(struct msg *m, const char *s) { for (; *s; s++) u16(m, (uint8_t)*s); }

static void netbios_begin(struct msg *m) { u32(m, 0); }
static void netbios_end(struct msg *m, size_t at)
{
    size_t len = m->n - at - 4;
    m->b[at + 1] = (uint8_t)(len >> 16);
    m->b[at + 2] = (uint8_t)(len >> 8);
    m->b[at + 3] = (uint8_t)len;
}

static void smb2_header(struct msg *m, uint16_t cmd, bool response, uint64_t mid, uint32_t tree, uint32_t next)
{
    u32(m, 0x424d53fe);
    u16(m, 64);
    u16(m, 1);
    u32(m, 0);
    u16(m, cmd);
    u16(m, 1);
    u32(m, response ? 1 : 0);
    u32(m, next);
    u64(m, mid);
    u32(m, 0);
    u32(m, tree);
    u64(m, 7);
    zeros(m, 16);
}

static void tree_connect(struct session *s, const char *path, uint8_t type, uint64_t mid, uint32_t tree, size_t step)
{
    struct msg m = {.n = 0};
    netbios_begin(&m);
    smb2_header(&m, 3, false, mid, 0, 0);
    u16(&m, 9);
    u16(&m, 0);
    u16(&m, 72);
    u16(&m, (uint32_t)strlen(path) * 2);
    utf16(&m, path);
    netbios_end(&m, 0);
    parser_run_feed(&s->run, true, m.b, m.n, step);
    m.n = 0;
    netbios_begin(&m);
    smb2_header(&m, 3, true, mid, tree, 0);
    u16(&m, 16);
    u8(&m, type);
    zeros(&m, 13);
    netbios_end(&m, 0);
    parser_run_feed(&s->run, false, m.b, m.n, step);
}

static void create(struct session *s, const char *name, uint64_t mid, uint32_t tree, uint64_t fid, size_t step)
{
    struct msg m = {.n = 0};
    netbios_begin(&m);
    smb2_header(&m, 5, false, mid, tree, 0);
    u16(&m, 57);
    zeros(&m, 42);
    u16(&m, 120);
    u16(&m, (uint32_t)strlen(name) * 2);
    zeros(&m, 8);
    utf16(&m, name);
    netbios_end(&m, 0);
    parser_run_feed(&s->run, true, m.b, m.n, step);
    m.n = 0;
    netbios_begin(&m);
    smb2_header(&m, 5, true, mid, tree, 0);
    u16(&m, 89);
    zeros(&m, 6);
    for (int i = 0; i < 4; i++)
        u64(&m, 133512192000000000ull);
    u64(&m, 4096);
    u64(&m, 1234);
    zeros(&m, 8);
    u64(&m, fid);
    u64(&m, fid);
    zeros(&m, 8);
    netbios_end(&m, 0);
    parser_run_feed(&s->run, false, m.b, m.n, step);
}

static void smb_session(size_t step)
{
    struct session s;
    session_open(&s, &smb_parser);
    tree_connect(&s, "\\\\fs\\docs", 1, 1, 5, step);
    assert_int_equal(s.cap.n_mapping, 1);
    assert_string_equal(s.cap.path, "\\\\fs\\docs");
    assert_string_equal(s.cap.share_type, "DISK");
    /* the EVE smb transaction of the same tree connect */
    assert_int_equal(s.cap.n_smb, 1);
    assert_int_equal(s.cap.smb_cmd.id, 1);
    assert_int_equal(s.cap.smb_cmd.command, 3);
    assert_int_equal(s.cap.smb_cmd.tree_id, 5);
    assert_true(s.cap.smb_cmd.has_status && s.cap.smb_cmd.status == 0);
    assert_string_equal(s.cap.smb_share, "\\\\fs\\docs");
    assert_false(s.cap.smb_is_pipe);
    create(&s, "a\\report.pdf", 2, 5, 0x42, step);
    assert_int_equal(s.cap.n_smb, 2);
    assert_int_equal(s.cap.smb_cmd.id, 2);
    assert_string_equal(s.cap.smb_filename, "a\\report.pdf");
    assert_int_equal(s.cap.smb_fid, 0x42);
    assert_int_equal(s.cap.n_files, 1);
    assert_int_equal(s.cap.n_logged_files, 1);
    assert_string_equal(s.cap.action, "SMB::FILE_OPEN");
    assert_string_equal(s.cap.name, "a\\report.pdf");
    assert_int_equal(s.cap.size, 1234);
    create(&s, "a\\report.pdf", 3, 5, 0x42, step); /* the same open again: Zeek's recent_files drops it */
    assert_int_equal(s.cap.n_files, 2);
    assert_int_equal(s.cap.n_logged_files, 1);
    session_close(&s);
    assert_int_equal(s.cap.n_weird, 0);
}

static void test_smb2_tree_and_file(void **state)
{
    (void)state;
    smb_session(0);
}

static void test_smb2_bytewise(void **state)
{
    (void)state;
    smb_session(1);
}

/* 40 headers chained 64 bytes apart: the chain stops at its cap. */
static void test_smb2_compound_chain_capped(void **state)
{
    (void)state;
    struct session s;
    session_open(&s, &smb_parser);
    struct msg m = {.n = 0};
    netbios_begin(&m);
    for (int i = 0; i < 40; i++)
        smb2_header(&m, 4, false, (uint64_t)i, 1, 64);
    netbios_end(&m, 0);
    parser_run_feed(&s.run, true, m.b, m.n, 0);
    assert_true(saw_weird(&s.cap, "SMB2_compound_chain_too_long"));
    /* a NextCommand past the message's end */
    m.n = 0;
    netbios_begin(&m);
    smb2_header(&m, 4, false, 99, 1, 4096);
    netbios_end(&m, 0);
    parser_run_feed(&s.run, true, m.b, m.n, 0);
    assert_true(saw_weird(&s.cap, "SMB2_bad_next_command"));
    session_close(&s);
}

static void test_smb_message_too_large(void **state)
{
    (void)state;
    struct session s;
    session_open(&s, &smb_parser);
    static const uint8_t huge[] = {0, 0xff, 0xff, 0xff, 0xfe, 'S', 'M', 'B'};
    parser_run_feed(&s.run, true, huge, sizeof huge, 0);
    assert_true(saw_weird(&s.cap, "SMB_message_too_large"));
    /* the 16 MiB are skipped, not buffered; an encrypted message after it is not read either */
    session_close(&s);
}

/* ---- DCE-RPC ---- */

static void pdu_header(struct msg *m, uint8_t type, uint8_t flags, uint32_t call)
{
    u8(m, 5);
    u8(m, 0);
    u8(m, type);
    u8(m, flags);
    u32(m, 0x10);
    u16(m, 0);
    u16(m, 0);
    u32(m, call);
}

static void pdu_end(struct msg *m, size_t at)
{
    m->b[at + 8] = (uint8_t)(m->n - at);
    m->b[at + 9] = (uint8_t)((m->n - at) >> 8);
}

static const uint8_t svcctl_uuid[16] = {0x81, 0xbb, 0x7a, 0x36, 0x44, 0x98, 0xf1, 0x35,
                                        0xad, 0x32, 0x98, 0xf0, 0x38, 0x00, 0x10, 0x03};

static void bind(struct session *s, size_t step)
{
    struct msg m = {.n = 0};
    pdu_header(&m, 11, 3, 1);
    u16(&m, 4280);
    u16(&m, 4280);
    u32(&m, 0);
    u32(&m, 1);
    u16(&m, 0);
    u16(&m, 1);
    memcpy(m.b + m.n, svcctl_uuid, 16);
    m.n += 16;
    u32(&m, 2);
    zeros(&m, 20);
    pdu_end(&m, 0);
    parser_run_feed(&s->run, true, m.b, m.n, step);
    m.n = 0;
    pdu_header(&m, 12, 3, 1);
    u16(&m, 4280);
    u16(&m, 4280);
    u32(&m, 1);
    u16(&m, 6);
    memcpy(m.b + m.n, "49670", 6);
    m.n += 6;
    zeros(&m, 2);
    u32(&m, 1);
    zeros(&m, 24);
    pdu_end(&m, 0);
    parser_run_feed(&s->run, false, m.b, m.n, step);
}

static void call(struct session *s, uint32_t id, uint16_t opnum, uint8_t flags, size_t stub, bool answer)
{
    struct msg m = {.n = 0};
    pdu_header(&m, 0, flags, id);
    u32(&m, (uint32_t)stub);
    u16(&m, 0);
    u16(&m, opnum);
    zeros(&m, stub);
    pdu_end(&m, 0);
    parser_run_feed(&s->run, true, m.b, m.n, 0);
    if (!answer)
        return;
    s->run.env.ts_us += 1000;
    m.n = 0;
    pdu_header(&m, 2, 3, id);
    u32(&m, 4);
    zeros(&m, 8);
    pdu_end(&m, 0);
    parser_run_feed(&s->run, false, m.b, m.n, 0);
}

static void test_dce_rpc_tcp_call(void **state)
{
    (void)state;
    for (size_t step = 0; step < 2; step++) {
        struct session s;
        session_open(&s, &dce_rpc_parser);
        bind(&s, step);
        call(&s, 2, 12, 3, 40, true);
        assert_int_equal(s.cap.n_rpc, 1);
        assert_string_equal(s.cap.endpoint, "svcctl");
        assert_string_equal(s.cap.operation, "CreateServiceW");
        assert_string_equal(s.cap.named_pipe, "49670");
        assert_true(s.cap.rpc_rtt);
        assert_int_equal(s.cap.stub_len, 40);
        call(&s, 3, 200, 3, 8, true);
        assert_string_equal(s.cap.operation, "unknown-200");
        call(&s, 4, 19, 3, 8, false); /* never answered: published at the end without rtt */
        session_close(&s);
        assert_int_equal(s.cap.n_rpc, 3);
        assert_false(s.cap.rpc_rtt);
        assert_int_equal(s.cap.n_weird, 0);
    }
}

/* A request whose fragments never end: the stub kept stays at its cap. */
static void test_dce_rpc_endless_fragments(void **state)
{
    (void)state;
    struct session s;
    session_open(&s, &dce_rpc_parser);
    bind(&s, 0);
    call(&s, 2, 12, 1, 8000, false);          /* first fragment */
    for (int i = 0; i < 60; i++)
        call(&s, 2, 12, 0, 8000, false);      /* middle fragments, 480 KB in all */
    assert_true(saw_weird(&s.cap, "DCE_RPC_stub_too_large"));
    call(&s, 2, 12, 2, 8, true);              /* the last one, answered */
    assert_int_equal(s.cap.n_rpc, 1);
    assert_true(s.cap.stub_len <= DCE_RPC_MAX_STUB);
    session_close(&s);
}

static void test_dce_rpc_garbage(void **state)
{
    (void)state;
    struct session s;
    session_open(&s, &dce_rpc_parser);
    static const uint8_t junk[] = "\x05\x00\x0b\x03\x10\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00GET / HTTP/1.1";
    parser_run_feed(&s.run, true, junk, sizeof junk - 1, 0); /* a frag length under the header's */
    assert_true(saw_weird(&s.cap, "DCE_RPC_bad_header"));
    session_close(&s);
    assert_int_equal(s.cap.n_rpc, 0);
}

/* ---- NTLM ---- */

static struct app_env ntlm_env(struct capture *c)
{
    static const struct app_conn conn;
    return (struct app_env){.conn = &conn, .ts_us = 5, .publish = cap_publish, .weird = cap_weird, .ctx = c};
}

static void ntlm_field(struct msg *m, size_t at, size_t len, size_t off)
{
    m->b[at] = (uint8_t)len;
    m->b[at + 2] = (uint8_t)len;
    m->b[at + 4] = (uint8_t)off;
    m->b[at + 5] = (uint8_t)(off >> 8);
}

static void test_ntlm_authenticate(void **state)
{
    (void)state;
    struct capture c = {0};
    struct app_env env = ntlm_env(&c);
    struct ntlm_session ns = {0};
    struct msg m = {.n = 0};
    memcpy(m.b, "\x60\x48\x06\x06+\x06\x01\x05\x05\x02NTLMSSP", 18); /* SPNEGO-ish prefix */
    m.n = 18;
    size_t base = 10;
    u32(&m, 3);
    zeros(&m, 48);
    u32(&m, 1); /* unicode */
    utf16(&m, "DOM");
    utf16(&m, "bob");
    utf16(&m, "PC1");
    ntlm_field(&m, base + 28, 6, 64);
    ntlm_field(&m, base + 36, 6, 70);
    ntlm_field(&m, base + 44, 6, 76);
    ntlm_session_blob(&ns, &env, "SMB", m.b, m.n);
    ntlm_session_result(&ns, &env, true);
    ntlm_session_result(&ns, &env, false); /* once per connection */
    ntlm_session_close(&ns, &env);
    assert_int_equal(c.n_ntlm, 1);
    assert_string_equal(c.ntlm.username, "bob");
    assert_string_equal(c.ntlm.domainname, "DOM");
    assert_string_equal(c.ntlm.hostname, "PC1");
    assert_true(c.ntlm.has_success && c.ntlm.success);
}

static void test_ntlm_offsets_outside(void **state)
{
    (void)state;
    struct capture c = {0};
    struct app_env env = ntlm_env(&c);
    struct ntlm_session ns = {0};
    struct msg m = {.n = 0};
    memcpy(m.b, "NTLMSSP", 8);
    m.n = 8;
    u32(&m, 3);
    zeros(&m, 52);
    ntlm_field(&m, 36, 200, 60000); /* user name far past the end */
    ntlm_field(&m, 28, 250, 20);    /* domain longer than what is left */
    ntlm_session_blob(&ns, &env, "SMB", m.b, m.n);
    /* a challenge whose AV pair runs past its target info */
    struct msg ch = {.n = 0};
    memcpy(ch.b, "NTLMSSP", 8);
    ch.n = 8;
    u32(&ch, 2);
    zeros(&ch, 44);
    ntlm_field(&ch, 40, 8, 56);
    u16(&ch, 1);
    u16(&ch, 500);
    u32(&ch, 0);
    ntlm_session_blob(&ns, &env, "SMB", ch.b, ch.n);
    ntlm_session_close(&ns, &env);
    assert_true(saw_weird(&c, "NTLM_offset_outside_message"));
    assert_true(saw_weird(&c, "NTLM_av_pair_outside_message"));
    assert_int_equal(c.n_ntlm, 1);
    assert_false(c.ntlm.has_username || c.ntlm.has_server_nb); /* the domain, cut at the end, is kept */
}

/* NTLM over HTTP: the AUTHENTICATE in an Authorization header, then the answer. */
static void http_ntlm(int status, bool success)
{
    struct session s;
    session_open(&s, &http_parser);
    static const char request[] = "GET /intranet/ HTTP/1.1\r\nHost: portal\r\nAuthorization: NTLM "
                                  "TlRMTVNTUAADAAAAAAAAAEAAAAAAAAAAQAAAAAYABgBAAAAACgAKAEYAAAAGAAYAUAAAAAAAAABWAAAAAQAAAEQATwBN"
                                  "AGEAbABpAGMAZQBQAEMAOQA=\r\n\r\n";
    char response[128];
    snprintf(response, sizeof response, "HTTP/1.1 %d X\r\nContent-Length: 0\r\n\r\n", status);
    parser_run_feed(&s.run, true, request, sizeof request - 1, 0);
    parser_run_feed(&s.run, false, response, strlen(response), 0);
    session_close(&s);
    assert_int_equal(s.cap.n_ntlm, 1);
    assert_string_equal(s.cap.ntlm.username, "alice");
    assert_string_equal(s.cap.ntlm.domainname, "DOM");
    assert_string_equal(s.cap.ntlm.hostname, "PC9");
    assert_true(s.cap.ntlm.has_success);
    assert_int_equal(s.cap.ntlm.success, success);
}

static void test_http_ntlm(void **state)
{
    (void)state;
    http_ntlm(200, true);
    http_ntlm(401, false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_smb2_tree_and_file),
        cmocka_unit_test(test_smb2_bytewise),
        cmocka_unit_test(test_smb2_compound_chain_capped),
        cmocka_unit_test(test_smb_message_too_large),
        cmocka_unit_test(test_dce_rpc_tcp_call),
        cmocka_unit_test(test_dce_rpc_endless_fragments),
        cmocka_unit_test(test_dce_rpc_garbage),
        cmocka_unit_test(test_ntlm_authenticate),
        cmocka_unit_test(test_ntlm_offsets_outside),
        cmocka_unit_test(test_http_ntlm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
