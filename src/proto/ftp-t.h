/* FTP (TCP 21) and its data connections: what the parsers publish.
 * EVENT_FTP: one command with its replies (Zeek's ftp.log row when the
 * command is one Zeek logs, and Suricata's EVE `ftp` transaction).
 * EVENT_FTP_DATA: a file command's data connection ended (EVE `ftp_data`);
 * its bytes go through files/ as an FTP_DATA file. The data connection is
 * recognised because the control connection announced it (PASV, EPSV, PORT,
 * EPRT). AUTH TLS answered 234 hands the control connection to TLS.
 * struct ftp_settings: Zeek's FTP options of a run (--ftp-...), which the
 * parser reads through app_env.settings. */
#ifndef VIGIL_PROTO_FTP_T_H
#define VIGIL_PROTO_FTP_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/event-t.h"
#include "util/addr.h"

#define FTP_LINE_MAX 4096        /* Suricata's FTP_MAX_CMD_LEN-sized lines; longer ones are truncated */
#define FTP_USER_MAX 256
#define FTP_CMD_MAX 32
#define FTP_REPLIES_MAX 8        /* reply lines kept per command for EVE */
#define FTP_REPLY_POOL 2048

/* Commands a run may log (FTP::logged_commands); Zeek's default set is 10. */
#define FTP_LOGGED_MAX 64

/* Zeek's FTP options, with Zeek's meaning and defaults
 * (base/protocols/ftp/main.zeek, the analyzer's FTP::max_command_length). */
struct ftp_settings {
    size_t n_logged;
    char logged[FTP_LOGGED_MAX][FTP_CMD_MAX]; /* FTP::logged_commands, upper case ("<init>" as is) */
    bool capture_password;                    /* FTP::default_capture_password: no "<hidden>" */
    uint32_t max_arg_length;                  /* FTP::max_arg_length (4096): arg cut, FTP_arg_too_long */
    uint32_t max_reply_msg_length;            /* FTP::max_reply_msg_length (4096): FTP_reply_msg_too_long */
    uint32_t max_user_length;                 /* FTP::max_user_length (128): FTP_user_too_long */
    uint32_t max_password_length;             /* FTP::max_password_length (128): FTP_password_too_long */
    /* FTP::max_command_length (100; 0: none): a longer command word drops
     * its line, FTP_max_command_length_exceeded */
    uint32_t max_command_length;
};

/* Zeek's FTP::ExpectedDataChannel. */
struct ftp_data_channel {
    bool passive;
    struct ip_addr orig_h, resp_h;
    uint16_t resp_p;
};

/* What EVENT_FTP points at (borrowed for the call). */
struct ftp_txn {
    int64_t ts_us;                  /* the command's time */
    bool zeek_log;                  /* a row in ftp.log (FTP::logged_commands) */
    bool zeek_only;                 /* a command published before, again for its ftp.log row alone (no EVE) */
    bool has_command;               /* false: the server's greeting (Zeek "<init>", EVE without command) */
    char command[FTP_CMD_MAX];
    const char *user;               /* Zeek's user ("<unknown>" before USER) */
    size_t user_len;
    const char *password;           /* NULL: unset; "<hidden>" unless the user is a guest */
    size_t password_len;
    const char *arg;                /* Zeek's arg: the full URL for file commands, "<hidden>" for PASS */
    size_t arg_len;
    const char *raw_arg;            /* EVE command_data: the argument as sent */
    size_t raw_arg_len;
    bool command_truncated;
    const char *mime_type;          /* NULL: unset */
    bool has_file_size;
    uint64_t file_size;
    bool has_reply;
    unsigned reply_code;
    const char *reply_msg;
    size_t reply_msg_len;
    bool has_data_channel;
    struct ftp_data_channel data_channel;
    const char *fuid;               /* NULL: unset */
    /* EVE (Suricata's FTP transaction): every reply line, and the data port */
    size_t n_replies;
    struct {
        unsigned code;
        uint16_t off, len;
    } replies[FTP_REPLIES_MAX];
    const char *reply_pool;
    bool reply_received;            /* a final (non-1xx) reply came */
    bool reply_truncated;
    uint16_t dynamic_port;          /* 0: none */
    bool active_mode;               /* PORT/EPRT (Suricata's mode "active") */
};

/* What EVENT_FTP_DATA points at (borrowed for the call): Suricata's
 * ftp_data transaction. */
struct ftp_data_txn {
    int64_t ts_us;
    bool from_orig;                 /* the direction the file went */
    const char *command;            /* "RETR", "STOR" */
    const char *filename;
    size_t filename_len;
};

#endif
