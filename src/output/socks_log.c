/* socks.log as Zeek's base/protocols/socks writes it. `password` stays
 * unset: Zeek fills it only with SOCKS::default_capture_password = T. */
#include "output/socks_log.h"

#include "output/conn_id.h"
#include "output/zeek_log.h"

static const struct zeek_field socks_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"version", ZEEK_COUNT},
    {"user", ZEEK_STRING},
    {"password", ZEEK_STRING},
    {"status", ZEEK_STRING},
    {"request.host", ZEEK_ADDR},
    {"request.name", ZEEK_STRING},
    {"request_p", ZEEK_PORT},
    {"bound.host", ZEEK_ADDR},
    {"bound.name", ZEEK_STRING},
    {"bound_p", ZEEK_PORT},
};
static const struct zeek_schema socks_schema = ZEEK_SCHEMA("socks", socks_fields);

/* host, name, port of a SOCKS::Address and its port; all unset when absent. */
static void address(struct zrow *r, bool present, const struct socks_address *a, uint16_t port)
{
    if (zrow_present(r, present && a->has_host))
        zrow_addr(r, &a->host);
    if (zrow_present(r, present && a->has_name))
        zrow_string(r, a->name, a->name_len);
    if (zrow_present(r, present))
        zrow_port(r, port);
}

void output_socks(struct output_worker *w, const struct app_conn *c, const struct socks_txn *t)
{
    struct zrow *r = zrow_begin_conn(w, &socks_schema, t->ts_us, c);
    if (r == NULL)
        return;
    zrow_count(r, t->version);
    if (zrow_present(r, t->has_user))
        zrow_string(r, t->user, t->user_len);
    zrow_unset(r); /* password */
    zrow_cstr(r, t->has_status ? t->status : NULL);
    address(r, t->has_request, &t->request, t->request_p);
    address(r, t->has_bound, &t->bound, t->bound_p);
    zrow_end(r);
}

TXN_WRITER(socks);
