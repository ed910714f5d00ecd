/* ssh.log (Zeek) and the EVE "ssh" event (Suricata). */
#ifndef VIGIL_OUTPUT_SSH_LOG_H
#define VIGIL_OUTPUT_SSH_LOG_H

#include "proto/parser.h"
#include "proto/ssh.h"

struct output_worker;

void output_ssh(struct output_worker *w, const struct app_conn *c, const struct ssh_txn *t);

#endif
