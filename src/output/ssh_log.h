/* ssh.log (Zeek) and the EVE "ssh" event (Suricata). */
#ifndef VIGIL_OUTPUT_SSH_LOG_H
#define VIGIL_OUTPUT_SSH_LOG_H

#include "output/writers.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"
#include "proto/ssh-t.h"

struct output_worker;

void output_ssh(struct output_worker *w, const struct app_conn *c, const struct ssh_txn *t);

/* The entry of output/writers.c for EVENT_SSH. */
extern const struct txn_writer ssh_writer;

#endif
