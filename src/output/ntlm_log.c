/* ntlm.log as Zeek's base/protocols/ntlm writes it. */
#include "output/ntlm_log.h"

#include "output/zeek_log.h"

#define COL_IF(name, type, value, member, present) ZEEK_COLUMN_IF(struct ntlm_txn, name, type, value, member, present)

static const struct zeek_column ntlm_columns[] = {
    ZEEK_COLUMNS_TS_UID_ID(struct ntlm_txn, ts_us),
    COL_IF("username", ZEEK_STRING, ZV_CHARS, username, has_username),
    COL_IF("hostname", ZEEK_STRING, ZV_CHARS, hostname, has_hostname),
    COL_IF("domainname", ZEEK_STRING, ZV_CHARS, domainname, has_domainname),
    COL_IF("server_nb_computer_name", ZEEK_STRING, ZV_CHARS, server_nb_computer_name, has_server_nb),
    COL_IF("server_dns_computer_name", ZEEK_STRING, ZV_CHARS, server_dns_computer_name, has_server_dns),
    COL_IF("server_tree_name", ZEEK_STRING, ZV_CHARS, server_tree_name, has_server_tree),
    COL_IF("success", ZEEK_BOOL, ZV_BOOL, success, has_success),
};
static const struct zeek_schema ntlm_schema = ZEEK_COLUMN_SCHEMA("ntlm", ntlm_columns);

void output_ntlm(struct output_worker *w, const struct app_conn *c, const struct ntlm_txn *t)
{
    zrow_record(w, &ntlm_schema, c, t);
}

TXN_WRITER(ntlm);
