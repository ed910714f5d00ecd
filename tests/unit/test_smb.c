/* SMB1, SMB2, DCE-RPC and NTLM parsers: a tree connect, a file opened and
 * closed, a named pipe carrying a bind and a call (over SMB2 IOCTL and SMB1
 * TRANSACTION), the same bytes one at a time; and the bad input of issue
 * #14: a compound chain that never ends, an SMB1 AndX chain that loops or
 * runs on, a NextCommand past the message, request fragments that never
 * end, NTLM fields that point outside the message, a Kerberos token in
 * SPNEGO nested 10,000 deep, a message larger than the cap. */
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
#include "proto/krb.h"
#include "proto/ntlm.h"
#include "proto/smb.h"
#include "unit/bytes_harness.h"

struct capture {
    int n_mapping, n_files, n_logged_files, n_rpc, n_ntlm, n_krb_rows, n_smb;
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
    struct krb_row krb;
    struct parser_weirds weirds;
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
    } else if (kind == EVENT_KRB) {
        const struct krb_txn *t = txn;
        c->n_krb_rows += t->row != NULL;
        if (t->row)
            c->krb = *t->row;
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
    parser_weirds_add(&c->weirds, name, addl);
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
    assert_int_equal(s.cap.weirds.n, 0);
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
    assert_true(parser_weirds_saw(&s.cap.weirds, "SMB2_compound_chain_too_long"));
    /* a NextCommand past the message's end */
    m.n = 0;
    netbios_begin(&m);
    smb2_header(&m, 4, false, 99, 1, 4096);
    netbios_end(&m, 0);
    parser_run_feed(&s.run, true, m.b, m.n, 0);
    assert_true(parser_weirds_saw(&s.cap.weirds, "SMB2_bad_next_command"));
    session_close(&s);
}

static void test_smb_message_too_large(void **state)
{
    (void)state;
    struct session s;
    session_open(&s, &smb_parser);
    static const uint8_t huge[] = {0, 0xff, 0xff, 0xff, 0xfe, 'S', 'M', 'B'};
    parser_run_feed(&s.run, true, huge, sizeof huge, 0);
    assert_true(parser_weirds_saw(&s.cap.weirds, "SMB_message_too_large"));
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
        assert_int_equal(s.cap.weirds.n, 0);
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
    assert_true(parser_weirds_saw(&s.cap.weirds, "DCE_RPC_stub_too_large"));
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
    assert_true(parser_weirds_saw(&s.cap.weirds, "DCE_RPC_bad_header"));
    session_close(&s);
    assert_int_equal(s.cap.n_rpc, 0);
}

/* A PDU of type ptype with a body of body_len zero bytes and an auth
 * trailer of auth_type carrying blob. */
static void auth_pdu(struct session *s, bool from_orig, uint8_t ptype, size_t body_len, uint8_t auth_type,
                     const uint8_t *blob, size_t blob_len)
{
    struct msg m = {.n = 0};
    pdu_header(&m, ptype, 7, 1);
    zeros(&m, body_len);
    u8(&m, auth_type);
    u8(&m, 2);     /* level: connect */
    u8(&m, 0);     /* no padding */
    u8(&m, 0);
    u32(&m, 0);
    memcpy(m.b + m.n, blob, blob_len);
    m.n += blob_len;
    m.b[10] = (uint8_t)blob_len;
    pdu_end(&m, 0);
    parser_run_feed(&s->run, from_orig, m.b, m.n, 0);
}

/* Zeek's dpd_dce_rpc signature has no direction: a connection picked up
 * after its bind is found by the server's bind_ack (header-signing flag
 * too); a middle fragment or any other first byte is not. */
static void test_dce_rpc_probe_either_direction(void **state)
{
    (void)state;
    static const uint8_t bind_ack[16] = {5, 0, 12, 7, 0x10, 0, 0, 0, 0x8b, 0, 0, 0, 2, 0, 0, 0};
    static const uint8_t middle[16] = {5, 0, 0, 0, 0x10, 0, 0, 0, 0x20, 0, 0, 0, 2, 0, 0, 0};
    static const uint8_t beyond[16] = {5, 0, 0x14, 3, 0x10, 0, 0, 0, 0x20, 0, 0, 0, 2, 0, 0, 0};
    assert_int_equal(dce_rpc_parser.probe(bind_ack, sizeof bind_ack, false), APP_PROBE_YES);
    assert_int_equal(dce_rpc_parser.probe(bind_ack, sizeof bind_ack, true), APP_PROBE_YES);
    assert_int_equal(dce_rpc_parser.probe(middle, sizeof middle, true), APP_PROBE_NO);
    assert_int_equal(dce_rpc_parser.probe(beyond, sizeof beyond, false), APP_PROBE_NO);
    assert_int_equal(dce_rpc_parser.probe(bind_ack, 3, false), APP_PROBE_MAYBE);
    assert_int_equal(dce_rpc_parser.probe((const uint8_t *)"GET / HTTP/1.1\r\n", 16, true), APP_PROBE_NO);
}

/* Zeek's forward_auth: every PDU's auth trailer; Netlogon's secure channel
 * (68) and SChannel (14) are weirds naming the type, an unknown type too;
 * NTLM and Kerberos are not. */
static void test_dce_rpc_auth_types(void **state)
{
    (void)state;
    static const uint8_t verifier[16] = {1};
    static const struct {
        uint8_t type;
        const char *weird, *addl;
    } cases[] = {
        {68, "netlogon_dce_rpc_auth_type", "68"},
        {14, "tls_dce_rpc_auth_type", "14"},
        {0x42, "unknown_dce_rpc_auth_type", "66"},
        {10, NULL, NULL},
        {16, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct session s;
        session_open(&s, &dce_rpc_parser);
        bind(&s, 0);
        auth_pdu(&s, true, 0, 8, cases[i].type, verifier, sizeof verifier);   /* a request */
        auth_pdu(&s, false, 2, 8, cases[i].type, verifier, sizeof verifier);  /* its response */
        session_close(&s);
        if (cases[i].weird == NULL) {
            assert_int_equal(s.cap.weirds.n, 0);
            continue;
        }
        assert_int_equal(s.cap.weirds.n, 2);  /* the flow layer keeps one a connection */
        assert_string_equal(s.cap.weirds.names[0], cases[i].weird);
        assert_string_equal(s.cap.weirds.addls[0], cases[i].addl);
    }
}

static void ntlm_field(struct msg *m, size_t at, size_t len, size_t off);

/* An NTLMSSP CHALLENGE (type 2) up to its target info, which the test fills. */
static void ntlm_challenge_header(struct msg *m)
{
    memcpy(m->b, "NTLMSSP", 8);
    m->n = 8;
    u32(m, 2);
    zeros(m, 44);
}

/* dce_rpc_ntlm.pcapng: only the server's side is seen (the client's
 * packets had bad checksums), so the connection's first bytes are its
 * bind_ack and the NTLM CHALLENGE comes in an alter_context_resp from the
 * "originator": Zeek still logs a row with the server's names. */
static void test_dce_rpc_challenge_only(void **state)
{
    (void)state;
    struct msg ch = {.n = 0};
    ntlm_challenge_header(&ch);
    ntlm_field(&ch, 40, 14, 56);
    u16(&ch, 1);   /* MsvAvNbComputerName */
    u16(&ch, 6);
    memcpy(ch.b + ch.n, "S\0R\0V\0", 6);
    ch.n += 6;
    u16(&ch, 0);   /* MsvAvEOL */
    u16(&ch, 0);
    struct session s;
    session_open(&s, &dce_rpc_parser);
    auth_pdu(&s, true, 15, 28, 10, ch.b, ch.n);
    session_close(&s);
    assert_int_equal(s.cap.n_ntlm, 1);
    assert_true(s.cap.ntlm.has_server_nb);
    assert_string_equal(s.cap.ntlm.server_nb_computer_name, "SRV");
    assert_false(s.cap.ntlm.has_username);
    assert_int_equal(s.cap.weirds.n, 0);
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
    ntlm_challenge_header(&ch);
    ntlm_field(&ch, 40, 8, 56);
    u16(&ch, 1);
    u16(&ch, 500);
    u32(&ch, 0);
    ntlm_session_blob(&ns, &env, "SMB", ch.b, ch.n);
    ntlm_session_close(&ns, &env);
    assert_true(parser_weirds_saw(&c.weirds, "NTLM_offset_outside_message"));
    assert_true(parser_weirds_saw(&c.weirds, "NTLM_av_pair_outside_message"));
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

/* ---- SMB1 ---- */

/* The SMB1 header (Unicode, NT status) after the NetBIOS length. */
static void smb1_header(struct msg *m, uint8_t cmd, bool response, uint16_t tid, uint16_t mid)
{
    u32(m, 0x424d53ff);
    u8(m, cmd);
    u32(m, 0);
    u8(m, response ? 0x98 : 0x18);
    u16(m, 0xc801);
    zeros(m, 12);
    u16(m, tid);
    u16(m, 0xfeff);
    u16(m, 0x0800);
    u16(m, mid);
}

static void smb1_feed(struct session *s, bool from_orig, struct msg *m, size_t step)
{
    netbios_end(m, 0);
    parser_run_feed(&s->run, from_orig, m->b, m->n, step);
    m->n = 0;
    netbios_begin(m);
}

/* A DCE-RPC bind to svcctl (request) or its ack, and a call to CreateServiceW. */
static void svcctl_pdu(struct msg *m, uint8_t type)
{
    size_t at = m->n;
    pdu_header(m, type, 3, type == 0 || type == 2 ? 2 : 1);
    if (type == 11 || type == 12) {
        u16(m, 4280);
        u16(m, 4280);
        u32(m, 0);
        if (type == 12) {
            u16(m, 13);
            memcpy(m->b + m->n, "\\PIPE\\svcctl", 13);
            m->n += 13;
            zeros(m, 1); /* the results align on 4 */
        }
        u32(m, 1);
        u16(m, 0);
        u16(m, 1);
        memcpy(m->b + m->n, svcctl_uuid, 16);
        m->n += 16;
        u32(m, 2);
        zeros(m, 20);
    } else {
        u32(m, 8);
        u16(m, 0);
        u16(m, type == 0 ? 12 : 0);
        zeros(m, 8);
    }
    pdu_end(m, at);
}

/* TRANSACTION TransactNmPipe on fid carrying a PDU each way. */
static void smb1_transact(struct session *s, struct msg *m, uint16_t mid, uint8_t type, size_t step)
{
    smb1_header(m, 0x25, false, 1, mid);
    size_t words = m->n;
    u8(m, 16);
    zeros(m, 32);
    u16(m, 0);                                       /* byte count, set below */
    size_t data_at = m->n - 4;
    svcctl_pdu(m, type);
    m->b[words + 1 + 22] = (uint8_t)(m->n - 4 - data_at);   /* DataCount */
    m->b[words + 1 + 24] = (uint8_t)data_at;                /* DataOffset */
    m->b[words + 1 + 26] = 2;                               /* SetupCount */
    m->b[words + 1 + 28] = 0x26;                            /* TransactNmPipe */
    m->b[words + 1 + 30] = 0x07;                            /* FID 0x4007 */
    m->b[words + 1 + 31] = 0x40;
    m->b[words + 33] = (uint8_t)(m->n - words - 35);
    smb1_feed(s, true, m, step);
    smb1_header(m, 0x25, true, 1, mid);
    words = m->n;
    u8(m, 10);
    zeros(m, 20);
    u16(m, 0);
    data_at = m->n - 4;
    svcctl_pdu(m, type == 11 ? 12 : 2);
    m->b[words + 1 + 12] = (uint8_t)(m->n - 4 - data_at);
    m->b[words + 1 + 14] = (uint8_t)data_at;
    m->b[words + 21] = (uint8_t)(m->n - words - 23);
    smb1_feed(s, false, m, step);
}

static void smb1_session(size_t step)
{
    struct session s;
    session_open(&s, &smb_parser);
    struct msg m = {.n = 0};
    netbios_begin(&m);
    /* TREE_CONNECT_ANDX: password (1 byte), the path in UTF-16 (aligned), the service */
    smb1_header(&m, 0x75, false, 0, 1);
    u8(&m, 4);
    u32(&m, 0xff);
    u16(&m, 0);
    u16(&m, 1);
    u16(&m, 1 + 2 * 10 + 2 + 6);
    u8(&m, 0);
    utf16(&m, "\\\\srv\\IPC$");
    zeros(&m, 2);
    memcpy(m.b + m.n, "?????", 6);
    m.n += 6;
    smb1_feed(&s, true, &m, step);
    smb1_header(&m, 0x75, true, 1, 1);
    u8(&m, 3);
    u32(&m, 0xff);
    u16(&m, 1);
    u16(&m, 7);
    memcpy(m.b + m.n, "IPC\0\0\0\0", 7); /* the service, a pad, an empty native file system */
    m.n += 7;
    smb1_feed(&s, false, &m, step);
    /* NT_CREATE_ANDX "\svcctl" */
    smb1_header(&m, 0xa2, false, 1, 2);
    u8(&m, 24);
    u32(&m, 0xff);
    u8(&m, 0);
    u16(&m, 14);
    zeros(&m, 41);
    u16(&m, 17);
    u8(&m, 0);
    utf16(&m, "\\svcctl");
    zeros(&m, 2);
    smb1_feed(&s, true, &m, step);
    smb1_header(&m, 0xa2, true, 1, 2);
    u8(&m, 34);
    u32(&m, 0xff);
    u8(&m, 0);
    u16(&m, 0x4007);
    zeros(&m, 61);
    u16(&m, 0);
    smb1_feed(&s, false, &m, step);
    smb1_transact(&s, &m, 3, 11, step);
    smb1_transact(&s, &m, 4, 0, step);
    assert_int_equal(s.cap.n_mapping, 1);
    assert_string_equal(s.cap.path, "\\\\srv\\IPC$");
    assert_string_equal(s.cap.share_type, "PIPE");
    assert_string_equal(s.cap.name, "\\svcctl");
    assert_string_equal(s.cap.action, "SMB::FILE_OPEN");
    assert_int_equal(s.cap.n_rpc, 1);
    assert_string_equal(s.cap.endpoint, "svcctl");
    assert_string_equal(s.cap.operation, "CreateServiceW");
    assert_string_equal(s.cap.named_pipe, "\\PIPE\\svcctl");
    assert_int_equal(s.cap.weirds.n, 0);
    session_close(&s);
}

static void test_smb1_tree_and_pipe(void **state)
{
    (void)state;
    smb1_session(0);
    smb1_session(1);
}

/* An AndX block naming itself as the next, and a chain of forward blocks
 * longer than the cap: each a weird, both ended. */
static void test_smb1_andx_loop(void **state)
{
    (void)state;
    struct session s;
    session_open(&s, &smb_parser);
    struct msg m = {.n = 0};
    netbios_begin(&m);
    smb1_header(&m, 0x74, false, 1, 1); /* LOGOFF_ANDX */
    u8(&m, 2);
    u8(&m, 0x74);
    u8(&m, 0);
    u16(&m, 32);                        /* back at its own block */
    u16(&m, 0);
    smb1_feed(&s, true, &m, 0);
    assert_true(parser_weirds_saw(&s.cap.weirds, "SMB1_andx_chain_loop"));
    smb1_header(&m, 0x74, false, 1, 2);
    for (int i = 0; i < 40; i++) {
        u8(&m, 2);
        u8(&m, 0x74);
        u8(&m, 0);
        u16(&m, (uint32_t)(32 + 7 * (i + 1)));
        u16(&m, 0);
    }
    smb1_feed(&s, true, &m, 0);
    assert_true(parser_weirds_saw(&s.cap.weirds, "SMB1_andx_chain_too_long"));
    session_close(&s);
}

/* A SPNEGO token whose mechToken holds 10,000 nested elements: the
 * Kerberos reader walks one level at a time, never recursing. */
static void test_krb_gss_deep_nesting(void **state)
{
    (void)state;
    size_t depth = 10000, inner = depth * 6 + 2;
    uint8_t *p = malloc(inner + 64);
    assert_non_null(p);
    static const uint8_t head[] = {0x60, 0x84, 0, 0, 0, 0, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02,
                                   0xa0, 0x84, 0, 0, 0, 0, 0x30, 0x84, 0, 0, 0, 0, 0xa2, 0x84, 0, 0, 0, 0,
                                   0x04, 0x84, 0, 0, 0, 0};
    size_t h = sizeof head, n = h + inner;
    memcpy(p, head, h);
    const size_t len_at[] = {2, 16, 22, 28, 34};
    for (size_t i = 0; i < 5; i++)
        be32_at(p + len_at[i], n - (len_at[i] + 4));
    der_deep_nest(p + h, depth, 0x6e, 0xa3); /* AP-REQ, ticket */
    struct capture c = {0};
    struct app_env env = ntlm_env(&c);
    struct krb_gss_session ks = {0};
    krb_gss_blob(&ks, &env, true, p, n);
    krb_gss_close(&ks, &env);
    free(p);
    assert_true(parser_weirds_saw(&c.weirds, "KRB_invalid_message"));
    assert_int_equal(c.n_krb_rows, 0);
}

/* HTTP Negotiate with Kerberos: the AP-REQ in Authorization, the AP-REP in
 * WWW-Authenticate: one kerberos.log row, as Zeek writes it. */
static void test_http_negotiate_kerberos(void **state)
{
    (void)state;
    struct session s;
    session_open(&s, &http_parser);
    static const char request[] =
        "GET / HTTP/1.1\r\nHost: web.corp\r\nAuthorization: Negotiate "
        "YH4GCSqGSIb3EgECAgEAbm8wbaADAgEFoQMCAQ6iBwMFAAAAAACjQ2FBMD+gAwIBBaEGGwRDT1JQohswGaADAgECoRIwEBsESFRUUBsId2ViLmNv"
        "cnCjEzARoAMCARKiCgQIAAAAAAAAAACkEzARoAMCARKiCgQIAAAAAAAAAAA=\r\n\r\n";
    static const char response[] = "HTTP/1.1 200 OK\r\nWWW-Authenticate: Negotiate "
                                   "YDAGCSqGSIb3EgECAgIAbyEwH6ADAgEFoQMCAQ+iEzARoAMCARKiCgQIAAAAAAAAAAA=\r\n"
                                   "Content-Length: 0\r\n\r\n";
    parser_run_feed(&s.run, true, request, sizeof request - 1, 0);
    parser_run_feed(&s.run, false, response, sizeof response - 1, 0);
    session_close(&s);
    assert_int_equal(s.cap.n_krb_rows, 1);
    assert_string_equal(s.cap.krb.request_type, "AP");
    assert_string_equal(s.cap.krb.client.text, "/CORP");
    assert_string_equal(s.cap.krb.service.text, "HTTP/web.corp");
    assert_true(s.cap.krb.has_cipher && s.cap.krb.cipher == 18);
    assert_true(s.cap.krb.has_success && s.cap.krb.success);
    assert_int_equal(s.cap.n_ntlm, 0);
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
        cmocka_unit_test(test_dce_rpc_probe_either_direction),
        cmocka_unit_test(test_dce_rpc_auth_types),
        cmocka_unit_test(test_dce_rpc_challenge_only),
        cmocka_unit_test(test_ntlm_authenticate),
        cmocka_unit_test(test_ntlm_offsets_outside),
        cmocka_unit_test(test_http_ntlm),
        cmocka_unit_test(test_smb1_tree_and_pipe),
        cmocka_unit_test(test_smb1_andx_loop),
        cmocka_unit_test(test_krb_gss_deep_nesting),
        cmocka_unit_test(test_http_negotiate_kerberos),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
