/* files.log (Zeek 7/8 with base/files/hash and base/files/extract loaded)
 * and the EVE "fileinfo" event (Suricata). */
#ifndef VIGIL_OUTPUT_FILES_LOG_H
#define VIGIL_OUTPUT_FILES_LOG_H

#include "files/files-t.h"
#include "output/writers.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"

struct output_worker;

void output_files(struct output_worker *w, const struct app_conn *c, const struct file_info *f);

/* The entry of output/writers.c for EVENT_FILE. */
extern const struct txn_writer files_writer;

#endif
