/* EVE smb and dcerpc, with Suricata's names: SMB2 command and NT status
 * names, dialects as "3.11", the file id as Suricata's GUID text, times in
 * Unix seconds; what Vigil does not know is left out rather than made up. */
#include "output/smb_eve.h"

#include <stdio.h>
#include <string.h>

#include "output/eve.h"

/* Suricata's smb2_command_string. */
static const char *smb2_command_name(uint16_t cmd)
{
    static const char *const names[] = {
        "SMB2_COMMAND_NEGOTIATE_PROTOCOL", "SMB2_COMMAND_SESSION_SETUP", "SMB2_COMMAND_SESSION_LOGOFF",
        "SMB2_COMMAND_TREE_CONNECT", "SMB2_COMMAND_TREE_DISCONNECT", "SMB2_COMMAND_CREATE", "SMB2_COMMAND_CLOSE",
        "SMB2_COMMAND_FLUSH", "SMB2_COMMAND_READ", "SMB2_COMMAND_WRITE", "SMB2_COMMAND_LOCK", "SMB2_COMMAND_IOCTL",
        "SMB2_COMMAND_CANCEL", "SMB2_COMMAND_KEEPALIVE", "SMB2_COMMAND_QUERY_DIRECTORY",
        "SMB2_COMMAND_CHANGE_NOTIFY", "SMB2_COMMAND_QUERY_INFO", "SMB2_COMMAND_SET_INFO",
        "SMB2_COMMAND_OPLOCK_BREAK",
    };
    return cmd < sizeof names / sizeof names[0] ? names[cmd] : NULL;
}

/* The NT status codes SMB sessions commonly answer (Suricata knows them
 * all; any other is written as its decimal number, as Suricata writes an
 * unknown one). */
static const char *nt_status_name(uint32_t status)
{
    static const struct {
        uint32_t code;
        const char *name;
    } names[] = {
        {0x00000000, "STATUS_SUCCESS"}, {0x00000103, "STATUS_PENDING"},
        {0x00000104, "STATUS_REPARSE"}, {0x0000010b, "STATUS_NOTIFY_CLEANUP"},
        {0x0000010c, "STATUS_NOTIFY_ENUM_DIR"}, {0x80000005, "STATUS_BUFFER_OVERFLOW"},
        {0x80000006, "STATUS_NO_MORE_FILES"}, {0xc0000003, "STATUS_INVALID_INFO_CLASS"},
        {0xc000000d, "STATUS_INVALID_PARAMETER"}, {0xc000000f, "STATUS_NO_SUCH_FILE"},
        {0xc0000010, "STATUS_INVALID_DEVICE_REQUEST"}, {0xc0000011, "STATUS_END_OF_FILE"},
        {0xc0000016, "STATUS_MORE_PROCESSING_REQUIRED"}, {0xc0000022, "STATUS_ACCESS_DENIED"},
        {0xc0000023, "STATUS_BUFFER_TOO_SMALL"}, {0xc0000033, "STATUS_OBJECT_NAME_INVALID"},
        {0xc0000034, "STATUS_OBJECT_NAME_NOT_FOUND"}, {0xc0000035, "STATUS_OBJECT_NAME_COLLISION"},
        {0xc000003a, "STATUS_OBJECT_PATH_NOT_FOUND"}, {0xc0000043, "STATUS_SHARING_VIOLATION"},
        {0xc0000056, "STATUS_DELETE_PENDING"}, {0xc000006d, "STATUS_LOGON_FAILURE"},
        {0xc0000072, "STATUS_ACCOUNT_DISABLED"}, {0xc00000ba, "STATUS_FILE_IS_A_DIRECTORY"},
        {0xc00000bb, "STATUS_NOT_SUPPORTED"}, {0xc00000c9, "STATUS_NETWORK_NAME_DELETED"},
        {0xc00000cc, "STATUS_BAD_NETWORK_NAME"}, {0xc0000101, "STATUS_DIRECTORY_NOT_EMPTY"},
        {0xc0000120, "STATUS_CANCELLED"}, {0xc0000128, "STATUS_FILE_CLOSED"},
        {0xc000014b, "STATUS_PIPE_BROKEN"}, {0xc0000203, "STATUS_USER_SESSION_DELETED"},
        {0xc0000225, "STATUS_NOT_FOUND"}, {0xc0000257, "STATUS_PATH_NOT_COVERED"},
        {0xc000035c, "STATUS_NETWORK_SESSION_EXPIRED"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == status)
            return names[i].name;
    return NULL;
}

/* Suricata's smb2_dialect_string. */
static const char *dialect_name(uint16_t d, char tmp[8])
{
    switch (d) {
    case 0x0202: return "2.02";
    case 0x0210: return "2.10";
    case 0x0222: return "2.22";
    case 0x0224: return "2.24";
    case 0x02ff: return "2.??";
    case 0x0300: return "3.00";
    case 0x0302: return "3.02";
    case 0x0310: return "3.10";
    case 0x0311: return "3.11";
    case 0: return "unknown";
    default: snprintf(tmp, 8, "%u.%02x", (unsigned)(d >> 8), (unsigned)(d & 0xff)); return tmp;
    }
}

/* id, dialect, command, status, status_code, session_id, tree_id. */
static void smb_common(struct json_writer *j, const struct smb_command_info *cmd)
{
    char tmp[16];
    json_kv_uint(j, "id", cmd->id);
    json_kv_str(j, "dialect", dialect_name(cmd->dialect, tmp));
    const char *command = smb2_command_name(cmd->command);
    if (command)
        json_kv_str(j, "command", command);
    if (cmd->has_status) {
        const char *status = nt_status_name(cmd->status);
        snprintf(tmp, sizeof tmp, "%u", (unsigned)cmd->status);
        json_kv_str(j, "status", status ? status : tmp);
        snprintf(tmp, sizeof tmp, "0x%x", (unsigned)cmd->status);
        json_kv_str(j, "status_code", tmp);
    }
    json_kv_uint(j, "session_id", cmd->session_id);
    json_kv_uint(j, "tree_id", cmd->tree_id);
}

/* Suricata's guid_to_string of 16 wire bytes (its own byte order). */
static void kv_guid(struct json_writer *j, const char *key, const uint8_t g[16])
{
    char text[40];
    snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3], g[2], g[1],
             g[0], g[5], g[4], g[7], g[6], g[9], g[8], g[11], g[10], g[15], g[14], g[13], g[12]);
    json_kv_str(j, key, text);
}

/* The SMB2 file id (persistent, volatile) as Suricata's fuid. */
static void kv_fuid(struct json_writer *j, uint64_t persistent, uint64_t volatile_id)
{
    uint8_t g[16];
    for (int i = 0; i < 8; i++) {
        g[i] = (uint8_t)(persistent >> (8 * i));
        g[8 + i] = (uint8_t)(volatile_id >> (8 * i));
    }
    kv_guid(j, "fuid", g);
}

static void smb_create(struct json_writer *j, const struct smb_txn *t)
{
    static const char *const dispositions[] = {"FILE_SUPERSEDE", "FILE_OPEN", "FILE_CREATE",
                                               "FILE_OPEN_IF", "FILE_OVERWRITE", "FILE_OVERWRITE_IF"};
    json_kv_str(j, t->directory ? "directory" : "filename", t->filename && *t->filename ? t->filename : "<share_root>");
    if (t->has_create) {
        json_kv_str(j, "disposition", t->disposition < 6 ? dispositions[t->disposition] : "UNKNOWN");
        json_kv_str(j, "access", t->delete_on_close ? "delete on close" : "normal");
    }
    json_kv_uint(j, "created", (uint64_t)(t->created > 0 ? t->created : 0));
    json_kv_uint(j, "accessed", (uint64_t)(t->accessed > 0 ? t->accessed : 0));
    json_kv_uint(j, "modified", (uint64_t)(t->modified > 0 ? t->modified : 0));
    json_kv_uint(j, "changed", (uint64_t)(t->changed > 0 ? t->changed : 0));
    json_kv_uint(j, "size", t->size);
    kv_fuid(j, t->fid_p, t->fid_v);
}

static void smb_type_data(struct json_writer *j, const struct smb_txn *t)
{
    switch (t->cmd.command) {
    case 0: /* negotiate */
        if (t->n_client_dialects) {
            json_key(j, "client_dialects");
            json_array_begin(j);
            for (size_t i = 0; i < t->n_client_dialects; i++) {
                char tmp[8];
                json_cstr(j, dialect_name(t->client_dialects[i], tmp));
            }
            json_array_end(j);
        }
        if (t->client_guid)
            kv_guid(j, "client_guid", t->client_guid);
        if (t->server_guid)
            kv_guid(j, "server_guid", t->server_guid);
        if (t->max_read_size)
            json_kv_uint(j, "max_read_size", t->max_read_size);
        if (t->max_write_size)
            json_kv_uint(j, "max_write_size", t->max_write_size);
        break;
    case 1: /* session setup */
        if (t->ntlmssp_user)
            json_kv_str_object(j, "ntlmssp", (const struct json_str_member[]){{"domain", t->ntlmssp_domain, JSON_CSTR},
                                                                              {"user", t->ntlmssp_user, JSON_CSTR},
                                                                              {"host", t->ntlmssp_host, JSON_CSTR}}, 3);
        break;
    case 3: /* tree connect */
        if (t->share)
            json_kv_str(j, t->is_pipe ? "named_pipe" : "share", t->share);
        json_kv_str(j, "share_type", t->share_type == 1   ? "FILE"
                                     : t->share_type == 2 ? "PIPE"
                                     : t->share_type == 3 ? "PRINT"
                                                          : "UNKNOWN");
        break;
    case 5: /* create */
        if (t->cmd.status == 0)
            smb_create(j, t);
        break;
    default: break;
    }
}

void output_smb(struct output_worker *w, const struct app_conn *c, const struct smb_txn *t)
{
    if (w == NULL || c == NULL || t == NULL)
        return;
    struct json_writer *j = eve_begin_app_object(w, c, true, t->ts_us, "smb");
    if (j == NULL)
        return;
    smb_common(j, &t->cmd);
    smb_type_data(j, t);
    json_object_end(j);
    eve_community_id(j, c->community_id);
    eve_end(w);
}

/* "interfaces": the one the call's context names; over TCP with the
 * service and procedure names as Suricata's interface map gives them. */
static void dcerpc_interfaces(struct json_writer *j, const struct dce_rpc_txn *t, bool names)
{
    if (!t->uuid[0])
        return;
    char version[16];
    snprintf(version, sizeof version, "%u.%u", (unsigned)t->if_version, (unsigned)t->if_version_minor);
    json_key(j, "interfaces");
    json_array_begin(j);
    json_object_begin(j);
    json_kv_str(j, "uuid", t->uuid);
    json_kv_str(j, "version", version);
    if (names) {
        json_kv_uint(j, "ack_result", 0);
        if (t->endpoint && strncmp(t->endpoint, "unknown-", 8) != 0) {
            json_kv_str(j, "service", t->endpoint);
            if (t->operation && strncmp(t->operation, "unknown-", 8) != 0)
                json_kv_str(j, "procedure", t->operation);
        }
    }
    json_object_end(j);
    json_array_end(j);
}

static void dcerpc_req_res(struct json_writer *j, const struct dce_rpc_txn *t, bool opnum_in_req)
{
    json_key(j, "req");
    json_object_begin(j);
    if (opnum_in_req)
        json_kv_uint(j, "opnum", t->opnum);
    json_kv_uint(j, "frag_cnt", t->req_frags);
    json_kv_uint(j, "stub_data_size", t->stub_len);
    json_object_end(j);
}

static void dcerpc_response(struct json_writer *j, const struct dce_rpc_txn *t)
{
    json_kv_str(j, "response", t->answered ? "RESPONSE" : "UNREPLIED");
    if (!t->answered)
        return;
    json_key(j, "res");
    json_object_begin(j);
    json_kv_uint(j, "frag_cnt", t->res_frags);
    json_kv_uint(j, "stub_data_size", t->res_stub_len);
    json_object_end(j);
}

/* Over SMB: the smb event of the message that ended the call. */
static void dcerpc_over_smb(struct json_writer *j, const struct dce_rpc_txn *t)
{
    json_key(j, "smb");
    json_object_begin(j);
    smb_common(j, t->smb);
    json_key(j, "dcerpc");
    json_object_begin(j);
    json_kv_str(j, "request", "REQUEST");
    dcerpc_response(j, t);
    json_kv_uint(j, "opnum", t->opnum);
    dcerpc_req_res(j, t, false);
    dcerpc_interfaces(j, t, false);
    json_kv_uint(j, "call_id", t->call_id);
    json_object_end(j);
    json_object_end(j);
}

static void dcerpc_over_tcp(struct json_writer *j, const struct dce_rpc_txn *t)
{
    json_key(j, "dcerpc");
    json_object_begin(j);
    json_kv_str(j, "request", "REQUEST");
    dcerpc_req_res(j, t, true);
    dcerpc_interfaces(j, t, true);
    dcerpc_response(j, t);
    json_kv_uint(j, "call_id", t->call_id);
    char version[8];
    snprintf(version, sizeof version, "5.%u", (unsigned)t->rpc_version_minor);
    json_kv_str(j, "rpc_version", version);
    json_object_end(j);
}

void output_dce_rpc_eve(struct output_worker *w, const struct app_conn *c, const struct dce_rpc_txn *t)
{
    struct json_writer *j = eve_begin_app(w, c, true, t->ts_us, t->smb ? "smb" : "dcerpc");
    if (j == NULL)
        return;
    if (t->smb)
        dcerpc_over_smb(j, t);
    else
        dcerpc_over_tcp(j, t);
    eve_community_id(j, c->community_id);
    eve_end(w);
}

TXN_WRITER(smb);
