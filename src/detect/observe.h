/* detect/observe: what the behaviour detectors see of live traffic — conn
 * records and transactions turned into observations (detect/behavior.h),
 * the same ones `vigil hunt` builds from stored logs. */
#ifndef VIGIL_DETECT_OBSERVE_H
#define VIGIL_DETECT_OBSERVE_H

#include <stdbool.h>

#include "detect/behavior.h"
#include "flow/conn_record-t.h"

#include "proto/event-t.h"

struct app_conn;

#define OBSERVE_MAX_ADDRS 32
#define OBSERVE_NAME_MAX 256

/* The observations one transaction gives (an HTTP request: a name and maybe an upload). */
struct observations {
    bool has_dns, has_name, has_upload;
    struct obs_dns dns;
    struct obs_name name;
    struct obs_upload upload;
    /* storage the obs_* point into */
    struct ip_addr addrs[OBSERVE_MAX_ADDRS];
    char query[OBSERVE_NAME_MAX];
    char host[OBSERVE_NAME_MAX];
};

void observe_conn(const struct conn_record *c, struct obs_conn *o);
/* False when the transaction says nothing the detectors use. */
bool observe_transaction(const struct app_conn *c, enum event_kind kind, const void *txn, struct observations *out);
void observations_feed(struct behavior *b, const struct observations *o);

/* A connection that carried SMTP is a mail sent: its size is what the
 * client sent (conn.log has it; smtp.log does not), so `vigil hunt` over
 * Zeek's logs sees the same upload as live analysis. */
bool observe_mail_upload(const struct obs_conn *c, struct obs_upload *u);
/* behavior_conn, plus the mail upload when there is one. */
void observe_feed_conn(struct behavior *b, const struct obs_conn *c);

/* "Host: example.com:8080" -> "example.com" (lower case, port and trailing dot dropped). */
size_t observe_host_name(const char *host, size_t n, char *out, size_t outlen);

#endif
