/* dce_rpc.log as Zeek's base/protocols/dce-rpc writes it: one row per call
 * answered, except Zeek's DCE_RPC::ignored_operations (t->logged); the EVE
 * side is output/smb_eve.c's. */
#include "output/dce_rpc_log.h"

#include "output/conn_id.h"
#include "output/smb_eve.h"
#include "output/zeek_log.h"

static const struct zeek_field dce_rpc_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"rtt", ZEEK_INTERVAL},
    {"named_pipe", ZEEK_STRING},
    {"endpoint", ZEEK_STRING},
    {"operation", ZEEK_STRING},
};
static const struct zeek_schema dce_rpc_schema = ZEEK_SCHEMA("dce_rpc", dce_rpc_fields);

static void write_zeek(struct output_worker *w, const struct app_conn *c, const struct dce_rpc_txn *t)
{
    if (!t->logged)
        return;
    struct zrow *r = zrow_begin_conn(w, &dce_rpc_schema, t->ts_us, c);
    if (r == NULL)
        return;
    if (zrow_present(r, t->has_rtt))
        zrow_interval(r, t->rtt_us);
    zrow_cstr(r, t->named_pipe);
    zrow_cstr(r, t->endpoint);
    zrow_cstr(r, t->operation);
    zrow_end(r);
}

/* Suricata logs every call, Zeek's ignored operations too. */
static void write_eve(struct output_worker *w, const struct app_conn *c, const struct dce_rpc_txn *t)
{
    output_dce_rpc_eve(w, c, t);
}

TXN_WRITER_ZEEK_EVE(dce_rpc, struct dce_rpc_txn);
