/* zrow_record: a row of a log declared as a table of columns
 * (ZEEK_COLUMN_SCHEMA, output/zeek_log.h), each value read where its
 * column says. */
#include <string.h>

#include "output/zeek_log.h"

static void write_value(struct zrow *r, const struct zeek_column *col, const char *record)
{
    const void *v = record + col->offset;
    int64_t i64;
    uint64_t u64;
    uint32_t u32;
    double d;
    bool b;
    uint16_t port;
    uint8_t proto;
    switch ((enum zeek_value)col->value) {
    case ZV_TIME: memcpy(&i64, v, sizeof i64); zrow_time(r, i64); return;
    case ZV_INTERVAL_US: memcpy(&i64, v, sizeof i64); zrow_interval(r, i64); return;
    case ZV_INTERVAL_S: memcpy(&d, v, sizeof d); zrow_interval(r, (int64_t)(d * 1e6)); return;
    case ZV_COUNT_U64: memcpy(&u64, v, sizeof u64); zrow_count(r, u64); return;
    case ZV_COUNT_U32: memcpy(&u32, v, sizeof u32); zrow_count(r, u32); return;
    case ZV_DOUBLE: memcpy(&d, v, sizeof d); zrow_double(r, d); return;
    case ZV_BOOL: memcpy(&b, v, sizeof b); zrow_bool(r, b); return;
    case ZV_CSTR: zrow_cstr(r, *(const char *const *)v); return;
    case ZV_ADDR_IF: memcpy(&b, record + col->present, sizeof b); zrow_opt_addr(r, b, v); return;
    case ZV_ADDR: zrow_addr(r, v); return;
    case ZV_PORT_NONZERO: memcpy(&port, v, sizeof port); zrow_opt_port(r, port != 0, port); return;
    case ZV_TRANSPORT: memcpy(&proto, v, sizeof proto); zrow_enum(r, proto ? zeek_transport_name(proto) : NULL); return;
    }
    zrow_unset(r);
}

void zrow_record(struct output_worker *w, const struct zeek_schema *schema, const void *record)
{
    struct zrow *r = zrow_begin(w, schema);
    if (r == NULL)
        return;
    for (size_t i = 0; i < schema->n_fields; i++)
        write_value(r, (const struct zeek_column *)(const void *)zeek_schema_field(schema, i), record);
    zrow_end(r);
}
