/* Signatures over SMB and DCE-RPC: smb.share and smb.named_pipe split a
 * tree connect by its share type, smb.ntlmssp_user/domain read the session
 * setup, dcerpc.iface (with its version operator) and dcerpc.opnum (lists
 * and ranges) a request's interface and operation, over TCP and over an SMB
 * pipe, where dcerpc rules read SMB's calls but smb rules not TCP's;
 * dcerpc.stub_data the request's stub; malformed options are bad rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "proto/dce_rpc.h"
#include "proto/smb.h"
#include "unit/sig_harness.h"

static const char *const smb_rules[] = {
    "alert smb any any -> any any (msg:\"admin share\"; smb.share; content:\"ADMIN$\"; endswith; sid:1;)",
    "alert smb any any -> any any (msg:\"pipe tree\"; smb.named_pipe; content:\"IPC$\"; sid:2;)",
    "alert smb any any -> any any (msg:\"IPC$ as a share\"; smb.share; content:\"IPC$\"; sid:3;)",
    "alert smb any any -> any any (msg:\"user\"; smb.ntlmssp_user; content:\"alice\"; startswith; endswith; "
    "smb.ntlmssp_domain; content:\"CORP\"; sid:4;)",
    "alert smb any any -> any any (msg:\"other user\"; smb.ntlmssp_user; content:\"bob\"; sid:5;)",
    "alert dcerpc any any -> any any (msg:\"svcctl create\"; dcerpc.iface:367ABB81-9844-35f1-ad32-98f038001003; "
    "dcerpc.opnum:12; sid:6;)",
    "alert dcerpc any any -> any any (msg:\"svcctl v2\"; dce_iface:367abb81-9844-35f1-ad32-98f038001003,=2,any_frag; "
    "sid:7;)",
    "alert dcerpc any any -> any any (msg:\"svcctl above v2\"; dcerpc.iface:367abb81-9844-35f1-ad32-98f038001003,>2; "
    "sid:8;)",
    "alert dcerpc any any -> any any (msg:\"opnum list\"; dce_opnum:1,10-13,40; sid:9;)",
    "alert dcerpc any any -> any any (msg:\"opnum miss\"; dcerpc.opnum:0-11,13; sid:10;)",
    "alert dcerpc any any -> any any (msg:\"stub\"; dcerpc.stub_data; content:\"PSEXESVC\"; sid:11;)",
    "alert smb any any -> any any (msg:\"smb call\"; dcerpc.opnum:12; sid:12;)",
    "alert dcerpc any any -> any any (msg:\"stub to client\"; flow:to_client; dce_stub_data; content:\"PSEXESVC\"; "
    "sid:13;)",
};

static void test_smb_buffers(void **state)
{
    struct sig_case *c = *state;
    struct app_conn conn = test_conn(6, 445, 1);
    struct smb_txn share = {.cmd = {.command = 3}, .share = "\\\\10.0.0.2\\ADMIN$", .share_type = 1};
    sig_transaction(c->w, &conn, EVENT_SMB, &share, 1);
    expect_sids(&c->f, "1", "2 3 4 5 6 7 8 9 10 11 12 13");
    c->f.n = 0;
    struct smb_txn pipe = {.cmd = {.command = 3}, .share = "\\\\10.0.0.2\\IPC$", .share_type = 2, .is_pipe = true};
    sig_transaction(c->w, &conn, EVENT_SMB, &pipe, 2);
    expect_sids(&c->f, "2", "1 3 4 5");
    c->f.n = 0;
    struct smb_txn setup = {.cmd = {.command = 1}, .ntlmssp_user = "alice", .ntlmssp_domain = "CORP",
                            .ntlmssp_host = "WKS1"};
    sig_transaction(c->w, &conn, EVENT_SMB, &setup, 3);
    expect_sids(&c->f, "4", "1 2 3 5");
}

static void test_dcerpc_keywords(void **state)
{
    struct sig_case *c = *state;
    static const uint8_t stub[] = "\\\\host PSEXESVC.exe";
    struct smb_command_info ioctl = {.id = 7, .command = 11};
    struct dce_rpc_txn t = {.uuid = "367abb81-9844-35f1-ad32-98f038001003", .if_version = 2, .opnum = 12,
                            .stub = stub, .stub_len = sizeof stub - 1, .smb = &ioctl, .answered = true};
    struct app_conn conn = test_conn(6, 445, 2);
    sig_transaction(c->w, &conn, EVENT_DCE_RPC, &t, 1); /* over an SMB pipe: smb and dcerpc rules */
    expect_sids(&c->f, "6 7 9 11 12", "1 2 3 4 5 8 10 13");
    c->f.n = 0;
    t.smb = NULL; /* over TCP: dcerpc rules only */
    conn = test_conn(6, 49670, 3);
    sig_transaction(c->w, &conn, EVENT_DCE_RPC, &t, 2);
    expect_sids(&c->f, "6 7 9 11", "12 8 10 13");
    c->f.n = 0;
    t.if_version = 3;
    t.opnum = 13;
    conn = test_conn(6, 49670, 4);
    sig_transaction(c->w, &conn, EVENT_DCE_RPC, &t, 3);
    expect_sids(&c->f, "8 9 10", "6 7 12");
}

static void test_dcerpc_bad_options(void **state)
{
    static const char *const bad[] = {
        "alert dcerpc any any -> any any (dcerpc.iface:367abb81-9844-35f1-ad32; sid:1;)",
        "alert dcerpc any any -> any any (dcerpc.iface:367abb81-9844-35f1-ad32-98f03800100g; sid:2;)",
        "alert dcerpc any any -> any any (dcerpc.iface:367abb81-9844-35f1-ad32-98f038001003,~2; sid:3;)",
        "alert dcerpc any any -> any any (dcerpc.opnum:12-3; sid:4;)",
        "alert dcerpc any any -> any any (dcerpc.opnum:70000; sid:5;)",
        "alert dcerpc any any -> any any (smb.share; content:\"C$\"; sid:6;)",
    };
    struct sig_set *s = sig_set_new(NULL);
    assert_non_null(s);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char why[600] = "";
        assert_int_not_equal(sig_set_add_rule(s, bad[i], "x.rules", (unsigned)i + 1, why, sizeof why), 0);
        assert_true(why[0] != '\0');
    }
    sig_set_free(s);
}

int main(void)
{
    (void)test_packet; /* the harness's packet and stream helpers: not needed here */
    (void)test_stream_at;
    const struct CMUnitTest tests[] = {
        SIG_CASE_TEST(test_smb_buffers, "smb.rules", smb_rules),
        SIG_CASE_TEST(test_dcerpc_keywords, "smb.rules", smb_rules),
        cmocka_unit_test(test_dcerpc_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
