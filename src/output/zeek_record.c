/* zrow_record: a row of a log declared as a table of columns
 * (ZEEK_COLUMN_SCHEMA, output/zeek_log.h), each value read where its
 * column says. */
#include <string.h>

#include "output/conn_id.h"
#include "output/zeek_log.h"
#include "proto/conn-t.h"

static void write_conn_value(struct zrow *r, enum zeek_value value, const struct app_conn *c)
{
    switch (value) {
    case ZV_CONN_UID: zrow_string(r, c->uid, strnlen(c->uid, sizeof c->uid)); return;
    case ZV_CONN_ORIG_H: zrow_addr(r, &c->orig_h); return;
    case ZV_CONN_ORIG_P: zrow_port(r, c->orig_p); return;
    case ZV_CONN_RESP_H: zrow_addr(r, &c->resp_h); return;
    case ZV_CONN_RESP_P: zrow_port(r, c->resp_p); return;
    default: zrow_unset(r); return;
    }
}

static void write_value(struct zrow *r, const struct zeek_column *col, enum zeek_value value,
                        const struct app_conn *conn, const char *record)
{
    const void *v = record + col->offset;
    size_t n;
    int64_t i64;
    uint64_t u64;
    uint32_t u32;
    double d;
    bool b;
    uint16_t port;
    uint8_t proto;
    switch (value) {
    case ZV_TIME: memcpy(&i64, v, sizeof i64); zrow_time(r, i64); return;
    case ZV_INTERVAL_US: memcpy(&i64, v, sizeof i64); zrow_interval(r, i64); return;
    case ZV_INTERVAL_S: memcpy(&d, v, sizeof d); zrow_interval(r, (int64_t)(d * 1e6)); return;
    case ZV_COUNT_U64: memcpy(&u64, v, sizeof u64); zrow_count(r, u64); return;
    case ZV_COUNT_U32: memcpy(&u32, v, sizeof u32); zrow_count(r, u32); return;
    case ZV_INT: memcpy(&i64, v, sizeof i64); zrow_int(r, i64); return;
    case ZV_DOUBLE: memcpy(&d, v, sizeof d); zrow_double(r, d); return;
    case ZV_BOOL: memcpy(&b, v, sizeof b); zrow_bool(r, b); return;
    case ZV_CSTR: zrow_cstr(r, *(const char *const *)v); return;
    case ZV_CHARS: zrow_cstr(r, v); return;
    case ZV_FN: col->fn(r, conn, record); return;
    case ZV_CHARS_N: memcpy(&n, record + col->length, sizeof n); zrow_string(r, v, n); return;
    case ZV_ADDR: zrow_addr(r, v); return;
    case ZV_PORT_NONZERO: memcpy(&port, v, sizeof port); zrow_opt_port(r, port != 0, port); return;
    case ZV_TRANSPORT: memcpy(&proto, v, sizeof proto); zrow_enum(r, proto ? zeek_transport_name(proto) : NULL); return;
    default: zrow_unset(r); return;
    }
}

static bool present(const struct zeek_column *col, const char *record)
{
    bool b = true;
    if (col->value & ZV_IF)
        memcpy(&b, record + col->present, sizeof b);
    return b;
}

void zrow_record(struct output_worker *w, const struct zeek_schema *schema, const struct app_conn *conn,
                 const void *record)
{
    struct zrow *r = zrow_begin(w, schema);
    if (r == NULL)
        return;
    if (conn != NULL)
        zrow_for_conn(r, conn);
    for (size_t i = 0; i < schema->n_fields; i++) {
        const struct zeek_column *col = (const struct zeek_column *)(const void *)zeek_schema_field(schema, i);
        enum zeek_value value = (enum zeek_value)(col->value & ~ZV_IF);
        if (!present(col, record))
            zrow_unset(r);
        else if (value >= ZV_CONN_UID && value <= ZV_CONN_RESP_P && conn != NULL)
            write_conn_value(r, value, conn);
        else
            write_value(r, col, value, conn, record);
    }
    zrow_end(r);
}
