/* ldap.log and ldap_search.log as Zeek writes them. attributes stays unset:
 * Zeek logs it only with LDAP::default_log_search_attributes, which is off.
 * No EVE event: Vigil does not write Suricata 8's ldap event yet. */
#include "output/ldap_log.h"

#include "output/zeek_log.h"

#define MESSAGE(name, type, value, member) ZEEK_COLUMN(struct ldap_row, name, type, value, member)
#define MESSAGE_TEXT(name, member) \
    ZEEK_COLUMN_TEXT_IF(struct ldap_row, name, member.text, member.len, member.set)
#define SEARCH(name, type, value, member) ZEEK_COLUMN(struct ldap_search_row, name, type, value, member)
#define SEARCH_TEXT(name, member) \
    ZEEK_COLUMN_TEXT_IF(struct ldap_search_row, name, member.text, member.len, member.set)

static const struct zeek_column ldap_columns[] = {
    ZEEK_COLUMNS_TS_UID_ID(struct ldap_row, ts_us),
    MESSAGE("message_id", ZEEK_INT, ZV_INT, message_id),
    ZEEK_COLUMN_IF(struct ldap_row, "version", ZEEK_INT, ZV_INT, version, has_version),
    MESSAGE("opcode", ZEEK_STRING, ZV_CSTR, opcode), MESSAGE("result", ZEEK_STRING, ZV_CSTR, result),
    MESSAGE_TEXT("diagnostic_message", diagnostic_message), MESSAGE_TEXT("object", object),
    MESSAGE_TEXT("argument", argument),
};
static const struct zeek_schema ldap_schema = ZEEK_COLUMN_SCHEMA("ldap", ldap_columns);

static const struct zeek_column ldap_search_columns[] = {
    ZEEK_COLUMNS_TS_UID_ID(struct ldap_search_row, ts_us),
    SEARCH("message_id", ZEEK_INT, ZV_INT, message_id), SEARCH("scope", ZEEK_STRING, ZV_CSTR, scope),
    SEARCH("deref_aliases", ZEEK_STRING, ZV_CSTR, deref_aliases), SEARCH_TEXT("base_object", base_object),
    SEARCH("result_count", ZEEK_COUNT, ZV_COUNT_U64, result_count), SEARCH("result", ZEEK_STRING, ZV_CSTR, result),
    SEARCH_TEXT("diagnostic_message", diagnostic_message),
    ZEEK_COLUMN_TEXT_IF(struct ldap_search_row, "filter", filter, filter_len, has_filter),
    SEARCH("attributes", ZEEK_VECTOR_STRING, ZV_UNSET, ts_us),
};
static const struct zeek_schema ldap_search_schema = ZEEK_COLUMN_SCHEMA("ldap_search", ldap_search_columns);

void output_ldap(struct output_worker *w, const struct app_conn *c, const struct ldap_txn *t)
{
    if (w == NULL || c == NULL || t == NULL)
        return;
    if (t->message)
        zrow_record(w, &ldap_schema, c, t->message);
    if (t->search)
        zrow_record(w, &ldap_search_schema, c, t->search);
}

TXN_WRITER(ldap);
