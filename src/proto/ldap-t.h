/* LDAP over TCP and UDP 389 (and 3268, the global catalog): what the parser
 * publishes (EVENT_LDAP), one ldap.log or ldap_search.log row at a time, as
 * Zeek 6+'s base/protocols/ldap writes them: a row per message id, written
 * at the response that finishes the operation (or at the end). A StartTLS
 * that succeeds hands the connection to TLS; after a SASL bind whose
 * mechanism signs or seals, wrapped messages are read when only signed and
 * skipped when encrypted (conn.log then shows service gssapi). Type-only. */
#ifndef VIGIL_PROTO_LDAP_T_H
#define VIGIL_PROTO_LDAP_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/event-t.h"

#define LDAP_TEXT_MAX 512
#define LDAP_FILTER_MAX 1024

struct ldap_text {
    bool set;
    size_t len;
    char text[LDAP_TEXT_MAX];
};

/* ldap.log: Zeek's LDAP::MessageInfo. */
struct ldap_row {
    int64_t ts_us;
    int64_t message_id;
    bool has_version;
    int64_t version;
    const char *opcode;             /* "bind simple", "bind SASL", "add", "extended" ... NULL unset */
    const char *result;             /* Zeek's RESULT_CODES name, NULL unset */
    struct ldap_text diagnostic_message, object, argument;
};

/* ldap_search.log: Zeek's LDAP::SearchInfo. */
struct ldap_search_row {
    int64_t ts_us;
    int64_t message_id;
    const char *scope, *deref_aliases;
    struct ldap_text base_object;
    uint64_t result_count;
    const char *result;
    struct ldap_text diagnostic_message;
    bool has_filter;
    size_t filter_len;
    char filter[LDAP_FILTER_MAX];
};

/* What EVENT_LDAP points at: one of the two (borrowed for the call). For
 * the detectors, bind rows carry the bind's account in object. */
struct ldap_txn {
    const struct ldap_row *message;
    const struct ldap_search_row *search;
};

#endif
