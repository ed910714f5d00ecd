/* EVE `anomaly` events of type applayer that only Suricata reports
 * (proto/app_anomaly-t.h): no weird.log row, as Zeek raises no weird. */
#ifndef VIGIL_OUTPUT_APP_ANOMALY_EVE_H
#define VIGIL_OUTPUT_APP_ANOMALY_EVE_H

#include "output/writers.h"
#include "proto/app_anomaly-t.h"
#include "proto/conn-t.h"
#include "proto/event-t.h"

struct output_worker;

void output_app_anomaly(struct output_worker *w, const struct app_conn *c, const struct app_anomaly *a);

/* The entry of output/writers.c for EVENT_APP_ANOMALY. */
extern const struct txn_writer app_anomaly_writer;

#endif
