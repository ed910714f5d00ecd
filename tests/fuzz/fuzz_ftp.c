/* libFuzzer target for the FTP parsers (proto/ftp.c, proto/ftp_data.c) and
 * the worker's data-channel table they share; see parser_harness.h. The
 * same bytes go through the control parser, then through a data connection
 * that claims what the control connection announced. */
#include "parser_harness.h"
#include "proto/ftp.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    void *worker = ftp_parser.worker_open();
    fuzz_parser_with(&ftp_parser, worker, d, n);
    struct app_conn conn;
    memset(&conn, 0, sizeof conn);
    if (worker != NULL)
        ftp_data_parser.claims(worker, &conn, 0);
    fuzz_parser_with(&ftp_data_parser, worker, d, n);
    if (worker != NULL)
        ftp_parser.worker_close(worker, NULL);
    return 0;
}
