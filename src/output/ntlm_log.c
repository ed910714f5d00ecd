/* ntlm.log as Zeek's base/protocols/ntlm writes it. */
#include "output/ntlm_log.h"

#include "output/conn_id.h"
#include "output/zeek_log.h"

static const struct zeek_field ntlm_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"username", ZEEK_STRING},
    {"hostname", ZEEK_STRING},
    {"domainname", ZEEK_STRING},
    {"server_nb_computer_name", ZEEK_STRING},
    {"server_dns_computer_name", ZEEK_STRING},
    {"server_tree_name", ZEEK_STRING},
    {"success", ZEEK_BOOL},
};
static const struct zeek_schema ntlm_schema = ZEEK_SCHEMA("ntlm", ntlm_fields);

void output_ntlm(struct output_worker *w, const struct app_conn *c, const struct ntlm_txn *t)
{
    struct zrow *r = zrow_begin_conn(w, &ntlm_schema, t->ts_us, c);
    if (r == NULL)
        return;
    zrow_cstr(r, t->has_username ? t->username : NULL);
    zrow_cstr(r, t->has_hostname ? t->hostname : NULL);
    zrow_cstr(r, t->has_domainname ? t->domainname : NULL);
    zrow_cstr(r, t->has_server_nb ? t->server_nb_computer_name : NULL);
    zrow_cstr(r, t->has_server_dns ? t->server_dns_computer_name : NULL);
    zrow_cstr(r, t->has_server_tree ? t->server_tree_name : NULL);
    if (zrow_present(r, t->has_success))
        zrow_bool(r, t->success);
    zrow_end(r);
}

TXN_WRITER(ntlm);
