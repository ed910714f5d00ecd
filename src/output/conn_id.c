#include "output/conn_id.h"

#include <string.h>

#include "output/output_internal.h"

void zrow_conn_id(struct zrow *r, const struct app_conn *c)
{
    zrow_for_conn(r, c);
    zrow_string(r, c->uid, strnlen(c->uid, sizeof c->uid));
    zrow_addr(r, &c->orig_h);
    zrow_port(r, c->orig_p);
    zrow_addr(r, &c->resp_h);
    zrow_port(r, c->resp_p);
}

struct zrow *zrow_begin_conn(struct output_worker *w, const struct zeek_schema *schema, int64_t ts_us,
                             const struct app_conn *c)
{
    struct zrow *r = zrow_begin(w, schema);
    zrow_time(r, ts_us);
    zrow_conn_id(r, c);
    return r;
}

void zrow_for_conn(struct zrow *r, const struct app_conn *c)
{
    if (r != NULL)
        r->conn = c;
}
