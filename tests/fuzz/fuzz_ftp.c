/* libFuzzer target for the FTP parsers (proto/ftp.c, proto/ftp_data.c) and
 * the worker's data-channel table they share; see parser_harness.h. The
 * same bytes go through the control parser, then through a data connection
 * that claims what the control connection announced. An odd first byte
 * runs the control parser with tight Zeek options (every cap at a few
 * bytes, every command logged, passwords shown). */
#include "parser_harness.h"
#include "proto/ftp.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    struct ftp_settings ftp;
    ftp_settings_default(&ftp);
    if (n > 0 && (d[0] & 1)) {
        ftp_settings_logged_commands(&ftp, "+<init>,<missing>,USER,PASS,SYST,QUIT,CWD,AUTH,LIST");
        ftp.capture_password = true;
        ftp.max_arg_length = d[0] >> 5;
        ftp.max_reply_msg_length = d[0] >> 4;
        ftp.max_user_length = d[0] >> 6;
        ftp.max_password_length = 1;
        ftp.max_command_length = 3 + (d[0] >> 6);
    }
    const struct app_settings settings = {.ftp = &ftp};
    void *worker = ftp_parser.worker_open();
    fuzz_parser_settings(&ftp_parser, worker, &settings, d, n);
    struct app_conn conn;
    memset(&conn, 0, sizeof conn);
    if (worker != NULL)
        ftp_data_parser.claims(worker, &conn, 0);
    fuzz_parser_with(&ftp_data_parser, worker, d, n);
    if (worker != NULL)
        ftp_parser.worker_close(worker, NULL);
    return 0;
}
