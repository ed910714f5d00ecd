/* libFuzzer target for the smb parser (proto/smb2.c, smb1.c, smb_state.c);
 * see parser_harness.h. File analysis is on, so that read and written bytes
 * reach files/ (a file read to its size ends early, file_publish_zeek); the
 * first byte's low bit turns on --smb-log-reads-writes. */
#include "files/files.h"
#include "parser_harness.h"
#include "proto/smb.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    char err[128];
    struct file_config cfg = {0};
    struct file_ctx *files = file_ctx_new(&cfg, err, sizeof err);
    const struct app_settings settings = {.smb_log_reads_writes = n > 0 && (d[0] & 1)};
    struct app_env setup = {.files = files, .settings = &settings};
    fuzz_parser_setup(&smb_parser, &setup, d, n);
    file_ctx_free(files);
    return 0;
}
