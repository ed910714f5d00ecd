/* smb_mapping.log and smb_files.log as Zeek's base/protocols/smb writes
 * them. Suricata's EVE `smb` event is output/smb_eve.c's. */
#include "output/smb_log.h"

#include "output/zeek_log.h"

#define MAPPING(name, type, value, member) ZEEK_COLUMN(struct smb_mapping_txn, name, type, value, member)
#define FILES(name, type, value, member) ZEEK_COLUMN(struct smb_file_txn, name, type, value, member)
#define FILE_TIME(name, which) \
    ZEEK_COLUMN_IF(struct smb_file_txn, name, ZEEK_TIME, ZV_TIME, times_us[which], has_times)

static const struct zeek_column smb_mapping_columns[] = {
    ZEEK_COLUMNS_TS_UID_ID(struct smb_mapping_txn, ts_us),
    MAPPING("path", ZEEK_STRING, ZV_CSTR, path), MAPPING("service", ZEEK_STRING, ZV_CSTR, service),
    MAPPING("native_file_system", ZEEK_STRING, ZV_CSTR, native_file_system),
    MAPPING("share_type", ZEEK_STRING, ZV_CSTR, share_type),
};
static const struct zeek_schema smb_mapping_schema = ZEEK_COLUMN_SCHEMA("smb_mapping", smb_mapping_columns);

static const struct zeek_column smb_files_columns[] = {
    ZEEK_COLUMNS_TS_UID_ID(struct smb_file_txn, ts_us),
    FILES("fuid", ZEEK_STRING, ZV_CSTR, fuid), FILES("action", ZEEK_ENUM, ZV_CSTR, action),
    FILES("path", ZEEK_STRING, ZV_CSTR, path), FILES("name", ZEEK_STRING, ZV_CSTR, name),
    FILES("size", ZEEK_COUNT, ZV_COUNT_U64, size), FILES("prev_name", ZEEK_STRING, ZV_CSTR, prev_name),
    FILE_TIME("times.modified", SMB_MODIFIED), FILE_TIME("times.accessed", SMB_ACCESSED),
    FILE_TIME("times.created", SMB_CREATED), FILE_TIME("times.changed", SMB_CHANGED),
};
static const struct zeek_schema smb_files_schema = ZEEK_COLUMN_SCHEMA("smb_files", smb_files_columns);

void output_smb_mapping(struct output_worker *w, const struct app_conn *c, const struct smb_mapping_txn *t)
{
    zrow_record(w, &smb_mapping_schema, c, t);
}

void output_smb_files(struct output_worker *w, const struct app_conn *c, const struct smb_file_txn *t)
{
    if (t->logged)
        zrow_record(w, &smb_files_schema, c, t);
}

TXN_WRITER(smb_mapping);
TXN_WRITER(smb_files);
