/* smtp.log (Zeek) and the EVE "smtp" event with its "email" object (Suricata). */
#ifndef VIGIL_OUTPUT_SMTP_LOG_H
#define VIGIL_OUTPUT_SMTP_LOG_H

#include "output/writers.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"
#include "proto/smtp-t.h"

struct output_worker;
struct json_writer;

void output_smtp(struct output_worker *w, const struct app_conn *c, const struct smtp_txn *t);

/* The "smtp" and "email" objects of t into an open EVE line: the smtp
 * event's, and the fileinfo event's of a file the mail carried. */
void smtp_eve_objects(struct output_worker *w, struct json_writer *j, const struct smtp_txn *t);

/* The entry of output/writers.c for EVENT_SMTP. */
extern const struct txn_writer smtp_writer;

#endif
