/* smb_mapping.log and smb_files.log (Zeek). */
#ifndef VIGIL_OUTPUT_SMB_LOG_H
#define VIGIL_OUTPUT_SMB_LOG_H

#include "output/writers.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"
#include "proto/smb-t.h"

struct output_worker;

void output_smb_mapping(struct output_worker *w, const struct app_conn *c, const struct smb_mapping_txn *t);
/* Writes only the actions Zeek logs (t->logged). */
void output_smb_files(struct output_worker *w, const struct app_conn *c, const struct smb_file_txn *t);

/* The entries of output/writers.c for EVENT_SMB_MAPPING and EVENT_SMB_FILES. */
extern const struct txn_writer smb_mapping_writer;
extern const struct txn_writer smb_files_writer;

#endif
