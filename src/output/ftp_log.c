/* ftp.log as Zeek writes it: one row per command of FTP::logged_commands
 * when its final reply came (or the connection ended); EVE `ftp` as
 * Suricata's FTP logger writes each command transaction (every reply line,
 * the completion codes of the lines that carry one), and `ftp_data` for a
 * RETR/STOR data connection. */
#include "output/ftp_log.h"

#include <stdio.h>

#include "output/conn_id.h"
#include "output/eve.h"
#include "output/zeek_log.h"
#include "util/json.h"

static const struct zeek_field ftp_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"user", ZEEK_STRING},
    {"password", ZEEK_STRING},
    {"command", ZEEK_STRING},
    {"arg", ZEEK_STRING},
    {"mime_type", ZEEK_STRING},
    {"file_size", ZEEK_COUNT},
    {"reply_code", ZEEK_COUNT},
    {"reply_msg", ZEEK_STRING},
    {"data_channel.passive", ZEEK_BOOL},
    {"data_channel.orig_h", ZEEK_ADDR},
    {"data_channel.resp_h", ZEEK_ADDR},
    {"data_channel.resp_p", ZEEK_PORT},
    {"fuid", ZEEK_STRING},
};
static const struct zeek_schema ftp_schema = ZEEK_SCHEMA("ftp", ftp_fields);

static void write_zeek(struct output_worker *w, const struct app_conn *c, const struct ftp_txn *t)
{
    if (!t->zeek_log)
        return;
    struct zrow *r = zrow_begin_conn(w, &ftp_schema, t->ts_us, c);
    if (r == NULL)
        return;
    zrow_string(r, t->user, t->user_len);
    zrow_opt_string(r, t->password != NULL, t->password, t->password_len);
    zrow_cstr(r, t->has_command ? t->command : "<init>");
    /* Zeek's arg is "" when the command had none: written unset */
    zrow_opt_string(r, t->arg_len > 0, t->arg, t->arg_len);
    zrow_cstr(r, t->mime_type);
    zrow_opt_count(r, t->has_file_size, t->file_size);
    zrow_opt_count(r, t->has_reply, t->reply_code);
    zrow_opt_string(r, t->has_reply, t->reply_msg, t->reply_msg_len);
    if (t->has_data_channel) {
        zrow_bool(r, t->data_channel.passive);
        zrow_addr(r, &t->data_channel.orig_h);
        zrow_addr(r, &t->data_channel.resp_h);
        zrow_port(r, t->data_channel.resp_p);
    } else {
        for (int i = 0; i < 4; i++)
            zrow_unset(r);
    }
    zrow_cstr(r, t->fuid);
    zrow_end(r);
}

static void write_eve(struct output_worker *w, const struct app_conn *c, const struct ftp_txn *t)
{
    if (t->zeek_only)
        return;
    struct json_writer *j = eve_begin_app_object(w, c, true, t->ts_us, "ftp");
    if (j == NULL)
        return;
    if (t->has_command) {
        json_kv_str(j, "command", t->command);
        if (t->raw_arg_len > 0)
            json_kv_strn(j, "command_data", t->raw_arg, t->raw_arg_len);
    }
    bool any_code = false;
    for (size_t i = 0; i < t->n_replies; i++)
        any_code = any_code || t->replies[i].code != 0;
    if (any_code) {
        json_key(j, "completion_code");
        json_array_begin(j);
        for (size_t i = 0; i < t->n_replies; i++) {
            if (t->replies[i].code == 0)
                continue;
            char code[8];
            int n = snprintf(code, sizeof code, "%03u", t->replies[i].code % 1000);
            json_string(j, code, (size_t)n);
        }
        json_array_end(j);
    }
    if (t->n_replies > 0) {
        json_key(j, "reply");
        json_array_begin(j);
        for (size_t i = 0; i < t->n_replies; i++)
            json_string(j, t->reply_pool + t->replies[i].off, t->replies[i].len);
        json_array_end(j);
    }
    if (t->dynamic_port != 0)
        json_kv_uint(j, "dynamic_port", t->dynamic_port);
    if (t->active_mode)
        json_kv_str(j, "mode", "active");
    json_kv_str(j, "reply_received", t->reply_received ? "yes" : "no");
    json_kv_bool(j, "command_truncated", t->command_truncated);
    json_kv_bool(j, "reply_truncated", t->reply_truncated);
    json_object_end(j);
    eve_community_id(j, c->community_id);
    eve_end(w);
}

TXN_WRITER_ZEEK_EVE(ftp, struct ftp_txn);

void output_ftp_data(struct output_worker *w, const struct app_conn *c, const struct ftp_data_txn *t)
{
    if (w == NULL || c == NULL || t == NULL)
        return;
    struct json_writer *j = eve_begin_app_object(w, c, t->from_orig, t->ts_us, "ftp_data");
    if (j == NULL)
        return;
    if (t->filename_len > 0)
        json_kv_strn(j, "filename", t->filename, t->filename_len);
    json_kv_str(j, "command", t->command);
    json_object_end(j);
    eve_community_id(j, c->community_id);
    eve_end(w);
}

TXN_WRITER(ftp_data);
