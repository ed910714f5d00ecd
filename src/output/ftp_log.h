/* ftp.log (Zeek's base/protocols/ftp) and EVE `ftp` and `ftp_data`
 * (Suricata). */
#ifndef VIGIL_OUTPUT_FTP_LOG_H
#define VIGIL_OUTPUT_FTP_LOG_H

#include "output/writers.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"
#include "proto/ftp-t.h"

struct output_worker;

void output_ftp(struct output_worker *w, const struct app_conn *c, const struct ftp_txn *t);
void output_ftp_data(struct output_worker *w, const struct app_conn *c, const struct ftp_data_txn *t);

/* The entries of output/writers.c for EVENT_FTP and EVENT_FTP_DATA. */
extern const struct txn_writer ftp_writer;
extern const struct txn_writer ftp_data_writer;

#endif
