/* notice.log, Zeek's Notice::Info as the notice framework writes it
 * (ts uid id.* fuid file_mime_type file_desc proto note msg sub src dst p n
 * peer_descr actions email_dest suppress_for remote_location.*), for the
 * generic alerts of detect/alert-t.h that name a Zeek note. The same alert
 * is also an EVE alert (alert_eve_write). */
#include "output/notice_log.h"

#include "output/alert_eve.h"
#include "output/zeek_log.h"

/* Zeek's Notice::default_suppression_interval. */
#define NOTICE_SUPPRESS_US (3600 * INT64_C(1000000))

static const struct zeek_field notice_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"fuid", ZEEK_STRING},
    {"file_mime_type", ZEEK_STRING},
    {"file_desc", ZEEK_STRING},
    {"proto", ZEEK_ENUM},
    {"note", ZEEK_ENUM},
    {"msg", ZEEK_STRING},
    {"sub", ZEEK_STRING},
    {"src", ZEEK_ADDR},
    {"dst", ZEEK_ADDR},
    {"p", ZEEK_PORT},
    {"n", ZEEK_COUNT},
    {"peer_descr", ZEEK_STRING},
    {"actions", ZEEK_SET_ENUM},
    {"email_dest", ZEEK_SET_STRING},
    {"suppress_for", ZEEK_INTERVAL},
    {"remote_location.country_code", ZEEK_STRING},
    {"remote_location.region", ZEEK_STRING},
    {"remote_location.city", ZEEK_STRING},
    {"remote_location.latitude", ZEEK_DOUBLE},
    {"remote_location.longitude", ZEEK_DOUBLE},
};
static const struct zeek_schema notice_schema = ZEEK_SCHEMA("notice", notice_fields);

static void write_notice(struct output_worker *w, const struct alert *a)
{
    struct zrow *r = zrow_begin(w, &notice_schema);
    if (r == NULL)
        return;
    zrow_time(r, a->ts_us);
    zrow_cstr(r, a->has_conn ? a->uid : NULL);
    zrow_opt_addr(r, a->has_conn, &a->orig_h);
    zrow_opt_port(r, a->has_conn, a->orig_p);
    zrow_opt_addr(r, a->has_conn, &a->resp_h);
    zrow_opt_port(r, a->has_conn, a->resp_p);
    zrow_cstr(r, a->fuid);
    zrow_cstr(r, a->file_mime_type);
    zrow_cstr(r, a->file_desc);
    zrow_enum(r, a->has_conn ? zeek_transport_name(a->proto) : NULL);
    zrow_enum(r, a->note);
    zrow_cstr(r, a->notice_msg ? a->notice_msg : a->signature);
    zrow_cstr(r, a->sub);
    /* Zeek fills src, dst and p from the connection when the notice has one. */
    zrow_opt_addr(r, a->has_src || a->has_conn, a->has_src ? &a->src : &a->orig_h);
    zrow_opt_addr(r, a->has_dst || a->has_conn, a->has_dst ? &a->dst : &a->resp_h);
    zrow_opt_port(r, a->p || a->has_conn, a->p ? a->p : a->resp_p);
    zrow_opt_count(r, a->has_n, a->n);
    zrow_unset(r); /* peer_descr: a standalone node has none */
    zrow_list_begin(r);
    zrow_item_cstr(r, "Notice::ACTION_LOG");
    zrow_list_end(r);
    zrow_strings(r, NULL, 0); /* email_dest */
    zrow_interval(r, NOTICE_SUPPRESS_US);
    for (int i = 0; i < 5; i++)
        zrow_unset(r); /* remote_location: no GeoIP database */
    zrow_end(r);
}

void output_alert(struct output_worker *w, const struct alert *a)
{
    if (w == NULL || a == NULL)
        return;
    if (a->note)
        write_notice(w, a);
    alert_eve_write(w, a);
}
