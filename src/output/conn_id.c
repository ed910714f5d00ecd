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

void zrow_for_conn(struct zrow *r, const struct app_conn *c)
{
    if (r != NULL)
        r->conn = c;
}
