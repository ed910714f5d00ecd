/* Zeek logs: one schema table per log, one row builder for all of them.
 *
 * Adding a log (dns, http, ssl ...) is a schema and a function that fills
 * rows; files, headers, buffering, locking and the TSV/JSON choice are all
 * handled here:
 *
 *     static const struct zeek_field dns_fields[] = {
 *         {"ts", ZEEK_TIME}, {"uid", ZEEK_STRING}, {"id.orig_h", ZEEK_ADDR},
 *         ...
 *         {"answers", ZEEK_VECTOR_STRING}, {"TTLs", ZEEK_VECTOR_INTERVAL},
 *     };
 *     const struct zeek_schema dns_schema = ZEEK_SCHEMA("dns", dns_fields);
 *
 *     struct zrow *r = zrow_begin(w, &dns_schema);  // NULL: no Zeek output
 *     zrow_time(r, tx->ts_us);
 *     zrow_cstr(r, tx->uid);
 *     zrow_addr(r, &tx->orig_h);
 *     ...
 *     zrow_list_begin(r);
 *     for (i = 0; i < n; i++) zrow_item_string(r, a[i].p, a[i].n);
 *     zrow_list_end(r);
 *     zrow_end(r);
 *
 * Rules:
 * - Call exactly one value function per field, in schema order; every
 *   zrow_* accepts r == NULL and then does nothing, so callers never branch
 *   on the output formats.
 * - "Unset" (Zeek's `-`, absent from JSON) is zrow_unset(), or NULL passed
 *   to zrow_cstr/zrow_enum. An empty string is a value: TSV `(empty)`,
 *   JSON "".
 * - Strings are raw bytes from the wire; escaping is done here exactly as
 *   Zeek does it (TSV: \xNN for control bytes, backslash and invalid UTF-8;
 *   a value equal to "-" or "(empty)" gets its first byte escaped; the set
 *   separator ',' is escaped inside sets and vectors. JSON: see util/json.h).
 * - A row is written whole or not at all: if a field is missing at
 *   zrow_end() the remaining ones are written unset and the row counted in
 *   output_stats().bad_rows, so a bug never shifts columns.
 * - Time values are int64 microseconds since the epoch (packet time);
 *   intervals are int64 microseconds.
 *
 * Files: with OUTPUT_ZEEK_TSV a schema writes <path>.log with Zeek's
 * #separator ... #types header and #close footer. With OUTPUT_ZEEK_JSON
 * alone it writes <path>.log as JSON lines (as Zeek with
 * LogAscii::use_json=T); with both, the JSON lines go to <path>.json.
 * A file is created on its first row only. */
#ifndef VIGIL_OUTPUT_ZEEK_LOG_H
#define VIGIL_OUTPUT_ZEEK_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/addr.h"
#include "util/bytes.h"

struct output_worker;
struct zrow;

enum zeek_type {
    ZEEK_TIME,
    ZEEK_INTERVAL,
    ZEEK_STRING,
    ZEEK_ENUM,
    ZEEK_ADDR,
    ZEEK_SUBNET,
    ZEEK_PORT,
    ZEEK_COUNT,
    ZEEK_INT,
    ZEEK_DOUBLE,
    ZEEK_BOOL,
    ZEEK_SET_STRING,
    ZEEK_SET_ENUM,
    ZEEK_SET_ADDR,
    ZEEK_SET_COUNT,
    ZEEK_SET_PORT,
    ZEEK_VECTOR_STRING,
    ZEEK_VECTOR_COUNT,
    ZEEK_VECTOR_INTERVAL,
    ZEEK_VECTOR_ADDR,
};

struct zeek_field {
    const char *name;   /* as Zeek writes it, record fields flattened: "id.orig_h" */
    enum zeek_type type;
};

struct zeek_schema {
    const char *path;   /* "conn": the file is conn.log, #path conn */
    const struct zeek_field *fields;
    size_t n_fields;
    size_t stride;      /* bytes from one field to the next: a table of zeek_field or of zeek_column */
};

/* The i-th field of a schema: points into s's table. */
static inline const struct zeek_field *zeek_schema_field(const struct zeek_schema *s, size_t i)
{
    return (const struct zeek_field *)(const void *)((const char *)s->fields + i * s->stride);
}

/* A log declared as one table of columns: each column's Zeek field and
 * where its value is in the record the log writes, so that zrow_record
 * writes a whole row (ZEEK_COLUMN_SCHEMA):
 *
 *     #define COL(name, type, value, member) ZEEK_COLUMN(struct ntlm_txn, name, type, value, member)
 *     static const struct zeek_column ntlm_columns[] = {
 *         ZEEK_COLUMNS_TS_UID_ID(struct ntlm_txn, ts_us),
 *         ZEEK_COLUMN_IF(struct ntlm_txn, "username", ZEEK_STRING, ZV_CHARS, username, has_username), ...
 *     };
 *     static const struct zeek_schema ntlm_schema = ZEEK_COLUMN_SCHEMA("ntlm", ntlm_columns);
 *     zrow_record(w, &ntlm_schema, c, t);
 */
enum zeek_value {
    ZV_TIME,            /* int64_t microseconds since the epoch */
    ZV_INTERVAL_US,     /* int64_t microseconds */
    ZV_INTERVAL_S,      /* double seconds, written as whole microseconds */
    ZV_COUNT_U64,       /* uint64_t */
    ZV_COUNT_U32,       /* uint32_t */
    ZV_DOUBLE,          /* double */
    ZV_BOOL,            /* bool */
    ZV_CSTR,            /* const char *: NULL is unset */
    ZV_ADDR,            /* struct ip_addr */
    ZV_PORT_NONZERO,    /* uint16_t, unset when 0 */
    ZV_TRANSPORT,       /* uint8_t IP protocol as Zeek's transport_proto enum, unset when 0 */
    ZV_CHARS,           /* char[]: a C string in the record */
    ZV_CHARS_N,         /* char[] of the size_t length at `length` */
    ZV_UNSET,           /* a column Vigil never fills */
    ZV_FN,              /* computed: the column's fn writes it from the record */
    ZV_INT,             /* int64_t */
    ZV_CONN_UID,        /* the uid and id.* of the connection zrow_record is given */
    ZV_CONN_ORIG_H,
    ZV_CONN_ORIG_P,
    ZV_CONN_RESP_H,
    ZV_CONN_RESP_P,
    ZV_IF = 0x80,       /* or'ed with one of the above: unset unless the bool at `present` is true */
};

struct app_conn;
struct zeek_column {
    struct zeek_field field;    /* first: the schema's fields are the columns' */
    uint8_t value;              /* enum zeek_value */
    uint16_t offset;            /* of the value in the record */
    uint16_t present;           /* ZV_IF: of its bool in the record */
    uint16_t length;            /* ZV_CHARS_N: of its size_t in the record */
    /* ZV_FN: one zrow_* call, from the record and the row's connection (NULL when it has none) */
    void (*fn)(struct zrow *r, const struct app_conn *conn, const void *record);
};

/* The columns most logs start with: ts, uid and the connection's id.* (the
 * row writes them with zrow_time and zrow_conn_id). */
#define ZEEK_FIELDS_TS_UID_ID                                                                      \
    {"ts", ZEEK_TIME}, {"uid", ZEEK_STRING}, {"id.orig_h", ZEEK_ADDR}, {"id.orig_p", ZEEK_PORT}, \
        {"id.resp_h", ZEEK_ADDR}, {"id.resp_p", ZEEK_PORT}

#define ZEEK_SCHEMA(path_, fields_) \
    { (path_), (fields_), sizeof(fields_) / sizeof((fields_)[0]), sizeof((fields_)[0]) }
#define ZEEK_COLUMN(type_, name_, ztype_, value_, member_) \
    {{(name_), (ztype_)}, (value_), offsetof(type_, member_), 0, 0, NULL}
#define ZEEK_COLUMN_IF(type_, name_, ztype_, value_, member_, present_) \
    {{(name_), (ztype_)}, (value_) | ZV_IF, offsetof(type_, member_), offsetof(type_, present_), 0, NULL}
/* A string of a length the record holds, unset unless present_. */
#define ZEEK_COLUMN_TEXT_IF(type_, name_, text_, length_, present_) \
    {{(name_), ZEEK_STRING}, ZV_CHARS_N | ZV_IF, offsetof(type_, text_), offsetof(type_, present_), \
     offsetof(type_, length_), NULL}
/* A value computed by fn(r, conn, record), which makes one zrow_* call. */
#define ZEEK_COLUMN_FN(name_, ztype_, fn_) {{(name_), (ztype_)}, ZV_FN, 0, 0, 0, (fn_)}
/* ts from the record's member, then the connection's uid and id.* */
#define ZEEK_CONN_COLUMN(name_, ztype_, value_) {{(name_), (ztype_)}, (value_), 0, 0, 0, NULL}
#define ZEEK_COLUMNS_TS_UID_ID(type_, ts_)                                                                       \
    ZEEK_COLUMN(type_, "ts", ZEEK_TIME, ZV_TIME, ts_), ZEEK_CONN_COLUMN("uid", ZEEK_STRING, ZV_CONN_UID),         \
        ZEEK_CONN_COLUMN("id.orig_h", ZEEK_ADDR, ZV_CONN_ORIG_H),                                            \
        ZEEK_CONN_COLUMN("id.orig_p", ZEEK_PORT, ZV_CONN_ORIG_P),                                            \
        ZEEK_CONN_COLUMN("id.resp_h", ZEEK_ADDR, ZV_CONN_RESP_H),                                            \
        ZEEK_CONN_COLUMN("id.resp_p", ZEEK_PORT, ZV_CONN_RESP_P)
#define ZEEK_COLUMN_SCHEMA(path_, columns_) \
    { (path_), &(columns_)[0].field, sizeof(columns_) / sizeof((columns_)[0]), sizeof((columns_)[0]) }

/* Zeek's name of a type for the #types line: "set[string]", "interval"; a
 * static string. */
const char *zeek_type_name(enum zeek_type t);

/* Zeek's transport_proto enum for an IP protocol: "tcp", "udp", "icmp"
 * (ICMPv6 too), else "unknown_transport"; a static string. */
const char *zeek_transport_name(uint8_t proto);

/* Starts a row of `schema`; NULL when the run writes no Zeek logs. The
 * worker's row, borrowed until zrow_end or zrow_abort. */
struct zrow *zrow_begin(struct output_worker *w, const struct zeek_schema *schema);
/* Finishes and queues the row (whole-line append to the worker's buffer). */
void zrow_end(struct zrow *r);
/* Drops the row being built. */
void zrow_abort(struct zrow *r);
/* A whole row of a ZEEK_COLUMN_SCHEMA log, its values read from record
 * and its uid and id.* columns from conn (NULL when it has none). */
void zrow_record(struct output_worker *w, const struct zeek_schema *schema, const struct app_conn *conn,
                 const void *record);

void zrow_unset(struct zrow *r);
/* n fields in a row unset. */
static inline void zrow_unset_n(struct zrow *r, unsigned n)
{
    while (n-- > 0)
        zrow_unset(r);
}
void zrow_time(struct zrow *r, int64_t us);
void zrow_interval(struct zrow *r, int64_t us);
/* An interval computed as Zeek computes it, the difference of two packet
 * times as doubles: same TSV text as zrow_interval(end-start), and the JSON
 * number carries the same floating-point residue Zeek's does. */
void zrow_interval_between(struct zrow *r, int64_t start_us, int64_t end_us);
void zrow_string(struct zrow *r, const void *p, size_t n);
void zrow_cstr(struct zrow *r, const char *s);   /* NULL = unset */
/* A string that a parser may not have seen: unset unless present. */
void zrow_opt_string(struct zrow *r, bool present, const void *p, size_t n);
void zrow_enum(struct zrow *r, const char *s);   /* NULL = unset */
/* A record's fixed char array (cap bytes, NUL-terminated when shorter):
 * unset when empty. */
void zrow_text_or_unset(struct zrow *r, const char *s, size_t cap);
/* A parser's byte view: unset when it was not seen (p NULL). */
static inline void zrow_view(struct zrow *r, struct byte_view s)
{
    zrow_opt_string(r, s.p != NULL, s.p, s.n);
}
/* A C string where "" means not known: unset when NULL or empty. */
static inline void zrow_nonempty_cstr(struct zrow *r, const char *s)
{
    zrow_cstr(r, s != NULL && s[0] != '\0' ? s : NULL);
}
/* A value a record may not have: false, and the field written unset,
 * unless present; `if (zrow_present(r, t->has_rtt)) zrow_interval(r, t->rtt_us);` */
static inline bool zrow_present(struct zrow *r, bool present)
{
    if (!present)
        zrow_unset(r);
    return present;
}
/* Values a record may not have: unset unless present. */
void zrow_opt_addr(struct zrow *r, bool present, const struct ip_addr *a);
void zrow_opt_port(struct zrow *r, bool present, uint16_t port);
void zrow_opt_count(struct zrow *r, bool present, uint64_t v);
void zrow_addr(struct zrow *r, const struct ip_addr *a);
void zrow_subnet(struct zrow *r, const struct ip_addr *a, unsigned prefix_len);
void zrow_port(struct zrow *r, uint16_t port);
void zrow_count(struct zrow *r, uint64_t v);
void zrow_int(struct zrow *r, int64_t v);
void zrow_double(struct zrow *r, double v);
void zrow_bool(struct zrow *r, bool v);

/* A set or vector field: begin, zero or more items, end. An empty one is
 * `(empty)` in TSV and [] in JSON; an unset one is zrow_unset(). */
void zrow_list_begin(struct zrow *r);
void zrow_item_string(struct zrow *r, const void *p, size_t n);
void zrow_item_cstr(struct zrow *r, const char *s);
void zrow_item_addr(struct zrow *r, const struct ip_addr *a);
void zrow_item_count(struct zrow *r, uint64_t v);
void zrow_item_interval(struct zrow *r, int64_t us);
void zrow_list_end(struct zrow *r);
/* Shorthand: a whole set/vector of strings; n == 0 writes an empty one. */
void zrow_strings(struct zrow *r, const struct byte_view *items, size_t n);
/* Shorthand: a whole set/vector of the n strings of a record's
 * char[n][width] table (texts: the table, as (const char *)t). */
void zrow_texts(struct zrow *r, const char *texts, size_t width, size_t n);
/* Shorthand: a whole set/vector of addresses; n == 0 writes an empty one. */
void zrow_addrs(struct zrow *r, const struct ip_addr *a, size_t n);
/* The same, but unset when n == 0 (Zeek's optional address vectors:
 * smtp.log path, x509.log san.ip). */
static inline void zrow_opt_addrs(struct zrow *r, const struct ip_addr *a, size_t n)
{
    if (zrow_present(r, n != 0))
        zrow_addrs(r, a, n);
}

#endif
