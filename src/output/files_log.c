/* files.log as Zeek writes it (base/frameworks/files/main.zeek, plus the
 * md5/sha1/sha256 of base/files/hash and the extracted* fields of
 * base/files/extract), and Suricata's EVE fileinfo (output-json-file.c,
 * EveFileInfo). */
#include "output/files_log.h"
#include "output/conn_id.h"

#include <string.h>

#include "output/eve.h"
#include "output/smtp_log.h"
#include "output/zeek_log.h"

/* Zeek's columns, then (with --inspect-files only) Vigil's verdict of the
 * file's content, so Zeek's readers find their columns where they expect. */
#define FILES_ZEEK_FIELDS \
    {"ts", ZEEK_TIME}, \
    {"fuid", ZEEK_STRING}, \
    {"uid", ZEEK_STRING}, \
    {"id.orig_h", ZEEK_ADDR}, \
    {"id.orig_p", ZEEK_PORT}, \
    {"id.resp_h", ZEEK_ADDR}, \
    {"id.resp_p", ZEEK_PORT}, \
    {"source", ZEEK_STRING}, \
    {"depth", ZEEK_COUNT}, \
    {"analyzers", ZEEK_SET_STRING}, \
    {"mime_type", ZEEK_STRING}, \
    {"filename", ZEEK_STRING}, \
    {"duration", ZEEK_INTERVAL}, \
    {"local_orig", ZEEK_BOOL}, \
    {"is_orig", ZEEK_BOOL}, \
    {"seen_bytes", ZEEK_COUNT}, \
    {"total_bytes", ZEEK_COUNT}, \
    {"missing_bytes", ZEEK_COUNT}, \
    {"overflow_bytes", ZEEK_COUNT}, \
    {"timedout", ZEEK_BOOL}, \
    {"parent_fuid", ZEEK_STRING}, \
    {"md5", ZEEK_STRING}, \
    {"sha1", ZEEK_STRING}, \
    {"sha256", ZEEK_STRING}, \
    {"extracted", ZEEK_STRING}, \
    {"extracted_cutoff", ZEEK_BOOL}, \
    {"extracted_size", ZEEK_COUNT},

static const struct zeek_field files_fields[] = {FILES_ZEEK_FIELDS};
static const struct zeek_field files_doc_fields[] = {
    FILES_ZEEK_FIELDS
    {"doc_verdict", ZEEK_STRING},
    {"doc_score", ZEEK_INT},
    {"doc_type", ZEEK_STRING},
    {"doc_reasons", ZEEK_SET_STRING},
    {"doc_indicators", ZEEK_SET_STRING},
};
static const struct zeek_schema files_schema = ZEEK_SCHEMA("files", files_fields);
static const struct zeek_schema files_doc_schema = ZEEK_SCHEMA("files", files_doc_fields);

static void write_zeek_verdict(struct zrow *r, const struct file_verdict *v)
{
    if (v == NULL) {
        for (int i = 0; i < 5; i++)
            zrow_unset(r);
        return;
    }
    zrow_cstr(r, v->verdict);
    zrow_int(r, v->score);
    zrow_nonempty_cstr(r, v->type);
    zrow_texts(r, (const char *)v->reasons, sizeof v->reasons[0], v->n_reasons);
    zrow_texts(r, (const char *)v->indicators, sizeof v->indicators[0], v->n_indicators);
}

/* EVE fileinfo's `doc`: Vigil's addition (Suricata's schema has no such
 * member; it is written only with --inspect-files). */
static void write_eve_verdict(struct json_writer *j, const struct file_verdict *v)
{
    json_key(j, "doc");
    json_object_begin(j);
    json_kv_str(j, "verdict", v->verdict);
    json_kv_int(j, "score", v->score);
    json_kv_str(j, "type", v->type);
    json_key(j, "reasons");
    json_array_begin(j);
    for (size_t i = 0; i < v->n_reasons; i++) {
        json_object_begin(j);
        json_kv_str(j, "code", v->reasons[i]);
        json_kv_str(j, "detail", v->details[i]);
        json_object_end(j);
    }
    json_array_end(j);
    json_kv_texts(j, "indicators", (const char *)v->indicators, sizeof v->indicators[0], v->n_indicators);
    json_object_end(j);
}

static void write_zeek(struct output_worker *w, const struct app_conn *c, const struct file_info *f)
{
    struct zrow *r = zrow_begin(w, f->inspecting ? &files_doc_schema : &files_schema);
    if (r == NULL)
        return;
    zrow_time(r, f->ts_us);
    zrow_cstr(r, f->fuid);
    zrow_conn_id(r, c);
    zrow_nonempty_cstr(r, f->source);
    zrow_count(r, f->depth);
    /* the analyzers every file gets: Zeek's hash-all-files, and extraction */
    zrow_list_begin(r);
    if (f->extract_attached)
        zrow_item_cstr(r, "EXTRACT");
    zrow_item_cstr(r, "MD5");
    zrow_item_cstr(r, "SHA1");
    zrow_item_cstr(r, "SHA256");
    zrow_list_end(r);
    zrow_nonempty_cstr(r, f->mime_type);
    if (zrow_present(r, f->filename != NULL))
        zrow_string(r, f->filename, f->filename_len);
    zrow_interval_between(r, f->ts_us, f->ts_us + f->duration_us);
    /* Zeek: whether the sender of the file is local */
    int8_t local = f->is_orig ? c->local_orig : c->local_resp;
    if (local < 0)
        zrow_unset(r);
    else
        zrow_bool(r, local != 0);
    zrow_bool(r, f->is_orig);
    zrow_count(r, f->seen_bytes);
    if (zrow_present(r, f->total_bytes > 0))
        zrow_count(r, f->total_bytes);
    zrow_count(r, f->missing_bytes);
    zrow_count(r, 0); /* overflow_bytes: nothing is reassembled out of order here */
    zrow_bool(r, f->timedout);
    zrow_unset(r); /* parent_fuid */
    zrow_nonempty_cstr(r, f->md5);
    zrow_nonempty_cstr(r, f->sha1);
    zrow_nonempty_cstr(r, f->sha256);
    if (f->extracted != NULL) {
        zrow_cstr(r, f->extracted);
        zrow_bool(r, f->extracted_cutoff);
        zrow_count(r, f->extracted_size);
    } else {
        zrow_unset_n(r, 3);
    }
    if (f->inspecting)
        write_zeek_verdict(r, f->verdict);
    zrow_end(r);
}

static const char *eve_app_proto_of(const char *source)
{
    if (source == NULL)
        return NULL;
    if (strcmp(source, "HTTP") == 0)
        return "http";
    if (strcmp(source, "SMTP") == 0)
        return "smtp";
    if (strcmp(source, "FTP_DATA") == 0 || strcmp(source, "FTP") == 0)
        return "ftp-data";
    return NULL;
}

static void write_eve(struct output_worker *w, const struct app_conn *c, const struct file_info *f)
{
    if (f->not_in_eve)
        return;
    /* Suricata orients a file event along the file: a download comes from
     * the server. */
    struct json_writer *j = eve_begin_app(w, c, f->is_orig, f->ts_us + f->duration_us, "fileinfo");
    if (j == NULL)
        return;
    eve_community_id(j, c->community_id);
    /* output-json-file.c: the carrying transaction's objects first */
    if (f->smtp != NULL)
        smtp_eve_objects(w, j, f->smtp);
    const char *app = eve_app_proto_of(f->source);
    if (app != NULL)
        json_kv_str(j, "app_proto", app);
    json_key(j, "fileinfo");
    json_object_begin(j);
    if (f->eve_filename != NULL)
        json_kv_strn(j, "filename", f->eve_filename, f->eve_filename_len);
    else if (f->filename != NULL)
        json_kv_strn(j, "filename", f->filename, f->filename_len);
    else
        json_kv_str(j, "filename", "");
    /* "sid" lists the signatures that matched the file: Suricata leaves it
     * out when there are none, and no signature inspects files here. */
    /* a file Suricata stopped following has the holes of its part only */
    bool gaps = f->eve_stopped ? f->eve_gaps : f->missing_bytes > 0;
    json_kv_bool(j, "gaps", gaps);
    /* Suricata: a file with a hole, or cut short, is TRUNCATED */
    bool closed = !f->truncated && !gaps;
    json_kv_str(j, "state", closed ? "CLOSED" : "TRUNCATED");
    const char *md5 = f->eve_own_digests ? f->eve_md5 : f->md5;
    const char *sha1 = f->eve_own_digests ? f->eve_sha1 : f->sha1;
    const char *sha256 = f->eve_own_digests ? f->eve_sha256 : f->sha256;
    if (closed && md5[0])
        json_kv_str(j, "md5", md5);
    if (closed && sha1[0])
        json_kv_str(j, "sha1", sha1);
    if (sha256[0])
        json_kv_str(j, "sha256", sha256);
    json_kv_bool(j, "stored", f->extracted != NULL);
    /* Suricata's size counts the holes too (FileAppendGAP appends them) */
    json_kv_uint(j, "size", f->eve_own_digests ? f->eve_size : f->seen_bytes + f->missing_bytes);
    if (f->has_tx_id)
        json_kv_uint(j, "tx_id", f->tx_id);
    if (f->verdict != NULL)
        write_eve_verdict(j, f->verdict);
    json_object_end(j);
    eve_end(w);
}

TXN_WRITER_ZEEK_EVE(files, struct file_info);
