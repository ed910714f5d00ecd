/* A mail message judged on the wire (phish.log, EVE `phish`): what the
 * phishing detector hands the sink for every SMTP message, clean ones
 * included. Type-only header; every pointer is borrowed for the call. */
#ifndef VIGIL_DETECT_PHISH_T_H
#define VIGIL_DETECT_PHISH_T_H

#include <stddef.h>
#include <stdint.h>

#include "doc/report-t.h"
#include "proto/conn-t.h"
#include "util/bytes.h"

struct phish_record {
    int64_t ts_us;
    const struct app_conn *conn;
    uint64_t trans_depth;
    const char *message_id, *from, *subject; /* subject decoded to UTF-8 */
    struct byte_view mailfrom;
    size_t n_rcptto;
    const struct byte_view *rcptto;
    /* verdict, score and reasons; the attachments are its children, the
     * links judged bad are among its indicators */
    const struct doc_report *report;
    size_t n_urls;                      /* links found in the bodies */
    const char *attack;                 /* T1566.001 (attachment) or T1566.002 (link) */
};

#endif
