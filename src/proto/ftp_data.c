/* FTP data connections ("ftp-data"): taken on their first payload because
 * the control connection announced them (ftp.c, the claims hook), never by
 * port or content. Each direction that carries bytes is one FTP_DATA file
 * (listings too, as Zeek's files.log shows them); the file ends at that
 * direction's FIN, so the control connection's next reply (226) finds its
 * fuid and MIME type for ftp.log. A RETR or STOR transfer is also
 * Suricata's ftp_data transaction (EVENT_FTP_DATA). */
#include <string.h>

#include "files/files.h"
#include "proto/ftp.h"
#include "proto/ftp_internal.h"

struct ftp_data_state {
    bool taken;                 /* looked for the announcing control connection */
    bool has_link;
    struct ftp_link_ref link;
    bool noted;                 /* conn.log service set */
    struct file_analysis *file[2];  /* [0] responder's bytes, [1] originator's */
    bool ended[2];
    uint64_t files_seen;
    char command[FTP_CMD_MAX];
    char filename[FTP_FILENAME_MAX];
    size_t filename_len;
};

static bool ftp_data_claims(void *worker_state, const struct app_conn *conn, int64_t ts_us)
{
    return ftp_channel_claim(worker_state, conn, ts_us);
}

static bool names_a_file(const char *command)
{
    return strcmp(command, "RETR") == 0 || strcmp(command, "STOR") == 0 || strcmp(command, "APPE") == 0 ||
           strcmp(command, "STOU") == 0;
}

/* The control connection's transfer command, read once the first byte flows. */
static void learn_command(struct ftp_data_state *st, struct app_env *env)
{
    struct ftp_link *l = st->has_link ? ftp_link_get(env->worker_state, st->link) : NULL;
    if (l == NULL)
        return;
    memcpy(st->command, l->command, sizeof st->command);
    memcpy(st->filename, l->filename, sizeof st->filename);
    st->filename_len = l->filename_len;
}

static void end_file(struct ftp_data_state *st, struct app_env *env, int dir)
{
    struct file_analysis *fa = st->file[dir];
    if (fa == NULL)
        return;
    st->file[dir] = NULL;
    st->ended[dir] = true;
    char fuid[UID_LEN], mime[96];
    file_end(fa, env, fuid, mime);
    struct ftp_link *l = st->has_link ? ftp_link_get(env->worker_state, st->link) : NULL;
    if (l != NULL) {
        memcpy(l->mime, mime, sizeof l->mime); /* the fuid went over when the first byte came */
        l->has_mime = true;
    }
    if (names_a_file(st->command)) {
        bool store = strcmp(st->command, "RETR") != 0;
        struct ftp_data_txn t = {
            .ts_us = env->ts_us,
            .from_orig = dir == 1,
            .command = store ? "STOR" : "RETR",
            .filename = st->filename,
            .filename_len = st->filename_len,
        };
        env->publish(env, EVENT_FTP_DATA, &t);
    }
}

static void ftp_data_deliver(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct ftp_data_state *st = state;
    int dir = from_orig ? 1 : 0;
    if (!st->taken) {
        st->taken = true;
        st->has_link = ftp_channel_take(env->worker_state, env->conn, &st->link);
        learn_command(st, env);
    }
    if (!st->noted && env->add_service != NULL) {
        st->noted = true;
        env->add_service(env, "ftp-data");
    }
    if (st->ended[dir] || env->files == NULL)
        return;
    if (st->file[dir] == NULL) {
        st->file[dir] = file_begin_seq(env->files, env->conn, "FTP_DATA", from_orig, NULL, 0, 0, env->ts_us,
                                       st->files_seen++);
        if (st->file[dir] == NULL)
            return;
        if (names_a_file(st->command))
            file_set_eve_filename(st->file[dir], st->filename, st->filename_len);
        struct ftp_link *l = st->has_link ? ftp_link_get(env->worker_state, st->link) : NULL;
        if (l != NULL) {
            memcpy(l->fuid, file_fuid(st->file[dir]), sizeof l->fuid);
            l->has_fuid = true;
        }
    }
    file_data(st->file[dir], p, n, env->ts_us);
}

static void ftp_data_gap(void *state, struct app_env *env, bool from_orig, uint64_t len)
{
    struct ftp_data_state *st = state;
    (void)env;
    struct file_analysis *fa = st->file[from_orig ? 1 : 0];
    if (fa != NULL)
        file_gap(fa, len);
}

static void ftp_data_end_of_data(void *state, struct app_env *env, bool from_orig)
{
    end_file(state, env, from_orig ? 1 : 0);
}

static void ftp_data_close(void *state, struct app_env *env)
{
    struct ftp_data_state *st = state;
    end_file(st, env, 0);
    end_file(st, env, 1);
}

const struct app_parser ftp_data_parser = {
    .name = "ftp-data",
    .ipproto = 6,
    .no_service = true, /* set on the first byte, whether a file or not */
    .state_size = sizeof(struct ftp_data_state),
    .data = ftp_data_deliver,
    .gap = ftp_data_gap,
    .close = ftp_data_close,
    .worker_state_of = "ftp",
    .claims = ftp_data_claims,
    .end_of_data = ftp_data_end_of_data,
};
