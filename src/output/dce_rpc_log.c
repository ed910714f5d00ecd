/* dce_rpc.log as Zeek's base/protocols/dce-rpc writes it: one row per call
 * answered, except Zeek's DCE_RPC::ignored_operations (t->logged); the EVE
 * side is output/smb_eve.c's. */
#include "output/dce_rpc_log.h"

#include "output/smb_eve.h"
#include "output/zeek_log.h"

#define COL(name, type, value, member) ZEEK_COLUMN(struct dce_rpc_txn, name, type, value, member)

static const struct zeek_column dce_rpc_columns[] = {
    ZEEK_COLUMNS_TS_UID_ID(struct dce_rpc_txn, ts_us),
    ZEEK_COLUMN_IF(struct dce_rpc_txn, "rtt", ZEEK_INTERVAL, ZV_INTERVAL_US, rtt_us, has_rtt),
    COL("named_pipe", ZEEK_STRING, ZV_CSTR, named_pipe), COL("endpoint", ZEEK_STRING, ZV_CSTR, endpoint),
    COL("operation", ZEEK_STRING, ZV_CSTR, operation),
};
static const struct zeek_schema dce_rpc_schema = ZEEK_COLUMN_SCHEMA("dce_rpc", dce_rpc_columns);

static void write_zeek(struct output_worker *w, const struct app_conn *c, const struct dce_rpc_txn *t)
{
    if (t->logged)
        zrow_record(w, &dce_rpc_schema, c, t);
}

/* Suricata logs every call, Zeek's ignored operations too. */
static void write_eve(struct output_worker *w, const struct app_conn *c, const struct dce_rpc_txn *t)
{
    output_dce_rpc_eve(w, c, t);
}

TXN_WRITER_ZEEK_EVE(dce_rpc, struct dce_rpc_txn);
