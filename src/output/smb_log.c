/* smb_mapping.log and smb_files.log as Zeek's base/protocols/smb writes
 * them. Suricata's EVE `smb` event is output/smb_eve.c's. */
#include "output/smb_log.h"

#include "output/conn_id.h"
#include "output/zeek_log.h"

static const struct zeek_field smb_mapping_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"path", ZEEK_STRING},
    {"service", ZEEK_STRING},
    {"native_file_system", ZEEK_STRING},
    {"share_type", ZEEK_STRING},
};
static const struct zeek_schema smb_mapping_schema = ZEEK_SCHEMA("smb_mapping", smb_mapping_fields);

static const struct zeek_field smb_files_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"fuid", ZEEK_STRING},
    {"action", ZEEK_ENUM},
    {"path", ZEEK_STRING},
    {"name", ZEEK_STRING},
    {"size", ZEEK_COUNT},
    {"prev_name", ZEEK_STRING},
    {"times.modified", ZEEK_TIME},
    {"times.accessed", ZEEK_TIME},
    {"times.created", ZEEK_TIME},
    {"times.changed", ZEEK_TIME},
};
static const struct zeek_schema smb_files_schema = ZEEK_SCHEMA("smb_files", smb_files_fields);

void output_smb_mapping(struct output_worker *w, const struct app_conn *c, const struct smb_mapping_txn *t)
{
    struct zrow *r = zrow_begin_conn(w, &smb_mapping_schema, t->ts_us, c);
    if (r == NULL)
        return;
    zrow_cstr(r, t->path);
    zrow_cstr(r, t->service);
    zrow_cstr(r, t->native_file_system);
    zrow_cstr(r, t->share_type);
    zrow_end(r);
}

void output_smb_files(struct output_worker *w, const struct app_conn *c, const struct smb_file_txn *t)
{
    if (!t->logged)
        return;
    struct zrow *r = zrow_begin_conn(w, &smb_files_schema, t->ts_us, c);
    if (r == NULL)
        return;
    zrow_cstr(r, t->fuid);
    zrow_enum(r, t->action);
    zrow_cstr(r, t->path);
    zrow_cstr(r, t->name);
    zrow_count(r, t->size);
    zrow_cstr(r, t->prev_name);
    for (int i = 0; i < SMB_TIMES; i++) {
        if (zrow_present(r, t->has_times))
            zrow_time(r, t->times_us[i]);
    }
    zrow_end(r);
}

TXN_WRITER(smb_mapping);
TXN_WRITER(smb_files);
