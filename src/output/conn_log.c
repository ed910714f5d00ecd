/* conn.log and weird.log, as Zeek 7/8 write them. */
#include "output/output_internal.h"

#include <string.h>

#include "output/anomaly_events.h"

static const struct zeek_field conn_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"proto", ZEEK_ENUM},
    {"service", ZEEK_STRING},
    {"duration", ZEEK_INTERVAL},
    {"orig_bytes", ZEEK_COUNT},
    {"resp_bytes", ZEEK_COUNT},
    {"conn_state", ZEEK_STRING},
    {"local_orig", ZEEK_BOOL},
    {"local_resp", ZEEK_BOOL},
    {"missed_bytes", ZEEK_COUNT},
    {"history", ZEEK_STRING},
    {"orig_pkts", ZEEK_COUNT},
    {"orig_ip_bytes", ZEEK_COUNT},
    {"resp_pkts", ZEEK_COUNT},
    {"resp_ip_bytes", ZEEK_COUNT},
    {"tunnel_parents", ZEEK_SET_STRING},
    {"ip_proto", ZEEK_COUNT},
    /* policy/protocols/conn/community-id-logging: a record redef, so last */
    {"community_id", ZEEK_STRING},
};
const struct zeek_schema zeek_conn_schema = ZEEK_SCHEMA("conn", conn_fields);

static const struct zeek_field weird_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"name", ZEEK_STRING},
    {"addl", ZEEK_STRING},
    {"notice", ZEEK_BOOL},
    {"peer", ZEEK_STRING},
    {"source", ZEEK_STRING},
};
const struct zeek_schema zeek_weird_schema = ZEEK_SCHEMA("weird", weird_fields);

static void optional_bool(struct zrow *r, int8_t v)
{
    if (v < 0)
        zrow_unset(r);
    else
        zrow_bool(r, v != 0);
}

static bool nonempty(const char *s)
{
    return s != NULL && s[0] != '\0';
}

void zeek_write_conn(struct output_worker *w, const struct conn_record *c)
{
    struct zrow *r = zrow_begin(w, &zeek_conn_schema);
    if (r == NULL)
        return;
    zrow_time(r, c->ts_us);
    zrow_string(r, c->uid, strnlen(c->uid, sizeof(c->uid)));
    zrow_addr(r, &c->orig_h);
    zrow_port(r, c->orig_p);
    zrow_addr(r, &c->resp_h);
    zrow_port(r, c->resp_p);
    zrow_enum(r, zeek_transport_name(c->proto));
    zrow_cstr(r, c->service);
    if (c->has_duration) {
        zrow_interval_between(r, c->ts_us, c->ts_us + c->duration_us);
        zrow_count(r, c->orig_bytes);
        zrow_count(r, c->resp_bytes);
    } else {
        zrow_unset_n(r, 3);
    }
    zrow_cstr(r, c->conn_state);
    optional_bool(r, c->local_orig);
    optional_bool(r, c->local_resp);
    zrow_count(r, c->missed_bytes);
    zrow_text_or_unset(r, c->history, sizeof(c->history));
    zrow_count(r, c->orig_pkts);
    zrow_count(r, c->orig_ip_bytes);
    zrow_count(r, c->resp_pkts);
    zrow_count(r, c->resp_ip_bytes);
    size_t n_parents = c->n_tunnel_parents;
    if (n_parents > CONN_MAX_TUNNEL_PARENTS)
        n_parents = CONN_MAX_TUNNEL_PARENTS;
    if (n_parents == 0) {
        zrow_unset(r);
    } else {
        zrow_list_begin(r);
        for (size_t i = 0; i < n_parents; i++)
            zrow_item_string(r, c->tunnel_parents[i],
                             strnlen(c->tunnel_parents[i], sizeof(c->tunnel_parents[i])));
        zrow_list_end(r);
    }
    zrow_count(r, c->proto);
    zrow_text_or_unset(r, c->community_id, sizeof(c->community_id));
    zrow_end(r);
}

void zeek_write_weird(struct output_worker *w, const struct weird_record *wr)
{
    struct zrow *r = zrow_begin(w, &zeek_weird_schema);
    if (r == NULL)
        return;
    zrow_time(r, wr->ts_us);
    if (wr->has_conn) {
        zrow_string(r, wr->uid, strnlen(wr->uid, sizeof(wr->uid)));
        zrow_addr(r, &wr->orig_h);
        zrow_port(r, wr->orig_p);
        zrow_addr(r, &wr->resp_h);
        zrow_port(r, wr->resp_p);
    } else if (wr->has_addrs) {
        /* Zeek's flow_weird: addresses known, ports 0/unknown, no uid */
        zrow_unset(r);
        zrow_addr(r, &wr->orig_h);
        zrow_port(r, 0);
        zrow_addr(r, &wr->resp_h);
        zrow_port(r, 0);
    } else {
        for (int i = 0; i < 5; i++)
            zrow_unset(r);
    }
    zrow_cstr(r, wr->name ? wr->name : "");
    zrow_cstr(r, nonempty(wr->addl) ? wr->addl : NULL);
    zrow_bool(r, false);
    zrow_cstr(r, "zeek");
    zrow_cstr(r, nonempty(wr->source) ? wr->source : NULL);
    zrow_end(r);
}

/* The run-level entry points (output.h): a connection or weird goes to
 * every format the run writes. */
void output_conn(struct output_worker *w, const struct conn_record *c)
{
    if (w == NULL || w->o == NULL || c == NULL)
        return;
    if ((w->o->formats & (OUTPUT_ZEEK_TSV | OUTPUT_ZEEK_JSON)) && c->logs != CONN_LOGS_EVE)
        zeek_write_conn(w, c);
    if ((w->o->formats & OUTPUT_EVE) && c->logs != CONN_LOGS_ZEEK)
        eve_write_flow(w, c);
}

void output_weird(struct output_worker *w, const struct weird_record *r)
{
    if (w == NULL || w->o == NULL || r == NULL)
        return;
    unsigned ip_version = r->has_conn || r->has_addrs ? (ip_addr_is_v4(&r->orig_h) ? 4 : 6) : 0;
    const struct anomaly_event *as = anomaly_events_find(w->o->anomaly_events, r->name, ip_version);
    if ((w->o->formats & (OUTPUT_ZEEK_TSV | OUTPUT_ZEEK_JSON)) && (as == NULL || as->weird_log))
        zeek_write_weird(w, r);
    if (w->o->formats & OUTPUT_EVE)
        eve_write_anomaly(w, r, as);
}
