/* What the FTP control parser (ftp.c) and the data-connection parser
 * (ftp_data.c) share, per worker (ftp_channels.c, a leaf both call): the
 * data channels a control connection announced, and for each control
 * connection a link through which its data connections tell it the file
 * they carried (Zeek's ftp_data_expected table). Internal to proto/. */
#ifndef VIGIL_PROTO_FTP_INTERNAL_H
#define VIGIL_PROTO_FTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/ftp.h"

/* Announced, not yet opened data channels kept per worker, and control
 * connections linked at once; past them the oldest is replaced (counted
 * as a weird by the caller). */
#define FTP_CHANNELS_MAX 64
#define FTP_LINKS_MAX 256
#define FTP_FILENAME_MAX 256
/* Zeek's Analyzer::schedule_analyzer timeout for FTP data channels. */
#define FTP_EXPECT_US (5 * 60 * 1000000LL)

/* A control connection's link, as a data connection holds it: stale once
 * the control connection closed (the generation moved on). */
struct ftp_link_ref {
    uint16_t index;
    uint32_t gen;
};

/* Written by the control connection (the transfer command in progress) and
 * by its data connections (the file they carried). */
struct ftp_link {
    uint32_t gen;                   /* 0: free */
    char command[FTP_CMD_MAX];      /* last transfer command (RETR, STOR, LIST...) */
    char filename[FTP_FILENAME_MAX];
    size_t filename_len;
    bool has_fuid, has_mime;        /* new since the control connection last read them */
    char fuid[UID_LEN];
    char mime[96];
};

struct ftp_worker;

/* The worker state (a struct ftp_worker), freed with ftp_worker_close();
 * NULL when out of memory. */
void *ftp_worker_open(void);
void ftp_worker_close(void *worker_state, struct app_env *env);

/* A link for a new control connection; false when the worker state is
 * missing (out of memory). */
bool ftp_link_new(struct ftp_worker *w, struct ftp_link_ref *out);
/* The link, or NULL when its control connection is gone. A slot of w: valid
 * until ftp_link_release(ref). */
struct ftp_link *ftp_link_get(struct ftp_worker *w, struct ftp_link_ref ref);
void ftp_link_release(struct ftp_worker *w, struct ftp_link_ref ref);

/* Announces a data channel of the control connection ref; false when an
 * older announcement had to be dropped to make room. */
bool ftp_channel_expect(struct ftp_worker *w, struct ftp_link_ref ref, const struct ftp_data_channel *dc,
                        int64_t ts_us);
/* The announced channel conn opens, marked taken by it (the claims hook). */
bool ftp_channel_claim(struct ftp_worker *w, const struct app_conn *conn, int64_t ts_us);
/* The link of the channel conn claimed, removed from the table; false when none. */
bool ftp_channel_take(struct ftp_worker *w, const struct app_conn *conn, struct ftp_link_ref *out);

#endif
